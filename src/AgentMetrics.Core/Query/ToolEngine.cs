using System;
using System.Collections.Generic;
using AgentMetrics.Warehousing;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Query
{
    /// <summary>Tool calls by name, over the requests a filter selects (a call belongs to its response's session and time).</summary>
    public static class ToolEngine
    {
        public static IReadOnlyList<ToolUsage> Summarise(Warehouse warehouse, UsageFilter filter, bool bySource) =>
            warehouse.Read(() => SummariseNow(warehouse, filter, bySource));

        private static IReadOnlyList<ToolUsage> SummariseNow(Warehouse warehouse, UsageFilter filter, bool bySource)
        {
            using SqliteCommand command = warehouse.Command(string.Empty);
            string where = filter.ToSql(warehouse, command, "r.");
            string sourceKey = bySource ? "r.source" : "NULL";
            // A call takes its response's time, model, project and session; a call no response reported (agenthub's
            // tool records stand alone) keeps its own time, session and agent, so filters on those still apply.
            command.CommandText = $@"
SELECT r.name, {sourceKey}, count(*),
       sum(CASE WHEN r.has_result = 1 AND r.is_error = 1 THEN 1 ELSE 0 END),
       sum(CASE WHEN r.has_result = 0 THEN 1 ELSE 0 END),
       sum(r.is_sidechain),
       sum(CASE WHEN r.result_ts >= r.call_ts THEN r.result_ts - r.call_ts ELSE 0 END),
       sum(CASE WHEN r.result_ts >= r.call_ts THEN 1 ELSE 0 END)
FROM (SELECT t.name, t.source, t.call_id, t.ts AS call_ts, t.is_sidechain, t.has_result, t.result_ts, t.is_error,
             coalesce(req.ts, t.ts) AS ts, req.model AS model, coalesce(req.session_id, t.session_id) AS session_id,
             req.git_branch AS git_branch, coalesce(req.agent, t.agent) AS agent, req.project AS project, req.project_path AS project_path
      FROM tool_calls t
      LEFT JOIN requests req ON req.source = t.source AND req.dedup_key = t.request_key
      WHERE t.name IS NOT NULL -- a result whose call has not been read yet is no call
     ) r
{where}
GROUP BY r.name, {sourceKey}
ORDER BY count(*) DESC, r.name;";
            var rows = new List<ToolUsage>();
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                long timed = reader.GetInt64(7);
                var total = TimeSpan.FromMilliseconds(reader.GetInt64(6));
                rows.Add(new ToolUsage
                {
                    Name = reader.GetString(0),
                    Source = reader.IsDBNull(1) ? null : reader.GetString(1),
                    Calls = reader.GetInt64(2),
                    Errors = reader.GetInt64(3),
                    WithoutResult = reader.GetInt64(4),
                    SubagentCalls = reader.GetInt64(5),
                    TotalDuration = total,
                    AverageDuration = timed > 0 ? TimeSpan.FromTicks(total.Ticks / timed) : (TimeSpan?)null,
                });
            }

            return rows;
        }
    }
}
