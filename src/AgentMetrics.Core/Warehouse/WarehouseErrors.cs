using System;
using System.IO;
using AgentMetrics.Errors;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Warehousing
{
    /// <summary>
    /// The one place a SQLite failure becomes an AgentMetrics error: the warehouse's path as the target, a kind
    /// PowerShell can categorise, and what the user can do next. Everything in Core that talks to SQLite lets
    /// SqliteException go up to the warehouse's entry points, which send it here.
    /// </summary>
    public static class WarehouseErrors
    {
        // SQLite's primary result codes (the low byte of an extended code).
        private const int Perm = 3;
        private const int Busy = 5;
        private const int Locked = 6;
        private const int ReadOnly = 8;
        private const int IoErr = 10;
        private const int Corrupt = 11;
        private const int Full = 13;
        private const int CantOpen = 14;
        private const int Auth = 23;
        private const int NotADb = 26;

        /// <summary>How long a command waits for a warehouse another process holds before it gives up, in seconds.</summary>
        public static int BusyTimeoutSeconds
        {
            get
            {
                // AGENTMETRICS_BUSY_TIMEOUT lets a scheduled job fail fast instead of waiting the default minute.
                string? configured = Environment.GetEnvironmentVariable("AGENTMETRICS_BUSY_TIMEOUT");
                return int.TryParse(configured, out int seconds) && seconds >= 0 ? seconds : 60;
            }
        }

        /// <summary><paramref name="doing"/> completes "In '{path}', could not ..." (e.g. "read", "write the import").</summary>
        public static AgentMetricsException Map(SqliteException ex, string path, string doing)
        {
            int code = ex.SqliteErrorCode & 0xFF;
            string detail = ex.Message.Replace("SQLite Error " + ex.SqliteErrorCode + ": ", string.Empty).Trim('\'', ' ', '.');
            switch (code)
            {
                case Busy:
                case Locked:
                    return new AgentMetricsException("WarehouseBusy", ErrorKind.ResourceBusy,
                        $"In '{path}', could not {doing}: another process held it locked for longer than {BusyTimeoutSeconds} s. Let that process (an import, or a program that opened the file) finish, then run the command again.",
                        path, ex);
                case Corrupt:
                case NotADb:
                    return new AgentMetricsException("WarehouseCorrupt", ErrorKind.InvalidData,
                        $"In '{path}', could not {doing}: the warehouse file is damaged ({detail}). Move it aside and run Import-AgentHistory to build a new one from the agents' history.",
                        path, ex);
                case Full:
                    return new AgentMetricsException("WarehouseDiskFull", ErrorKind.WriteError,
                        $"In '{path}', could not {doing}: the disk is full. Free space on that disk (or name a warehouse elsewhere with -Warehouse) and run Import-AgentHistory again; what was committed so far is kept.",
                        path, ex);
                case ReadOnly:
                    return new AgentMetricsException("WarehouseReadOnly", ErrorKind.PermissionDenied,
                        $"In '{path}', could not {doing}: the file or its folder is read-only. Queries can still read it; to import into it, make it writable or copy it to a writable folder.",
                        path, ex);
                case Perm:
                case Auth:
                    return new AgentMetricsException("WarehouseAccessDenied", ErrorKind.PermissionDenied,
                        $"In '{path}', could not {doing}: access denied ({detail}). Check the file's and its folder's permissions.",
                        path, ex);
                case CantOpen:
                    return new AgentMetricsException("WarehouseOpenFailed", ErrorKind.ResourceUnavailable,
                        $"In '{path}', could not {doing}: SQLite cannot open it or the files beside it (-wal, -shm) ({detail}). Check that the folder exists and is readable; a copy of a warehouse needs its -wal file beside it.",
                        path, ex);
                case IoErr:
                    return new AgentMetricsException("WarehouseIOError", ErrorKind.ReadError,
                        $"In '{path}', could not {doing}: the disk reported an I/O error ({detail}). Check the disk or share holding it, then run the command again.",
                        path, ex);
                default:
                    return new AgentMetricsException("WarehouseError", ErrorKind.NotSpecified,
                        $"In '{path}', could not {doing}: {detail}. If this persists, move the warehouse aside and run Import-AgentHistory to build a new one.",
                        path, ex);
            }
        }

        /// <summary>A file-system failure on the warehouse or the files beside it.</summary>
        public static AgentMetricsException Unreadable(string path, Exception ex) => ex is UnauthorizedAccessException
            ? new AgentMetricsException("WarehouseAccessDenied", ErrorKind.PermissionDenied, $"Cannot read '{path}': {ex.Message} Check the file's and its folder's permissions.", path, ex)
            : new AgentMetricsException("WarehouseIOError", ErrorKind.ReadError, $"Cannot read '{path}': {ex.Message}", path, ex);

        public static AgentMetricsException NotFound(string path) => new AgentMetricsException(
            "WarehouseNotFound",
            ErrorKind.ObjectNotFound,
            $"No AgentMetrics warehouse at '{path}'. Run Import-AgentHistory to create it from your agents' history (queries never create one), or name an existing one with -Warehouse.",
            path);

        public static AgentMetricsException NotAWarehouse(string path, string reason) => new AgentMetricsException(
            "NotAWarehouse",
            ErrorKind.InvalidData,
            $"'{path}' is not an AgentMetrics warehouse: {reason}. It was left untouched. Name an AgentMetrics warehouse with -Warehouse, or a new file for Import-AgentHistory to create.",
            path);

        public static AgentMetricsException EmptyWarehouse(string path) => new AgentMetricsException(
            "WarehouseEmpty",
            ErrorKind.ObjectNotFound,
            $"'{path}' is empty: nothing was ever imported into it. Run Import-AgentHistory -Warehouse '{path}' to fill it.",
            path);

        /// <summary>Recovers the file-system exception type where a caller needs it.</summary>
        internal static bool IsFileSystem(Exception ex) => ex is IOException || ex is UnauthorizedAccessException;
    }
}
