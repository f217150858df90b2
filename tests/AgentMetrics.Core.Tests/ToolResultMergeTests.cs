using System;
using System.Collections.Generic;
using System.Linq;
using AgentMetrics.Ingest;
using AgentMetrics.Records;
using AgentMetrics.Sources;
using AgentMetrics.Rules;
using AgentMetrics.Warehousing;
using AgentMetrics.Tests.Shared;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>
    /// The copies of a tool result merge into their call's row by Rules.ToolResultMerge, written in C# and twice in
    /// SQL. Every sequence of up to three copies (time absent, later or earlier; error or not; duration absent or one
    /// of two), written by a real writer into a real warehouse each way an import writes them, ends as the C# fold.
    /// </summary>
    public sealed class ToolResultMergeTests : IDisposable
    {
        private readonly ScratchFolder _scratch = new ScratchFolder();

        private static readonly List<ToolResultRecord> OneCopy =
            (from ts in new long?[] { null, 100, 50 }
             from error in new[] { false, true }
             from duration in new long?[] { null, 5, 7 }
             select new ToolResultRecord { Ts = ts, IsError = error, DurationMs = duration }).ToList();

        /// <summary>Every sequence of one to three copies, each a call of its own; even calls are read before their results, odd ones after.</summary>
        private static List<(string CallId, List<ToolResultRecord> Copies)> Sequences()
        {
            var sequences = new List<List<ToolResultRecord>>();
            sequences.AddRange(OneCopy.Select(a => new List<ToolResultRecord> { a }));
            sequences.AddRange(from a in OneCopy from b in OneCopy select new List<ToolResultRecord> { a, b });
            sequences.AddRange(from a in OneCopy from b in OneCopy from c in OneCopy select new List<ToolResultRecord> { a, b, c });
            return sequences.Select((copies, i) => ("call-" + i, copies)).ToList();
        }

        private static List<ImportBatch> Batches(bool copiesTogether)
        {
            var sequences = Sequences();
            int rounds = copiesTogether ? 1 : 3;
            var batches = Enumerable.Range(0, rounds + 1).Select(_ => new ImportBatch()).ToList();
            for (int i = 0; i < sequences.Count; i++)
            {
                var (callId, copies) = sequences[i];
                var call = new ToolCallRecord { CallId = callId, RequestKey = "msg", SessionId = "s", Name = "Bash", Ts = 10 };
                (i % 2 == 0 ? batches[0] : batches[rounds]).ToolCalls.Add(call);
                for (int c = 0; c < copies.Count; c++)
                {
                    ToolResultRecord copy = copies[c];
                    batches[copiesTogether ? 0 : c].ToolResults.Add(new ToolResultRecord { CallId = callId, Ts = copy.Ts, IsError = copy.IsError, DurationMs = copy.DurationMs });
                }
            }

            return batches;
        }

        private static List<string> Expected() => Sequences()
            .Select(s =>
            {
                long? ts = null;
                bool error = false;
                long? duration = null;
                foreach (ToolResultRecord copy in s.Copies)
                {
                    ts = ToolResultMerge.Time(ts, copy.Ts);
                    error = ToolResultMerge.Error(error, copy.IsError);
                    duration = ToolResultMerge.Duration(duration, copy.DurationMs);
                }

                return $"{s.CallId}|Bash|1|{ts}|{(error ? 1 : 0)}|{duration}";
            })
            .OrderBy(r => r, StringComparer.Ordinal)
            .ToList();

        private List<string> Write(string name, bool bulk, bool copiesTogether, int budget = BulkKeys.DefaultBudget)
        {
            using var warehouse = Warehouse.Open(_scratch.File(name));
            if (bulk)
            {
                Assert.True(BulkLoad.TryBegin(warehouse));
            }

            using (var writer = new WarehouseWriter(warehouse) { Bulk = bulk, BulkKeyBudget = budget })
            {
                int file = 0;
                foreach (ImportBatch batch in Batches(copiesTogether))
                {
                    writer.Write(AgentSource.Claude, batch, new FileManifest { Source = AgentSource.Claude, Path = $"f{file++}.jsonl" });
                }
            }

            if (bulk)
            {
                BulkLoad.Finish(warehouse);
            }

            var rows = new List<string>();
            using SqliteCommand command = warehouse.Command("SELECT call_id, name, has_result, result_ts, is_error, duration_ms FROM tool_calls;");
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                var fields = new object[reader.FieldCount];
                reader.GetValues(fields);
                rows.Add(string.Join("|", fields));
            }

            rows.Sort(StringComparer.Ordinal);
            return rows;
        }

        [Fact]
        public void TheUpsertMergesEachCopyAsTheRuleSays() => Assert.Equal(Expected(), Write("upsert.db", bulk: false, copiesTogether: false));

        [Fact]
        public void AFirstImportMergesCopiesInMemoryAsTheRuleSays()
        {
            Assert.Equal(Expected(), Write("apart.db", bulk: true, copiesTogether: false));
            Assert.Equal(Expected(), Write("together.db", bulk: true, copiesTogether: true));
        }

        [Fact]
        public void AFirstImportThatForgetsCallsMergesTheirRowsAsTheRuleSays() =>
            Assert.Equal(Expected(), Write("forgets.db", bulk: true, copiesTogether: false, budget: 64));

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            _scratch.Dispose();
        }
    }
}
