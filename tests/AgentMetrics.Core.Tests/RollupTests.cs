using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using AgentMetrics.Ingest;
using AgentMetrics.Pricing;
using AgentMetrics.Query;
using AgentMetrics.Records;
using AgentMetrics.Tests.Shared;
using AgentMetrics.Warehousing;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>The rollup answers exactly what summing the requests answers, and is never used stale.</summary>
    public sealed class RollupTests : IDisposable
    {
        private readonly ScratchFolder _scratch = new ScratchFolder();

        private static PriceBook Prices => PriceBook.LoadDefault(Fixtures.PricingFolder);

        private static IEnumerable<string> Describe(CostResult result) => result.Rows.Select(r =>
            $"{r.Date:O}|{r.Source}|{r.Project}|{r.GitBranch}|{r.Agent}|{r.Model}|{r.Requests}|{r.TotalTokens}|{r.CacheWrite1hTokens}|{r.CostUsd}");

        public static IEnumerable<object?[]> Windows() => new[]
        {
            new object?[] { null, null },
            new object?[] { "2026-10-12T11:43:07Z", "2026-11-03T15:01:02.5Z" },
            new object?[] { "2026-10-12T11:41:51Z", "2026-10-12T11:41:52Z" }, // inside one bucket
            new object?[] { "2026-10-05T16:31:00Z", "2026-10-05T16:40:00Z" },
        };

        [Fact]
        public void AFirstImportBuildsTheRollupThatSummingEveryBucketAgainGives()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            new HistoryImporter(warehouse).Import(new ImportOptions { LongContextThresholds = () => PriceBook.LoadDefault(Fixtures.PricingFolder).LongContextThresholds, Paths = new[] { Path.Combine(Fixtures.AgentHome, ".claude"), Path.Combine(Fixtures.AgentHome, ".codex") } },
                new RecordingObserver(), CancellationToken.None);
            Assert.True(RollupMaintainer.IsCurrent(warehouse));
            List<string> built = RollupRows(warehouse);
            Assert.NotEmpty(built);
            Assert.Equal(built, ResummedEveryBucket(warehouse));

            // With reported costs (real numbers SQLite sums its own way) the rebuild leaves the sums to SQLite.
            warehouse.Execute("UPDATE requests SET reported_cost = 0.1 * (request_pk % 7) + 0.013 WHERE request_pk % 3 = 0;");
            using (var tx = warehouse.BeginWrite())
            {
                Assert.Null(RollupMaintainer.SumAll(warehouse, RollupMaintainer.Bands(warehouse, tx), tx));
                RollupMaintainer.Rebuild(warehouse, tx, null, RollupMaintainer.Bands(warehouse, tx));
                tx.Commit();
            }

            List<string> withCosts = RollupRows(warehouse);
            Assert.Contains(withCosts, row => !row.EndsWith("|NULL", StringComparison.Ordinal));
            Assert.Equal(withCosts, ResummedEveryBucket(warehouse));
        }

        [Fact]
        public void AWarehouseThatLostItsTimeIndexStillFinishesAnImport()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            var import = new ImportOptions { LongContextThresholds = () => PriceBook.LoadDefault(Fixtures.PricingFolder).LongContextThresholds, Paths = new[] { Path.Combine(Fixtures.AgentHome, ".codex") } };
            new HistoryImporter(warehouse).Import(import, new RecordingObserver(), CancellationToken.None);
            warehouse.Execute("DROP INDEX requests_ts; INSERT INTO rollup_dirty SELECT DISTINCT ts / 900000 FROM requests;");

            new HistoryImporter(warehouse).Import(new ImportOptions { LongContextThresholds = () => PriceBook.LoadDefault(Fixtures.PricingFolder).LongContextThresholds, Paths = import.Paths, Force = true }, new RecordingObserver(), CancellationToken.None);

            Assert.True(RollupMaintainer.IsCurrent(warehouse));
            Assert.Equal(1L, warehouse.Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'requests_ts';"));
        }

        private static List<string> ResummedEveryBucket(Warehouse warehouse)
        {
            warehouse.Execute("INSERT INTO rollup_dirty SELECT DISTINCT ts / 900000 FROM requests WHERE true ON CONFLICT DO NOTHING;");
            RollupMaintainer.Refresh(warehouse);
            return RollupRows(warehouse);
        }

        private static List<string> RollupRows(Warehouse warehouse)
        {
            using var command = warehouse.Command(@"
SELECT source, model, project, project_path, git_branch, agent, bucket, prompt_above, requests, input_tokens, output_tokens,
       cache_write_5m, cache_write_1h, cache_read, reasoning_tokens, web_searches, reported_cost
FROM usage_rollup;");
            using var reader = command.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
            {
                rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
            }

            rows.Sort(StringComparer.Ordinal);
            return rows;
        }

        [Theory]
        [MemberData(nameof(Windows))]
        public void RollupAndRequestsGiveTheSameRowsForEveryGrouping(string? since, string? until)
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            new HistoryImporter(warehouse).Import(new ImportOptions { LongContextThresholds = () => PriceBook.LoadDefault(Fixtures.PricingFolder).LongContextThresholds, Paths = new[] { Path.Combine(Fixtures.AgentHome, ".claude"), Path.Combine(Fixtures.AgentHome, ".codex") } },
                new RecordingObserver(), CancellationToken.None);
            Assert.True(RollupMaintainer.IsCurrent(warehouse));

            var filter = new UsageFilter
            {
                Since = since is null ? (DateTimeOffset?)null : DateTimeOffset.Parse(since),
                Until = until is null ? (DateTimeOffset?)null : DateTimeOffset.Parse(until),
            };
            var groupings = new[]
            {
                Array.Empty<CostGrouping>(),
                new[] { CostGrouping.Day, CostGrouping.Model },
                new[] { CostGrouping.Project, CostGrouping.GitBranch, CostGrouping.Agent, CostGrouping.Source },
                new[] { CostGrouping.Week },
            };
            var periods = new PeriodOptions { Utc = true };
            var fromRollup = groupings.Select(by => Describe(CostEngine.Summarise(warehouse, filter, by, periods, Prices)).ToList()).ToList();

            // A dirty mark (as a crash between a write and a refresh would leave) sends queries to the requests.
            warehouse.Execute("INSERT INTO rollup_dirty VALUES (0);");
            Assert.False(RollupMaintainer.IsCurrent(warehouse));
            var fromRequests = groupings.Select(by => Describe(CostEngine.Summarise(warehouse, filter, by, periods, Prices)).ToList()).ToList();

            Assert.Equal(fromRequests, fromRollup);
            Assert.Contains(fromRequests, rows => rows.Count > 0);
        }

        [Fact]
        public void AnAppendRefreshesOnlyWhatItTouchedAndTheRollupStaysExact()
        {
            string home = _scratch.CopyTree(Path.Combine(Fixtures.AgentHome, ".claude"), "claude");
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            var importer = new HistoryImporter(warehouse);
            importer.Import(new ImportOptions { LongContextThresholds = () => PriceBook.LoadDefault(Fixtures.PricingFolder).LongContextThresholds, Paths = new[] { home } }, new RecordingObserver(), CancellationToken.None);
            long rollupRows = warehouse.Scalar<long>("SELECT count(*) FROM usage_rollup;");

            string file = Directory.GetFiles(home, "*.jsonl", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).First(f => new FileInfo(f).Length > 10000);
            File.AppendAllText(file, "\n{\"type\":\"assistant\",\"sessionId\":\"s-new\",\"cwd\":\"/w/new\",\"timestamp\":\"2026-11-22T09:00:00Z\",\"message\":{\"id\":\"msg_rollup\",\"model\":\"claude-haiku-4-5-20251001\",\"usage\":{\"input_tokens\":7,\"output_tokens\":3}}}\n");
            importer.Import(new ImportOptions { LongContextThresholds = () => PriceBook.LoadDefault(Fixtures.PricingFolder).LongContextThresholds, Paths = new[] { home } }, new RecordingObserver(), CancellationToken.None);

            Assert.True(RollupMaintainer.IsCurrent(warehouse));
            Assert.Equal(rollupRows + 1, warehouse.Scalar<long>("SELECT count(*) FROM usage_rollup;"));
            var filter = new UsageFilter { Project = new[] { "new" } };
            var row = Assert.Single(CostEngine.Summarise(warehouse, filter, Array.Empty<CostGrouping>(), new PeriodOptions { Utc = true }, Prices).Rows);
            Assert.Equal(10, row.TotalTokens);
        }

        public void Dispose() => _scratch.Dispose();
    }
}

namespace AgentMetrics.Core.Tests
{
    public sealed class BulkLoadTests : IDisposable
    {
        private readonly ScratchFolder _scratch = new ScratchFolder();

        [Fact]
        public void AFirstImportThatDiedInBulkModeIsFinishedByTheNextAndNeverReadStale()
        {
            string claude = Path.Combine(Fixtures.AgentHome, ".claude");
            PriceBook prices = PriceBook.LoadDefault(Fixtures.PricingFolder);
            var utc = new PeriodOptions { Utc = true };
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));

            // What a first import leaves when it is killed half-way: the marker, no session index or
            // rollup triggers, and some requests.
            Assert.True(BulkLoad.TryBegin(warehouse));
            using (var writer = new WarehouseWriter(warehouse) { Bulk = true })
            {
                var batch = new ImportBatch();
                batch.Requests.Add(new RequestRecord { DedupKey = "msg_partial", SessionId = "s", Ts = 1_763_000_000_000, Model = "claude-haiku-4-5-20251001", Input = 10, Output = 5 });
                writer.Write(AgentSource.Claude, batch, new FileManifest { Source = AgentSource.Claude, Path = "partial.jsonl" });
            }

            Assert.True(BulkLoad.Pending(warehouse));
            Assert.False(RollupMaintainer.IsCurrent(warehouse));
            var whileDead = Assert.Single(CostEngine.Summarise(warehouse, new UsageFilter(), Array.Empty<CostGrouping>(), utc, prices).Rows);
            Assert.Equal(15, whileDead.TotalTokens);

            new HistoryImporter(warehouse).Import(new ImportOptions { LongContextThresholds = () => PriceBook.LoadDefault(Fixtures.PricingFolder).LongContextThresholds, Paths = new[] { claude } }, new RecordingObserver(), CancellationToken.None);

            Assert.False(BulkLoad.Pending(warehouse));
            Assert.True(RollupMaintainer.IsCurrent(warehouse));
            Assert.Equal(3L, warehouse.Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('requests_session', 'requests_key', 'tool_calls_key');"));
            Assert.Equal(2L, warehouse.Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ('requests_rollup_insert', 'requests_rollup_update');"));
            var totals = Truth.Load().Claude.GetProperty("all").GetProperty("totals");
            var after = Assert.Single(CostEngine.Summarise(warehouse, new UsageFilter(), Array.Empty<CostGrouping>(), utc, prices).Rows);
            Assert.Equal(Truth.L(totals, "messages") + 1, after.Requests);
        }

        [Fact]
        public void OnlyAnEmptyWarehouseIsLoadedInBulk()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            new HistoryImporter(warehouse).Import(new ImportOptions { LongContextThresholds = () => PriceBook.LoadDefault(Fixtures.PricingFolder).LongContextThresholds, Paths = new[] { Path.Combine(Fixtures.AgentHome, ".codex") } }, new RecordingObserver(), CancellationToken.None);
            Assert.False(BulkLoad.Pending(warehouse));
            Assert.False(BulkLoad.TryBegin(warehouse));
        }

        public void Dispose() => _scratch.Dispose();
    }
}
