using System;
using System.Collections.Generic;
using System.Linq;
using AgentMetrics.Pricing;
using AgentMetrics.Storage;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Query
{
    /// <summary>Sessions over the requests a filter selects: timing from SQL window functions, tokens and cost from priced slices.</summary>
    public static class SessionEngine
    {
        public static IReadOnlyList<Session> Query(Warehouse warehouse, UsageFilter filter, TimeSpan idleThreshold, PriceBook prices, out IReadOnlyCollection<string> unpricedModels)
        {
            var sessions = new Dictionary<(string, string), Session>();
            ReadTiming(warehouse, filter, idleThreshold, sessions);
            ReadOrigins(warehouse, filter, sessions);
            ReadCounts(warehouse, filter, sessions);

            foreach (UsageSlice slice in CostEngine.LoadSlices(warehouse, filter, new[] { CostGrouping.Session }, allKeys: true))
            {
                if (sessions.TryGetValue((slice.Source ?? string.Empty, slice.SessionId ?? string.Empty), out Session? session))
                {
                    session.Slices.Add(slice);
                }
            }

            // Each session is priced by the same fold as Get-AgentCost, so the two always agree.
            var unpriced = new SortedSet<string>(StringComparer.Ordinal);
            var periods = new PeriodOptions { Utc = true };
            foreach (Session session in sessions.Values)
            {
                CostResult total = CostEngine.Fold(session.Slices, Array.Empty<CostGrouping>(), periods, prices);
                unpriced.UnionWith(total.UnpricedModels);
                if (total.Rows.SingleOrDefault() is CostSummary row)
                {
                    session.InputTokens = row.InputTokens;
                    session.OutputTokens = row.OutputTokens;
                    session.CacheWriteTokens = row.CacheWriteTokens;
                    session.CacheReadTokens = row.CacheReadTokens;
                    session.ReasoningTokens = row.ReasoningTokens;
                    session.TotalTokens = row.TotalTokens;
                    session.CostUsd = row.CostUsd;
                    session.UnpricedRequests = row.UnpricedRequests;
                    // Claude Code reports per session (cost-state, read above); telemetry stores per request.
                    if (session.Source != nameof(AgentSource.Claude) && row.ReportedCostUsd.HasValue)
                    {
                        session.ReportedCostUsd = row.ReportedCostUsd;
                    }
                }

                var byModel = CostEngine.Fold(session.Slices, new[] { CostGrouping.Model }, periods, prices).Rows;
                session.Models = string.Join(", ", byModel.Where(m => m.Model is not null)
                    .OrderByDescending(m => m.Requests).ThenBy(m => m.Model, StringComparer.Ordinal).Select(m => m.Model));
            }

            unpricedModels = unpriced;
            return sessions.Values.OrderBy(s => s.Start).ThenBy(s => s.SessionId, StringComparer.Ordinal).ToList();
        }

        private static void ReadTiming(Warehouse warehouse, UsageFilter filter, TimeSpan idle, Dictionary<(string, string), Session> sessions)
        {
            using SqliteCommand command = warehouse.Command(string.Empty);
            string where = filter.ToSql(warehouse, command);
            command.Parameters.AddWithValue("$idle", (long)idle.TotalMilliseconds);
            command.CommandText = $@"
SELECT source, session_id, min(ts), max(ts), count(*), sum(CASE WHEN gap < $idle THEN gap ELSE 0 END), count(DISTINCT agent_id)
FROM (SELECT source, session_id, ts, agent_id, ts - lag(ts) OVER (PARTITION BY source, session_id ORDER BY ts) AS gap
      FROM requests {where} AND is_synthetic = 0 AND session_id IS NOT NULL)
GROUP BY source, session_id;";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                DateTime start = Util.TimeUtil.FromUnixMs(reader.GetInt64(2)).LocalDateTime;
                DateTime end = Util.TimeUtil.FromUnixMs(reader.GetInt64(3)).LocalDateTime;
                var session = new Session
                {
                    Source = reader.GetString(0),
                    SessionId = reader.GetString(1),
                    Start = start,
                    End = end,
                    WallDuration = end - start,
                    Requests = reader.GetInt64(4),
                    ActiveDuration = TimeSpan.FromMilliseconds(reader.IsDBNull(5) ? 0 : reader.GetInt64(5)),
                    Subagents = reader.GetInt64(6),
                };
                sessions[(session.Source, session.SessionId)] = session;
            }
        }

        private static void ReadOrigins(Warehouse warehouse, UsageFilter filter, Dictionary<(string, string), Session> sessions)
        {
            // With a single min() aggregate SQLite takes the other columns from the earliest request's row.
            using SqliteCommand command = warehouse.Command(string.Empty);
            string where = filter.ToSql(warehouse, command);
            command.CommandText = $@"
SELECT source, session_id, min(ts), project, project_path, git_branch, client_version
FROM requests {where} AND is_synthetic = 0 AND session_id IS NOT NULL
GROUP BY source, session_id;";
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (sessions.TryGetValue((reader.GetString(0), reader.GetString(1)), out Session? session))
                {
                    session.Project = reader.IsDBNull(3) ? null : reader.GetString(3);
                    session.ProjectPath = reader.IsDBNull(4) ? null : reader.GetString(4);
                    session.GitBranch = reader.IsDBNull(5) ? null : reader.GetString(5);
                    session.ClientVersion = reader.IsDBNull(6) ? null : reader.GetString(6);
                }
            }
        }

        private static void ReadCounts(Warehouse warehouse, UsageFilter filter, Dictionary<(string, string), Session> sessions)
        {
            using (SqliteCommand command = warehouse.Command(string.Empty))
            {
                string where = filter.ToSql(warehouse, command, "r.");
                command.CommandText = $@"
SELECT r.source, r.session_id, count(*)
FROM tool_calls t JOIN requests r ON r.source = t.source AND r.dedup_key = t.request_key
{where} AND r.session_id IS NOT NULL
GROUP BY r.source, r.session_id;";
                using SqliteDataReader reader = command.ExecuteReader();
                while (reader.Read())
                {
                    if (sessions.TryGetValue((reader.GetString(0), reader.GetString(1)), out Session? session))
                    {
                        session.ToolCalls = reader.GetInt64(2);
                    }
                }
            }

            using (SqliteCommand command = warehouse.Command(string.Empty))
            {
                // Synthetic lines are counted in the window only (filters on model do not apply to them).
                var window = new UsageFilter { Since = filter.Since, Until = filter.Until };
                string where = window.ToSql(warehouse, command);
                command.CommandText = $"SELECT source, session_id, count(*) FROM requests {where} AND is_synthetic = 1 AND session_id IS NOT NULL GROUP BY source, session_id;";
                using SqliteDataReader reader = command.ExecuteReader();
                while (reader.Read())
                {
                    if (sessions.TryGetValue((reader.GetString(0), reader.GetString(1)), out Session? session))
                    {
                        session.SyntheticMessages = reader.GetInt64(2);
                    }
                }
            }

            using (SqliteCommand command = warehouse.Command("SELECT source, session_id, reported_cost FROM session_reports WHERE reported_cost IS NOT NULL;"))
            using (SqliteDataReader reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    if (sessions.TryGetValue((reader.GetString(0), reader.GetString(1)), out Session? session))
                    {
                        session.ReportedCostUsd = (decimal)reader.GetDouble(2);
                    }
                }
            }
        }
    }
}
