using System;
using AgentMetrics.Errors;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Warehousing
{
    /// <summary>
    /// A failed native load leaves SqliteConnection's static state broken for the whole process, with an
    /// unhelpful TypeInitializationException on every later use. Check once and say what is missing.
    /// </summary>
    public static class SqliteNative
    {
        private static readonly object Gate = new object();
        private static string? _version;
        private static Exception? _failure;

        /// <summary>Where the host expects the native library; set by the module loader for the error message.</summary>
        public static string? ExpectedLocation { get; set; }

        public static string Version
        {
            get
            {
                EnsureLoaded();
                return _version!;
            }
        }

        public static void EnsureLoaded()
        {
            lock (Gate)
            {
                if (_version is null && _failure is null)
                {
                    try
                    {
                        using var connection = new SqliteConnection("Data Source=:memory:");
                        connection.Open();
                        using var command = connection.CreateCommand();
                        command.CommandText = "select sqlite_version();";
                        _version = (string)command.ExecuteScalar()!;
                    }
                    catch (Exception ex) when (ex is DllNotFoundException || ex is TypeInitializationException || ex is EntryPointNotFoundException || ex is BadImageFormatException || ex is InvalidOperationException)
                    {
                        _failure = ex;
                    }
                }

                if (_failure is not null)
                {
                    string os = System.Runtime.InteropServices.RuntimeInformation.OSDescription;
                    string arch = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
                    throw new AgentMetricsException(
                        "SqliteNativeLibraryNotLoaded",
                        ErrorKind.NotInstalled,
                        $"The native SQLite library could not be loaded for {os} ({arch}). Expected it at '{ExpectedLocation ?? "(next to Microsoft.Data.Sqlite)"}'. Reinstall the module, or report this OS/architecture. Cause: {Innermost(_failure).Message}",
                        ExpectedLocation,
                        _failure);
                }
            }
        }

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException is not null)
            {
                ex = ex.InnerException;
            }

            return ex;
        }
    }
}
