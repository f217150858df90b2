using System;
using System.Collections.Generic;
using AgentMetrics.Storage;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Query
{
    /// <summary>Tool calls by name, over the requests a filter selects (a call belongs to its response's session and time).</summary>
    public static class ToolEngine
    {
        public static IReadOnlyList<ToolUsage> Summarise(Warehouse warehouse, UsageFilter filter, bool bySource)
        {
            using SqliteCommand command = warehouse.Command(string.Empty);
            string where = filter.ToSql(warehouse, command, "r.");
            string sourceKey = bySource ? "t.source" : "NULL";
            command.CommandText = $@"
SELECT t.name, {sourceKey}, count(*),
       sum(CASE WHEN res.is_error = 1 THEN 1 ELSE 0 END),
       sum(CASE WHEN res.call_id IS NULL THEN 1 ELSE 0 END),
       sum(t.is_sidechain),
       sum(CASE WHEN res.ts >= t.ts THEN res.ts - t.ts ELSE 0 END),
       sum(CASE WHEN res.ts >= t.ts THEN 1 ELSE 0 END)
FROM tool_calls t
JOIN requests r ON r.source = t.source AND r.dedup_key = t.request_key
LEFT JOIN tool_results res ON res.source = t.source AND res.call_id = t.call_id
{where}
GROUP BY t.name, {sourceKey}
ORDER BY count(*) DESC, t.name;";
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
