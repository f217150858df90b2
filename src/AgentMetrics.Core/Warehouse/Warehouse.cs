using System;
using System.Collections.Generic;
using System.IO;
using AgentMetrics.Errors;
using AgentMetrics.Util;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Warehousing
{
    /// <summary>
    /// The local SQLite warehouse: one file, WAL, schema versioned by PRAGMA user_version and migrated
    /// forward on open. A file written by a newer AgentMetrics is refused before anything is written to it.
    /// </summary>
    public sealed class Warehouse : IDisposable
    {
        private Warehouse(string path, SqliteConnection connection)
        {
            Path = path;
            Connection = connection;
        }

        public string Path { get; }

        internal SqliteConnection Connection { get; }

        public static int SchemaVersion => Schema.Migrations.Count;

        /// <summary>16 MB of page cache (negative = KiB): enough for the import's working set, within its memory budget.</summary>
        internal const int CacheSizePragmaValue = -16384;

        /// <summary>
        /// Statement journals in memory. Every upsert inside an import's transaction keeps the pages it changes
        /// until it completes (to undo itself alone on a conflict); once one statement's copy passed 64 KB,
        /// SQLite put all of them in a file under /var/tmp - an append wrote 29 MB there, one syscall a page.
        /// They are a few pages each; a first import's index sorts still go to files (BulkLoad.Finish).
        /// </summary>
        internal const string TempStorePragmaValue = "MEMORY";

        /// <summary>
        /// Checkpoint the write-ahead log every 64 MB rather than SQLite's 4 MB: each checkpoint syncs the file,
        /// and an import writes hundreds of MB of pages. Closing the warehouse checkpoints the rest. (Leaving
        /// that to the next import instead was measured: every later process then pays to recover the log,
        /// which costs a warm run more than the checkpoint saves an append.)
        /// </summary>
        internal const int WalCheckpointPages = 16384;

        /// <summary>
        /// For an import: opens the warehouse at <paramref name="path"/> (or the default one), creating it and its
        /// folder if needed and migrating it forward. Any other file there is refused before SQLite opens it.
        /// <paramref name="readOnly"/> opens it as a query does instead (see <see cref="OpenForReading"/>).
        /// </summary>
        public static Warehouse Open(string? path = null, bool readOnly = false)
        {
            string fullPath = FullPath(path);
            if (readOnly)
            {
                return OpenForReading(fullPath);
            }

            WarehouseIdentity identity = WarehouseFile.Identify(fullPath, out string reason);
            if (identity == WarehouseIdentity.Foreign)
            {
                throw WarehouseErrors.NotAWarehouse(fullPath, reason);
            }

            string? folder = System.IO.Path.GetDirectoryName(fullPath);
            try
            {
                if (!string.IsNullOrEmpty(folder))
                {
                    Directory.CreateDirectory(folder);
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new AgentMetricsException("WarehouseOpenFailed", ex is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.ResourceUnavailable, $"Cannot create the warehouse folder '{folder}': {ex.Message} Name a warehouse in a writable folder with -Warehouse.", fullPath, ex);
            }

            var warehouse = Connect(fullPath, fullPath, SqliteOpenMode.ReadWriteCreate, "open");
            try
            {
                warehouse.Prepare();
                return warehouse;
            }
            catch
            {
                warehouse.Dispose();
                throw;
            }
        }

        /// <summary>
        /// For a query: opens an existing warehouse without writing to it - no file or folder created, no
        /// migration, no journal-mode change, and every statement refused a write (query_only). A file that is
        /// not a warehouse is refused before SQLite opens it. In a read-only folder (a copy on a share) SQLite
        /// cannot create the -shm index a write-ahead-log reader needs: the file is then read as immutable when
        /// its log is empty, or through a temporary copy with its log when that log holds pages (an immutable
        /// connection would not see them).
        /// </summary>
        public static Warehouse OpenForReading(string? path = null, bool allowOlderSchema = false)
        {
            string fullPath = FullPath(path);
            switch (WarehouseFile.Identify(fullPath, out string reason))
            {
                case WarehouseIdentity.Missing:
                    throw WarehouseErrors.NotFound(fullPath);
                case WarehouseIdentity.Empty:
                    throw WarehouseErrors.EmptyWarehouse(fullPath);
                case WarehouseIdentity.Foreign:
                    throw WarehouseErrors.NotAWarehouse(fullPath, reason);
            }

            Warehouse warehouse = Connect(fullPath, fullPath, SqliteOpenMode.ReadWrite, "read");
            try
            {
                warehouse.PrepareForReading(allowOlderSchema);
                return warehouse;
            }
            catch (AgentMetricsException ex) when (ex.InnerException is SqliteException sqlite && NeedsWritableFolder(sqlite))
            {
                warehouse.Dispose();
            }
            catch
            {
                warehouse.Dispose();
                throw;
            }

            // The folder is read-only (a -shm could not be made).
            string log = fullPath + "-wal";
            bool logHasPages = WarehouseFile.SizeOrZero(log) > 0;
            warehouse = logHasPages
                ? ConnectToCopy(fullPath)
                : Connect(fullPath, WarehouseFile.ImmutableUri(fullPath), SqliteOpenMode.ReadOnly, "read");
            try
            {
                warehouse.OpenedAs = logHasPages
                    ? $"its folder is read-only and its log holds pages: read through a temporary copy in {System.IO.Path.GetDirectoryName(warehouse._copy)}"
                    : "its folder is read-only: read as an immutable file";
                warehouse.PrepareForReading(allowOlderSchema);
                return warehouse;
            }
            catch
            {
                warehouse.Dispose();
                throw;
            }
        }

        private static string FullPath(string? path) => System.IO.Path.GetFullPath(string.IsNullOrEmpty(path) ? AgentMetricsPaths.DefaultWarehouse : path);

        /// <summary>SQLITE_CANTOPEN or SQLITE_READONLY_* on the first read: the -shm could not be created or written.</summary>
        private static bool NeedsWritableFolder(SqliteException ex) => (ex.SqliteErrorCode & 0xFF) == 14 || (ex.SqliteErrorCode & 0xFF) == 8;

        private static Warehouse Connect(string fullPath, string dataSource, SqliteOpenMode mode, string doing)
        {
            SqliteNative.EnsureLoaded();
            var builder = new SqliteConnectionStringBuilder
            {
                DataSource = dataSource,
                Mode = mode,
                // Pooled connections keep the file open after Dispose: Windows then cannot delete it.
                Pooling = false,
                DefaultTimeout = WarehouseErrors.BusyTimeoutSeconds,
            };
            var connection = new SqliteConnection(builder.ToString());
            try
            {
                connection.Open();
            }
            catch (SqliteException ex)
            {
                connection.Dispose();
                throw WarehouseErrors.Map(ex, fullPath, doing);
            }

            return new Warehouse(fullPath, connection);
        }

        /// <summary>The warehouse and its log copied to a private temporary folder, deleted again on Dispose.</summary>
        private static Warehouse ConnectToCopy(string fullPath)
        {
            string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "agentmetrics-" + Guid.NewGuid().ToString("N"));
            string copy = System.IO.Path.Combine(folder, System.IO.Path.GetFileName(fullPath));
            try
            {
                Directory.CreateDirectory(folder);
                File.Copy(fullPath, copy);
                File.Copy(fullPath + "-wal", copy + "-wal");
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                TryDelete(folder);
                throw WarehouseErrors.Unreadable(fullPath, ex);
            }

            try
            {
                Warehouse warehouse = Connect(fullPath, copy, SqliteOpenMode.ReadWrite, "read");
                warehouse._copy = copy;
                return warehouse;
            }
            catch
            {
                TryDelete(folder);
                throw;
            }
        }

        private static void TryDelete(string folder)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // A temporary folder left behind is the system's to clean; the query's answer stands.
            }
        }

        private string? _copy;

        /// <summary>How a query had to open the file, when not the ordinary way (said under -Verbose); empty otherwise.</summary>
        public string OpenedAs { get; private set; } = string.Empty;

        private void PrepareForReading(bool allowOlderSchema)
        {
            try
            {
                Execute($"PRAGMA query_only = ON; PRAGMA busy_timeout = {WarehouseErrors.BusyTimeoutSeconds * 1000}; PRAGMA cache_size = {CacheSizePragmaValue}; PRAGMA temp_store = {TempStorePragmaValue};");
                long version = Scalar<long>("PRAGMA user_version;");
                if (version > SchemaVersion)
                {
                    throw TooNew(version);
                }

                if (version < SchemaVersion && !allowOlderSchema)
                {
                    throw new AgentMetricsException(
                        "WarehouseNeedsUpgrade",
                        ErrorKind.InvalidOperation,
                        $"The warehouse '{Path}' has schema version {version}; this AgentMetrics reads version {SchemaVersion}. Queries never write, so run Import-AgentHistory -Warehouse '{Path}' once to upgrade it.",
                        Path);
                }
            }
            catch (SqliteException ex)
            {
                throw Map(ex, "read");
            }
        }

        private AgentMetricsException TooNew(long version) => new AgentMetricsException(
            "WarehouseVersionTooNew",
            ErrorKind.InvalidData,
            $"The warehouse '{Path}' has schema version {version}, newer than this AgentMetrics understands ({SchemaVersion}). Update the AgentMetrics module; the warehouse was not changed.",
            Path);

        private void Prepare()
        {
            try
            {
                Execute($"PRAGMA busy_timeout = {WarehouseErrors.BusyTimeoutSeconds * 1000};");
                long version = Scalar<long>("PRAGMA user_version;");
                if (version > SchemaVersion)
                {
                    throw TooNew(version);
                }

                if (Scalar<string>("PRAGMA journal_mode;") != "wal")
                {
                    Execute("PRAGMA journal_mode = WAL;");
                }

                Execute($"PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = {CacheSizePragmaValue}; PRAGMA wal_autocheckpoint = {WalCheckpointPages}; PRAGMA temp_store = {TempStorePragmaValue};");
                if (version < SchemaVersion)
                {
                    Migrate();
                }

                // Marks the file as ours in its header, where a query recognises it without opening it in SQLite.
                if (Scalar<long>("PRAGMA application_id;") != WarehouseFile.ApplicationId)
                {
                    Execute($"PRAGMA application_id = {WarehouseFile.ApplicationId};");
                }
            }
            catch (SqliteException ex)
            {
                throw Map(ex, "open");
            }
        }

        private void Migrate()
        {
            using var tx = BeginWrite();
            // Re-read inside the write lock: another process may have migrated meanwhile.
            long version = Scalar<long>("PRAGMA user_version;", tx);
            for (int step = (int)version; step < Schema.Migrations.Count; step++)
            {
                Execute(Schema.Migrations[step], tx);
                Execute($"PRAGMA user_version = {step + 1};", tx);
            }

            tx.Commit();
        }

        /// <summary>BEGIN IMMEDIATE: takes SQLite's write lock now rather than failing on the first write later.</summary>
        internal SqliteTransaction BeginWrite()
        {
            return Connection.BeginTransaction(deferred: false);
        }

        internal void Execute(string sql, SqliteTransaction? tx = null)
        {
            using var command = Connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = tx;
            command.ExecuteNonQuery();
        }

        internal T Scalar<T>(string sql, SqliteTransaction? tx = null)
        {
            using var command = Connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = tx;
            object? value = command.ExecuteScalar();
            return value is null || value is DBNull ? default! : (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
        }

        internal SqliteCommand Command(string sql, SqliteTransaction? tx = null)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = tx;
            return command;
        }

        /// <summary>This warehouse's SQLite failure as an AgentMetrics error (see <see cref="WarehouseErrors"/>).</summary>
        internal AgentMetricsException Map(SqliteException ex, string doing) => WarehouseErrors.Map(ex, Path, doing);

        /// <summary>Runs a query's reads, turning a SQLite failure into the warehouse's error.</summary>
        internal T Read<T>(Func<T> read)
        {
            try
            {
                return read();
            }
            catch (SqliteException ex)
            {
                throw Map(ex, "read");
            }
        }

        public WarehouseInfo Describe() => Read(DescribeNow);

        private WarehouseInfo DescribeNow()
        {
            var info = new WarehouseInfo
            {
                Path = Path,
                SchemaVersion = (int)Scalar<long>("PRAGMA user_version;"),
                SqliteVersion = SqliteNative.Version,
                Files = Scalar<long>("SELECT count(*) FROM source_files;"),
                Requests = Scalar<long>("SELECT count(*) FROM requests WHERE is_synthetic = 0;"),
                Sessions = Scalar<long>("SELECT count(*) FROM (SELECT DISTINCT source, session_id FROM requests WHERE is_synthetic = 0);"),
            };
            long first = Scalar<long>("SELECT coalesce(min(ts), 0) FROM requests;");
            long last = Scalar<long>("SELECT coalesce(max(ts), 0) FROM requests;");
            if (info.Requests > 0)
            {
                // Local, like every other time AgentMetrics shows (Session.Start, cost periods without -Utc).
                info.FirstRequest = TimeUtil.FromUnixMs(first).LocalDateTime;
                info.LastRequest = TimeUtil.FromUnixMs(last).LocalDateTime;
            }

            foreach (string file in new[] { Path, Path + "-wal" })
            {
                info.SizeBytes += WarehouseFile.SizeOrZero(file);
            }

            return info;
        }

        /// <summary>
        /// Close with the write-ahead log checkpointed on a background thread (see BackgroundCheckpoint): set by
        /// an import, which leaves megabytes in the log that the next command need not wait for.
        /// </summary>
        public bool CheckpointInBackground { get; set; }

        public void Dispose()
        {
            if (CheckpointInBackground)
            {
                BackgroundCheckpoint.Start(Path);
            }

            Connection.Dispose();
            if (_copy is not null)
            {
                TryDelete(System.IO.Path.GetDirectoryName(_copy)!);
            }
        }
    }
}
