using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Storage
{
    /// <summary>
    /// A first import into an empty warehouse skips, row by row, what is cheaper to build once at the end:
    /// the secondary indexes, the subagent relabelling and the rollup's dirty-marking triggers.
    /// A marker table says a bulk import is under way. While it exists queries ignore the rollup, and the
    /// next import — after a crash, say — finishes the job first, so the warehouse is never left wrong.
    /// </summary>
    internal static class BulkLoad
    {
        private const string MarkerTable = "bulk_load_pending";

        private const int AppendCacheSizePragmaValue = -2048;

        private const string RelabelSubagentsSql = @"
UPDATE requests SET agent = 'claude-code/' || t.agent_type
FROM agent_types t
WHERE t.source = requests.source AND t.agent_id = requests.agent_id AND requests.agent IS NOT 'claude-code/' || t.agent_type;";

        public static bool Pending(Warehouse warehouse) =>
            warehouse.Scalar<long>($"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{MarkerTable}';") > 0;

        /// <summary>Starts bulk mode if the warehouse holds no requests yet; false otherwise.</summary>
        public static bool TryBegin(Warehouse warehouse)
        {
            using SqliteTransaction tx = warehouse.BeginWrite();
            if (warehouse.Scalar<long>("SELECT EXISTS (SELECT 1 FROM requests);", tx) != 0)
            {
                return false;
            }

            warehouse.Execute($@"
CREATE TABLE IF NOT EXISTS {MarkerTable} (started INTEGER);
{string.Concat(Schema.DeferredIndexes.Select(index => $"DROP INDEX IF EXISTS {index.Name};\n"))}
DROP TRIGGER IF EXISTS requests_rollup_insert;
DROP TRIGGER IF EXISTS requests_rollup_update;", tx);
            tx.Commit();
            // Rows are only appended now: the pages written stay out of the way until Finish, so a small page
            // cache serves as well as the usual one, and its memory goes to the writer's in-memory keys.
            warehouse.Execute($"PRAGMA cache_size = {AppendCacheSizePragmaValue};");
            return true;
        }

        /// <summary>Builds what bulk mode skipped: the indexes, the subagent labels, the reported-cost spread and the rollup.</summary>
        public static void Finish(Warehouse warehouse)
        {
            // The index build sorts every request: a small page cache and temporary files on disk make SQLite
            // spill that sort to a file instead of holding it in memory (the import's memory budget is 200 MB).
            warehouse.Execute("PRAGMA cache_size = -4096; PRAGMA temp_store = FILE;");
            try
            {
                FinishInTransaction(warehouse);
            }
            finally
            {
                warehouse.Execute($"PRAGMA cache_size = {Warehouse.CacheSizePragmaValue}; PRAGMA temp_store = {Warehouse.TempStorePragmaValue};");
            }
        }

        private static void FinishInTransaction(Warehouse warehouse)
        {
            using (SqliteTransaction tx = warehouse.BeginWrite())
            {
                // Subagent types learned after their requests were written (the writer deferred this), before the
                // agent index exists so the update does not maintain it row by row. Idempotent: if the process
                // dies after this commit the marker is still there and the next import finishes again.
                warehouse.Execute(RelabelSubagentsSql, tx);
                tx.Commit();
            }

            // Index builds and the rollup's sum are each one thread's work: the sum reads this snapshot through a
            // second connection while this one sorts the indexes. Nobody else writes meanwhile (the import lock),
            // and the rollup is replaced in the same transaction as the indexes, so the first query finds it
            // current. Reported session costs are spread after the indexes exist (one indexed update a session)
            // and summed by SQLite with the rest, so when there are any the rollup is left to SQLite too.
            bool spreadsCosts = warehouse.Scalar<long>("SELECT EXISTS (SELECT 1 FROM session_reports WHERE reported_cost IS NOT NULL);") != 0;
            Task<RollupSums?> sums = spreadsCosts
                ? Task.FromResult<RollupSums?>(null)
                : Task.Run(() =>
                {
                    using Warehouse reader = Warehouse.Open(warehouse.Path, readOnly: true);
                    return RollupMaintainer.SumAll(reader);
                });
            try
            {
                using SqliteTransaction tx = warehouse.BeginWrite();
                warehouse.Execute(string.Concat(Schema.DeferredIndexes.Select(index => index.Create + "\n")) + Schema.RollupWriteTriggersSql, tx);
                ReportedCostAllocator.AllocateAll(warehouse, tx);
                RollupMaintainer.Rebuild(warehouse, tx, sums.GetAwaiter().GetResult());
                warehouse.Execute($"DROP TABLE IF EXISTS {MarkerTable};", tx);
                tx.Commit();
            }
            finally
            {
                // Never leave the second connection reading behind an early failure.
                ((IAsyncResult)sums).AsyncWaitHandle.WaitOne();
            }
        }
    }
}
