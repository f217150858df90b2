using System;

namespace AgentMetrics.Rules
{
    /// <summary>
    /// How the copies of a tool call's result merge into the call's row (docs/formats.md#c8-tool-calls: outcome
    /// and duration): the earliest time (a copy without one changes nothing), an error if any copy says so, and the
    /// duration of the latest copy that has one. The same rule in its three forms, side by side: C# (the first import's
    /// in-memory rows), one copy into a kept row in SQL (the upsert) and all of a call's rows at once in SQL (the first
    /// import's final merge, rows in reading order). ToolResultMergeTests proves the three agree on every case.
    /// </summary>
    internal static class ToolResultMerge
    {
        public static long? Time(long? kept, long? copy) => kept is null ? copy : copy is null ? kept : Math.Min(kept.Value, copy.Value);

        public static bool Error(bool kept, bool copy) => kept || copy;

        public static long? Duration(long? kept, long? copy) => copy ?? kept;

        /// <summary>The SET list of an upsert merging a copy (<paramref name="copy"/>, e.g. excluded) into the kept row (<paramref name="kept"/>).</summary>
        public static string SetSql(string kept, string copy) =>
            $"has_result = 1, result_ts = min(coalesce({kept}.result_ts, {copy}.result_ts), coalesce({copy}.result_ts, {kept}.result_ts)), " +
            $"is_error = max({kept}.is_error, {copy}.is_error), duration_ms = coalesce({copy}.duration_ms, {kept}.duration_ms)";

        /// <summary>Aggregates over one call's rows (GROUP BY the call): whether any has a result, the time, the error.</summary>
        public const string AggregateSql = "max(has_result) AS has_result, min(result_ts) AS result_ts, max(is_error) AS is_error";

        /// <summary>Aggregate over one call's rows: the row whose duration is kept (the latest, by rowid, that has one).</summary>
        public const string DurationRowAggregateSql = "max(CASE WHEN duration_ms IS NOT NULL THEN rowid END)";
    }
}
