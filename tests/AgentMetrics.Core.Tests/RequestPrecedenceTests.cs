using System;
using System.Collections.Generic;
using System.Linq;
using AgentMetrics.Rules;
using AgentMetrics.Warehousing;
using AgentMetrics.Tests.Shared;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>
    /// The copy that wins is decided in C# (a batch's copies, a first import's keys) and in SQL (the upsert, the first
    /// import's final merge), both made from Rules.RequestPrecedence. On every combination of what it looks at, in a
    /// real warehouse, both must say the same.
    /// </summary>
    public sealed class RequestPrecedenceTests : IDisposable
    {
        private readonly ScratchFolder _scratch = new ScratchFolder();

        private sealed class Copy
        {
            public long Pk;
            public RequestRank Rank;
        }

        /// <summary>Each criterion with two or three values (unknown file times, no file, paths whose UTF-16 and UTF-8 orders differ).</summary>
        private List<Copy> WriteEveryCombination(Warehouse warehouse)
        {
            long?[] times = { 1_000, 2_000, null };
            string[] paths = { "a", "\uE000", "\U0001F600" };
            var files = new List<(long? Id, long? End, string? Path)> { (null, null, null) };
            using (SqliteCommand insert = warehouse.Command("INSERT INTO source_files (source, path, last_ts) VALUES ('Claude', $path, $end) RETURNING file_id;"))
            {
                foreach (long? end in times)
                {
                    foreach (string prefix in paths)
                    {
                        string path = prefix + "/" + (end?.ToString() ?? "none");
                        insert.Parameters.Clear();
                        insert.Parameters.AddWithValue("$path", path);
                        insert.Parameters.AddWithValue("$end", (object?)end ?? DBNull.Value);
                        files.Add(((long)insert.ExecuteScalar()!, end, path));
                    }
                }
            }

            var copies = new List<Copy>();
            using SqliteCommand row = warehouse.Command(
                "INSERT INTO requests (source, dedup_key, ts, weight, file_start_ts, file_id, line) VALUES ('Claude', $key, $ts, $weight, $start, $file, $line) RETURNING request_pk;");
            foreach (long weight in new[] { 10L, 20L })
            foreach (long ts in new[] { 5L, 6L })
            foreach (long? start in times)
            foreach (var file in files)
            foreach (long line in new[] { 1L, 2L })
            {
                row.Parameters.Clear();
                row.Parameters.AddWithValue("$key", "k" + copies.Count);
                row.Parameters.AddWithValue("$ts", ts);
                row.Parameters.AddWithValue("$weight", weight);
                row.Parameters.AddWithValue("$start", (object?)start ?? DBNull.Value);
                row.Parameters.AddWithValue("$file", (object?)file.Id ?? DBNull.Value);
                row.Parameters.AddWithValue("$line", line);
                copies.Add(new Copy { Pk = (long)row.ExecuteScalar()!, Rank = new RequestRank(weight, ts, start, file.End, line, file.Path) });
            }

            return copies;
        }

        [Fact]
        public void TheUpsertConditionAndTheComparisonAgreeOnEveryPair()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            List<Copy> copies = WriteEveryCombination(warehouse);
            var byPk = copies.ToDictionary(c => c.Pk);
            string sql = $"SELECT a.request_pk, b.request_pk, {RequestPrecedence.KeysSql("a")} < {RequestPrecedence.KeysSql("b")} FROM requests a, requests b;";
            long pairs = 0;
            var disagreements = new List<string>();
            using (SqliteCommand command = warehouse.Command(sql))
            using (SqliteDataReader reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    Copy a = byPk[reader.GetInt64(0)];
                    Copy b = byPk[reader.GetInt64(1)];
                    bool sqlSays = reader.GetInt64(2) == 1;
                    if (sqlSays != a.Rank.Beats(b.Rank))
                    {
                        disagreements.Add($"{a.Rank} vs {b.Rank}: SQL {sqlSays}");
                    }

                    pairs++;
                }
            }

            Assert.Equal((long)copies.Count * copies.Count, pairs);
            Assert.Empty(disagreements.Take(10));
            // The upsert states exactly this condition, for the copy being written against the row kept.
            Assert.Equal(RequestPrecedence.KeysSql("excluded") + " < " + RequestPrecedence.KeysSql("requests"), RequestPrecedence.ExcludedBeatsKeptSql);
        }

        [Fact]
        public void TheFinalMergesOrderAndTheComparisonAgree()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            List<Copy> copies = WriteEveryCombination(warehouse);
            var sqlOrder = new List<long>();
            using (SqliteCommand command = warehouse.Command($"SELECT request_pk FROM requests ORDER BY {RequestPrecedence.OrderBySql}, request_pk;"))
            using (SqliteDataReader reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    sqlOrder.Add(reader.GetInt64(0));
                }
            }

            var ordered = copies.ToList();
            ordered.Sort((x, y) =>
            {
                int order = RequestPrecedence.Compare(x.Rank, y.Rank);
                return order != 0 ? order : x.Pk.CompareTo(y.Pk);
            });
            Assert.Equal(ordered.Select(c => c.Pk), sqlOrder);
        }

        [Fact]
        public void EachCriterionDecidesOnlyWhenTheOnesBeforeItTie()
        {
            var kept = new RequestRank(weight: 10, ts: 5, fileStart: 1_000, fileEnd: 2_000, line: 7, path: "b");
            Assert.True(new RequestRank(11, 9, 9_000, 9_000, 99, "z").Beats(kept));        // heavier
            Assert.True(new RequestRank(10, 4, 9_000, 9_000, 99, "z").Beats(kept));        // earlier
            Assert.True(new RequestRank(10, 5, 999, 9_000, 99, "z").Beats(kept));          // file started first
            Assert.True(new RequestRank(10, 5, 1_000, 1_999, 99, "z").Beats(kept));       // file ended first
            Assert.True(new RequestRank(10, 5, 1_000, 2_000, 6, "z").Beats(kept));         // nearer its file's start
            Assert.True(new RequestRank(10, 5, 1_000, 2_000, 7, "a").Beats(kept));         // nothing else tells them apart
            Assert.False(new RequestRank(10, 5, 1_000, null, 1, "a").Beats(kept));         // an unknown end loses
            Assert.False(kept.Beats(kept));
        }

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            _scratch.Dispose();
        }
    }
}
