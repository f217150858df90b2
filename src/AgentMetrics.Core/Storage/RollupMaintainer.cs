using AgentMetrics.Query;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Storage
{
    /// <summary>
    /// Keeps usage_rollup equal to what summing the requests would give: the buckets that triggers marked
    /// dirty are summed again, in one transaction with clearing the marks. Queries use the rollup only
    /// when no mark is left, so a crash between a write and a refresh only makes them slower, never wrong.
    /// </summary>
    internal static class RollupMaintainer
    {
        private const string RefreshSql = @"
DELETE FROM usage_rollup WHERE bucket IN (SELECT bucket FROM rollup_dirty);
INSERT INTO usage_rollup (source, model, project, project_path, git_branch, agent, bucket, long_context, requests,
    input_tokens, output_tokens, cache_write_5m, cache_write_1h, cache_read, reasoning_tokens, web_searches, reported_cost)
SELECT r.source, r.model, r.project, r.project_path, r.git_branch, r.agent, r.ts / $bucketMs,
       (r.input_tokens + r.cache_write_5m + r.cache_write_1h + r.cache_read) > $threshold,
       count(*), sum(r.input_tokens), sum(r.output_tokens), sum(r.cache_write_5m), sum(r.cache_write_1h), sum(r.cache_read),
       sum(r.reasoning_tokens), sum(r.web_searches), sum(r.reported_cost)
FROM rollup_dirty d
CROSS JOIN requests r INDEXED BY requests_ts -- dirty buckets outside, one time range each: without statistics
-- the planner would rather build a throw-away index on is_synthetic and scan it per bucket.
WHERE r.is_synthetic = 0 AND r.ts >= d.bucket * $bucketMs AND r.ts < (d.bucket + 1) * $bucketMs
GROUP BY r.source, r.model, r.project, r.project_path, r.git_branch, r.agent, r.ts / $bucketMs, 8;
DELETE FROM rollup_dirty;";

        public static bool IsCurrent(Warehouse warehouse) =>
            warehouse.Scalar<long>("SELECT EXISTS (SELECT 1 FROM rollup_dirty);") == 0 && !BulkLoad.Pending(warehouse);

        public static void Refresh(Warehouse warehouse)
        {
            if (IsCurrent(warehouse))
            {
                return;
            }

            try
            {
                using SqliteTransaction tx = warehouse.BeginWrite();
                using SqliteCommand command = warehouse.Command(RefreshSql, tx);
                command.Parameters.AddWithValue("$bucketMs", UsageSlice.BucketMs);
                command.Parameters.AddWithValue("$threshold", CostEngine.LongContextThreshold);
                command.ExecuteNonQuery();
                tx.Commit();
            }
            catch (SqliteException ex)
            {
                throw warehouse.Map(ex, "update the usage rollup");
            }
        }
    }
}
