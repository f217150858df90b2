using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using AgentMetrics.Ingest;
using AgentMetrics.Pricing;
using AgentMetrics.Query;
using AgentMetrics.Tests.Shared;
using AgentMetrics.Warehousing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>
    /// A first import holds a bounded number of keys in memory, whatever the size of the history; past that it
    /// forgets them and merges the repeated copies in SQL at the end. A history of any size must come out of
    /// it exactly as if every key had been held: the same rows, the same totals and the same counts.
    /// </summary>
    public sealed class BoundedMemoryImportTests : IDisposable
    {
        private readonly ScratchFolder _scratch = new ScratchFolder();

        private static string ClaudeFixture => Path.Combine(Fixtures.AgentHome, ".claude");

        private static string CodexFixture => Path.Combine(Fixtures.AgentHome, ".codex");

        private static IReadOnlyList<ImportResult> FirstImport(Warehouse warehouse, int budget) =>
            new HistoryImporter(warehouse) { BulkKeyBudget = budget }
                .Import(new ImportOptions { Paths = new[] { ClaudeFixture, CodexFixture } }, new RecordingObserver(), CancellationToken.None);

        /// <summary>
        /// Every row of the two keyed tables, without their row ids (which depend on how rows were appended). Of a
        /// tool call, the fields its copies agree on or merge by rule: the rest (its own session, agent, duration)
        /// come from whichever copy two parsers read first, in any import.
        /// </summary>
        private static List<string> Rows(Warehouse warehouse)
        {
            var rows = new List<string>();
            foreach (string sql in new[]
            {
                // A file's id depends on when its first batch was written; its path does not.
                "SELECT requests.*, (SELECT path FROM source_files f WHERE f.file_id = requests.file_id) AS file FROM requests ORDER BY source, dedup_key;",
                "SELECT source, call_id, name, request_key, has_result, result_ts, is_error FROM tool_calls ORDER BY source, call_id;",
            })
            {
                using SqliteCommand command = warehouse.Command(sql);
                using SqliteDataReader reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var fields = Enumerable.Range(0, reader.FieldCount)
                        .Where(i => reader.GetName(i) != "request_pk" && reader.GetName(i) != "file_id")
                        .Select(i => reader.GetName(i) + "=" + reader.GetValue(i));
                    rows.Add(string.Join("|", fields));
                }
            }

            return rows;
        }

        private static void AssertSameRows(List<string> expected, List<string> actual)
        {
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i], actual[i]);
            }
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        [InlineData(40)]
        public void AFirstImportThatForgetsKeysKeepsTheSameRowsTotalsAndCounts(int budget)
        {
            using var held = Warehouse.Open(_scratch.File("held.db"));
            var heldResults = FirstImport(held, BulkKeys.DefaultBudget);

            using var forgetting = Warehouse.Open(_scratch.File($"forgetting-{budget}.db"));
            var forgettingResults = FirstImport(forgetting, budget);

            // The fixture has more keys than the budget, so keys were forgotten and copies repeated.
            Assert.True(held.Scalar<long>("SELECT count(*) FROM requests;") > budget * 4);
            AssertSameRows(Rows(held), Rows(forgetting));
            ClaudeImportTests.AssertClaudeDayModelTruth(forgetting);
            CodexImportTests.AssertCodexTruth(forgetting);

            Assert.Equal(heldResults.Count, forgettingResults.Count);
            for (int i = 0; i < heldResults.Count; i++)
            {
                Assert.Equal(heldResults[i].Source, forgettingResults[i].Source);
                Assert.Equal(heldResults[i].RequestsAdded, forgettingResults[i].RequestsAdded);
                Assert.Equal(heldResults[i].DuplicatesDropped, forgettingResults[i].DuplicatesDropped);
                Assert.Equal(heldResults[i].ToolCallsAdded, forgettingResults[i].ToolCallsAdded);
            }

            // Nothing of the merge is left behind, the keys hold, and the next import adds nothing.
            Assert.False(BulkLoad.Pending(forgetting));
            Assert.Equal(0, forgetting.Scalar<long>("SELECT count(*) FROM sqlite_master WHERE name LIKE 'bulk_load%';"));
            var again = FirstImport(forgetting, budget);
            Assert.All(again, r => Assert.Equal(0, r.RequestsAdded));
            Assert.Equal(Rows(held), Rows(forgetting));
        }

        [Fact]
        public void FilesThatShareCopiesOfRecordsAreOneGroup()
        {
            // Read one after the other, a first import meets a record's copies while it still holds the key.
            char s = Path.DirectorySeparatorChar;
            string project = $"{s}home{s}me{s}.claude{s}projects{s}-home-me-app";
            var claude = new AgentMetrics.Sources.Claude.ClaudeReader();
            Assert.Equal(project, claude.GroupOf($"{project}{s}1f0c.jsonl"));
            Assert.Equal(project, claude.GroupOf($"{project}{s}agent-5a1b.jsonl"));
            Assert.Equal(project, claude.GroupOf($"{project}{s}1f0c{s}subagents{s}agent-77.jsonl"));
            Assert.NotEqual(project, claude.GroupOf($"{s}home{s}me{s}.claude{s}projects{s}-home-me-other{s}1f0c.jsonl"));

            var codex = new AgentMetrics.Sources.Codex.CodexReader();
            const string rollout = "rollout-2026-11-02T10-00-00-0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl";
            Assert.Equal(
                codex.GroupOf($"{s}home{s}me{s}.codex{s}sessions{s}2026{s}11{s}02{s}{rollout}"),
                codex.GroupOf($"{s}home{s}me{s}.codex{s}archived_sessions{s}{rollout}"));
        }

        public void Dispose() => _scratch.Dispose();
    }
}
