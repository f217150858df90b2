using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using AgentMetrics.Rules;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Warehousing
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

        private const int ScanCacheSizePragmaValue = -512;

        /// <summary>
        /// Keys that the bulk writer appended while an earlier copy of theirs may already have had a row: it holds a
        /// bounded number of keys in memory (see <see cref="BulkKeys"/>) and forgets the rest. Noted in the
        /// transaction of the rows concerned; <see cref="Finish"/> merges the rows of these keys alone before it
        /// builds the unique keys, which would otherwise find them repeated.
        /// </summary>
        private const string RepeatsTable = "bulk_load_repeats";

        internal const int RepeatedRequest = 0;
        internal const int RepeatedToolCall = 1;

        internal const string NoteRepeatSql = "INSERT INTO " + RepeatsTable + " (kind, source, key) VALUES ($kind, $source, $key);";

        // The copy the warehouse keeps is the first by the precedence of the upsert (Rules.RequestPrecedence); the
        // others go. One pass over the table finds the noted keys' rows.
        private static readonly string DropLosingRequestCopiesSql = @"
DELETE FROM requests WHERE request_pk IN (
    SELECT request_pk FROM (
        SELECT request_pk, row_number() OVER (
            PARTITION BY source, dedup_key
            ORDER BY " + RequestPrecedence.OrderBySql + @", request_pk) AS copy
        FROM requests
        WHERE (source, dedup_key) IN (SELECT source, key FROM " + RepeatsTable + @" WHERE kind = 0))
    WHERE copy > 1);";

        // The noted calls that do have several rows, and what their rows merge to.
        private static readonly string RepeatedCallsSql = @"
CREATE TEMP TABLE call_copies AS
SELECT source, call_id,
       coalesce(min(CASE WHEN name IS NOT NULL THEN rowid END), min(rowid)) AS keeper,
       " + ToolResultMerge.DurationRowAggregateSql + @" AS duration_row,
       " + ToolResultMerge.AggregateSql + @",
       count(name) AS named
FROM tool_calls
WHERE (source, call_id) IN (SELECT source, key FROM " + RepeatsTable + @" WHERE kind = 1)
GROUP BY source, call_id HAVING count(*) > 1;";

        // Rows of one call merge as its copies do on the incremental path: the first row that holds the call
        // (rows are appended in reading order) keeps it, the result merges as Rules.ToolResultMerge says.
        private const string MergeToolCallCopiesSql = @"
UPDATE tool_calls SET has_result = c.has_result, result_ts = c.result_ts, is_error = c.is_error,
    duration_ms = (SELECT d.duration_ms FROM tool_calls d WHERE d.rowid = c.duration_row)
FROM call_copies c WHERE tool_calls.rowid = c.keeper;
DELETE FROM tool_calls
WHERE (source, call_id) IN (SELECT source, call_id FROM call_copies)
  AND rowid NOT IN (SELECT keeper FROM call_copies);
DROP TABLE temp.call_copies;";

        private static readonly string RelabelSubagentsSql = $@"
UPDATE requests SET agent = {AgentLabel.ClaudeSubagentSql("t.agent_type")}
FROM agent_types t
WHERE t.source = requests.source AND t.agent_id = requests.agent_id
  AND requests.agent IS NOT {AgentLabel.ClaudeSubagentSql("t.agent_type")};";

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
CREATE TABLE IF NOT EXISTS {RepeatsTable} (kind INTEGER NOT NULL, source TEXT NOT NULL, key TEXT NOT NULL);
{string.Concat(Schema.DeferredIndexes.Select(index => $"DROP INDEX IF EXISTS {index.Name};\n"))}
DROP TRIGGER IF EXISTS requests_rollup_insert;
DROP TRIGGER IF EXISTS requests_rollup_update;", tx);
            tx.Commit();
            // Rows are only appended now: the pages written stay out of the way until Finish, so a small page
            // cache serves as well as the usual one, and its memory goes to the writer's in-memory keys.
            warehouse.Execute($"PRAGMA cache_size = {AppendCacheSizePragmaValue};");
            return true;
        }

        /// <summary>
        /// Builds what bulk mode skipped: the indexes, the subagent labels, the reported-cost spread and the rollup.
        /// Returns, by source, the tool calls the writer counted more than once because it had forgotten their
        /// keys (it counts a call each time it appends a row holding one); empty when it forgot none.
        /// </summary>
        /// <paramref name="thresholds"/>: the price book's long-context thresholds, to band the rollup by besides its own (null: unknown).
        public static Dictionary<string, long> Finish(Warehouse warehouse, IEnumerable<long>? thresholds = null)
        {
            // The index build sorts every request: a small page cache and temporary files on disk make SQLite
            // spill that sort to a file instead of holding it in memory (the import's memory budget is 200 MB).
            warehouse.Execute("PRAGMA cache_size = -4096; PRAGMA temp_store = FILE;");
            try
            {
                return FinishInTransaction(warehouse, thresholds);
            }
            finally
            {
                warehouse.Execute($"PRAGMA cache_size = {Warehouse.CacheSizePragmaValue}; PRAGMA temp_store = {Warehouse.TempStorePragmaValue};");
            }
        }

        private static Dictionary<string, long> FinishInTransaction(Warehouse warehouse, IEnumerable<long>? thresholds)
        {
            Dictionary<string, long> repeatedCalls = MergeRepeatedCopies(warehouse);
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
            Rules.PromptBands bands = RollupMaintainer.Bands(warehouse).With(thresholds ?? Array.Empty<long>());
            bool spreadsCosts = warehouse.Scalar<long>("SELECT EXISTS (SELECT 1 FROM session_reports WHERE reported_cost IS NOT NULL);") != 0;
            Task<RollupSums?> sums = spreadsCosts
                ? Task.FromResult<RollupSums?>(null)
                : Task.Run(() =>
                {
                    using Warehouse reader = Warehouse.Open(warehouse.Path, readOnly: true);
                    // One pass over the table: pages read once need no cache, and this one runs beside the index builds' own.
                    reader.Execute($"PRAGMA cache_size = {ScanCacheSizePragmaValue};");
                    return RollupMaintainer.SumAll(reader, bands);
                });
            try
            {
                using SqliteTransaction tx = warehouse.BeginWrite();
                warehouse.Execute(string.Concat(Schema.DeferredIndexes.Select(index => index.Create + "\n")) + Schema.RollupWriteTriggersSql, tx);
                ReportedCostAllocator.AllocateAll(warehouse, tx);
                RollupMaintainer.Rebuild(warehouse, tx, sums.GetAwaiter().GetResult(), bands);
                warehouse.Execute($"DROP TABLE IF EXISTS {MarkerTable};", tx);
                tx.Commit();
            }
            finally
            {
                // Never leave the second connection reading behind an early failure.
                ((IAsyncResult)sums).AsyncWaitHandle.WaitOne();
            }

            return repeatedCalls;
        }

        /// <summary>
        /// Keeps one row per request and per call where the writer had to forget keys (idempotent until the notes
        /// go), and says by source how many calls it had counted twice: the rows of a call beyond its first that
        /// hold the call.
        /// </summary>
        private static Dictionary<string, long> MergeRepeatedCopies(Warehouse warehouse)
        {
            var repeatedCalls = new Dictionary<string, long>(StringComparer.Ordinal);
            if (warehouse.Scalar<long>($"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{RepeatsTable}';") == 0)
            {
                return repeatedCalls;
            }

            using SqliteTransaction tx = warehouse.BeginWrite();
            if (warehouse.Scalar<long>($"SELECT EXISTS (SELECT 1 FROM {RepeatsTable});", tx) != 0)
            {
                warehouse.Execute(DropLosingRequestCopiesSql, tx);
                warehouse.Execute(RepeatedCallsSql, tx);
                using (SqliteCommand command = warehouse.Command("SELECT source, sum(named - 1) FROM temp.call_copies WHERE named > 1 GROUP BY source;", tx))
                using (SqliteDataReader reader = command.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        repeatedCalls[reader.GetString(0)] = reader.GetInt64(1);
                    }
                }

                warehouse.Execute(MergeToolCallCopiesSql, tx);
            }

            warehouse.Execute($"DROP TABLE {RepeatsTable};", tx);
            tx.Commit();
            return repeatedCalls;
        }
    }
}
