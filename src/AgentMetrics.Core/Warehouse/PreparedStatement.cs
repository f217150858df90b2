using System;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Warehousing
{
    /// <summary>
    /// A statement prepared once on the connection's own handle and bound by position. Imports write
    /// hundreds of thousands of rows; going through SQLitePCLRaw directly skips the reader object and
    /// parameter bookkeeping ADO.NET pays on every ExecuteNonQuery, which was most of the writer's time.
    /// It runs inside the transaction Microsoft.Data.Sqlite began on the same handle.
    /// </summary>
    internal sealed class PreparedStatement : IDisposable
    {
        private readonly SQLitePCL.sqlite3 _db;
        private readonly SQLitePCL.sqlite3_stmt _statement;
        private readonly int[] _indexes;
        private readonly object?[] _values;
        private readonly bool[] _bound;

        public PreparedStatement(SqliteConnection connection, string sql, string[] names)
        {
            _db = connection.Handle!;
            Check(SQLitePCL.raw.sqlite3_prepare_v2(_db, sql, out _statement));
            _indexes = new int[names.Length];
            _values = new object?[names.Length];
            _bound = new bool[names.Length];
            for (int i = 0; i < names.Length; i++)
            {
                _indexes[i] = SQLitePCL.raw.sqlite3_bind_parameter_index(_statement, names[i]);
            }
        }

        public int Execute(params object?[] values)
        {
            Bind(values);
            Run(out _);
            return SQLitePCL.raw.sqlite3_changes(_db);
        }

        /// <summary>Runs a statement that gives one integer back (an upsert's RETURNING clause): that integer.</summary>
        public long ExecuteInt64(params object?[] values)
        {
            Bind(values);
            return Run(out long first) ? first : throw new InvalidOperationException("The statement gave no row back.");
        }

        /// <summary>One step, then a reset (a reset keeps the bindings); true, with its first column, when it gave a row.</summary>
        private bool Run(out long first)
        {
            int step = SQLitePCL.raw.sqlite3_step(_statement);
            // A change is made by the first step; the reset finishes the statement.
            first = step == SQLitePCL.raw.SQLITE_ROW ? SQLitePCL.raw.sqlite3_column_int64(_statement, 0) : 0;
            SQLitePCL.raw.sqlite3_reset(_statement);
            if (step != SQLitePCL.raw.SQLITE_DONE && step != SQLitePCL.raw.SQLITE_ROW)
            {
                Check(step);
            }

            return step == SQLitePCL.raw.SQLITE_ROW;
        }

        private void Bind(object?[] values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                // A reset keeps the bindings: a value equal to the one already bound (the source, the file,
                // the project, the model, the nulls - most of a row) is not bound again.
                object? value = values[i];
                if (_bound[i] && (value is null ? _values[i] is null : value.Equals(_values[i])))
                {
                    continue;
                }

                int index = _indexes[i];
                _bound[i] = false;
                int rc = value switch
                {
                    null => SQLitePCL.raw.sqlite3_bind_null(_statement, index),
                    string text => SQLitePCL.raw.sqlite3_bind_text(_statement, index, text),
                    long number => SQLitePCL.raw.sqlite3_bind_int64(_statement, index, number),
                    int number => SQLitePCL.raw.sqlite3_bind_int64(_statement, index, number),
                    double real => SQLitePCL.raw.sqlite3_bind_double(_statement, index, real),
                    var other => throw new ArgumentException($"Cannot bind a {other.GetType().Name}."),
                };
                Check(rc);
                _values[i] = value;
                _bound[i] = true;
            }
        }

        private void Check(int rc)
        {
            if (rc != SQLitePCL.raw.SQLITE_OK)
            {
                throw new SqliteException(SQLitePCL.raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
            }
        }

        public void Dispose() => _statement.Dispose();
    }
}
