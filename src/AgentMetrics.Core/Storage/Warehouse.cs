using System;
using System.Collections.Generic;
using System.IO;
using AgentMetrics.Errors;
using AgentMetrics.Util;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Storage
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

        /// <summary>Opens (creating if needed) the warehouse at <paramref name="path"/>, or the default one.</summary>
        public static Warehouse Open(string? path = null, bool readOnly = false)
        {
            string fullPath = System.IO.Path.GetFullPath(string.IsNullOrEmpty(path) ? AgentMetricsPaths.DefaultWarehouse : path);
            if (readOnly && !File.Exists(fullPath))
            {
                throw new AgentMetricsException(
                    "WarehouseNotFound",
                    ErrorKind.ObjectNotFound,
                    $"No AgentMetrics warehouse at '{fullPath}'. Run Import-AgentHistory first, or name one with -Warehouse.",
                    fullPath);
            }

            if (!readOnly)
            {
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
                    throw new AgentMetricsException("WarehouseOpenFailed", ex is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.ResourceUnavailable, $"Cannot create the warehouse folder '{folder}': {ex.Message}", fullPath, ex);
                }
            }

            SqliteConnection connection;
            try
            {
                SqliteNative.EnsureLoaded();
                var builder = new SqliteConnectionStringBuilder
                {
                    DataSource = fullPath,
                    Mode = SqliteOpenMode.ReadWriteCreate,
                    // Pooled connections keep the file open after Dispose: Windows then cannot delete it.
                    Pooling = false,
                    DefaultTimeout = 60,
                };
                connection = new SqliteConnection(builder.ToString());
                connection.Open();
            }
            catch (SqliteException ex)
            {
                throw new AgentMetricsException("WarehouseOpenFailed", ErrorKind.ResourceUnavailable, $"Cannot open the warehouse '{fullPath}': {ex.Message}", fullPath, ex);
            }

            var warehouse = new Warehouse(fullPath, connection);
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

        private void Prepare()
        {
            Execute("PRAGMA busy_timeout = 60000;");
            long version = Scalar<long>("PRAGMA user_version;");
            if (version > SchemaVersion)
            {
                throw new AgentMetricsException(
                    "WarehouseVersionTooNew",
                    ErrorKind.InvalidData,
                    $"The warehouse '{Path}' has schema version {version}, newer than this AgentMetrics understands ({SchemaVersion}). Update the AgentMetrics module; the warehouse was not changed.",
                    Path);
            }

            try
            {
                if (Scalar<string>("PRAGMA journal_mode;") != "wal")
                {
                    Execute("PRAGMA journal_mode = WAL;");
                }

                Execute($"PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = {CacheSizePragmaValue}; PRAGMA wal_autocheckpoint = {WalCheckpointPages}; PRAGMA temp_store = {TempStorePragmaValue};");
                if (version < SchemaVersion)
                {
                    Migrate();
                }
            }
            catch (SqliteException ex)
            {
                throw Map(ex, "prepare the warehouse");
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

        internal AgentMetricsException Map(SqliteException ex, string doing)
        {
            // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another process holds the warehouse longer than we wait.
            bool busy = ex.SqliteErrorCode == 5 || ex.SqliteErrorCode == 6;
            return new AgentMetricsException(
                busy ? "WarehouseBusy" : "WarehouseError",
                busy ? ErrorKind.ResourceBusy : ErrorKind.WriteError,
                $"Could not {doing} in '{Path}': {ex.Message}",
                Path,
                ex);
        }

        public WarehouseInfo Describe()
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
                if (File.Exists(file))
                {
                    info.SizeBytes += new FileInfo(file).Length;
                }
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
        }
    }
}
