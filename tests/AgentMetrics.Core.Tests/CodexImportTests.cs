using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using AgentMetrics.Ingest;
using AgentMetrics.Pricing;
using AgentMetrics.Query;
using AgentMetrics.Sources;
using AgentMetrics.Tests.Shared;
using AgentMetrics.Warehousing;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    public sealed class CodexImportTests : IDisposable
    {
        private static readonly PeriodOptions Utc = new PeriodOptions { Utc = true };
        private static readonly UsageFilter CodexOnly = new UsageFilter { Source = new[] { "Codex" } };
        private readonly ScratchFolder _scratch = new ScratchFolder();

        private static PriceBook Prices => PriceBook.LoadDefault(Fixtures.PricingFolder);

        private static string CodexFixture => Path.Combine(Fixtures.AgentHome, ".codex");

        private static string ClaudeFixture => Path.Combine(Fixtures.AgentHome, ".claude");

        private static IReadOnlyList<ImportResult> Import(Warehouse warehouse, params string[] paths) =>
            new HistoryImporter(warehouse).Import(new ImportOptions { Paths = paths }, new RecordingObserver(), CancellationToken.None);

        private static void AssertCodexTokens(JsonElement expected, long requests, long nonCached, long cached, long output, long reasoning)
        {
            Assert.Equal(Truth.L(expected, "requests"), requests);
            Assert.Equal(Truth.L(expected, "non_cached_input_tokens"), nonCached);
            Assert.Equal(Truth.L(expected, "cached_input_tokens"), cached);
            Assert.Equal(Truth.L(expected, "input_tokens"), nonCached + cached);
            Assert.Equal(Truth.L(expected, "output_tokens"), output);
            Assert.Equal(Truth.L(expected, "reasoning_output_tokens"), reasoning);
            Assert.Equal(Truth.L(expected, "total_tokens"), nonCached + cached + output);
        }

        internal static void AssertCodexTruth(Warehouse warehouse)
        {
            var rows = CostEngine.Summarise(warehouse, CodexOnly, new[] { CostGrouping.Day, CostGrouping.Model }, Utc, Prices).Rows;
            var expected = Truth.Load().CodexDailyModels().ToList();
            Assert.Equal(expected.Count, rows.Count);
            foreach (var (day, model, tokens) in expected)
            {
                var row = Assert.Single(rows, r => r.Date!.Value.ToString("yyyy-MM-dd") == day && r.Model == model);
                AssertCodexTokens(tokens, row.Requests, row.InputTokens, row.CacheReadTokens, row.OutputTokens, row.ReasoningTokens);
                Assert.Equal(row.InputTokens + row.CacheReadTokens + row.OutputTokens, row.TotalTokens);
            }

            var days = CostEngine.Summarise(warehouse, CodexOnly, new[] { CostGrouping.Day }, Utc, Prices).Rows;
            var truthDays = Truth.Load().Codex.GetProperty("daily").EnumerateObject().ToList();
            Assert.Equal(truthDays.Count, days.Count);
            foreach (var day in truthDays)
            {
                var row = Assert.Single(days, r => r.Date!.Value.ToString("yyyy-MM-dd") == day.Name);
                AssertCodexTokens(day.Value.GetProperty("totals"), row.Requests, row.InputTokens, row.CacheReadTokens, row.OutputTokens, row.ReasoningTokens);
            }
        }

        [Fact]
        public void EveryDayAndModelMatchesTheTruthExactly()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            var result = Assert.Single(Import(warehouse, CodexFixture));
            Assert.Equal(AgentSource.Codex, result.Source);
            Assert.Equal(3, result.MalformedLines);
            AssertCodexTruth(warehouse);
        }

        [Fact]
        public void CostPerDayAndModelEqualsTheTruthsPricedTokens()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, CodexFixture);
            var rows = CostEngine.Summarise(warehouse, CodexOnly, new[] { CostGrouping.Day, CostGrouping.Model }, Utc, Prices).Rows;
            var expected = (from day in Truth.Load().Codex.GetProperty("daily").EnumerateObject()
                            from model in day.Value.GetProperty("cost_usd_whole_request_rule").EnumerateObject()
                            select (Day: day.Name, Model: model.Name, Cost: model.Value.GetDecimal())).ToList();
            Assert.NotEmpty(expected);
            foreach (var (day, model, cost) in expected)
            {
                var row = Assert.Single(rows, r => r.Date!.Value.ToString("yyyy-MM-dd") == day && r.Model == model);
                Assert.Equal(cost, Math.Round(row.CostUsd!.Value, 9));
            }
        }

        [Fact]
        public void EverySessionMatchesTheTruth()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, CodexFixture);
            var sessions = SessionEngine.Query(warehouse, CodexOnly, TimeSpan.FromMinutes(5), Prices, out _);
            var truth = Truth.Load().Codex.GetProperty("sessions").EnumerateObject().ToList();
            Assert.Equal(truth.Count, sessions.Count);
            foreach (var expected in truth)
            {
                var session = Assert.Single(sessions, s => s.SessionId == expected.Name);
                Assert.Equal("Codex", session.Source);
                AssertCodexTokens(expected.Value.GetProperty("totals"), session.Requests, session.InputTokens, session.CacheReadTokens, session.OutputTokens, session.ReasoningTokens);
                Assert.Equal(DateTimeOffset.Parse(expected.Value.GetProperty("first").GetString()!).UtcDateTime, session.Start.ToUniversalTime());
                Assert.Equal(string.Join(",", expected.Value.GetProperty("models").EnumerateObject().Select(m => m.Name).OrderBy(m => m)),
                    string.Join(",", session.Models.Split(new[] { ", " }, StringSplitOptions.None).OrderBy(m => m)));
            }
        }

        [Fact]
        public void ProjectBranchAndAgentComeFromTheRollout()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, CodexFixture);
            var sessions = SessionEngine.Query(warehouse, CodexOnly, TimeSpan.FromMinutes(5), Prices, out _);
            var lora = Assert.Single(sessions, s => s.SessionId == "fcc8a396-b754-43fd-b4bf-855ce54511dd");
            Assert.Equal("ml-experiments", lora.Project);
            Assert.Equal("/home/dev/work/ml-experiments", lora.ProjectPath);
            Assert.Equal("exp/lora", lora.GitBranch);
            var agents = CostEngine.Summarise(warehouse, CodexOnly, new[] { CostGrouping.Agent }, Utc, Prices).Rows;
            Assert.Equal("codex", Assert.Single(agents).Agent);
        }

        [Fact]
        public void FunctionCallsByNameMatchTheTruth()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, CodexFixture);
            var tools = ToolEngine.Summarise(warehouse, CodexOnly, bySource: false);
            var expected = Truth.Load().Codex.GetProperty("function_calls").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
            Assert.Equal(expected.OrderBy(p => p.Key), tools.ToDictionary(t => t.Name, t => t.Calls).OrderBy(p => p.Key));
            // Every call has its output in the fixture, so every call has a duration.
            Assert.All(tools, t => Assert.Equal(0, t.WithoutResult));
            Assert.All(tools, t => Assert.NotNull(t.AverageDuration));
        }

        [Fact]
        public void ClaudeAndCodexTogetherKeepBothTruthsExact()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            var results = Import(warehouse, ClaudeFixture, CodexFixture);
            Assert.Equal(new[] { AgentSource.Claude, AgentSource.Codex }, results.Select(r => r.Source));
            AssertCodexTruth(warehouse);

            ClaudeImportTests.AssertClaudeDayModelTruth(warehouse);

            var bySource = CostEngine.Summarise(warehouse, new UsageFilter(), new[] { CostGrouping.Source, CostGrouping.Model }, Utc, Prices).Rows;
            foreach (var model in Truth.Load().Codex.GetProperty("all").GetProperty("models").EnumerateObject())
            {
                var row = Assert.Single(bySource, r => r.Source == "Codex" && r.Model == model.Name);
                AssertCodexTokens(model.Value, row.Requests, row.InputTokens, row.CacheReadTokens, row.OutputTokens, row.ReasoningTokens);
            }
        }

        [Fact]
        public void ARolloutInBothSessionsAndArchivedCountsOnceAndAnArchivedOnlyOneCounts()
        {
            string home = _scratch.CopyTree(CodexFixture, "codex");
            string[] rollouts = Directory.GetFiles(Path.Combine(home, "sessions"), "rollout-*.jsonl", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToArray();
            string archived = Path.Combine(home, "archived_sessions");
            Directory.CreateDirectory(archived);
            // The first is archived and still in sessions/ (Codex copies before it deletes); the second moved.
            File.Copy(rollouts[0], Path.Combine(archived, Path.GetFileName(rollouts[0])));
            File.Move(rollouts[1], Path.Combine(archived, Path.GetFileName(rollouts[1])));

            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            var result = Assert.Single(Import(warehouse, home));
            Assert.Equal(rollouts.Length + 1, result.FilesSeen);
            AssertCodexTruth(warehouse);
            var tools = ToolEngine.Summarise(warehouse, CodexOnly, bySource: false);
            Assert.Equal(Truth.Load().Codex.GetProperty("function_calls").EnumerateObject().Sum(p => p.Value.GetInt64()), tools.Sum(t => t.Calls));
        }

        [Fact]
        public void ReimportAddsNothingAndOpensNoUnchangedFile()
        {
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            var first = Assert.Single(Import(warehouse, CodexFixture));
            Assert.Equal(Truth.L(Truth.Load().Codex.GetProperty("all").GetProperty("totals"), "requests"), first.RequestsAdded);
            var second = Assert.Single(Import(warehouse, CodexFixture));
            Assert.Equal(second.FilesSeen, second.FilesUnchanged);
            Assert.Equal(0, second.BytesRead);
            Assert.Equal(0, second.RequestsAdded);
            Assert.Equal(0, second.ToolCallsAdded);
            AssertCodexTruth(warehouse);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void AppendedTokenCountsAddExactlyThoseFromThePersistedRunningTotal(bool stateFromEarlierVersion)
        {
            string home = _scratch.CopyTree(CodexFixture, "codex");
            string file = Directory.GetFiles(home, "rollout-*.jsonl", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).First();
            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, home);
            if (stateFromEarlierVersion)
            {
                // 0.1 warehouses hold the state as System.Text.Json's serializer wrote it, with the computed Sum too.
                string where = " WHERE path = '" + file.Replace("'", "''") + "'";
                warehouse.Execute("UPDATE source_files SET state = json_set(state, '$.Total.Sum', json_extract(state, '$.Total.Input') + json_extract(state, '$.Total.Output'))" + where + ";");
                Assert.Equal(1, warehouse.Scalar<long>("SELECT count(*) FROM source_files" + where + " AND json_extract(state, '$.Total.Sum') > 0;"));
            }
            CostSummary before = Total(warehouse);
            long shellErrorsBefore = ToolEngine.Summarise(warehouse, CodexOnly, bySource: false).Single(t => t.Name == "shell").Errors;

            var (input, cached, output, reasoning) = LastTotal(file);
            string appended =
                TokenCount("2026-11-21T10:00:00.000Z", (input + 1000, cached + 600, output + 50, reasoning + 10), (1000, 600, 50, 10)) +
                // Codex re-emits the same event: nothing new.
                TokenCount("2026-11-21T10:00:01.000Z", (input + 1000, cached + 600, output + 50, reasoning + 10), (1000, 600, 50, 10)) +
                "{\"timestamp\":\"2026-11-21T10:00:02.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call\",\"name\":\"shell\",\"arguments\":\"{}\",\"call_id\":\"call_appended\"}}\n" +
                TokenCount("2026-11-21T10:00:02.000Z", (input + 3000, cached + 2000, output + 70, reasoning + 10), (2000, 1400, 20, 0)) +
                "{\"timestamp\":\"2026-11-21T10:00:05.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call_output\",\"call_id\":\"call_appended\",\"output\":\"{\\\"output\\\":\\\"\\\",\\\"metadata\\\":{\\\"exit_code\\\":1}}\"}}\n";
            File.AppendAllText(file, appended);

            var result = Assert.Single(Import(warehouse, home));
            Assert.Equal(1, result.FilesRead);
            Assert.Equal(2, result.RequestsAdded);
            Assert.Equal(1, result.ToolCallsAdded);
            CostSummary after = Total(warehouse);
            Assert.Equal(before.Requests + 2, after.Requests);
            Assert.Equal(before.InputTokens + 400 + 600, after.InputTokens);
            Assert.Equal(before.CacheReadTokens + 600 + 1400, after.CacheReadTokens);
            Assert.Equal(before.OutputTokens + 70, after.OutputTokens);
            Assert.Equal(before.ReasoningTokens + 10, after.ReasoningTokens);
            var shell = Assert.Single(ToolEngine.Summarise(warehouse, CodexOnly, bySource: false), t => t.Name == "shell");
            // A non-zero exit code in the output's metadata is a failed call.
            Assert.Equal(shellErrorsBefore + 1, shell.Errors);

            // Re-reading everything from scratch gives the same numbers as the two incremental imports.
            var forced = new HistoryImporter(warehouse).Import(new ImportOptions { Paths = new[] { home }, Force = true }, new RecordingObserver(), CancellationToken.None).Single();
            Assert.Equal(0, forced.RequestsAdded);
            Assert.Equal(after.TotalTokens, Total(warehouse).TotalTokens);
        }

        [Theory]
        [InlineData("{\"output\":\"x\",\"metadata\":{\"exit_code\":1,\"duration_seconds\":0.1}}", true)]
        [InlineData("{\"output\":\"x\",\"metadata\":{\"exit_code\":0}}", false)]
        [InlineData("{\"metadata\":{\"exit_code\":\"2\"},\"output\":\"line\\nwith \\\"quotes\\\" and \\u00e9\"}", true)]
        [InlineData("{\"output\":\"x\",\"metadata\":{\"exit_code\":1}", false)] // not valid JSON: not a report
        [InlineData("plain text output", false)]
        [InlineData("", false)]
        public void AToolOutputFailsWhenItsMetadataReportsANonZeroExitCode(string outputText, bool failed)
        {
            string line = "{\"timestamp\":\"2026-11-21T10:00:05.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":" +
                          JsonSerializer.Serialize(outputText) + "}}";
            Assert.True(AgentMetrics.Sources.Codex.ToolOutputScanner.TryRead(System.Text.Encoding.UTF8.GetBytes(line), out var output));
            Assert.Equal("call_1", output.CallId);
            Assert.Equal(failed, output.IsError);
            Assert.Equal(Json.ParseTimestamp("2026-11-21T10:00:05.000Z"), output.Timestamp);
        }

        [Theory]
        [InlineData("{\"timestamp\":\"2026-11-21T10:00:05.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call\",\"name\":\"shell\",\"call_id\":\"c\"}}")]
        [InlineData("{\"timestamp\":\"2026-11-21T10:00:05.000Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"function_call_output\",\"call_id\":\"c\"}}")]
        [InlineData("{\"timestamp\":\"2026-11-21T10:00:05.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"x\"}")]
        [InlineData("{\"timestamp\":1763719205000,\"type\":\"response_item\",\"payload\":{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"x\"}}")]
        public void AnythingButAWellFormedToolOutputLineIsLeftToTheFullParse(string line)
        {
            Assert.False(AgentMetrics.Sources.Codex.ToolOutputScanner.TryRead(System.Text.Encoding.UTF8.GetBytes(line), out _));
        }

        [Fact]
        public void AResetStartsANewBaselineAndATotalsOnlyFileCountsByDifference()
        {
            string day = Path.Combine(_scratch.Path, "codex", "sessions", "2026", "11", "01");
            Directory.CreateDirectory(day);
            string reset = Path.Combine(day, "rollout-2026-11-01T10-00-00-11111111-1111-4111-8111-111111111111.jsonl");
            File.WriteAllText(reset,
                Meta("11111111-1111-4111-8111-111111111111", "2026-11-01T10:00:00.000Z") + TurnContext("2026-11-01T10:00:00.000Z", "gpt-5") +
                TokenCount("2026-11-01T10:00:10.000Z", (1000, 400, 100, 20), (1000, 400, 100, 20)) +
                TokenCount("2026-11-01T10:00:20.000Z", (3000, 1400, 150, 20), (2000, 1000, 50, 0)) +
                // The running total went backwards (a new conversation in the same process): a reset, and this event counts.
                TokenCount("2026-11-01T10:00:30.000Z", (500, 100, 30, 5), (500, 100, 30, 5)) +
                TokenCount("2026-11-01T10:00:40.000Z", (900, 300, 40, 5), (400, 200, 10, 0)));
            string legacy = Path.Combine(day, "rollout-2026-11-01T11-00-00-22222222-2222-4222-8222-222222222222.jsonl");
            File.WriteAllText(legacy,
                Meta("22222222-2222-4222-8222-222222222222", "2026-11-01T11:00:00.000Z") + TurnContext("2026-11-01T11:00:00.000Z", "gpt-5-codex") +
                TokenCount("2026-11-01T11:00:10.000Z", (1000, 500, 100, 10), null) +
                TokenCount("2026-11-01T11:00:20.000Z", (1000, 500, 100, 10), null) +
                TokenCount("2026-11-01T11:00:30.000Z", (2500, 1500, 130, 10), null) +
                TokenCount("2026-11-01T11:00:40.000Z", (700, 200, 20, 0), null) +
                "{\"timestamp\":\"2026-11-01T11:00:45.000Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":null}}\n");

            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, Path.Combine(_scratch.Path, "codex"));
            var rows = CostEngine.Summarise(warehouse, CodexOnly, new[] { CostGrouping.Session }, Utc, Prices).Rows;

            var r = Assert.Single(rows, x => x.SessionId == "11111111-1111-4111-8111-111111111111");
            Assert.Equal(4, r.Requests);
            Assert.Equal(1000 + 2000 + 500 + 400, r.InputTokens + r.CacheReadTokens);
            Assert.Equal(400 + 1000 + 100 + 200, r.CacheReadTokens);
            Assert.Equal(100 + 50 + 30 + 10, r.OutputTokens);
            Assert.Equal(25, r.ReasoningTokens);

            var l = Assert.Single(rows, x => x.SessionId == "22222222-2222-4222-8222-222222222222");
            Assert.Equal(3, l.Requests);
            Assert.Equal(1000 + 1500 + 700, l.InputTokens + l.CacheReadTokens);
            Assert.Equal(500 + 1000 + 200, l.CacheReadTokens);
            Assert.Equal(100 + 30 + 20, l.OutputTokens);
        }

        [Fact]
        public void AForkedRolloutDoesNotCountTheHistoryItReplays()
        {
            string day = Path.Combine(_scratch.Path, "codex", "sessions", "2026", "11", "02");
            Directory.CreateDirectory(day);
            string fork = Path.Combine(day, "rollout-2026-11-02T12-00-00-33333333-3333-4333-8333-333333333333.jsonl");
            File.WriteAllText(fork,
                "{\"timestamp\":\"2026-11-02T12:00:00.000Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"33333333-3333-4333-8333-333333333333\",\"timestamp\":\"2026-11-02T12:00:00.000Z\",\"cwd\":\"/w/app\",\"forked_from_id\":\"44444444-4444-4444-8444-444444444444\",\"git\":{\"branch\":\"fix\"}}}\n" +
                // The parent's history, replayed with its original timestamps: it was counted in the parent's own rollout.
                Meta("44444444-4444-4444-8444-444444444444", "2026-11-02T11:00:00.000Z") + TurnContext("2026-11-02T11:00:00.000Z", "gpt-5") +
                "{\"timestamp\":\"2026-11-02T11:00:05.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call\",\"name\":\"shell\",\"arguments\":\"{}\",\"call_id\":\"call_parent\"}}\n" +
                TokenCount("2026-11-02T11:00:05.000Z", (1000, 0, 100, 0), (1000, 0, 100, 0)) +
                TokenCount("2026-11-02T11:00:10.000Z", (3000, 1000, 150, 0), (2000, 1000, 50, 0)) +
                TurnContext("2026-11-02T12:00:01.000Z", "gpt-5") +
                TokenCount("2026-11-02T12:00:10.000Z", (6500, 3000, 170, 0), (3500, 2000, 20, 0)));

            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, fork);
            CostSummary total = Total(warehouse);
            Assert.Equal(1, total.Requests);
            Assert.Equal(3500, total.InputTokens + total.CacheReadTokens);
            Assert.Equal(20, total.OutputTokens);
            var session = Assert.Single(SessionEngine.Query(warehouse, CodexOnly, TimeSpan.FromMinutes(5), Prices, out _));
            Assert.Equal("33333333-3333-4333-8333-333333333333", session.SessionId);
            Assert.Equal("fix", session.GitBranch);
            Assert.Equal("codex/subagent", Assert.Single(CostEngine.Summarise(warehouse, CodexOnly, new[] { CostGrouping.Agent }, Utc, Prices).Rows).Agent);
            Assert.Empty(ToolEngine.Summarise(warehouse, CodexOnly, bySource: false));
        }

        [Fact]
        public void CodexFoldersAndFilesAreRecognisedAndNotTakenForClaude()
        {
            string rollout = Directory.GetFiles(CodexFixture, "rollout-*.jsonl", SearchOption.AllDirectories).First();
            foreach (string path in new[] { CodexFixture, Path.Combine(CodexFixture, "sessions"), Path.Combine(CodexFixture, "sessions", "2026"), rollout })
            {
                using var warehouse = Warehouse.Open(_scratch.File(Guid.NewGuid().ToString("N") + ".db"));
                Assert.Equal(AgentSource.Codex, Assert.Single(Import(warehouse, path)).Source);
            }
        }

        private static (long Input, long Cached, long Output, long Reasoning) LastTotal(string file)
        {
            var last = File.ReadLines(file)
                .Select(line => { try { return JsonDocument.Parse(line).RootElement; } catch (JsonException) { return default; } })
                .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("payload", out var p) && p.TryGetProperty("info", out var i) && i.ValueKind == JsonValueKind.Object)
                .Last().GetProperty("payload").GetProperty("info").GetProperty("total_token_usage");
            return (last.GetProperty("input_tokens").GetInt64(), last.GetProperty("cached_input_tokens").GetInt64(), last.GetProperty("output_tokens").GetInt64(), last.GetProperty("reasoning_output_tokens").GetInt64());
        }

        private static string Usage((long Input, long Cached, long Output, long Reasoning) u) =>
            $"{{\"input_tokens\":{u.Input},\"cached_input_tokens\":{u.Cached},\"output_tokens\":{u.Output},\"reasoning_output_tokens\":{u.Reasoning},\"total_tokens\":{u.Input + u.Output}}}";

        private static string TokenCount(string ts, (long, long, long, long) total, (long, long, long, long)? last) =>
            $"{{\"timestamp\":\"{ts}\",\"type\":\"event_msg\",\"payload\":{{\"type\":\"token_count\",\"info\":{{\"total_token_usage\":{Usage(total)}," +
            (last is { } l ? $"\"last_token_usage\":{Usage(l)}," : string.Empty) + "\"model_context_window\":272000}}}\n";

        private static string Meta(string id, string ts) =>
            $"{{\"timestamp\":\"{ts}\",\"type\":\"session_meta\",\"payload\":{{\"id\":\"{id}\",\"timestamp\":\"{ts}\",\"cwd\":\"/w/app\",\"cli_version\":\"0.40.0\"}}}}\n";

        private static string TurnContext(string ts, string model) =>
            $"{{\"timestamp\":\"{ts}\",\"type\":\"turn_context\",\"payload\":{{\"cwd\":\"/w/app\",\"model\":\"{model}\"}}}}\n";

        private static CostSummary Total(Warehouse warehouse) =>
            CostEngine.Summarise(warehouse, CodexOnly, Array.Empty<CostGrouping>(), Utc, Prices).Rows.SingleOrDefault() ?? new CostSummary();

        public void Dispose() => _scratch.Dispose();
    }
}
