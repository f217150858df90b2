using System.Collections.Generic;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Storage
{
    /// <summary>
    /// Claude Code reports its own cost once per session (cost-state). To show it beside the computed cost
    /// in any grouping — by day, model, project — each session's reported total is spread over its
    /// requests in proportion to their tokens. Sums over a session give back exactly what it reported.
    /// </summary>
    internal static class ReportedCostAllocator
    {
        private const string AllocateSql = @"
DELETE FROM temp.reported_share;
INSERT INTO temp.reported_share (session_id, cost, total)
SELECT sr.session_id, sr.reported_cost,
       (SELECT sum(r.weight) FROM requests r WHERE r.source = sr.source AND r.session_id = sr.session_id AND r.is_synthetic = 0)
FROM session_reports sr
WHERE sr.source = $source AND sr.reported_cost IS NOT NULL AND sr.session_id IN (SELECT session_id FROM temp.touched_sessions);
UPDATE requests
SET reported_cost = (SELECT s.cost * requests.weight / s.total FROM temp.reported_share s WHERE s.session_id = requests.session_id)
WHERE source = $source AND is_synthetic = 0
  AND session_id IN (SELECT session_id FROM temp.reported_share WHERE total > 0);";

        /// <summary>Re-spreads the reported cost of the sessions touched, inside the caller's transaction (so it commits with the data).</summary>
        public static void Allocate(Warehouse warehouse, AgentSource source, ICollection<(string Source, string SessionId)> touched, SqliteTransaction tx)
        {
            string name = source.ToString();
            try
            {
                warehouse.Execute(@"
CREATE TEMP TABLE IF NOT EXISTS touched_sessions (session_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TEMP TABLE IF NOT EXISTS reported_share (session_id TEXT PRIMARY KEY, cost REAL, total INTEGER) WITHOUT ROWID;
DELETE FROM temp.touched_sessions;", tx);
                using (SqliteCommand insert = warehouse.Command("INSERT OR IGNORE INTO temp.touched_sessions VALUES ($session);", tx))
                {
                    SqliteParameter session = insert.Parameters.Add("$session", SqliteType.Text);
                    bool any = false;
                    foreach (var (touchedSource, sessionId) in touched)
                    {
                        if (touchedSource == name)
                        {
                            session.Value = sessionId;
                            insert.ExecuteNonQuery();
                            any = true;
                        }
                    }

                    if (!any)
                    {
                        return;
                    }
                }

                using (SqliteCommand allocate = warehouse.Command(AllocateSql, tx))
                {
                    allocate.Parameters.AddWithValue("$source", name);
                    allocate.ExecuteNonQuery();
                }

            }
            catch (SqliteException ex)
            {
                throw warehouse.Map(ex, "allocate reported cost");
            }
        }
    }
}
