using System;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AgentMetrics.Warehousing
{
    /// <summary>
    /// Runs a command's SQL and parameters as one SQLite statement on the connection's own handle and reads
    /// its rows column by column. For queries returning thousands of rows: Microsoft.Data.Sqlite's data reader
    /// asks SQLite for each value's type before reading it, and every call crosses into native code, which
    /// was most of a cost query's time (13,000 rollup slices: ~70 ms, of which SQLite's own work is ~20).
    /// </summary>
    internal sealed class RawQuery : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;

        public RawQuery(SqliteCommand command)
        {
            _db = command.Connection!.Handle!;
            Check(raw.sqlite3_prepare_v2(_db, command.CommandText, out _statement));
            foreach (SqliteParameter parameter in command.Parameters)
            {
                int index = raw.sqlite3_bind_parameter_index(_statement, parameter.ParameterName);
                if (index == 0)
                {
                    continue;
                }

                int rc = parameter.Value switch
                {
                    null => raw.sqlite3_bind_null(_statement, index),
                    DBNull _ => raw.sqlite3_bind_null(_statement, index),
                    string text => raw.sqlite3_bind_text(_statement, index, text),
                    long number => raw.sqlite3_bind_int64(_statement, index, number),
                    int number => raw.sqlite3_bind_int64(_statement, index, number),
                    double real => raw.sqlite3_bind_double(_statement, index, real),
                    var other => throw new ArgumentException($"Cannot bind a {other.GetType().Name}."),
                };
                Check(rc);
            }
        }

        /// <summary>Steps to the next row; false after the last.</summary>
        public bool Read()
        {
            int rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                return true;
            }

            if (rc != raw.SQLITE_DONE)
            {
                Check(rc);
            }

            return false;
        }

        public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

        public double? NullableDouble(int column) =>
            raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL ? (double?)null : raw.sqlite3_column_double(_statement, column);

        /// <summary>The column's text, or null for SQL NULL.</summary>
        public string? Text(int column) =>
            raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(_statement, column).utf8_to_string();

        /// <summary>The column's UTF-8 bytes (empty for SQL NULL), valid until the next <see cref="Read"/>: for comparing without a string.</summary>
        public ReadOnlySpan<byte> Utf8(int column) => raw.sqlite3_column_blob(_statement, column);

        public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK)
            {
                throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
            }
        }

        public void Dispose() => _statement.Dispose();
    }
}
