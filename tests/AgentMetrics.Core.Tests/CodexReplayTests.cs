using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
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
    /// <summary>
    /// Codex forks replay their parent's history at spawn (docs/formats.md#x8-replays-of-forked-rollouts). The rollouts here are
    /// written the way CLI 0.36 writes them: the fork's own session_meta, the parent's session_meta, the parent's
    /// lines restamped to the fork time (one second), then the fork's own turns. What is expected is computed from
    /// the requests each rollout made itself, and read back through the engines the cmdlets use.
    /// </summary>
    public sealed class CodexReplayTests : IDisposable
    {
        private static readonly PeriodOptions Utc = new PeriodOptions { Utc = true };
        private static readonly UsageFilter CodexOnly = new UsageFilter { Source = new[] { "Codex" } };
        private static readonly DateTime ParentStart = new DateTime(2026, 11, 3, 10, 0, 0, 120, DateTimeKind.Utc);
        private static readonly DateTime ForkTime = new DateTime(2026, 11, 4, 9, 14, 27, 312, DateTimeKind.Utc);
        private readonly ScratchFolder _scratch = new ScratchFolder();

        private static PriceBook Prices => PriceBook.LoadDefault(Fixtures.PricingFolder);

        private string Home => Path.Combine(_scratch.Path, "codex");

        /// <summary>A parent of three turns: shell and apply_patch calls, one failing, on 2026-11-03.</summary>
        private static Rollout Parent()
        {
            var parent = new Rollout("8c7968d2-fe04-4a16-bf19-1e0eeeed6906", ParentStart);
            parent.Turn(ParentStart.AddSeconds(5), "add a retry to the client",
                new Call("shell", 12134, 8256, 413, 128), new Call("apply_patch", 13020, 12032, 902, 256), new Call(null, 14100, 12800, 240, 0));
            parent.Turn(ParentStart.AddMinutes(4), "now the tests",
                new Call("shell", 15230, 13952, 388, 64, Fails: true), new Call("shell", 16011, 15104, 120, 0), new Call(null, 16500, 15872, 310, 0));
            parent.Turn(ParentStart.AddMinutes(9), "commit it", new Call("shell", 17002, 16256, 95, 0), new Call(null, 17300, 16896, 60, 0));
            return parent;
        }

        /// <summary>A fork made on 2026-11-04 that replays the parent's first <paramref name="turns"/> turns, then works on its own.</summary>
        private static Rollout Fork(Rollout parent, int? turns = null, bool keepOriginalTimestamps = false)
        {
            var fork = new Rollout("33a1f0c2-5b7e-4c1d-9e0f-6a2b3c4d5e6f", ForkTime, forkedFrom: parent.Id);
            fork.Replay(parent, turns ?? parent.TurnCount, ForkTime.AddMilliseconds(1), keepOriginalTimestamps);
            fork.Turn(ForkTime.AddSeconds(41), "try the other approach", new Call("shell", 18400, 17024, 515, 192), new Call("read_file", 19022, 18304, 77, 0), new Call(null, 19800, 18944, 402, 64));
            fork.Turn(ForkTime.AddMinutes(3), "good, summarise", new Call(null, 20410, 19712, 233, 0));
            return fork;
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void AForkReplayingItsWholeParentAddsOnlyItsOwnTurnsToTheParents(bool keepOriginalTimestamps)
        {
            Rollout parent = Parent();
            Rollout fork = Fork(parent, keepOriginalTimestamps: keepOriginalTimestamps);
            parent.WriteTo(Home);
            fork.WriteTo(Home);

            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, Home);

            AssertWarehouseShows(warehouse, parent, fork);
        }

        [Fact]
        public void AForkWhoseParentFileIsGoneCountsOnlyItsOwnTurns()
        {
            Rollout fork = Fork(Parent());
            fork.WriteTo(Home);

            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, Home);

            AssertWarehouseShows(warehouse, fork);
        }

        [Theory]
        [InlineData(0, true)]
        [InlineData(1, true)]
        [InlineData(2, true)]
        [InlineData(1, false)]
        public void AForkFromAnEarlierMessageReplaysOnlyTheFirstTurnsAndCountsNoneOfThem(int turnsReplayed, bool parentPresent)
        {
            Rollout parent = Parent();
            Rollout fork = Fork(parent, turnsReplayed);
            if (parentPresent)
            {
                parent.WriteTo(Home);
            }

            fork.WriteTo(Home);

            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, Home);

            AssertWarehouseShows(warehouse, parentPresent ? new[] { parent, fork } : new[] { fork });
        }

        [Fact]
        public void ReplayedFunctionCallsAndTheirOutputsAreNotToolCallsOfTheFork()
        {
            Rollout parent = Parent();
            Rollout fork = Fork(parent);
            fork.WriteTo(Home);
            using var forkOnly = Warehouse.Open(_scratch.File("fork.db"));
            Import(forkOnly, Home);

            // Only the fork's own read_file and shell call; apply_patch was the parent's alone.
            var tools = ToolEngine.Summarise(forkOnly, CodexOnly, bySource: false);
            Assert.Equal(new[] { "read_file", "shell" }, tools.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal));
            Assert.All(tools, t => Assert.Equal(1, t.Calls));
            Assert.All(tools, t => Assert.Equal(0, t.Errors));
            Assert.All(tools, t => Assert.Equal(0, t.WithoutResult));
            Assert.Equal(2, Assert.Single(SessionEngine.Query(forkOnly, CodexOnly, TimeSpan.FromMinutes(5), Prices, out _)).ToolCalls);

            // With the parent there too, the parent's calls keep the outcome and duration its own outputs gave them.
            using var parentOnly = Warehouse.Open(_scratch.File("parent.db"));
            Import(parentOnly, parent.WriteTo(Path.Combine(_scratch.Path, "parent-only")));
            parent.WriteTo(Home);
            using var both = Warehouse.Open(_scratch.File("both.db"));
            Import(both, Home);
            var parentTools = ToolEngine.Summarise(parentOnly, CodexOnly, bySource: false).ToDictionary(t => t.Name);
            var bothTools = ToolEngine.Summarise(both, CodexOnly, bySource: false).ToDictionary(t => t.Name);
            ToolUsage patch = bothTools["apply_patch"];
            Assert.Equal((parentTools["apply_patch"].Calls, parentTools["apply_patch"].Errors, parentTools["apply_patch"].AverageDuration), (patch.Calls, patch.Errors, patch.AverageDuration));
            Assert.Equal(parentTools["shell"].Calls + 1, bothTools["shell"].Calls);
            Assert.Equal(parentTools["shell"].Errors, bothTools["shell"].Errors);
            Assert.Equal(parentTools["shell"].TotalDuration + fork.OwnDuration("shell"), bothTools["shell"].TotalDuration);
        }

        [Fact]
        public void AForkOfAForkCountsEachRolloutsOwnTurnsOnce()
        {
            Rollout parent = Parent();
            Rollout child = Fork(parent, 2);
            var grandchild = new Rollout("5d6e7f80-1a2b-4c3d-8e4f-9a0b1c2d3e4f", ForkTime.AddHours(2), forkedFrom: child.Id);
            // The child's rollout holds its own replay of the parent: the grandchild replays that again, restamped.
            grandchild.Replay(child, child.TurnCount, ForkTime.AddHours(2).AddMilliseconds(2), keepOriginalTimestamps: false);
            grandchild.Turn(ForkTime.AddHours(2).AddSeconds(30), "one more", new Call("shell", 21000, 20224, 140, 0), new Call(null, 21500, 20992, 90, 0));
            parent.WriteTo(Home);
            child.WriteTo(Home);
            grandchild.WriteTo(Home);

            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, Home);

            AssertWarehouseShows(warehouse, parent, child, grandchild);
        }

        [Fact]
        public void ATotalGoingBackwardsAfterAReplayIsAResetAndItsRequestCounts()
        {
            Rollout parent = Parent();
            Rollout fork = Fork(parent);
            fork.Reset(ForkTime.AddMinutes(20), new Call(null, 9000, 4096, 300, 20));
            fork.Turn(ForkTime.AddMinutes(22), "and again", new Call("shell", 9800, 8960, 150, 0), new Call(null, 10400, 9728, 80, 0));
            parent.WriteTo(Home);
            fork.WriteTo(Home);

            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, Home);

            AssertWarehouseShows(warehouse, parent, fork);
        }

        /// <summary>Codex is still writing the replay (or the fork's first turn) when an import runs; the next import resumes at the byte it stopped at.</summary>
        [Theory]
        [InlineData("after the fork's own session_meta")]
        [InlineData("after the parent's session_meta")]
        [InlineData("after the first replayed token_count")]
        [InlineData("inside a replayed token_count (torn line)")]
        [InlineData("after the last replayed line")]
        [InlineData("inside the fork's first own token_count (torn line)")]
        public void AReplaySplitAcrossTwoImportsIsStillRecognised(string where)
        {
            Rollout parent = Parent();
            Rollout fork = Fork(parent);
            parent.WriteTo(Home);
            string file = fork.WriteTo(Home);
            byte[] whole = File.ReadAllBytes(file);
            int split = fork.SplitPoint(where, whole);
            File.WriteAllBytes(file, whole.Take(split).ToArray());

            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, Home);
            using (var stream = new FileStream(file, FileMode.Append))
            {
                stream.Write(whole, split, whole.Length - split);
            }

            ImportResult appended = Assert.Single(Import(warehouse, Home));
            Assert.Equal(1, appended.FilesRead);
            AssertWarehouseShows(warehouse, parent, fork);

            // Reading everything again from the start finds nothing new and changes nothing.
            var forced = new HistoryImporter(warehouse).Import(new ImportOptions { Paths = new[] { Home }, Force = true }, new RecordingObserver(), CancellationToken.None).Single();
            Assert.Equal(0, forced.RequestsAdded);
            AssertWarehouseShows(warehouse, parent, fork);
        }

        /// <summary>
        /// The documented limit: a replay is told from the fork's own work only by its second. An own turn that
        /// completes within the replay's second is taken for replay (not counted); the turns after it still count
        /// exactly their own requests, because a replayed total only moves the baseline.
        /// </summary>
        [Fact]
        public void AnOwnRequestInsideTheReplaysSecondIsTakenForReplayAndNothingIsCountedTwice()
        {
            Rollout parent = Parent();
            var fork = new Rollout("33a1f0c2-5b7e-4c1d-9e0f-6a2b3c4d5e6f", ForkTime, forkedFrom: parent.Id);
            fork.Replay(parent, parent.TurnCount, ForkTime.AddMilliseconds(1), keepOriginalTimestamps: false);
            fork.Think = TimeSpan.FromMilliseconds(150);
            fork.Turn(ForkTime.AddMilliseconds(300), "quick one", new Call(null, 18000, 17024, 12, 0));
            Assert.Equal(ForkTime.Ticks / TimeSpan.TicksPerSecond, fork.Own.Single().At.Ticks / TimeSpan.TicksPerSecond);
            fork.Own.Clear(); // the request above shares the replay's second: the rule cannot tell it from the parent's
            fork.Think = TimeSpan.FromMilliseconds(2300);
            fork.Turn(ForkTime.AddSeconds(20), "and a real one", new Call("shell", 18400, 17920, 515, 192), new Call(null, 19022, 18304, 77, 0));
            parent.WriteTo(Home);
            fork.WriteTo(Home);

            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, Home);

            AssertWarehouseShows(warehouse, parent, fork);
        }

        /// <summary>The replay is its second, not the thousand milliseconds after its session_meta: a request stamped at the next second's first millisecond is the fork's own.</summary>
        [Fact]
        public void AnOwnRequestStampedInTheNextSecondCounts()
        {
            Rollout parent = Parent();
            var fork = new Rollout("33a1f0c2-5b7e-4c1d-9e0f-6a2b3c4d5e6f", ForkTime, forkedFrom: parent.Id);
            fork.Replay(parent, parent.TurnCount, ForkTime.AddMilliseconds(1), keepOriginalTimestamps: false);
            DateTime nextSecond = new DateTime(ForkTime.Ticks - ForkTime.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc).AddSeconds(1);
            fork.Think = TimeSpan.FromMilliseconds(150);
            // The turn starts inside the replay's second (its turn_context and prompt are taken for replay: they count nothing).
            fork.Turn(nextSecond - fork.Think, "quick one", new Call(null, 18000, 17024, 12, 0));
            Assert.Equal(nextSecond, fork.Own.Single().At);
            parent.WriteTo(Home);
            fork.WriteTo(Home);

            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            Import(warehouse, Home);

            AssertWarehouseShows(warehouse, parent, fork);
        }

        private static IReadOnlyList<ImportResult> Import(Warehouse warehouse, params string[] paths) =>
            new HistoryImporter(warehouse).Import(new ImportOptions { Paths = paths }, new RecordingObserver(), CancellationToken.None);

        /// <summary>Totals, per-session, per-day and per-tool numbers equal the rollouts' own requests and calls, each counted once.</summary>
        private static void AssertWarehouseShows(Warehouse warehouse, params Rollout[] rollouts)
        {
            List<Request> expected = rollouts.SelectMany(r => r.Own).ToList();

            CostSummary total = CostEngine.Summarise(warehouse, CodexOnly, Array.Empty<CostGrouping>(), Utc, Prices).Rows.Single();
            AssertTokens(expected, total.Requests, total.InputTokens, total.CacheReadTokens, total.OutputTokens, total.ReasoningTokens);

            var sessions = SessionEngine.Query(warehouse, CodexOnly, TimeSpan.FromMinutes(5), Prices, out _);
            Assert.Equal(rollouts.Where(r => r.Own.Count > 0).Select(r => r.Id).OrderBy(id => id, StringComparer.Ordinal), sessions.Select(s => s.SessionId).OrderBy(id => id, StringComparer.Ordinal));
            foreach (Rollout rollout in rollouts.Where(r => r.Own.Count > 0))
            {
                Session session = sessions.Single(s => s.SessionId == rollout.Id);
                AssertTokens(rollout.Own, session.Requests, session.InputTokens, session.CacheReadTokens, session.OutputTokens, session.ReasoningTokens);
                Assert.Equal(rollout.Own.Min(r => r.At), session.Start.ToUniversalTime());
                Assert.Equal(rollout.OwnCalls.Count, session.ToolCalls);
            }

            var days = CostEngine.Summarise(warehouse, CodexOnly, new[] { CostGrouping.Day }, Utc, Prices).Rows;
            var expectedDays = expected.GroupBy(r => r.At.Date).OrderBy(g => g.Key).ToList();
            Assert.Equal(expectedDays.Select(g => g.Key), days.Select(d => d.Date!.Value).OrderBy(d => d));
            foreach (var day in expectedDays)
            {
                CostSummary row = days.Single(d => d.Date!.Value == day.Key);
                AssertTokens(day.ToList(), row.Requests, row.InputTokens, row.CacheReadTokens, row.OutputTokens, row.ReasoningTokens);
            }

            var tools = ToolEngine.Summarise(warehouse, CodexOnly, bySource: false);
            var calls = rollouts.SelectMany(r => r.OwnCalls).ToList();
            Assert.Equal(
                calls.GroupBy(c => c.Name).Select(g => (g.Key, (long)g.Count(), (long)g.Count(c => c.Fails))).OrderBy(t => t.Key, StringComparer.Ordinal),
                tools.Select(t => (t.Name, t.Calls, t.Errors)).OrderBy(t => t.Name, StringComparer.Ordinal));
            Assert.All(tools, t => Assert.Equal(0, t.WithoutResult));
        }

        private static void AssertTokens(IReadOnlyCollection<Request> expected, long requests, long nonCachedInput, long cached, long output, long reasoning)
        {
            Assert.Equal(expected.Count, requests);
            Assert.Equal(expected.Sum(r => r.Input - r.Cached), nonCachedInput);
            Assert.Equal(expected.Sum(r => r.Cached), cached);
            Assert.Equal(expected.Sum(r => r.Output), output);
            Assert.Equal(expected.Sum(r => r.Reasoning), reasoning);
        }

        public void Dispose() => _scratch.Dispose();

        /// <summary>One model request of a turn: its usage, and the tool it calls (null: the turn's closing answer).</summary>
        private sealed record Call(string? Tool, long Input, long Cached, long Output, long Reasoning, bool Fails = false);

        /// <summary>A request a rollout made itself: what the warehouse must count once.</summary>
        private sealed record Request(DateTime At, long Input, long Cached, long Output, long Reasoning);

        private sealed record ToolCall(string Name, bool Fails, TimeSpan Duration);

        private sealed record Line(DateTime At, string Type, string Payload);

        /// <summary>
        /// Writes a rollout as the Codex CLI does, and remembers which of its requests and tool calls are its own
        /// (the expected counts). Usage is cumulative per file: a replay carries the parent's running total over.
        /// </summary>
        private sealed class Rollout
        {
            private readonly List<Line> _lines = new List<Line>();
            private readonly List<int> _turnStarts = new List<int>();
            private readonly List<(long I, long C, long O, long R)> _totalAfterTurn = new List<(long, long, long, long)>();
            private (long I, long C, long O, long R) _total;
            private int _replayStart = -1;
            private int _replayEnd = -1;
            private int _calls;

            public Rollout(string id, DateTime start, string? forkedFrom = null)
            {
                Id = id;
                Start = start;
                string fork = forkedFrom is null ? string.Empty : $",\"forked_from_id\":\"{forkedFrom}\"";
                _lines.Add(new Line(start, "session_meta",
                    $"{{\"id\":\"{id}\",\"timestamp\":\"{Stamp(start)}\"{fork},\"cwd\":\"/home/dev/work/api\",\"originator\":\"codex_cli_rs\",\"cli_version\":\"0.36.0\",\"instructions\":null," +
                    "\"source\":\"cli\",\"model_provider\":\"openai\",\"git\":{\"commit_hash\":\"d11133886a0ab06767f2c57cba69314dada194a4\",\"branch\":\"main\",\"repository_url\":\"git@github.com:acme/api.git\"}}"));
                _lines.Add(new Line(start, "response_item", UserMessage("<environment_context>\\n  <cwd>/home/dev/work/api</cwd>\\n</environment_context>")));
            }

            public string Id { get; }

            public DateTime Start { get; }

            public int TurnCount => _turnStarts.Count;

            /// <summary>How long the model takes for a request, from the previous line.</summary>
            public TimeSpan Think { get; set; } = TimeSpan.FromMilliseconds(2300);

            public List<Request> Own { get; } = new List<Request>();

            public List<ToolCall> OwnCalls { get; } = new List<ToolCall>();

            public TimeSpan OwnDuration(string tool) => OwnCalls.Where(c => c.Name == tool).Aggregate(TimeSpan.Zero, (sum, c) => sum + c.Duration);

            /// <summary>The parent's lines before its turn <paramref name="turns"/> (its session_meta first), then its running total.</summary>
            public void Replay(Rollout parent, int turns, DateTime at, bool keepOriginalTimestamps)
            {
                int end = turns < parent._turnStarts.Count ? parent._turnStarts[turns] : parent._lines.Count;
                _replayStart = _lines.Count;
                for (int i = 0; i < end; i++)
                {
                    Line line = parent._lines[i];
                    // CLI 0.36 stamps each line as it writes it: the whole burst lands in the fork's second.
                    DateTime stamp = keepOriginalTimestamps ? line.At : at.AddTicks(i * TimeSpan.TicksPerMillisecond / 4);
                    Assert.True(keepOriginalTimestamps || stamp.Ticks / TimeSpan.TicksPerSecond == at.Ticks / TimeSpan.TicksPerSecond, "a replay this long leaves the fork's second");
                    _lines.Add(line with { At = stamp });
                }

                _replayEnd = _lines.Count;
                _total = turns == 0 ? default : parent._totalAfterTurn[turns - 1];
            }

            public void Turn(DateTime at, string prompt, params Call[] requests)
            {
                _turnStarts.Add(_lines.Count);
                _lines.Add(new Line(at, "turn_context", "{\"cwd\":\"/home/dev/work/api\",\"approval_policy\":\"on-request\",\"sandbox_policy\":{\"mode\":\"workspace-write\"},\"model\":\"gpt-5-codex\",\"effort\":\"medium\",\"summary\":\"auto\"}"));
                _lines.Add(new Line(at, "response_item", UserMessage(prompt)));
                _lines.Add(new Line(at, "event_msg", $"{{\"type\":\"user_message\",\"message\":\"{prompt}\",\"kind\":\"plain\"}}"));
                _lines.Add(new Line(at, "event_msg", "{\"type\":\"token_count\",\"info\":null,\"rate_limits\":{\"primary\":{\"used_percent\":19.8,\"window_minutes\":300}}}"));
                DateTime now = at;
                foreach (Call request in requests)
                {
                    now += Think;
                    _lines.Add(new Line(now, "response_item", "{\"type\":\"reasoning\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"**Looking at the code**\"}],\"content\":null,\"encrypted_content\":\"gAAAAABo2f7x\"}"));
                    if (request.Tool is string tool)
                    {
                        string callId = $"call_{Id.Substring(0, 8)}_{++_calls}";
                        _lines.Add(new Line(now, "response_item", $"{{\"type\":\"function_call\",\"name\":\"{tool}\",\"arguments\":\"{{\\\"command\\\":[\\\"bash\\\",\\\"-lc\\\",\\\"make test\\\"]}}\",\"call_id\":\"{callId}\"}}"));
                        TokenCount(now, request);
                        TimeSpan duration = TimeSpan.FromMilliseconds(700 + 100 * _calls);
                        _lines.Add(new Line(now + duration, "response_item",
                            $"{{\"type\":\"function_call_output\",\"call_id\":\"{callId}\",\"output\":\"{{\\\"output\\\":\\\"ok\\\\n\\\",\\\"metadata\\\":{{\\\"exit_code\\\":{(request.Fails ? 2 : 0)},\\\"duration_seconds\\\":0.7}}}}\"}}"));
                        OwnCalls.Add(new ToolCall(tool, request.Fails, duration));
                        now += duration;
                    }
                    else
                    {
                        _lines.Add(new Line(now, "response_item", "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Done: the retry is in place.\"}]}"));
                        _lines.Add(new Line(now, "event_msg", "{\"type\":\"agent_message\",\"message\":\"Done: the retry is in place.\"}"));
                        TokenCount(now, request);
                    }

                    // Codex re-emits the same event now and then: it must not count twice either.
                    _lines.Add(_lines[_lines.Count - (request.Tool is null ? 1 : 2)] with { At = now });
                }

                _totalAfterTurn.Add(_total);
            }

            /// <summary>A new conversation in the same process: the running total starts again from this request.</summary>
            public void Reset(DateTime at, Call request)
            {
                _total = default;
                Turn(at, "start over", request);
            }

            public string WriteTo(string home)
            {
                string day = Path.Combine(home, "sessions", Start.ToString("yyyy", CultureInfo.InvariantCulture), Start.ToString("MM", CultureInfo.InvariantCulture), Start.ToString("dd", CultureInfo.InvariantCulture));
                Directory.CreateDirectory(day);
                string file = Path.Combine(day, $"rollout-{Start:yyyy-MM-ddTHH-mm-ss}-{Id}.jsonl");
                File.WriteAllText(file, string.Concat(_lines.Select(Render)));
                return file;
            }

            /// <summary>A byte offset in the written file: where an import running while Codex writes would stop.</summary>
            public int SplitPoint(string where, byte[] file)
            {
                int LineStart(int index) => Encoding.UTF8.GetByteCount(string.Concat(_lines.Take(index).Select(Render)));
                int TokenCountAfter(int from) => Enumerable.Range(from, _lines.Count - from).First(i => _lines[i].Payload.Contains("\"total_token_usage\""));
                int split = where switch
                {
                    "after the fork's own session_meta" => LineStart(1),
                    "after the parent's session_meta" => LineStart(_replayStart + 1),
                    "after the first replayed token_count" => LineStart(TokenCountAfter(_replayStart) + 1),
                    "inside a replayed token_count (torn line)" => LineStart(TokenCountAfter(_replayStart + 10)) + 57,
                    "after the last replayed line" => LineStart(_replayEnd),
                    "inside the fork's first own token_count (torn line)" => LineStart(TokenCountAfter(_replayEnd)) + 80,
                    _ => throw new ArgumentOutOfRangeException(nameof(where)),
                };
                Assert.InRange(split, 1, file.Length - 1);
                return split;
            }

            private void TokenCount(DateTime at, Call request)
            {
                var last = (request.Input, request.Cached, request.Output, request.Reasoning);
                _total = (_total.I + last.Input, _total.C + last.Cached, _total.O + last.Output, _total.R + last.Reasoning);
                _lines.Add(new Line(at, "event_msg",
                    $"{{\"type\":\"token_count\",\"info\":{{\"total_token_usage\":{Usage(_total)},\"last_token_usage\":{Usage(last)},\"model_context_window\":272000}}," +
                    "\"rate_limits\":{\"primary\":{\"used_percent\":10.7,\"window_minutes\":300,\"resets_in_seconds\":13048}}}"));
                Own.Add(new Request(at, request.Input, request.Cached, request.Output, request.Reasoning));
            }

            private static string Usage((long I, long C, long O, long R) u) =>
                $"{{\"input_tokens\":{u.I},\"cached_input_tokens\":{u.C},\"output_tokens\":{u.O},\"reasoning_output_tokens\":{u.R},\"total_tokens\":{u.I + u.O}}}";

            private static string UserMessage(string text) => $"{{\"type\":\"message\",\"role\":\"user\",\"content\":[{{\"type\":\"input_text\",\"text\":\"{text}\"}}]}}";

            private static string Stamp(DateTime at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

            private static string Render(Line line) => $"{{\"timestamp\":\"{Stamp(line.At)}\",\"type\":\"{line.Type}\",\"payload\":{line.Payload}}}\n";
        }
    }
}
