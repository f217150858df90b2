using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using AgentMetrics.Ingest;
using AgentMetrics.Records;
using AgentMetrics.Sources;
using AgentMetrics.Pricing;
using AgentMetrics.Query;
using AgentMetrics.Rules;
using AgentMetrics.Warehousing;
using AgentMetrics.Tests.Shared;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>Long context is decided by each model's own threshold, in the rollup, on the requests and after an override.</summary>
    public sealed class LongContextTests : IDisposable
    {
        private const string Gpt54Session = "54545454-5454-4545-8545-545454545454";
        private static readonly PeriodOptions Utc = new PeriodOptions { Utc = true };
        private readonly ScratchFolder _scratch = new ScratchFolder();

        private static PriceBook Shipped => PriceBook.LoadDefault(Fixtures.PricingFolder, null);

        // gpt-5.4 (threshold 272,000): a 250k prompt is priced at the normal rates, a 280k one at the long rates.
        // claude-sonnet-4-5 (threshold 200,000): a 210k prompt at the long rates.
        private static readonly (string Model, TokenUsage Usage)[] Requests =
        {
            ("gpt-5.4", new TokenUsage(200_000, 1_000, 0, 0, 50_000, 0)),
            ("gpt-5.4", new TokenUsage(200_000, 2_000, 0, 0, 80_000, 0)),
            ("claude-sonnet-4-5", new TokenUsage(10_000, 500, 100_000, 0, 100_000, 0)),
        };

        public static IEnumerable<object[]> Prompts()
        {
            var values = new List<long> { 0, 1, 199_999, 200_000, 200_001, 250_000, 271_999, 272_000, 272_001, 1_000_000_000_000 };
            return values.Select(v => new object[] { v });
        }

        [Theory]
        [MemberData(nameof(Prompts))]
        public void TheBandsSqlAndTheRuleAgreeOnEveryPromptAndThreshold(long prompt)
        {
            var bands = new PromptBands(new long[] { 272_000, 200_000, 200_000 });
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            warehouse.Execute("CREATE TEMP TABLE p (input_tokens INTEGER, cache_write_5m INTEGER, cache_write_1h INTEGER, cache_read INTEGER);");
            long quarter = prompt / 4;
            warehouse.Execute($"INSERT INTO p VALUES ({prompt - (3 * quarter)}, {quarter}, {quarter}, {quarter});");

            long floor = bands.FloorOf(prompt);
            Assert.Equal(floor, warehouse.Scalar<long>($"SELECT {bands.FloorSql()} FROM p;"));
            Assert.Equal(0L, warehouse.Scalar<long>($"SELECT {new PromptBands(Array.Empty<long>()).FloorSql()} FROM p;"));
            foreach (long? threshold in new long?[] { null, 200_000, 272_000 })
            {
                // What the sums of a band decide is what the rule decides for each request in it.
                Assert.Equal(LongContext.Exceeds(prompt, threshold), LongContext.Decide(floor, bands.CeilingOf(floor), threshold));
            }

            // A threshold the bands were not cut at cannot be decided for the band that straddles it.
            Assert.Null(LongContext.Decide(200_000, 272_000, 250_000));
        }

        [Fact]
        public void EachModelsOwnThresholdPricesTheRollupAndTheRequests()
        {
            WriteHistory();
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, Shipped);
            Assert.True(RollupMaintainer.IsCurrent(warehouse));
            Assert.True(RollupMaintainer.Bands(warehouse).Covers(Shipped.LongContextThresholds));

            AssertPricedByOwnThreshold(warehouse, Shipped);
        }

        [Fact]
        public void AThresholdTheUsersPriceBookChangesDecidesBeforeAndAfterTheNextImport()
        {
            WriteHistory();
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, Shipped);
            string userBook = _scratch.File("pricing.yaml");
            File.WriteAllText(userBook, @"schema_version: 1
provider: anthropic
models:
  - id: claude-sonnet-4-5
    aliases: [claude-sonnet-4-5-20250929]
    prices:
      - input: 3
        output: 15
        cache_write_5m: 3.75
        cache_write_1h: 6
        cache_read: 0.30
        long_context:
          threshold: 250000
          input: 6
          output: 22.50
          cache_write_5m: 7.50
          cache_write_1h: 12
          cache_read: 0.60
");
            PriceBook overridden = PriceBook.LoadDefault(Fixtures.PricingFolder, userBook);
            Assert.Contains(250_000L, overridden.LongContextThresholds);

            // Before an import the rollup has no band at 250,000: the requests answer.
            Assert.False(RollupMaintainer.Bands(warehouse).Covers(overridden.LongContextThresholds));
            AssertPricedByOwnThreshold(warehouse, overridden);

            // The next import rebuilds the rollup by the new threshold too, and it answers.
            Import(warehouse, overridden);
            Assert.True(RollupMaintainer.IsCurrent(warehouse));
            Assert.True(RollupMaintainer.Bands(warehouse).Covers(overridden.LongContextThresholds));
            AssertPricedByOwnThreshold(warehouse, overridden);

            // Going back to the shipped book needs no rebuild: its thresholds are still bands of the rollup.
            Assert.True(RollupMaintainer.Bands(warehouse).Covers(Shipped.LongContextThresholds));
            AssertPricedByOwnThreshold(warehouse, Shipped);
        }

        [Fact]
        public void AnImportReadsThePriceBookOnlyWhenItsFilesChanged()
        {
            WriteHistory();
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            int asked = 0;
            IReadOnlyCollection<long> Thresholds()
            {
                asked++;
                return Shipped.LongContextThresholds;
            }

            void ImportWith(string fingerprint) => new HistoryImporter(warehouse).Import(
                new ImportOptions { Paths = new[] { _scratch.File("home") }, LongContextThresholds = Thresholds, PriceBookFingerprint = fingerprint },
                new RecordingObserver(),
                CancellationToken.None);

            ImportWith("book 1");
            int first = asked;
            Assert.True(first >= 1);
            ImportWith("book 1");
            Assert.Equal(first, asked);
            ImportWith("book 2");
            Assert.Equal(first + 1, asked);
            Assert.True(RollupMaintainer.Bands(warehouse).Covers(Shipped.LongContextThresholds));
        }

        private static void AssertPricedByOwnThreshold(Warehouse warehouse, PriceBook book)
        {
            DateTimeOffset at = DateTimeOffset.Parse("2026-11-10T10:00:00Z", CultureInfo.InvariantCulture);
            var expected = Requests
                .GroupBy(r => r.Model)
                .ToDictionary(g => g.Key, g => g.Sum(r =>
                {
                    ModelPrice price = book.Find(r.Model, at)!;
                    return CostCalculator.Price(price, r.Usage, LongContext.Exceeds(r.Usage.Prompt, price.LongContextThreshold));
                }));
            // The rule itself, spelled out for the three requests of the issue.
            ModelPrice gpt54 = book.Find("gpt-5.4", at)!;
            Assert.Equal(
                CostCalculator.Price(gpt54, Requests[0].Usage, false) + CostCalculator.Price(gpt54, Requests[1].Usage, true),
                expected["gpt-5.4"]);

            // The rollup path (what Get-AgentCost -By Model reads) and the requests path (sessions).
            var byModel = CostEngine.Summarise(warehouse, new UsageFilter(), new[] { CostGrouping.Model }, Utc, book).Rows;
            var bySessionModel = CostEngine.Summarise(warehouse, new UsageFilter(), new[] { CostGrouping.Session, CostGrouping.Model }, Utc, book).Rows;
            var sessions = SessionEngine.Query(warehouse, new UsageFilter(), TimeSpan.FromMinutes(5), book, out _);
            foreach (var (model, cost) in expected)
            {
                string stored = model == "gpt-5.4" ? "gpt-5.4" : "claude-sonnet-4-5-20250929";
                Assert.Equal(cost, Assert.Single(byModel, r => r.Model == stored).CostUsd);
                Assert.Equal(cost, Assert.Single(bySessionModel, r => r.Model == stored).CostUsd);
                string session = model == "gpt-5.4" ? Gpt54Session : "sonnet-session";
                Assert.Equal(cost, Assert.Single(sessions, s => s.SessionId == session).CostUsd);
            }
        }

        private void Import(Warehouse warehouse, PriceBook book) =>
            new HistoryImporter(warehouse).Import(
                new ImportOptions { Paths = new[] { _scratch.File("home") }, LongContextThresholds = () => book.LongContextThresholds },
                new RecordingObserver(),
                CancellationToken.None);

        private void WriteHistory()
        {
            string day = Path.Combine(_scratch.File("home"), ".codex", "sessions", "2026", "11", "10");
            Directory.CreateDirectory(day);
            File.WriteAllText(Path.Combine(day, $"rollout-2026-11-10T10-00-00-{Gpt54Session}.jsonl"),
                $"{{\"timestamp\":\"2026-11-10T10:00:00.000Z\",\"type\":\"session_meta\",\"payload\":{{\"id\":\"{Gpt54Session}\",\"timestamp\":\"2026-11-10T10:00:00.000Z\",\"cwd\":\"/w/app\",\"cli_version\":\"0.60.0\"}}}}\n" +
                "{\"timestamp\":\"2026-11-10T10:00:00.000Z\",\"type\":\"turn_context\",\"payload\":{\"cwd\":\"/w/app\",\"model\":\"gpt-5.4\"}}\n" +
                TokenCount("2026-11-10T10:00:10.000Z", total: (250_000, 50_000, 1_000), last: (250_000, 50_000, 1_000)) +
                TokenCount("2026-11-10T10:00:20.000Z", total: (530_000, 130_000, 3_000), last: (280_000, 80_000, 2_000)));

            string project = Path.Combine(_scratch.File("home"), ".claude", "projects", "-w-app");
            Directory.CreateDirectory(project);
            File.WriteAllText(Path.Combine(project, "sonnet-session.jsonl"),
                "{\"type\":\"assistant\",\"sessionId\":\"sonnet-session\",\"cwd\":\"/w/app\",\"timestamp\":\"2026-11-10T10:01:00Z\",\"requestId\":\"req_1\"," +
                "\"message\":{\"id\":\"msg_1\",\"model\":\"claude-sonnet-4-5-20250929\",\"usage\":{\"input_tokens\":10000,\"output_tokens\":500," +
                "\"cache_creation_input_tokens\":100000,\"cache_read_input_tokens\":100000}}}\n");
        }

        private static string TokenCount(string ts, (long Input, long Cached, long Output) total, (long Input, long Cached, long Output) last) =>
            $"{{\"timestamp\":\"{ts}\",\"type\":\"event_msg\",\"payload\":{{\"type\":\"token_count\",\"info\":{{\"total_token_usage\":{Usage(total)},\"last_token_usage\":{Usage(last)},\"model_context_window\":1000000}}}}}}\n";

        private static string Usage((long Input, long Cached, long Output) u) =>
            $"{{\"input_tokens\":{u.Input},\"cached_input_tokens\":{u.Cached},\"output_tokens\":{u.Output},\"reasoning_output_tokens\":0,\"total_tokens\":{u.Input + u.Output}}}";

        public void Dispose() => _scratch.Dispose();
    }
}
