using System.Linq;
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
            return true;
        }

        /// <summary>Builds what bulk mode skipped: the indexes, the subagent labels, the reported-cost spread and the rollup.</summary>
        public static void Finish(Warehouse warehouse)
        {
            // The index build sorts every request: a small page cache makes SQLite spill that sort to a
            // temporary file instead of holding it in memory (the import's memory budget is 200 MB).
            warehouse.Execute("PRAGMA cache_size = -4096;");
            try
            {
                FinishInTransaction(warehouse);
            }
            finally
            {
                warehouse.Execute($"PRAGMA cache_size = {Warehouse.CacheSizePragmaValue};");
            }
        }

        private static void FinishInTransaction(Warehouse warehouse)
        {
            using SqliteTransaction tx = warehouse.BeginWrite();
            // Subagent types learned after their requests were written (the writer deferred this), before the
            // agent index exists so the update does not maintain it row by row.
            warehouse.Execute(RelabelSubagentsSql, tx);
            warehouse.Execute(string.Concat(Schema.DeferredIndexes.Select(index => index.Create + "\n")) + Schema.RollupWriteTriggersSql, tx);
            ReportedCostAllocator.AllocateAll(warehouse, tx);
            // The rollup is built whole, with the data, so the first query finds it current.
            RollupMaintainer.Rebuild(warehouse, tx);
            warehouse.Execute($"DROP TABLE IF EXISTS {MarkerTable};", tx);
            tx.Commit();
        }
    }
}
