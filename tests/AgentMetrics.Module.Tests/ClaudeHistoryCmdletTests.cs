using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using AgentMetrics.Tests.Shared;
using Xunit;

namespace AgentMetrics.Module.Tests
{
    /// <summary>Imports the shared fixture once through the real cmdlets; the tests below query it.</summary>
    public sealed class ImportedFixture : IDisposable
    {
        public ImportedFixture()
        {
            Warehouse = Scratch.File("fixture.db");
            using var ps = new PowerShellSession();
            ImportRun = ps.Run("Import-AgentHistory -Path $args[0] -Warehouse $args[1]", ClaudeHome, Warehouse);
        }

        public ScratchFolder Scratch { get; } = new ScratchFolder();

        public string Warehouse { get; }

        public PowerShellResult ImportRun { get; }

        public static string ClaudeHome => Path.Combine(Fixtures.AgentHome, ".claude");

        public void Dispose() => Scratch.Dispose();
    }

    public sealed class ClaudeHistoryCmdletTests : IClassFixture<ImportedFixture>
    {
        private readonly ImportedFixture _fixture;

        public ClaudeHistoryCmdletTests(ImportedFixture fixture)
        {
            _fixture = fixture;
        }

        private static T P<T>(PSObject o, string name) => (T)o.Properties[name].Value;

        [Fact]
        public void ImportEmitsATypedResultAndOneWarningForAllMalformedLines()
        {
            PowerShellResult run = _fixture.ImportRun;
            Assert.Null(run.Terminating);
            PSObject result = Assert.Single(run.Output);
            // The test host reports 200 columns and the command is last in its pipeline: the wide layout's name leads.
            Assert.Equal(new[] { "AgentMetrics.ImportResult#Wide", "AgentMetrics.ImportResult" }, result.TypeNames.Take(2));
            Assert.Equal("Claude", P<object>(result, "Source").ToString());
            Assert.Equal(42L, P<long>(result, "FilesSeen"));
            Assert.True(P<long>(result, "RequestsAdded") > 0);
            Assert.True(P<long>(result, "DuplicatesDropped") > 0);

            // Broken lines are the agent's doing: no error, one warning with the count, the files and the first.
            Assert.Empty(run.Errors);
            long malformed = P<long>(result, "MalformedLines");
            Assert.True(malformed > 0);
            WarningRecord warning = Assert.Single(run.Warnings);
            Assert.Contains($"Skipped {malformed} malformed line(s)", warning.Message);
            Assert.Contains($"in {P<long>(result, "MalformedFiles")} file(s)", warning.Message);
            Assert.Matches(@"\.jsonl:\d+$", P<string>(result, "FirstMalformedLine"));
            Assert.Contains(P<string>(result, "FirstMalformedLine"), warning.Message);
        }

        [Fact]
        public void CostByUtcDayAndModelMatchesEveryTruthNumber()
        {
            using var ps = new PowerShellSession();
            var rows = ps.Run("Get-AgentCost -By Day, Model -Utc -Warehouse $args[0]", _fixture.Warehouse).ThrowIfFailed().Output;
            var truth = Truth.Load();
            var expected = truth.ClaudeDailyModels().ToList();
            Assert.Equal(expected.Count, rows.Count);
            var costs = truth.ClaudeDailyCosts().ToDictionary(c => (c.Day, c.Model), c => c.Cost);
            foreach (var (day, model, tokens) in expected)
            {
                PSObject row = Assert.Single(rows, r => P<DateTime?>(r, "Date")!.Value.ToString("yyyy-MM-dd") == day && P<string>(r, "Model") == model);
                Assert.Equal(Truth.L(tokens, "input"), P<long>(row, "InputTokens"));
                Assert.Equal(Truth.L(tokens, "output"), P<long>(row, "OutputTokens"));
                Assert.Equal(Truth.L(tokens, "cache_creation"), P<long>(row, "CacheWriteTokens"));
                Assert.Equal(Truth.L(tokens, "cache_read"), P<long>(row, "CacheReadTokens"));
                Assert.Equal(Truth.L(tokens, "messages"), P<long>(row, "Requests"));
                Assert.Equal(costs[(day, model)], Math.Round(P<decimal?>(row, "CostUsd")!.Value, 9));
            }

            // The test host reports 200 columns and the command is last in its pipeline: the wide layout's name leads.
            Assert.Equal(new[] { "AgentMetrics.CostSummary#DayModel#Wide", "AgentMetrics.CostSummary#DayModel" }, rows[0].TypeNames.Take(2));
            Assert.Contains("AgentMetrics.CostSummary", rows[0].TypeNames);
        }

        [Fact]
        public void CostByUtcDayMatchesTheDailyTotals()
        {
            using var ps = new PowerShellSession();
            var rows = ps.Run("Get-AgentCost -By Day -Utc -Warehouse $args[0]", _fixture.Warehouse).ThrowIfFailed().Output;
            var daily = Truth.Load().Claude.GetProperty("daily").EnumerateObject().ToList();
            Assert.Equal(daily.Count, rows.Count);
            foreach (var day in daily)
            {
                var totals = day.Value.GetProperty("totals");
                PSObject row = Assert.Single(rows, r => P<DateTime?>(r, "Date")!.Value.ToString("yyyy-MM-dd") == day.Name);
                Assert.Equal(Truth.L(totals, "input") + Truth.L(totals, "output") + Truth.L(totals, "cache_creation") + Truth.L(totals, "cache_read"), P<long>(row, "TotalTokens"));
                Assert.Equal(day.Value.GetProperty("cost_usd_whole_request_rule").EnumerateObject().Sum(m => m.Value.GetDecimal()), Math.Round(P<decimal?>(row, "CostUsd")!.Value, 9));
                Assert.Equal(DateTimeKind.Utc, P<DateTime?>(row, "Date")!.Value.Kind);
            }
        }

        [Fact]
        public void SessionsToolCallsAndSyntheticMessagesMatchTheTruth()
        {
            using var ps = new PowerShellSession();
            var sessions = ps.Run("Get-AgentSession -Warehouse $args[0]", _fixture.Warehouse).ThrowIfFailed().Output;
            var truth = Truth.Load().Claude;
            var expected = truth.GetProperty("sessions").EnumerateObject().ToList();
            Assert.Equal(expected.Count, sessions.Count);
            foreach (var session in expected)
            {
                PSObject row = Assert.Single(sessions, s => P<string>(s, "SessionId") == session.Name);
                var totals = session.Value.GetProperty("totals");
                Assert.Equal(Truth.L(totals, "messages"), P<long>(row, "Requests"));
                Assert.Equal(Truth.L(totals, "input") + Truth.L(totals, "output") + Truth.L(totals, "cache_creation") + Truth.L(totals, "cache_read"), P<long>(row, "TotalTokens"));
                Assert.Equal(new[] { "AgentMetrics.Session#Wide", "AgentMetrics.Session" }, row.TypeNames.Take(2));
                Assert.True(P<TimeSpan>(row, "ActiveDuration") <= P<TimeSpan>(row, "WallDuration"));
            }

            Assert.Equal(truth.GetProperty("synthetic_messages").GetInt64(), sessions.Sum(s => P<long>(s, "SyntheticMessages")));
            Assert.Equal(truth.GetProperty("tool_calls").EnumerateObject().Sum(t => t.Value.GetInt64()), sessions.Sum(s => P<long>(s, "ToolCalls")));

            var tools = ps.Run("Get-AgentToolUsage -Warehouse $args[0]", _fixture.Warehouse).ThrowIfFailed().Output;
            var byName = truth.GetProperty("tool_calls").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
            Assert.Equal(byName.Count, tools.Count);
            foreach (PSObject tool in tools)
            {
                Assert.Equal(byName[P<string>(tool, "Name")], P<long>(tool, "Calls"));
            }
        }

        public static IEnumerable<object[]> Equivalences() => new[]
        {
            new object[] { "-By Model", "" },
            new object[] { "-By Day -Utc", "-Since 2026-10-01 -Until 2026-10-20" },
            new object[] { "-By Week", "-Since 2026-10-01" },
            new object[] { "-By Month, Model", "" },
            new object[] { "-By Project, Model", "-Model claude-*-4-5*" },
            new object[] { "-By Agent", "-Project acme*" },
            new object[] { "-By Session", "-Until 2026-11-01" },
            new object[] { "", "-Since 2026-11-01" },
            new object[] { "-By Day, Model -Utc", "-Since 2026-10-12T11:43:07Z -Until 2026-11-03T15:01:02.5Z" },
        };

        [Theory]
        [MemberData(nameof(Equivalences))]
        public void MeasuringSessionsGivesExactlyWhatGetAgentCostGives(string grouping, string filter)
        {
            using var ps = new PowerShellSession();
            var direct = ps.Run($"Get-AgentCost {grouping} {filter} -Warehouse $args[0]", _fixture.Warehouse).ThrowIfFailed().Output;
            var measured = ps.Run($"Get-AgentSession {filter} -Warehouse $args[0] | Measure-AgentCost {grouping}", _fixture.Warehouse).ThrowIfFailed().Output;
            var regrouped = ps.Run($"Get-AgentCost -By Session, Project, Agent, Model {filter} -Warehouse $args[0] | Measure-AgentCost {grouping}", _fixture.Warehouse).ThrowIfFailed().Output;
            Assert.NotEmpty(direct);
            Assert.Equal(Describe(direct), Describe(measured));
            Assert.Equal(Describe(direct), Describe(regrouped));
        }

        [Fact]
        public void RegroupingCostRowsByAKeyTheyLackIsRefused()
        {
            using var ps = new PowerShellSession();
            var result = ps.Run("Get-AgentCost -By Model -Warehouse $args[0] | Measure-AgentCost -By Project", _fixture.Warehouse);
            ErrorRecord error = result.FirstError!;
            Assert.Equal("GroupingNotAvailable,AgentMetrics.PowerShell.Commands.MeasureAgentCostCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            var byDay = ps.Run("Get-AgentCost -By Model -Warehouse $args[0] | Measure-AgentCost -By Day", _fixture.Warehouse).ThrowIfFailed().Output;
            Assert.NotEmpty(byDay);
        }

        private static List<string> Describe(IEnumerable<PSObject> rows) => rows.Select(r =>
            string.Join("|", new[] { "Date", "Source", "Project", "GitBranch", "SessionId", "Agent", "Model", "Requests", "InputTokens", "OutputTokens", "CacheWriteTokens", "CacheReadTokens", "TotalTokens", "CostUsd", "UnpricedRequests" }
                .Select(name => Convert.ToString(r.Properties[name].Value, System.Globalization.CultureInfo.InvariantCulture)))).ToList();

        [Fact]
        public void TablesRenderThroughOurViews()
        {
            using var ps = new PowerShellSession();
            string byDayModel = ps.Render("Get-AgentCost -By Day, Model -Utc -Warehouse $args[0]", _fixture.Warehouse);
            Assert.Matches(@"Date\s+Total tokens\s+Cost \(USD\)\s+Unpriced\s+Model", byDayModel);
            Assert.Contains("2026-10-12", byDayModel);
            Assert.Contains("claude-opus-4-5-20251101", byDayModel);

            string total = ps.Render("Get-AgentCost -Warehouse $args[0]", _fixture.Warehouse);
            Assert.Matches(@"Requests\s+Input\s+Output", total);
            Assert.Contains(Truth.L(Truth.Load().Claude.GetProperty("all").GetProperty("totals"), "messages").ToString("N0"), total);

            string generic = ps.Render("Get-AgentCost -By GitBranch, Project -Warehouse $args[0]", _fixture.Warehouse);
            Assert.Matches(@"Requests\s+Total tokens\s+Cost \(USD\)\s+Unpriced\s+Group", generic);

            string sessions = ps.Render("Get-AgentSession -Warehouse $args[0]", _fixture.Warehouse);
            Assert.Matches(@"Start\s+Requests\s+Total tokens\s+Cost \(USD\)\s+Unpriced\s+Project", sessions);
            Assert.Contains("acme-api", sessions);

            string tools = ps.Render("Get-AgentToolUsage -Warehouse $args[0]", _fixture.Warehouse);
            Assert.Matches(@"Name\s+Calls\s+Errors", tools);
            Assert.Contains("Bash", tools);
        }

        [Fact]
        public void ReimportThroughTheCmdletReadsNothing()
        {
            using var ps = new PowerShellSession();
            PSObject result = Assert.Single(ps.Run("Import-AgentHistory -LiteralPath $args[0] -Warehouse $args[1]", ImportedFixture.ClaudeHome, _fixture.Warehouse).Output);
            Assert.Equal(0L, P<long>(result, "FilesRead"));
            Assert.Equal(0L, P<long>(result, "RequestsAdded"));
            Assert.Equal(P<long>(result, "FilesSeen"), P<long>(result, "FilesUnchanged"));
        }

        [Fact]
        public void FiltersTakeWildcardsAndTabCompleteFromTheWarehouse()
        {
            using var ps = new PowerShellSession();
            var opus = ps.Run("Get-AgentCost -By Model -Model *OPUS* -Warehouse $args[0]", _fixture.Warehouse).ThrowIfFailed().Output;
            Assert.Equal("claude-opus-4-5-20251101", P<string>(Assert.Single(opus), "Model"));

            string line = $"Get-AgentCost -Warehouse '{_fixture.Warehouse}' -Model claude-h";
            var completion = ps.Run("TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length", line).ThrowIfFailed().Single<CommandCompletion>();
            Assert.Equal(new[] { "claude-haiku-4-5-20251001" }, completion.CompletionMatches.Select(m => m.CompletionText).ToArray());

            string project = $"Get-AgentSession -Warehouse '{_fixture.Warehouse}' -Project ";
            var projects = ps.Run("TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length", project).ThrowIfFailed().Single<CommandCompletion>();
            Assert.Contains("acme-api", projects.CompletionMatches.Select(m => m.CompletionText));
        }

        [Fact]
        public void TimeWordsWorkAndABadOneIsAClearError()
        {
            using var ps = new PowerShellSession();
            var window = ps.Run("Get-AgentCost -By Day -Utc -Since 2026-10-01 -Until 2026-10-08T00:00:00Z -Warehouse $args[0]", _fixture.Warehouse).ThrowIfFailed().Output;
            Assert.NotEmpty(window);
            Assert.All(window, r => Assert.InRange(P<DateTime?>(r, "Date")!.Value, new DateTime(2026, 10, 1), new DateTime(2026, 10, 7)));

            var recent = ps.Run("Get-AgentCost -Since 36500d -Warehouse $args[0]", _fixture.Warehouse).ThrowIfFailed().Output;
            Assert.Equal(Truth.L(Truth.Load().Claude.GetProperty("all").GetProperty("totals"), "messages"), P<long>(Assert.Single(recent), "Requests"));
            Assert.Empty(ps.Run("Get-AgentCost -Since 1h -Warehouse $args[0]", _fixture.Warehouse).ThrowIfFailed().Output);

            ErrorRecord bad = ps.Run("Get-AgentCost -Since 'last tuesday' -Warehouse $args[0]", _fixture.Warehouse).FirstError!;
            Assert.Equal(ErrorCategory.InvalidData, bad.CategoryInfo.Category);
            Assert.Contains("7d", bad.Exception.Message);
        }

        [Fact]
        public void AMissingWarehouseIsAnObjectNotFoundError()
        {
            using var ps = new PowerShellSession();
            ErrorRecord error = ps.Run("Get-AgentCost -Warehouse $args[0]", _fixture.Scratch.File("nope.db")).FirstError!;
            Assert.Equal("WarehouseNotFound,AgentMetrics.PowerShell.Commands.GetAgentCostCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        }
    }
}
