using System;
using System.Collections.Generic;
using System.Linq;
using AgentMetrics.Pricing;
using AgentMetrics.Records;
using AgentMetrics.Warehousing;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Query
{
    /// <summary>Sessions over the requests a filter selects: timing from SQL window functions, tokens and cost from priced slices.</summary>
    public static class SessionEngine
    {
        public static IReadOnlyList<Session> Query(Warehouse warehouse, UsageFilter filter, TimeSpan idleThreshold, PriceBook prices, out IReadOnlyCollection<string> unpricedModels)
        {
            var sessions = new Dictionary<(string, string), Session>();
            List<UsageSlice> slices = warehouse.Read(() =>
            {
                ReadTimingAndOrigins(warehouse, filter, idleThreshold, sessions);
                ReadCounts(warehouse, filter, sessions);
                return CostEngine.LoadSlices(warehouse, filter, new[] { CostGrouping.Session }, prices.LongContextThresholds, allKeys: true).Slices;
            });
            foreach (UsageSlice slice in slices)
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
                    session.AssumedModel = row.AssumedModel;
                    session.AssumedRequests = row.AssumedRequests;
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

        /// <summary>
        /// Each session's timing and origin in one pass over its requests in session and time order (the session
        /// index's own order): start, end, requests, the active time (gaps under the idle threshold), distinct
        /// subagents, and the project, branch and client version of its earliest request.
        /// </summary>
        private static void ReadTimingAndOrigins(Warehouse warehouse, UsageFilter filter, TimeSpan idle, Dictionary<(string, string), Session> sessions)
        {
            using SqliteCommand command = warehouse.Command(string.Empty);
            string where = filter.ToSql(warehouse, command);
            command.CommandText = $@"
SELECT source, session_id, ts, agent_id, project, project_path, git_branch, client_version
FROM requests {where} AND is_synthetic = 0 AND session_id IS NOT NULL
ORDER BY source, session_id, ts, request_pk;";
            using var reader = new RawQuery(command);
            long idleMs = (long)idle.TotalMilliseconds;
            Session? session = null;
            byte[] sourceBytes = Array.Empty<byte>(), sessionBytes = Array.Empty<byte>();
            long first = 0, last = 0, requests = 0, active = 0;
            var agents = new HashSet<string>(StringComparer.Ordinal);

            void Close()
            {
                if (session is null)
                {
                    return;
                }

                session.Start = Util.TimeUtil.FromUnixMs(first).LocalDateTime;
                session.End = Util.TimeUtil.FromUnixMs(last).LocalDateTime;
                session.WallDuration = session.End - session.Start;
                session.Requests = requests;
                session.ActiveDuration = TimeSpan.FromMilliseconds(active);
                session.Subagents = agents.Count;
                sessions[(session.Source, session.SessionId)] = session;
            }

            while (reader.Read())
            {
                long ts = reader.Int64(2);
                if (session is null || !reader.Utf8(1).SequenceEqual(sessionBytes) || !reader.Utf8(0).SequenceEqual(sourceBytes))
                {
                    Close();
                    sourceBytes = reader.Utf8(0).ToArray();
                    sessionBytes = reader.Utf8(1).ToArray();
                    session = new Session
                    {
                        Source = reader.Text(0)!,
                        SessionId = reader.Text(1)!,
                        Project = reader.Text(4),
                        ProjectPath = reader.Text(5),
                        GitBranch = reader.Text(6),
                        ClientVersion = reader.Text(7),
                    };
                    first = ts;
                    requests = 0;
                    active = 0;
                    agents.Clear();
                }
                else if (ts - last < idleMs)
                {
                    active += ts - last;
                }

                last = ts;
                requests++;
                if (!reader.IsNull(3))
                {
                    agents.Add(reader.Text(3)!);
                }
            }

            Close();
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
