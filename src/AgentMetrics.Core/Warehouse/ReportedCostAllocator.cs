using System.Collections.Generic;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Warehousing
{
    /// <summary>
    /// Claude Code reports its own cost once per session (cost-state). To show it beside the computed cost
    /// in any grouping — by day, model, project — each session's reported total is spread over its
    /// requests in proportion to their tokens. Sums over a session give back exactly what it reported.
    /// </summary>
    internal static class ReportedCostAllocator
    {
        private const string SharesSql = @"
SELECT sr.session_id, sr.reported_cost,
       (SELECT sum(r.weight) FROM requests r WHERE r.source = sr.source AND r.session_id = sr.session_id AND r.is_synthetic = 0)
FROM session_reports sr
WHERE sr.source = $source AND sr.reported_cost IS NOT NULL AND sr.session_id = $session;";

        private const string SpreadSql = @"
UPDATE requests SET reported_cost = $cost * weight / $total
WHERE source = $source AND session_id = $session AND is_synthetic = 0;";

        /// <summary>Spreads every reported session cost (after a bulk import, which skipped it per commit).</summary>
        public static void AllocateAll(Warehouse warehouse, SqliteTransaction tx)
        {
            var sessions = new List<(string Source, string SessionId)>();
            using (SqliteCommand command = warehouse.Command("SELECT source, session_id FROM session_reports WHERE reported_cost IS NOT NULL;", tx))
            using (SqliteDataReader reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    sessions.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            foreach (AgentSource source in new[] { AgentSource.Claude, AgentSource.Codex, AgentSource.AgentHub, AgentSource.LlmTelemetry })
            {
                Allocate(warehouse, source, sessions, tx);
            }
        }

        /// <summary>Re-spreads the reported cost of the sessions touched, inside the caller's transaction (so it commits with the data).</summary>
        public static void Allocate(Warehouse warehouse, AgentSource source, ICollection<(string Source, string SessionId)> touched, SqliteTransaction tx)
        {
            string name = source.ToString();
            try
            {
                // Most histories have no cost-state lines: then there is nothing to spread.
                using (SqliteCommand any = warehouse.Command("SELECT EXISTS (SELECT 1 FROM session_reports WHERE source = $source);", tx))
                {
                    any.Parameters.AddWithValue("$source", name);
                    if ((long)any.ExecuteScalar()! == 0)
                    {
                        return;
                    }
                }

                using SqliteCommand shares = warehouse.Command(SharesSql, tx);
                shares.Parameters.AddWithValue("$source", name);
                SqliteParameter shareSession = shares.Parameters.Add("$session", SqliteType.Text);
                using SqliteCommand spread = warehouse.Command(SpreadSql, tx);
                spread.Parameters.AddWithValue("$source", name);
                SqliteParameter spreadSession = spread.Parameters.Add("$session", SqliteType.Text);
                SqliteParameter cost = spread.Parameters.Add("$cost", SqliteType.Real);
                SqliteParameter total = spread.Parameters.Add("$total", SqliteType.Integer);
                foreach (var (touchedSource, sessionId) in touched)
                {
                    if (touchedSource != name)
                    {
                        continue;
                    }

                    shareSession.Value = sessionId;
                    using SqliteDataReader reader = shares.ExecuteReader();
                    if (!reader.Read() || reader.IsDBNull(2) || reader.GetInt64(2) <= 0)
                    {
                        continue;
                    }

                    spreadSession.Value = sessionId;
                    cost.Value = reader.GetDouble(1);
                    total.Value = reader.GetInt64(2);
                    reader.Close();
                    spread.ExecuteNonQuery();
                }
            }
            catch (SqliteException ex)
            {
                throw warehouse.Map(ex, "allocate reported cost");
            }
        }
    }
}
