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
    /// <summary>The app-emitted stores of docs/formats.md#app-emitted-telemetry-stores, written here with known totals.</summary>
    public sealed class TelemetryStoreTests : IDisposable
    {
        private static readonly PeriodOptions Utc = new PeriodOptions { Utc = true };
        private readonly ScratchFolder _scratch = new ScratchFolder();

        private static PriceBook Prices => PriceBook.LoadDefault(Fixtures.PricingFolder);

        private static long Ms(string iso) => DateTimeOffset.Parse(iso).ToUnixTimeMilliseconds();

        private static string TokenRecord(string execution, string agent, string phase, string model, long prompt, long completion, string at) =>
            $"{{\"executionId\":\"{execution}\",\"workspaceId\":\"webshop\",\"agentId\":\"{agent}\",\"phase\":\"{phase}\",\"model\":\"{model}\"," +
            $"\"promptTokens\":{prompt},\"completionTokens\":{completion},\"totalTokens\":{prompt + completion},\"timestamp\":{Ms(at)}}}";

        private static string ToolRecord(string execution, string agent, string tool, long duration, string at) =>
            $"{{\"executionId\":\"{execution}\",\"workspaceId\":\"webshop\",\"agentId\":\"{agent}\",\"toolName\":\"{tool}\",\"durationMs\":{duration},\"timestamp\":{Ms(at)}}}";

        private static string Document(IEnumerable<string> tokens, IEnumerable<string> tools) =>
            "{\n  \"tokens\": [" + string.Join(",\n    ", tokens) + "],\n  \"tools\": [" + string.Join(",\n    ", tools) + "]\n}";

        private static readonly string T1 = TokenRecord("exec-1", "planner", "plan", "gpt-5", 1000, 200, "2026-11-01T10:00:00Z");
        private static readonly string T2 = TokenRecord("exec-1", "coder", "implement", "claude-sonnet-4-5", 3000, 500, "2026-11-01T10:05:00Z");
        private static readonly string T3 = TokenRecord("exec-2", "reviewer", "review", "gpt-5", 500, 50, "2026-11-01T11:00:00Z");
        private static readonly string Bash = ToolRecord("exec-1", "coder", "bash", 1200, "2026-11-01T10:04:00Z");
        private static readonly string Read = ToolRecord("exec-1", "coder", "read_file", 300, "2026-11-01T10:04:30Z");

        /// <summary>metrics/ with a day file and two execution files that repeat its records, a temp file and a broken document.</summary>
        private string AgentHubStore()
        {
            string metrics = Path.Combine(_scratch.Path, ".agenthub", "metrics");
            string daily = Path.Combine(metrics, "daily");
            string executions = Path.Combine(metrics, "executions");
            Directory.CreateDirectory(daily);
            Directory.CreateDirectory(executions);
            File.WriteAllText(Path.Combine(daily, "2026-11-01.json"), Document(new[] { T1, T2, T3 }, new[] { Bash, Read }));
            File.WriteAllText(Path.Combine(executions, "exec-1.json"), Document(new[] { T1, T2 }, new[] { Bash, Read }));
            File.WriteAllText(Path.Combine(executions, "exec-2.json"), Document(new[] { T3 }, Array.Empty<string>()));
            // The writer's half-written temp file (before its rename): never read.
            File.WriteAllText(Path.Combine(daily, "2026-11-01.json.tmp.1793527200000"), "{\"tokens\":[" + T1 + "," + T1.Replace("1000", "99999"));
            File.WriteAllText(Path.Combine(executions, "exec-9.json"), "{\"tokens\":[" + T1.Substring(0, 30));
            return metrics;
        }

        private static (IReadOnlyList<ImportResult> Results, RecordingObserver Observer) Import(Warehouse warehouse, params string[] paths)
        {
            var observer = new RecordingObserver();
            return (new HistoryImporter(warehouse).Import(new ImportOptions { Paths = paths }, observer, CancellationToken.None), observer);
        }

        private static CostSummary Total(Warehouse warehouse, string source) =>
            CostEngine.Summarise(warehouse, new UsageFilter { Source = new[] { source } }, Array.Empty<CostGrouping>(), Utc, Prices).Rows.SingleOrDefault() ?? new CostSummary();

        [Fact]
        public void AgentHubCountsEachRecordOnceSkipsTempFilesAndReportsABrokenDocument()
        {
            string metrics = AgentHubStore();
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            var (results, observer) = Import(warehouse, Path.GetDirectoryName(metrics)!);
            var result = Assert.Single(results);
            Assert.Equal(AgentSource.AgentHub, result.Source);
            Assert.Equal(4, result.FilesSeen);
            Assert.Equal(3, result.RequestsAdded);

            var problem = Assert.Single(observer.Problems);
            Assert.Equal("MalformedHistoryFile", problem.ErrorId);
            Assert.Equal(ErrorKind.InvalidData, problem.Kind);
            Assert.Equal(Path.Combine(metrics, "executions", "exec-9.json"), problem.Target);

            CostSummary total = Total(warehouse, "AgentHub");
            Assert.Equal(3, total.Requests);
            Assert.Equal(4500, total.InputTokens);
            Assert.Equal(750, total.OutputTokens);
            Assert.Equal(0, total.CacheReadTokens);

            var agents = CostEngine.Summarise(warehouse, new UsageFilter(), new[] { CostGrouping.Agent }, Utc, Prices).Rows;
            Assert.Equal(new[] { "coder", "planner", "reviewer" }, agents.Select(a => a.Agent));
            Assert.Equal(3500, agents.Single(a => a.Agent == "coder").InputTokens + agents.Single(a => a.Agent == "coder").OutputTokens);

            var sessions = SessionEngine.Query(warehouse, new UsageFilter(), TimeSpan.FromMinutes(5), Prices, out _);
            Assert.Equal(new[] { "exec-1", "exec-2" }, sessions.Select(s => s.SessionId).OrderBy(s => s));
            Assert.All(sessions, s => Assert.Equal("webshop", s.Project));

            var tools = ToolEngine.Summarise(warehouse, new UsageFilter(), bySource: true);
            var bash = Assert.Single(tools, t => t.Name == "bash");
            Assert.Equal(1, bash.Calls);
            Assert.Equal(TimeSpan.FromMilliseconds(1200), bash.TotalDuration);
            Assert.Equal(TimeSpan.FromMilliseconds(300), Assert.Single(tools, t => t.Name == "read_file").TotalDuration);
        }

        [Fact]
        public void AnAgentHubDayFileRewrittenByItsWriterAddsOnlyItsNewRecord()
        {
            string metrics = AgentHubStore();
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, metrics);
            var again = Assert.Single(Import(warehouse, metrics).Results);
            Assert.Equal(0, again.FilesRead);
            Assert.Equal(0, again.RequestsAdded);

            // The writer replaces the whole day file (temp + rename): the same records and one new one.
            string day = Path.Combine(metrics, "daily", "2026-11-01.json");
            string t4 = TokenRecord("exec-3", "planner", "plan", "gpt-5-mini", 100, 10, "2026-11-01T12:00:00Z");
            string tool = ToolRecord("exec-3", "planner", "bash", 50, "2026-11-01T12:00:05Z");
            File.WriteAllText(day + ".tmp.1793534400000", Document(new[] { T1, T2, T3, t4 }, new[] { Bash, Read, tool }));
            File.Delete(day);
            File.Move(day + ".tmp.1793534400000", day);

            var rewritten = Assert.Single(Import(warehouse, metrics).Results);
            Assert.Equal(1, rewritten.FilesRead);
            Assert.Equal(1, rewritten.RequestsAdded);
            Assert.Equal(1, rewritten.ToolCallsAdded);
            CostSummary total = Total(warehouse, "AgentHub");
            Assert.Equal(4, total.Requests);
            Assert.Equal(4600, total.InputTokens);
            Assert.Equal(760, total.OutputTokens);
        }

        private static string TelemetryLine(string at, string session, string agent, string operation, string model, long input, long output, double cost, bool success = true, string prompt = "sha256:aa") =>
            $"{{\"timestamp\":\"{at}\",\"agent_name\":\"{agent}\",\"operation\":\"{operation}\",\"model\":\"{model}\",\"session_id\":\"{session}\",\"user_id\":\"dev\"," +
            $"\"duration_ms\":{input / 10},\"tokens\":{{\"input\":{input},\"output\":{output},\"total\":{input + output}}},\"cost_usd\":{cost.ToString(System.Globalization.CultureInfo.InvariantCulture)}," +
            $"\"success\":{(success ? "true" : "false")},\"prompt_hash\":\"{prompt}\",\"response_hash\":\"sha256:bb\",\"metadata\":{{\"project\":\"billing\",\"git_branch\":\"main\",\"error\":null}}}}";

        /// <summary>A project folder with .llm-telemetry/: two days, a malformed line, and the files that are not read.</summary>
        private string TelemetryProject()
        {
            string project = Path.Combine(_scratch.Path, "billing");
            string day1 = Path.Combine(project, ".llm-telemetry", "2026-11-01");
            string day2 = Path.Combine(project, ".llm-telemetry", "2026-11-02");
            Directory.CreateDirectory(day1);
            Directory.CreateDirectory(day2);
            File.WriteAllText(Path.Combine(day1, "telemetry.jsonl"),
                TelemetryLine("2026-11-01T09:00:00.000Z", "s1", "summariser", "summarise", "gpt-5-mini", 2000, 300, 0.0011) + "\n" +
                "{\"timestamp\":\"2026-11-01T09:01:00.000Z\",\"agent_name\":\n" +
                TelemetryLine("2026-11-01T09:02:00.000Z", "s1", "classifier", "classify", "gpt-5-nano", 800, 20, 0.000048, success: false) + "\n" +
                // The same call twice (a retried write): one record.
                TelemetryLine("2026-11-01T09:02:00.000Z", "s1", "classifier", "classify", "gpt-5-nano", 800, 20, 0.000048, success: false) + "\n");
            File.WriteAllText(Path.Combine(day1, "prompts.jsonl"), TelemetryLine("2026-11-01T09:00:00.000Z", "s1", "x", "y", "gpt-5", 99999, 99999, 99) + "\n");
            File.WriteAllText(Path.Combine(day1, "summary.json"), "{\"total_cost_usd\":99}");
            File.WriteAllText(Path.Combine(day2, "telemetry.jsonl"),
                TelemetryLine("2026-11-02T14:00:00.000Z", "s2", "summariser", "summarise", "gpt-5", 10000, 1000, 0.0225) + "\n");
            return project;
        }

        [Fact]
        public void LlmTelemetryRecordsBecomeRequestsWithTheirReportedCost()
        {
            string project = TelemetryProject();
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            var (results, observer) = Import(warehouse, Path.Combine(project, ".llm-telemetry"));
            var result = Assert.Single(results);
            Assert.Equal(AgentSource.LlmTelemetry, result.Source);
            Assert.Equal(2, result.FilesSeen);
            Assert.Equal(3, result.RequestsAdded);
            Assert.Equal(1, result.MalformedLines);
            var problem = Assert.Single(observer.Problems);
            Assert.Equal("MalformedHistoryLine", problem.ErrorId);
            Assert.Equal(Path.Combine(project, ".llm-telemetry", "2026-11-01", "telemetry.jsonl") + ":2", problem.Target);

            CostSummary total = Total(warehouse, "LlmTelemetry");
            Assert.Equal(3, total.Requests);
            Assert.Equal(12800, total.InputTokens);
            Assert.Equal(1320, total.OutputTokens);
            Assert.Equal(0.0011m + 0.000048m + 0.0225m, Math.Round(total.ReportedCostUsd!.Value, 9));
            // Computed from the price book: 2000×0.25 + 300×2 + 800×0.05 + 20×0.4 + 10000×1.25 + 1000×10 per million.
            Assert.Equal((2000 * 0.25m + 300 * 2m + 800 * 0.05m + 20 * 0.4m + 10000 * 1.25m + 1000 * 10m) / 1_000_000m, total.CostUsd);

            var rows = CostEngine.Summarise(warehouse, new UsageFilter(), new[] { CostGrouping.Source, CostGrouping.Agent }, Utc, Prices).Rows;
            Assert.Equal(new[] { "classifier", "summariser" }, rows.Select(r => r.Agent));
            Assert.All(rows, r => Assert.Equal("LlmTelemetry", r.Source));
            var session = Assert.Single(SessionEngine.Query(warehouse, new UsageFilter { SessionId = new[] { "s1" } }, TimeSpan.FromMinutes(5), Prices, out _));
            Assert.Equal("billing", session.Project);
            Assert.Equal("main", session.GitBranch);
            Assert.Equal(0.0011m + 0.000048m, Math.Round(session.ReportedCostUsd!.Value, 9));
        }

        [Fact]
        public void LinesAppendedToTelemetryAddExactlyThose()
        {
            string project = TelemetryProject();
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, project);
            CostSummary before = Total(warehouse, "LlmTelemetry");

            File.AppendAllText(Path.Combine(project, ".llm-telemetry", "2026-11-02", "telemetry.jsonl"),
                TelemetryLine("2026-11-02T15:00:00.000Z", "s2", "summariser", "summarise", "gpt-5", 4000, 400, 0.009) + "\n" +
                TelemetryLine("2026-11-02T15:00:00.000Z", "s2", "summariser", "summarise", "gpt-5", 4000, 400, 0.009, prompt: "sha256:cc") + "\n");
            var result = Assert.Single(Import(warehouse, project).Results);
            Assert.Equal(1, result.FilesRead);
            Assert.Equal(2, result.RequestsAdded);
            CostSummary after = Total(warehouse, "LlmTelemetry");
            Assert.Equal(before.Requests + 2, after.Requests);
            Assert.Equal(before.InputTokens + 8000, after.InputTokens);
            Assert.Equal(before.OutputTokens + 800, after.OutputTokens);
            Assert.Equal(Math.Round(before.ReportedCostUsd!.Value + 0.018m, 9), Math.Round(after.ReportedCostUsd!.Value, 9));
        }

        [Fact]
        public void DefaultPlacesAreFoundFromTheCallersFolderAndSourceNarrowsPaths()
        {
            string project = TelemetryProject();
            string metrics = AgentHubStore();
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            var observer = new RecordingObserver();
            var found = new HistoryImporter(warehouse).Import(
                new ImportOptions { Sources = new[] { AgentSource.LlmTelemetry }, WorkingDirectory = project }, observer, CancellationToken.None);
            Assert.Equal(3, Assert.Single(found).RequestsAdded);
            Assert.Contains(observer.Messages, m => m.StartsWith("LlmTelemetry: found", StringComparison.Ordinal));

            var narrowed = new HistoryImporter(warehouse).Import(
                new ImportOptions { Sources = new[] { AgentSource.AgentHub }, Paths = new[] { project, metrics, Path.Combine(Fixtures.AgentHome, ".codex") } }, new RecordingObserver(), CancellationToken.None);
            Assert.Equal(AgentSource.AgentHub, Assert.Single(narrowed).Source);
            Assert.Equal(0, Total(warehouse, "Codex").Requests);
        }

        [Fact]
        public void EachKindOfFolderIsRecognisedForWhatItIs()
        {
            string project = TelemetryProject();
            string metrics = AgentHubStore();
            var expected = new Dictionary<string, AgentSource>
            {
                [project] = AgentSource.LlmTelemetry,
                [Path.Combine(project, ".llm-telemetry", "2026-11-01")] = AgentSource.LlmTelemetry,
                [Path.Combine(project, ".llm-telemetry", "2026-11-02", "telemetry.jsonl")] = AgentSource.LlmTelemetry,
                [Path.GetDirectoryName(metrics)!] = AgentSource.AgentHub,
                [Path.Combine(metrics, "executions")] = AgentSource.AgentHub,
                [Path.Combine(metrics, "daily", "2026-11-01.json")] = AgentSource.AgentHub,
                [Path.Combine(Fixtures.AgentHome, ".claude")] = AgentSource.Claude,
            };
            foreach (var pair in expected)
            {
                using var warehouse = Warehouse.Open(_scratch.File(Guid.NewGuid().ToString("N") + ".db"));
                Assert.Equal(pair.Value, Assert.Single(Import(warehouse, pair.Key).Results).Source);
            }
        }

        public void Dispose() => _scratch.Dispose();
    }
}
