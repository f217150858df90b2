using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using AgentMetrics.Errors;
using AgentMetrics.Ingest;
using AgentMetrics.Pricing;
using AgentMetrics.Query;
using AgentMetrics.Tests.Shared;
using AgentMetrics.Warehousing;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    internal sealed class RecordingObserver : IImportObserver
    {
        public List<ItemProblem> Problems { get; } = new List<ItemProblem>();

        public List<string> Messages { get; } = new List<string>();

        public void Progress(ImportProgress progress)
        {
        }

        public void Problem(ItemProblem problem) => Problems.Add(problem);

        public void Verbose(string message) => Messages.Add(message);

    }

    public sealed class ClaudeImportTests : IDisposable
    {
        private static readonly PeriodOptions Utc = new PeriodOptions { Utc = true };
        private readonly ScratchFolder _scratch = new ScratchFolder();

        private static PriceBook Prices => PriceBook.LoadDefault(Fixtures.PricingFolder);

        private IReadOnlyList<ImportResult> Import(Warehouse warehouse, params string[] paths) =>
            new HistoryImporter(warehouse).Import(new ImportOptions { Paths = paths }, new RecordingObserver(), CancellationToken.None);

        private static string ClaudeFixture => Path.Combine(Fixtures.AgentHome, ".claude");

        [Fact]
        public void EveryDayAndModelMatchesTheTruthExactly()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, ClaudeFixture);
            AssertClaudeDayModelTruth(warehouse);
        }

        /// <summary>Every Claude day × model row of the warehouse equals the fixture's truth, field by field.</summary>
        internal static void AssertClaudeDayModelTruth(Warehouse warehouse)
        {
            var rows = CostEngine.Summarise(warehouse, new UsageFilter { Source = new[] { "Claude" } }, new[] { CostGrouping.Day, CostGrouping.Model }, Utc, Prices).Rows;
            var expected = Truth.Load().ClaudeDailyModels().ToList();
            Assert.Equal(expected.Count, rows.Count);
            foreach (var (day, model, tokens) in expected)
            {
                var row = Assert.Single(rows, r => r.Date!.Value.ToString("yyyy-MM-dd") == day && r.Model == model);
                Assert.Equal(Truth.L(tokens, "input"), row.InputTokens);
                Assert.Equal(Truth.L(tokens, "output"), row.OutputTokens);
                Assert.Equal(Truth.L(tokens, "cache_creation"), row.CacheWriteTokens);
                Assert.Equal(Truth.L(tokens, "cache_creation_5m"), row.CacheWrite5mTokens);
                Assert.Equal(Truth.L(tokens, "cache_creation_1h"), row.CacheWrite1hTokens);
                Assert.Equal(Truth.L(tokens, "cache_read"), row.CacheReadTokens);
                Assert.Equal(Truth.L(tokens, "messages"), row.Requests);
            }
        }

        [Fact]
        public void CostPerDayAndModelEqualsTheTruthsPricedTokens()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, ClaudeFixture);
            var rows = CostEngine.Summarise(warehouse, new UsageFilter(), new[] { CostGrouping.Day, CostGrouping.Model }, Utc, Prices).Rows;
            foreach (var (day, model, cost) in Truth.Load().ClaudeDailyCosts())
            {
                var row = Assert.Single(rows, r => r.Date!.Value.ToString("yyyy-MM-dd") == day && r.Model == model);
                Assert.Equal(cost, Math.Round(row.CostUsd!.Value, 9));
            }
        }

        [Fact]
        public void EverySessionMatchesTheTruth()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, ClaudeFixture);
            var sessions = SessionEngine.Query(warehouse, new UsageFilter(), TimeSpan.FromMinutes(5), Prices, out _);
            var truth = Truth.Load().Claude.GetProperty("sessions").EnumerateObject().ToList();
            Assert.Equal(truth.Count, sessions.Count);
            foreach (var expected in truth)
            {
                var session = Assert.Single(sessions, s => s.SessionId == expected.Name);
                var totals = expected.Value.GetProperty("totals");
                Assert.Equal(Truth.L(totals, "input"), session.InputTokens);
                Assert.Equal(Truth.L(totals, "output"), session.OutputTokens);
                Assert.Equal(Truth.L(totals, "cache_creation"), session.CacheWriteTokens);
                Assert.Equal(Truth.L(totals, "cache_read"), session.CacheReadTokens);
                Assert.Equal(Truth.L(totals, "messages"), session.Requests);
                Assert.Equal(DateTimeOffset.Parse(expected.Value.GetProperty("first").GetString()!).UtcDateTime, session.Start.ToUniversalTime());
                Assert.Equal(string.Join(",", expected.Value.GetProperty("models").EnumerateObject().Select(m => m.Name).OrderBy(m => m)),
                    string.Join(",", session.Models.Split(new[] { ", " }, StringSplitOptions.None).OrderBy(m => m)));
            }

            Assert.Equal(Truth.L(Truth.Load().Claude, "synthetic_messages"), sessions.Sum(s => s.SyntheticMessages));
        }

        [Fact]
        public void ToolCallsByNameMatchTheTruth()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, ClaudeFixture);
            var tools = ToolEngine.Summarise(warehouse, new UsageFilter(), bySource: false);
            var expected = Truth.Load().Claude.GetProperty("tool_calls").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
            var sidechain = Truth.Load().Claude.GetProperty("tool_calls_sidechain").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
            Assert.Equal(expected.OrderBy(p => p.Key), tools.ToDictionary(t => t.Name, t => t.Calls).OrderBy(p => p.Key));
            foreach (var tool in tools)
            {
                Assert.Equal(sidechain.TryGetValue(tool.Name, out long n) ? n : 0, tool.SubagentCalls);
            }
        }

        [Fact]
        public void ReimportAddsNothingAndOpensNoUnchangedFile()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            var first = Assert.Single(Import(warehouse, ClaudeFixture));
            // The <synthetic> error lines are stored but are no request, as in every query.
            Assert.Equal(Truth.L(Truth.Load().Claude.GetProperty("all").GetProperty("totals"), "messages"), first.RequestsAdded);
            Assert.Equal(Truth.L(Truth.Load().Claude.GetProperty("pitfalls"), "malformed_partial_line"), first.MalformedLines);

            var second = Assert.Single(Import(warehouse, ClaudeFixture));
            Assert.Equal(first.FilesSeen, second.FilesSeen);
            Assert.Equal(second.FilesSeen, second.FilesUnchanged);
            Assert.Equal(0, second.FilesRead);
            Assert.Equal(0, second.BytesRead);
            Assert.Equal(0, second.RequestsAdded);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void ASubagentTakesItsTypeFromItsMetaFileEvenForRequestsReadBeforeIt(bool firstImport)
        {
            // Claude Code 2.1: <session>/subagents/agent-<id>.jsonl beside agent-<id>.meta.json naming the type.
            string home = Path.Combine(_scratch.Path, "claude");
            string session = Path.Combine(home, "projects", "-home-dev-work-app", "11111111-2222-3333-4444-555555555555");
            Directory.CreateDirectory(Path.Combine(session, "subagents"));
            string Line(string agentId, string messageId, bool sidechain, string padding = "") =>
                "{\"type\":\"assistant\",\"sessionId\":\"11111111-2222-3333-4444-555555555555\",\"isSidechain\":" + (sidechain ? "true" : "false") +
                (agentId.Length > 0 ? ",\"agentId\":\"" + agentId + "\"" : string.Empty) +
                ",\"cwd\":\"/home/dev/work/app\",\"timestamp\":\"2026-11-20T10:00:00.000Z\",\"requestId\":\"req_" + messageId + "\"," +
                "\"message\":{\"id\":\"" + messageId + "\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\",\"text\":\"" + padding + "\"}]," +
                "\"usage\":{\"input_tokens\":10,\"output_tokens\":2,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0}}}\n";
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            if (!firstImport)
            {
                // Something already imported: this import adds to the warehouse row by row instead of in bulk.
                string other = Path.Combine(home, "projects", "-home-dev-work-other");
                Directory.CreateDirectory(other);
                File.WriteAllText(Path.Combine(other, "99999999-2222-3333-4444-555555555555.jsonl"), Line(string.Empty, "msg_other", sidechain: false).Replace("11111111-", "99999999-"));
                Import(warehouse, home);
            }

            // The session transcript (the largest file, read first) also holds a sidechain request of subagent a1,
            // whose type is only learned from a1's own folder afterwards.
            File.WriteAllText(session + ".jsonl", Line(string.Empty, "msg_main", sidechain: false, padding: new string('x', 20000)) + Line("a1", "msg_inline", sidechain: true));
            File.WriteAllText(Path.Combine(session, "subagents", "agent-a1.jsonl"), Line("a1", "msg_typed", sidechain: true));
            File.WriteAllText(Path.Combine(session, "subagents", "agent-a1.meta.json"), "{\"agentType\":\"code-reviewer\"}");
            File.WriteAllText(Path.Combine(session, "subagents", "agent-a2.jsonl"), Line("a2", "msg_untyped", sidechain: true));
            Import(warehouse, home);

            var filter = new UsageFilter { SessionId = new[] { "11111111-2222-3333-4444-555555555555" } };
            var agents = CostEngine.Summarise(warehouse, filter, new[] { CostGrouping.Agent }, new PeriodOptions { Utc = true }, PriceBook.LoadDefault(Fixtures.PricingFolder)).Rows
                .ToDictionary(r => r.Agent!, r => r.Requests);
            Assert.Equal(new Dictionary<string, long> { ["claude-code"] = 1, ["claude-code/code-reviewer"] = 2, ["claude-code/subagent"] = 1 }, agents);
        }

        [Fact]
        public void AppendedLinesAddExactlyThoseAndARewriteCountsNothingTwice()
        {
            string home = _scratch.CopyTree(ClaudeFixture, "claude");
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, home);
            CostSummary before = Total(warehouse);

            string file = Directory.GetFiles(home, "*.jsonl", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).First(f => new FileInfo(f).Length > 10000);
            string line = "{\"type\":\"assistant\",\"sessionId\":\"appended-session\",\"cwd\":\"/home/dev/work/appended\",\"timestamp\":\"2026-11-21T10:00:00.000Z\",\"requestId\":\"req_appended\"," +
                          "\"message\":{\"id\":\"msg_appended_1\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_appended\",\"name\":\"Bash\",\"input\":{}}]," +
                          "\"usage\":{\"input_tokens\":100,\"output_tokens\":20,\"cache_creation_input_tokens\":300,\"cache_read_input_tokens\":4000}}}";
            string text = File.ReadAllText(file);
            File.AppendAllText(file, (text.EndsWith("\n") ? string.Empty : "\n") + line + "\n" + line.Replace("\"output_tokens\":20", "\"output_tokens\":25") + "\n");

            var appended = Assert.Single(Import(warehouse, home));
            Assert.Equal(1, appended.FilesRead);
            Assert.Equal(1, appended.RequestsAdded);
            CostSummary after = Total(warehouse);
            Assert.Equal(before.Requests + 1, after.Requests);
            Assert.Equal(before.InputTokens + 100, after.InputTokens);
            Assert.Equal(before.OutputTokens + 25, after.OutputTokens);
            Assert.Equal(before.CacheReadTokens + 4000, after.CacheReadTokens);

            // A rewritten file (same content, new bytes in front) is re-read from the start; nothing doubles.
            File.WriteAllText(file, "\n" + File.ReadAllText(file));
            var rewritten = Assert.Single(Import(warehouse, home));
            Assert.Equal(1, rewritten.FilesRead);
            Assert.Equal(0, rewritten.RequestsAdded);
            Assert.Equal(after.TotalTokens, Total(warehouse).TotalTokens);
        }

        [Fact]
        public void ATornLastLineIsNotAnErrorAndIsPickedUpOnceComplete()
        {
            string folder = Path.Combine(_scratch.Path, "projects", "-tmp-p");
            Directory.CreateDirectory(folder);
            string file = Path.Combine(folder, "3f9a1b2c-0000-4000-8000-000000000001.jsonl");
            string full = "{\"type\":\"assistant\",\"sessionId\":\"s1\",\"cwd\":\"/tmp/p\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"message\":{\"id\":\"m1\",\"model\":\"claude-haiku-4-5-20251001\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}}";
            string second = full.Replace("\"m1\"", "\"m2\"");
            File.WriteAllText(file, full + "\n" + second.Substring(0, 40));

            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            var observer = new RecordingObserver();
            var first = new HistoryImporter(warehouse).Import(new ImportOptions { Paths = new[] { _scratch.Path } }, observer, CancellationToken.None).Single();
            Assert.Equal(0, first.MalformedLines);
            Assert.Empty(observer.Problems);
            Assert.Equal(1, Total(warehouse).Requests);

            File.AppendAllText(file, second.Substring(40) + "\n");
            var next = Assert.Single(Import(warehouse, _scratch.Path));
            Assert.Equal(1, next.RequestsAdded);
            Assert.Equal(2, Total(warehouse).Requests);
        }

        [Fact]
        public void MalformedLinesAreSkippedCountedAndNamedByFileAndLine()
        {
            string folder = Path.Combine(_scratch.Path, "projects", "-tmp-q");
            Directory.CreateDirectory(folder);
            string file = Path.Combine(folder, "s.jsonl");
            string good = "{\"type\":\"assistant\",\"sessionId\":\"s1\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"message\":{\"id\":\"m1\",\"model\":\"x\",\"usage\":{\"input_tokens\":5,\"output_tokens\":7}}}";
            // BOM, CRLF, spaced JSON, null fields, an empty line and a broken line in the middle.
            File.WriteAllText(file, "\uFEFF" + good + "\r\n\r\n{not json\r\n" + "{ \"type\" : \"assistant\", \"sessionId\" : \"s1\", \"timestamp\" : \"2026-11-01T10:01:00Z\", \"requestId\": null, \"message\" : { \"id\" : \"m2\", \"model\" : \"x\", \"usage\" : { \"input_tokens\" : 1, \"output_tokens\" : 1, \"cache_creation\": null, \"cache_read_input_tokens\": null } } }");

            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            var observer = new RecordingObserver();
            var result = new HistoryImporter(warehouse).Import(new ImportOptions { Paths = new[] { file } }, observer, CancellationToken.None).Single();
            Assert.Equal(1, result.MalformedLines);
            var problem = Assert.Single(observer.Problems);
            Assert.Equal("MalformedHistoryLine", problem.ErrorId);
            Assert.Equal(ErrorKind.InvalidData, problem.Kind);
            Assert.Equal(file + ":3", problem.Target);
            Assert.Equal(2, Total(warehouse).Requests);
            Assert.Equal(14, Total(warehouse).InputTokens + Total(warehouse).OutputTokens);
        }

        [Fact]
        public void AHomeFolderStandsForEveryAgentFolderInsideIt()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            var results = Import(warehouse, Fixtures.AgentHome);
            Assert.Equal(new[] { AgentSource.Claude, AgentSource.Codex }, results.Select(r => r.Source).ToArray());
            Assert.Equal(42, results[0].FilesSeen);
            Assert.Equal(8, results[1].FilesSeen);
        }

        [Fact]
        public void ANewerWarehouseIsRefusedAndLeftUntouched()
        {
            string path = _scratch.File("future.db");
            using (var warehouse = Warehouse.Open(path))
            {
                warehouse.Execute($"PRAGMA user_version = {Warehouse.SchemaVersion + 5};");
            }

            byte[] before = File.ReadAllBytes(path);
            var error = Assert.Throws<AgentMetricsException>(() => Warehouse.Open(path));
            Assert.Equal("WarehouseVersionTooNew", error.ErrorId);
            Assert.Equal(ErrorKind.InvalidData, error.Kind);
            Assert.Equal(before, File.ReadAllBytes(path));
        }

        [Fact]
        public void AFolderOfAnotherKindIsRefusedWithAClearError()
        {
            Directory.CreateDirectory(_scratch.File("nothing-here"));
            File.WriteAllText(Path.Combine(_scratch.File("nothing-here"), "notes.txt"), "hello");
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            var error = Assert.Throws<AgentMetricsException>(() => Import(warehouse, _scratch.File("nothing-here")));
            Assert.Equal("UnrecognisedHistoryPath", error.ErrorId);
            Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        }

        private static CostSummary Total(Warehouse warehouse) =>
            CostEngine.Summarise(warehouse, new UsageFilter(), Array.Empty<CostGrouping>(), Utc, Prices).Rows.SingleOrDefault() ?? new CostSummary();

        public void Dispose() => _scratch.Dispose();
    }
}
