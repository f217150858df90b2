using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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
    /// A resumed Claude session repeats the original's lines with their original timestamps
    /// (docs/formats.md#c6-session-of-a-copy): the copies stay with the original session however the files are imported. The resumed file's
    /// name sorts before the original's, so deciding by path would move the copies.
    /// </summary>
    public sealed class ResumedSessionTests : IDisposable
    {
        private const string OriginalId = "f1a2b3c4-0000-4000-8000-000000000001";
        private const string ResumedId = "0b1c2d3e-0000-4000-8000-000000000002";
        private const string OtherId = "5e5e5e5e-0000-4000-8000-000000000003";
        private static readonly DateTime Start = new DateTime(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc);

        private readonly ScratchFolder _scratch = new ScratchFolder();

        private static PriceBook Prices => PriceBook.LoadDefault(Fixtures.PricingFolder);

        public enum Order
        {
            /// <summary>Both files in one first import, read side by side.</summary>
            Together,

            /// <summary>Both files in one first import that holds one key in memory: the copies are merged by SQL at the end.</summary>
            TogetherForgettingKeys,

            /// <summary>Both files in a later (upserting) import, read side by side.</summary>
            TogetherIncremental,

            /// <summary>The original imported, then the resumed file added.</summary>
            OriginalFirst,

            /// <summary>The resumed file imported, then the original added.</summary>
            ResumedFirst,
        }

        public static IEnumerable<object[]> Cases() =>
            from Order order in Enum.GetValues(typeof(Order))
            from bool keepsSessionId in new[] { true, false }
            select new object[] { order, keepsSessionId };

        [Theory]
        [MemberData(nameof(Cases))]
        public void CopiesInAResumedFileStayWithTheOriginalSession(Order order, bool keepsSessionId)
        {
            var history = new History(_scratch.File("home"), keepsSessionId);
            history.WriteOriginal();
            history.WriteResumed(ownTurns: 2);
            history.WriteOther();

            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            switch (order)
            {
                case Order.Together:
                    Import(warehouse, history.Claude);
                    break;
                case Order.TogetherForgettingKeys:
                    Import(warehouse, budget: 1, history.Claude);
                    break;
                case Order.TogetherIncremental:
                    Import(warehouse, history.OtherPath);
                    Import(warehouse, history.Claude);
                    break;
                case Order.OriginalFirst:
                    Import(warehouse, history.OriginalPath);
                    Import(warehouse, history.Claude);
                    break;
                case Order.ResumedFirst:
                    Import(warehouse, history.ResumedPath);
                    Import(warehouse, history.Claude);
                    break;
            }

            AssertSessionsAsTheirOwnLines(warehouse, history);

            // The resumed session goes on: its file grows, the copies stay where they are.
            history.WriteResumed(ownTurns: 4);
            Import(warehouse, history.Claude);
            AssertSessionsAsTheirOwnLines(warehouse, history);
        }

        [Fact]
        public void AWarehouseThatGaveCopiesToTheResumedSessionIsPutRightByItsUpgrade()
        {
            var history = new History(_scratch.File("home"), keepsSessionId: false);
            history.WriteOriginal();
            history.WriteResumed(ownTurns: 2);
            string path = _scratch.File("w.db");
            using (var warehouse = Warehouse.Open(path))
            {
                Import(warehouse, history.Claude);
                // As schema 6 left it when the path decided: the copies in the resumed session, no file ends.
                warehouse.Execute($@"
UPDATE requests SET session_id = '{ResumedId}', file_id = (SELECT file_id FROM source_files WHERE path LIKE '%{ResumedId}.jsonl')
WHERE session_id = '{OriginalId}';
ALTER TABLE source_files DROP COLUMN last_ts;
PRAGMA user_version = 6;");
                Assert.Single(Sessions(warehouse));
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            using (var upgraded = Warehouse.Open(path))
            {
                Import(upgraded, history.Claude);
                AssertSessionsAsTheirOwnLines(upgraded, history);
            }
        }

        /// <summary>Each session as a warehouse holding only that session's own lines shows it.</summary>
        private void AssertSessionsAsTheirOwnLines(Warehouse warehouse, History history)
        {
            string ownOnly = Path.Combine(_scratch.Path, "truth-" + Guid.NewGuid().ToString("N"));
            string truthHome = Path.Combine(ownOnly, "projects", "-work-demo");
            Directory.CreateDirectory(truthHome);
            File.WriteAllLines(Path.Combine(truthHome, OriginalId + ".jsonl"), history.OriginalLines);
            File.WriteAllLines(Path.Combine(truthHome, ResumedId + ".jsonl"), history.ResumedOwnLines);
            if (File.Exists(history.OtherPath))
            {
                File.Copy(history.OtherPath, Path.Combine(truthHome, OtherId + ".jsonl"));
            }

            using var truth = Warehouse.Open(Path.Combine(ownOnly, "truth.db"));
            Import(truth, ownOnly);

            var expected = Sessions(truth).ToDictionary(s => s.SessionId);
            var actual = Sessions(warehouse).ToDictionary(s => s.SessionId);
            Assert.Equal(expected.Keys.OrderBy(k => k), actual.Keys.OrderBy(k => k));
            foreach (var pair in expected)
            {
                Session want = pair.Value;
                Session got = actual[pair.Key];
                Assert.Equal((pair.Key, want.Requests, want.InputTokens, want.OutputTokens, want.CacheReadTokens, want.ToolCalls, want.CostUsd, want.Start),
                             (pair.Key, got.Requests, got.InputTokens, got.OutputTokens, got.CacheReadTokens, got.ToolCalls, got.CostUsd, got.Start));
            }
        }

        private static IReadOnlyList<Session> Sessions(Warehouse warehouse) =>
            SessionEngine.Query(warehouse, new UsageFilter(), TimeSpan.FromMinutes(30), Prices, out _);

        private static void Import(Warehouse warehouse, params string[] paths) => Import(warehouse, 0, paths);

        private static void Import(Warehouse warehouse, int budget, params string[] paths)
        {
            var importer = new HistoryImporter(warehouse);
            if (budget > 0)
            {
                importer.BulkKeyBudget = budget;
            }

            var observer = new RecordingObserver();
            importer.Import(new ImportOptions { Paths = paths }, observer, CancellationToken.None);
            Assert.Empty(observer.Problems);
        }

        public void Dispose() => _scratch.Dispose();

        /// <summary>An original session, the session that resumed it, and one unrelated session, as Claude Code writes them.</summary>
        private sealed class History
        {
            private readonly bool _keepsSessionId;

            public History(string home, bool keepsSessionId)
            {
                _keepsSessionId = keepsSessionId;
                Claude = Path.Combine(home, ".claude");
                string project = Path.Combine(Claude, "projects", "-work-demo");
                Directory.CreateDirectory(project);
                OriginalPath = Path.Combine(project, OriginalId + ".jsonl");
                ResumedPath = Path.Combine(project, ResumedId + ".jsonl");
                OtherPath = Path.Combine(project, OtherId + ".jsonl");
            }

            public string Claude { get; }

            public string OriginalPath { get; }

            public string ResumedPath { get; }

            public string OtherPath { get; }

            public List<string> OriginalLines { get; } = new List<string>();

            /// <summary>The resumed session's own lines (after the copies).</summary>
            public List<string> ResumedOwnLines { get; } = new List<string>();

            public void WriteOriginal()
            {
                OriginalLines.Clear();
                OriginalLines.AddRange(Turns(OriginalId, "orig", Start, turns: 3));
                File.WriteAllLines(OriginalPath, OriginalLines);
            }

            /// <summary>Copies of the original's lines, then the resumed session's own turns (appended to what is there).</summary>
            public void WriteResumed(int ownTurns)
            {
                string copyAs = _keepsSessionId ? OriginalId : ResumedId;
                var copies = OriginalLines.Select(line => line.Replace(OriginalId, copyAs)).ToList();
                ResumedOwnLines.Clear();
                ResumedOwnLines.AddRange(Turns(ResumedId, "resumed", Start.AddHours(1), ownTurns));
                var all = copies.Concat(ResumedOwnLines).ToList();
                if (File.Exists(ResumedPath))
                {
                    // Claude Code appends: what is there stays byte for byte.
                    File.AppendAllLines(ResumedPath, all.Skip(File.ReadAllLines(ResumedPath).Length));
                }
                else
                {
                    File.WriteAllLines(ResumedPath, all);
                }
            }

            public void WriteOther() => File.WriteAllLines(OtherPath, Turns(OtherId, "other", Start.AddMinutes(30), turns: 1));

            /// <summary>Prompt, a response that calls a tool, the tool's result, the response that follows: per turn.</summary>
            private static IEnumerable<string> Turns(string session, string tag, DateTime from, int turns)
            {
                string Envelope(string type, string uuid, DateTime at) =>
                    $"\"parentUuid\":null,\"isSidechain\":false,\"userType\":\"external\",\"cwd\":\"/work/demo\",\"sessionId\":\"{session}\",\"version\":\"2.0.30\",\"gitBranch\":\"main\",\"type\":\"{type}\",\"uuid\":\"{uuid}\",\"timestamp\":\"{at:yyyy-MM-ddTHH:mm:ss.fffZ}\"";
                string Response(string id, DateTime at, int turn, int part, string content) =>
                    "{" + Envelope("assistant", $"{tag}-{turn}-a{part}", at) + $",\"requestId\":\"req_{tag}_{turn}_{part}\",\"message\":{{\"id\":\"msg_{tag}_{turn}_{part}\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{content}],\"stop_reason\":null,\"usage\":{{\"input_tokens\":{100 * (turn + 1) + part},\"cache_creation_input_tokens\":{1000 + turn},\"cache_read_input_tokens\":{20000 + 7 * turn},\"output_tokens\":{30 + 11 * turn + part}}}}}}}";

                for (int turn = 0; turn < turns; turn++)
                {
                    DateTime at = from.AddMinutes(5 * turn);
                    yield return "{" + Envelope("user", $"{tag}-{turn}-u", at) + ",\"message\":{\"role\":\"user\",\"content\":\"go on\"}}";
                    yield return Response(id: null!, at.AddSeconds(3), turn, 1, $"{{\"type\":\"tool_use\",\"id\":\"toolu_{tag}_{turn}\",\"name\":\"Bash\",\"input\":{{\"command\":\"ls\"}}}}");
                    yield return "{" + Envelope("user", $"{tag}-{turn}-r", at.AddSeconds(5)) + $",\"message\":{{\"role\":\"user\",\"content\":[{{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_{tag}_{turn}\",\"content\":\"ok\",\"is_error\":false}}]}}}}";
                    yield return Response(id: null!, at.AddSeconds(9), turn, 2, "{\"type\":\"text\",\"text\":\"done\"}");
                }
            }
        }
    }
}
