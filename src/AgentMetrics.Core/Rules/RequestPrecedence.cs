using System;
using System.Linq;

namespace AgentMetrics.Rules
{
    /// <summary>
    /// Which copy of a request the warehouse keeps, and so the day and the session the request counts in
    /// (docs/formats.md#c2-one-response-counts-once and #c6-session-of-a-copy). The first criterion that tells two copies apart decides:
    /// <list type="number">
    /// <item>the heaviest copy (input + output + cache write + cache read): the final streaming snapshot;</item>
    /// <item>the earliest timestamp;</item>
    /// <item>the copy from the file that started first;</item>
    /// <item>the copy from the file that ended first: a resumed session repeats the original's lines with their
    /// timestamps, so both files start at the same instant, but the resumed one goes on past the copies;</item>
    /// <item>the copy nearer the start of its file (within one file: the first line; a resumed file holds its copies
    /// after the lines it starts with, never before);</item>
    /// <item>last, only between files that start and end at the same instant and hold the copy on the same line
    /// (one file copied twice, a Codex rollout in both sessions/ and archived_sessions/): the path, so that the row
    /// kept does not depend on the order the files were read in.</item>
    /// </list>
    /// The session a request counts in is its kept copy's sessionId, and a tool call counts in its request's session
    /// (queries join tool_calls to requests by request_key; the call's own session_id is only a fallback for a call
    /// whose request has no row): so this order is also the rule for which session a copy belongs to.
    /// Written once, here: the C# comparison (the first import's in-memory keys, a batch's own copies) and the SQL of
    /// the upsert and of the first import's final merge are all made from <see cref="Order"/>.
    /// </summary>
    internal static class RequestPrecedence
    {
        /// <summary>A file's first or last time when it has none (a copy from it loses the tie); SQL's coalesce uses the same.</summary>
        public const long Unknown = long.MaxValue;

        /// <summary>
        /// The criteria, each as a key where the smaller wins: its value in C#, and in SQL for a requests row (the row's
        /// alias given). A file's end is read from source_files at the time of the comparison: a file that grows moves
        /// its end, and a kept copy is compared by its file's current end.
        /// </summary>
        private static readonly Criterion[] Order =
        {
            new Criterion((a, b) => b.Weight.CompareTo(a.Weight), row => $"-{row}.weight"),
            new Criterion((a, b) => a.Ts.CompareTo(b.Ts), row => $"{row}.ts"),
            new Criterion((a, b) => a.FileStart.CompareTo(b.FileStart), row => $"coalesce({row}.file_start_ts, {Unknown})"),
            new Criterion((a, b) => a.FileEnd.CompareTo(b.FileEnd), row => $"coalesce((SELECT last_ts FROM source_files WHERE file_id = {row}.file_id), {Unknown})"),
            new Criterion((a, b) => a.Line.CompareTo(b.Line), row => $"coalesce({row}.line, 0)"),
            new Criterion((a, b) => CompareAsSqlite(a.Path, b.Path), row => $"coalesce((SELECT path FROM source_files WHERE file_id = {row}.file_id), '')"),
        };

        /// <summary>Negative when <paramref name="a"/> is kept over <paramref name="b"/>, positive when <paramref name="b"/> is, 0 when nothing tells them apart.</summary>
        public static int Compare(in RequestRank a, in RequestRank b)
        {
            foreach (Criterion criterion in Order)
            {
                int order = criterion.Compare(a, b);
                if (order != 0)
                {
                    return order;
                }
            }

            return 0;
        }

        /// <summary>The precedence as a tuple of SQL keys for a requests row (smaller wins, compared left to right).</summary>
        public static string KeysSql(string row) => "(" + string.Join(", ", Order.Select(c => c.Sql(row))) + ")";

        /// <summary>The upsert's condition: the copy being inserted (excluded) beats the row kept (requests).</summary>
        public static string ExcludedBeatsKeptSql { get; } = KeysSql("excluded") + " < " + KeysSql("requests");

        /// <summary>An ORDER BY list that puts the kept copy of each key first (rows of table requests, unaliased).</summary>
        public static string OrderBySql { get; } = string.Join(", ", Order.Select(c => c.Sql("requests")));

        /// <summary>
        /// Text compared as SQLite's BINARY collation compares it (UTF-8 bytes, so code points): UTF-16 ordinal order
        /// differs from that only when a surrogate pair meets a character from U+E000 up.
        /// </summary>
        internal static int CompareAsSqlite(string a, string b)
        {
            int length = Math.Min(a.Length, b.Length);
            for (int i = 0; i < length; i++)
            {
                char x = a[i];
                char y = b[i];
                if (x != y)
                {
                    bool xSurrogate = char.IsSurrogate(x);
                    bool ySurrogate = char.IsSurrogate(y);
                    return xSurrogate == ySurrogate ? x.CompareTo(y) : xSurrogate ? 1 : -1;
                }
            }

            return a.Length.CompareTo(b.Length);
        }

        private sealed class Criterion
        {
            public Criterion(Func<RequestRank, RequestRank, int> compare, Func<string, string> sql)
            {
                Compare = compare;
                Sql = sql;
            }

            public Func<RequestRank, RequestRank, int> Compare { get; }

            public Func<string, string> Sql { get; }
        }
    }
}
