using System;
using System.Collections.Generic;
using System.Linq;
using AgentMetrics.Query;
using AgentMetrics.Records;
using AgentMetrics.Rules;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Warehousing
{
    /// <summary>
    /// Keeps usage_rollup equal to what summing the requests would give: the buckets that triggers marked
    /// dirty are summed again, in one transaction with clearing the marks. Queries use the rollup only
    /// when no mark is left, so a crash between a write and a refresh only makes them slower, never wrong.
    ///
    /// Long context is decided per model and price period by the price book (Rules.LongContext), and the user's
    /// override can change a threshold after the import. So the rollup does not store a decision: it sums
    /// requests per prompt band between the thresholds listed in rollup_thresholds (Rules.PromptBands), which
    /// decides every model whose thresholds are in that list, whatever model or period they belong to. An
    /// import given a threshold the list lacks rebuilds the rollup by the list and the new threshold (the list
    /// only grows: going back to an earlier price book costs no rebuild). A query whose price book has a
    /// threshold the list lacks reads the requests instead until then. The other way, a CASE over the models in
    /// the warehouse, would have to be rebuilt whenever any model's threshold or price period changed, and
    /// would tie the rollup to one price book.
    /// </summary>
    internal static class RollupMaintainer
    {
        private static string RefreshSql(PromptBands bands) => @"
DELETE FROM usage_rollup WHERE bucket IN (SELECT bucket FROM rollup_dirty);
INSERT INTO usage_rollup (source, model, project, project_path, git_branch, agent, bucket, prompt_above, requests,
    input_tokens, output_tokens, cache_write_5m, cache_write_1h, cache_read, reasoning_tokens, web_searches, reported_cost, client_version)
SELECT r.source, r.model, r.project, r.project_path, r.git_branch, r.agent, r.ts / $bucketMs,
       " + bands.FloorSql("r.") + @",
       count(*), sum(r.input_tokens), sum(r.output_tokens), sum(r.cache_write_5m), sum(r.cache_write_1h), sum(r.cache_read),
       sum(r.reasoning_tokens), sum(r.web_searches), sum(r.reported_cost), " + ModelessClientVersion.Sql("r.") + @"
FROM rollup_dirty d
CROSS JOIN requests r INDEXED BY requests_ts -- dirty buckets outside, one time range each: without statistics
-- the planner would rather build a throw-away index on is_synthetic and scan it per bucket.
WHERE r.is_synthetic = 0 AND r.ts >= d.bucket * $bucketMs AND r.ts < (d.bucket + 1) * $bucketMs
GROUP BY r.source, r.model, r.project, r.project_path, r.git_branch, r.agent, r.ts / $bucketMs, 8, 18;
DELETE FROM rollup_dirty;";

        private const string RequestsToSumSql = @"
SELECT source, model, project, project_path, git_branch, agent, ts, input_tokens, output_tokens, cache_write_5m, cache_write_1h,
       cache_read, reasoning_tokens, web_searches, client_version
FROM requests WHERE is_synthetic = 0;";

        private const string InsertRollupSql = @"
INSERT INTO usage_rollup (source, model, project, project_path, git_branch, agent, bucket, prompt_above, requests,
    input_tokens, output_tokens, cache_write_5m, cache_write_1h, cache_read, reasoning_tokens, web_searches, reported_cost, client_version)
VALUES ($source, $model, $project, $path, $branch, $agent, $bucket, $above, $requests, $input, $output, $cw5m, $cw1h, $read, $reasoning, $web, NULL, $version);";

        /// <summary>
        /// Sums every request by rollup group in one pass over the table, grouped in a hash table: about half
        /// the cost of re-summing every bucket through the time index, where SQLite sorts each group. Reported
        /// costs are real numbers that SQLite sums with its own compensated algorithm: when any request has one
        /// this returns null and <see cref="Rebuild"/> has SQLite re-sum the buckets instead, so a cost is always
        /// the same sum however the rollup was built. Reads through its own connection, so a first import can
        /// run it beside the index builds (see BulkLoad.Finish).
        /// </summary>
        public static RollupSums? SumAll(Warehouse warehouse, PromptBands bands, SqliteTransaction? tx = null)
        {
            if (warehouse.Scalar<long>("SELECT EXISTS (SELECT 1 FROM requests WHERE reported_cost IS NOT NULL);", tx) != 0)
            {
                return null;
            }

            var groups = new RollupSums();
            // Thousands of requests share each project, model and agent: one string per distinct value.
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            string? Name(SqliteDataReader reader, int column)
            {
                if (reader.IsDBNull(column))
                {
                    return null;
                }

                string text = reader.GetString(column);
                if (!names.TryGetValue(text, out string? shared))
                {
                    names[text] = shared = text;
                }

                return shared;
            }

            using SqliteCommand read = warehouse.Command(RequestsToSumSql, tx);
            using SqliteDataReader reader = read.ExecuteReader();
            while (reader.Read())
            {
                long input = reader.GetInt64(7), output = reader.GetInt64(8), cw5m = reader.GetInt64(9), cw1h = reader.GetInt64(10), cacheRead = reader.GetInt64(11);
                string? model = Name(reader, 1);
                var key = (Name(reader, 0), model, Name(reader, 2), Name(reader, 3), Name(reader, 4), Name(reader, 5),
                    reader.GetInt64(6) / UsageSlice.BucketMs, bands.FloorOf(LongContext.Prompt(input, cw5m, cw1h, cacheRead)),
                    model is null ? ModelessClientVersion.Of(model, Name(reader, 14)) : null);
                if (!groups.TryGetValue(key, out long[]? sums))
                {
                    groups[key] = sums = new long[8];
                }

                sums[0]++;
                sums[1] += input;
                sums[2] += output;
                sums[3] += cw5m;
                sums[4] += cw1h;
                sums[5] += cacheRead;
                sums[6] += reader.GetInt64(12);
                sums[7] += reader.GetInt64(13);
            }

            return groups;
        }

        /// <summary>
        /// Replaces the whole rollup inside the caller's transaction (the end of a first import) with
        /// <paramref name="sums"/> from <see cref="SumAll"/> by <paramref name="bands"/>, or re-summed by SQLite when that is null.
        /// </summary>
        public static void Rebuild(Warehouse warehouse, SqliteTransaction tx, RollupSums? sums, PromptBands bands)
        {
            warehouse.Execute("DELETE FROM rollup_dirty; DELETE FROM usage_rollup; DELETE FROM rollup_thresholds;", tx);
            using (SqliteCommand record = warehouse.Command("INSERT INTO rollup_thresholds (threshold) VALUES ($threshold);", tx))
            {
                SqliteParameter threshold = record.Parameters.Add("$threshold", SqliteType.Integer);
                foreach (long value in bands.Thresholds)
                {
                    threshold.Value = value;
                    record.ExecuteNonQuery();
                }
            }

            if (sums is null)
            {
                warehouse.Execute("INSERT INTO rollup_dirty SELECT DISTINCT ts / 900000 FROM requests;", tx);
                ResumDirtyBuckets(warehouse, tx, bands);
                return;
            }

            // Bound by position on the connection's handle: through ADO.NET each of ~20,000 rows cost ~5 µs of
            // parameter bookkeeping, ~0.1 s at the very end of a first import where nothing else runs.
            string[] parameterNames = { "$source", "$model", "$project", "$path", "$branch", "$agent", "$bucket", "$above", "$requests", "$input", "$output", "$cw5m", "$cw1h", "$read", "$reasoning", "$web", "$version" };
            using var insert = new PreparedStatement(warehouse.Connection, InsertRollupSql, parameterNames);
            var values = new object?[parameterNames.Length];
            // In bucket order: a refresh later deletes and re-sums whole buckets, and a bucket whose rows share
            // a page or two costs that many pages rather than one per row (an append's log was 7 % rollup pages).
            foreach (var pair in sums.OrderBy(pair => pair.Key.Bucket))
            {
                var (source, model, project, path, branch, agent, bucket, promptAbove, clientVersion) = pair.Key;
                values[0] = source;
                values[1] = model;
                values[2] = project;
                values[3] = path;
                values[4] = branch;
                values[5] = agent;
                values[6] = bucket;
                values[7] = promptAbove;
                for (int i = 0; i < pair.Value.Length; i++)
                {
                    values[8 + i] = pair.Value[i];
                }

                values[16] = clientVersion;

                insert.Execute(values);
            }
        }

        public static bool IsCurrent(Warehouse warehouse) =>
            warehouse.Scalar<long>("SELECT EXISTS (SELECT 1 FROM rollup_dirty);") == 0 && !BulkLoad.Pending(warehouse);

        /// <summary>The thresholds the rollup's prompt bands are cut at.</summary>
        public static PromptBands Bands(Warehouse warehouse, SqliteTransaction? tx = null)
        {
            var thresholds = new List<long>();
            using SqliteCommand command = warehouse.Command("SELECT threshold FROM rollup_thresholds;", tx);
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                thresholds.Add(reader.GetInt64(0));
            }

            return new PromptBands(thresholds);
        }

        /// <summary>
        /// Re-sums what changed; when <paramref name="thresholds"/> (the price book's, null when unknown) has one the
        /// rollup is not banded by, rebuilds the whole rollup by its own thresholds and those. The thresholds are
        /// asked for only when <paramref name="priceBookFingerprint"/> is not the one last checked (or is null).
        /// </summary>
        public static void Refresh(Warehouse warehouse, Func<IEnumerable<long>?>? thresholds = null, string? priceBookFingerprint = null)
        {
            try
            {
                bool checkedBefore = false;
                if (priceBookFingerprint is not null)
                {
                    using SqliteCommand lookup = warehouse.Command("SELECT count(*) FROM rollup_price_book WHERE fingerprint = $f;");
                    lookup.Parameters.AddWithValue("$f", priceBookFingerprint);
                    checkedBefore = Convert.ToInt64(lookup.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 0;
                }

                if (!checkedBefore && thresholds?.Invoke() is { } wanted)
                {
                    using SqliteTransaction check = warehouse.BeginWrite();
                    PromptBands bands = Bands(warehouse, check);
                    if (!bands.Covers(wanted))
                    {
                        PromptBands wider = bands.With(wanted);
                        Rebuild(warehouse, check, SumAll(warehouse, wider, check), wider);
                    }

                    warehouse.Execute("DELETE FROM rollup_price_book;", check);
                    if (priceBookFingerprint is not null)
                    {
                        using SqliteCommand record = warehouse.Command("INSERT INTO rollup_price_book (fingerprint) VALUES ($f);", check);
                        record.Parameters.AddWithValue("$f", priceBookFingerprint);
                        record.ExecuteNonQuery();
                    }

                    check.Commit();
                }

                if (IsCurrent(warehouse))
                {
                    return;
                }

                using SqliteTransaction tx = warehouse.BeginWrite();
                ResumDirtyBuckets(warehouse, tx, Bands(warehouse, tx));
                tx.Commit();
            }
            catch (SqliteException ex)
            {
                throw warehouse.Map(ex, "update the usage rollup");
            }
        }

        private static void ResumDirtyBuckets(Warehouse warehouse, SqliteTransaction tx, PromptBands bands)
        {
            // The refresh walks the time index by name; a warehouse that lost it (a first import killed
            // while it was dropped, a hand edit) gets it back rather than an import that cannot finish.
            warehouse.Execute(Schema.DeferredIndexes.Single(index => index.Name == "requests_ts").Create, tx);
            using SqliteCommand command = warehouse.Command(RefreshSql(bands), tx);
            command.Parameters.AddWithValue("$bucketMs", UsageSlice.BucketMs);
            command.ExecuteNonQuery();
        }
    }
}
