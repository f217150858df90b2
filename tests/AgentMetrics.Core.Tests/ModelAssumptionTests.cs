using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using AgentMetrics.Errors;
using AgentMetrics.Ingest;
using AgentMetrics.Records;
using AgentMetrics.Sources;
using AgentMetrics.Pricing;
using AgentMetrics.Query;
using AgentMetrics.Warehousing;
using AgentMetrics.Tests.Shared;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>Codex rollouts that name no model are priced as the model the user's price book assumes, and say so.</summary>
    public sealed class ModelAssumptionTests : IDisposable
    {
        private const string OldCli = "0a0a0a0a-0a0a-4a0a-8a0a-0a0a0a0a0a0a";
        private const string NewerCli = "0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b";
        private static readonly PeriodOptions Utc = new PeriodOptions { Utc = true };
        private readonly ScratchFolder _scratch = new ScratchFolder();

        private const string AssumeOldCodex = "schema_version: 1\nassume:\n  - source: codex\n    client_version: \"<0.30\"\n    model: gpt-5-codex\n";

        [Fact]
        public void RequestsWithoutAModelArePricedAsTheAssumedModelAndMarked()
        {
            WriteRollout(OldCli, "0.20.0", 1);
            WriteRollout(NewerCli, "0.40.0", 2);
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            PriceBook shipped = PriceBook.LoadDefault(Fixtures.PricingFolder, null);
            new HistoryImporter(warehouse).Import(
                new ImportOptions { Paths = new[] { _scratch.File("codex") }, LongContextThresholds = () => shipped.LongContextThresholds },
                new RecordingObserver(),
                CancellationToken.None);

            // Without an assumption both stay unpriced, as before.
            var unpriced = Assert.Single(CostEngine.Summarise(warehouse, new UsageFilter(), Array.Empty<CostGrouping>(), Utc, shipped).Rows);
            Assert.Null(unpriced.CostUsd);
            Assert.Null(unpriced.AssumedModel);

            PriceBook book = PriceBook.LoadDefault(Fixtures.PricingFolder, Override(AssumeOldCodex));
            ModelPrice codex = book.Find("gpt-5-codex", DateTimeOffset.Parse("2026-11-12T10:00:00Z", CultureInfo.InvariantCulture))!;
            Assert.Equal("Codex requests without a model, client <0.30", codex.AssumedFor);
            decimal expected = CostCalculator.PriceRequest(codex, new TokenUsage(1000 - 400, 300, 0, 0, 400, 0));

            // The rollup path and the requests path (sessions).
            var row = Assert.Single(CostEngine.Summarise(warehouse, new UsageFilter(), new[] { CostGrouping.Model }, Utc, book).Rows);
            Assert.Null(row.Model);
            Assert.Equal(expected, row.CostUsd);
            Assert.Equal("gpt-5-codex", row.AssumedModel);
            Assert.Equal(1, row.AssumedRequests);
            Assert.Equal(2, row.UnpricedRequests);

            var sessions = SessionEngine.Query(warehouse, new UsageFilter(), TimeSpan.FromMinutes(5), book, out var unpricedModels);
            var old = Assert.Single(sessions, s => s.SessionId == OldCli);
            Assert.Equal(expected, old.CostUsd);
            Assert.Equal("gpt-5-codex", old.AssumedModel);
            Assert.Equal(1, old.AssumedRequests);
            var newer = Assert.Single(sessions, s => s.SessionId == NewerCli);
            Assert.Null(newer.CostUsd);
            Assert.Null(newer.AssumedModel);
            Assert.Equal(new[] { "(no model)" }, unpricedModels);

            // Without a version range it applies to every client; the user's file is asked before the shipped ones.
            PriceBook every = PriceBook.LoadDefault(Fixtures.PricingFolder, Override("schema_version: 1\nassume:\n  - source: Codex\n    model: gpt-5\n"));
            var all = Assert.Single(CostEngine.Summarise(warehouse, new UsageFilter(), Array.Empty<CostGrouping>(), Utc, every).Rows);
            Assert.Equal(3, all.AssumedRequests);
            Assert.Equal(0, all.UnpricedRequests);
            Assert.Equal("gpt-5", all.AssumedModel);
        }

        [Theory]
        [InlineData(">=0.10, <0.30", "0.20.0", true)]
        [InlineData("<0.30", "0.30.0", false)]
        [InlineData("<0.30", "0.29.9-alpha.1", true)]
        [InlineData("0.30", "0.30.0", true)]
        [InlineData(">0.30", "0.30.1", true)]
        [InlineData("<=0.30", "0.31", false)]
        [InlineData("<0.30", null, false)]
        [InlineData("<0.30", "dev", false)]
        public void ClientVersionRangesCompareByTheirNumbers(string range, string? version, bool contains)
        {
            var parsed = ClientVersionRange.TryParse(range, out string problem);
            Assert.NotNull(parsed);
            Assert.Equal(string.Empty, problem);
            Assert.Equal(contains, parsed!.Contains(version));
        }

        [Theory]
        [InlineData("schema_version: 1\nassume:\n  - source: cursor\n    model: gpt-5\n", 3, 13, "'source' must be one of Claude, Codex, AgentHub, LlmTelemetry, not 'cursor'")]
        [InlineData("schema_version: 1\nassume:\n  - source: codex\n    client_version: \"before 0.30\"\n    model: gpt-5\n", 4, 21, "'client_version' 'before 0.30' is not a version comparison")]
        [InlineData("schema_version: 1\nassume:\n  - source: codex\n    model: gpt-9\n", 3, 1, "'assume' names the model 'gpt-9', which no price book file declares")]
        [InlineData("schema_version: 1\nassume:\n  - source: codex\n", 3, 5, "the required key 'model' is missing")]
        [InlineData("schema_version: 1\nassume:\n  - source: codex\n    modle: gpt-5\n", 4, 5, "unknown key 'modle'; expected one of: source, client_version, model")]
        [InlineData("schema_version: 1\nassume: gpt-5\n", 2, 9, "'assume' must be a list")]
        public void ABadAssumptionIsReportedWithItsFileAndLine(string yaml, int line, int column, string reason)
        {
            string file = Override(yaml);
            var error = Assert.Throws<AgentMetricsException>(() => PriceBook.LoadDefault(Fixtures.PricingFolder, file));
            Assert.Equal("PriceBookInvalid", error.ErrorId);
            Assert.Contains($"'{file}' is invalid at line {line}, column {column}: {reason}", error.Message);
        }

        private string Override(string yaml)
        {
            string file = _scratch.File(Guid.NewGuid().ToString("N") + ".yaml");
            File.WriteAllText(file, yaml);
            return file;
        }

        private void WriteRollout(string id, string cliVersion, int requests)
        {
            string day = Path.Combine(_scratch.File("codex"), "sessions", "2026", "11", "12");
            Directory.CreateDirectory(day);
            string lines = $"{{\"timestamp\":\"2026-11-12T10:00:00.000Z\",\"type\":\"session_meta\",\"payload\":{{\"id\":\"{id}\",\"timestamp\":\"2026-11-12T10:00:00.000Z\",\"cwd\":\"/w/old\",\"cli_version\":\"{cliVersion}\"}}}}\n";
            for (int i = 1; i <= requests; i++)
            {
                lines += $"{{\"timestamp\":\"2026-11-12T10:00:{10 * i}.000Z\",\"type\":\"event_msg\",\"payload\":{{\"type\":\"token_count\",\"info\":{{" +
                    $"\"total_token_usage\":{{\"input_tokens\":{1000 * i},\"cached_input_tokens\":{400 * i},\"output_tokens\":{300 * i},\"reasoning_output_tokens\":0,\"total_tokens\":{1300 * i}}}," +
                    "\"last_token_usage\":{\"input_tokens\":1000,\"cached_input_tokens\":400,\"output_tokens\":300,\"reasoning_output_tokens\":0,\"total_tokens\":1300}}}}\n";
            }

            File.WriteAllText(Path.Combine(day, $"rollout-2026-11-12T10-00-00-{id}.jsonl"), lines);
        }

        public void Dispose() => _scratch.Dispose();
    }
}
