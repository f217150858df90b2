using System;
using System.IO;
using System.Text;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Warehousing
{
    /// <summary>
    /// Tells an AgentMetrics warehouse from any other file without changing it. The header's application id
    /// (set by every import) answers for most files from 100 bytes read as plain bytes. A SQLite file without
    /// it (another program's, or a warehouse from before the id) is looked into through an immutable read-only
    /// connection, which takes no lock and creates no -wal or -shm; only when a write-ahead log lies beside it
    /// (its latest pages are there, where an immutable connection does not look) does an ordinary connection
    /// read it, which that log's own program runs alongside anyway.
    /// </summary>
    internal static class WarehouseFile
    {
        /// <summary>"AgMt": PRAGMA application_id, stored at byte 68 of the header.</summary>
        internal const int ApplicationId = 0x41674D74;

        private const int HeaderLength = 100;
        private static readonly byte[] Magic = Encoding.ASCII.GetBytes("SQLite format 3\0");

        internal static WarehouseIdentity Identify(string path, out string reason)
        {
            reason = string.Empty;
            try
            {
                if (Directory.Exists(path))
                {
                    reason = "it is a folder";
                    return WarehouseIdentity.Foreign;
                }

                if (!File.Exists(path))
                {
                    return WarehouseIdentity.Missing;
                }

                bool hasLog = SizeOrZero(path + "-wal") > 0;
                byte[] header = ReadHeader(path);
                if (header.Length == 0 && !hasLog)
                {
                    return WarehouseIdentity.Empty;
                }

                if (header.Length > 0)
                {
                    if (header.Length < HeaderLength || !StartsWithMagic(header))
                    {
                        reason = "it is not a SQLite database";
                        return WarehouseIdentity.Foreign;
                    }

                    int applicationId = (header[68] << 24) | (header[69] << 16) | (header[70] << 8) | header[71];
                    if (applicationId == ApplicationId)
                    {
                        return WarehouseIdentity.Ours;
                    }

                    if (applicationId != 0)
                    {
                        reason = $"it is another program's SQLite database (application id 0x{applicationId:X8})";
                        return WarehouseIdentity.Foreign;
                    }
                }

                return LookInside(path, hasLog, out reason);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw WarehouseErrors.Unreadable(path, ex);
            }
        }

        private static byte[] ReadHeader(string path)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var header = new byte[Math.Min(HeaderLength, stream.Length)];
            int read = 0;
            while (read < header.Length)
            {
                int n = stream.Read(header, read, header.Length - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            if (read < header.Length)
            {
                Array.Resize(ref header, read);
            }

            return header;
        }

        private static bool StartsWithMagic(byte[] header)
        {
            for (int i = 0; i < Magic.Length; i++)
            {
                if (header[i] != Magic[i])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Our tables, or none at all (an empty database an import may fill), or someone else's.</summary>
        private static WarehouseIdentity LookInside(string path, bool hasLog, out string reason)
        {
            reason = string.Empty;
            var builder = new SqliteConnectionStringBuilder
            {
                DataSource = hasLog ? path : ImmutableUri(path),
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            };
            try
            {
                using var connection = new SqliteConnection(builder.ToString());
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT count(*), count(*) FILTER (WHERE name IN ('requests', 'source_files')) FROM sqlite_master WHERE type = 'table';";
                using var reader = command.ExecuteReader();
                reader.Read();
                long tables = reader.GetInt64(0);
                long ours = reader.GetInt64(1);
                if (ours == 2)
                {
                    return WarehouseIdentity.Ours;
                }

                if (tables == 0)
                {
                    return WarehouseIdentity.Empty;
                }

                reason = "it is a SQLite database without AgentMetrics' tables";
                return WarehouseIdentity.Foreign;
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 26 || ex.SqliteErrorCode == 11)
            {
                reason = "it is not a readable SQLite database (" + ex.Message + ")";
                return WarehouseIdentity.Foreign;
            }
            catch (SqliteException ex)
            {
                throw WarehouseErrors.Map(ex, path, "read");
            }
        }

        /// <summary>
        /// A file's size, 0 when it is not there. The -wal beside a warehouse comes and goes under us (SQLite deletes
        /// it when another process's last connection closes), so "exists, then ask its length" can throw between.
        /// </summary>
        internal static long SizeOrZero(string path)
        {
            try
            {
                return new FileInfo(path).Length;
            }
            catch (FileNotFoundException)
            {
                return 0;
            }
            catch (DirectoryNotFoundException)
            {
                return 0;
            }
        }

        /// <summary>A URI that opens the file as immutable: no locks, no -wal/-shm, nothing written (for a read-only folder too).</summary>
        /// <remarks>
        /// Built by hand rather than with System.Uri, which turns a UNC path (\\server\share\w.db, the share case)
        /// into file://server/..., an authority SQLite refuses; file:////server/share/w.db is SQLite's UNC form.
        /// Only %, ? and # need escaping in SQLite's URI filenames.
        /// </remarks>
        internal static string ImmutableUri(string path)
        {
            string slashed = Path.DirectorySeparatorChar == '\\' ? path.Replace('\\', '/') : path;
            if (!slashed.StartsWith("/", StringComparison.Ordinal))
            {
                slashed = "/" + slashed;
            }

            return "file://" + slashed.Replace("%", "%25").Replace("?", "%3f").Replace("#", "%23") + "?mode=ro&immutable=1";
        }
    }
}
