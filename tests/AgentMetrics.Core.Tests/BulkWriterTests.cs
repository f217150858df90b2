using System;
using System.Collections.Generic;
using System.Linq;
using AgentMetrics.Records;
using AgentMetrics.Tests.Shared;
using AgentMetrics.Warehousing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>
    /// A first import appends rows and deduplicates in memory; every later import upserts against the unique
    /// keys. Both must keep the same copy of every request and merge tool calls and results the same way,
    /// whatever batch a copy arrives in.
    /// </summary>
    public sealed class BulkWriterTests : IDisposable
    {
        private readonly ScratchFolder _scratch = new ScratchFolder();

        /// <summary>The files' last timestamps (the others have none): both start at the same instant, the resumed one goes on.</summary>
        private static readonly Dictionary<string, long> Ends = new Dictionary<string, long> { ["original.jsonl"] = 15_000, ["resumed.jsonl"] = 20_000 };

        private static List<ImportBatch> Batches()
        {
            RequestRecord Copy(string key, long weightPart, long ts, string path, long line, string model) => new RequestRecord
            {
                DedupKey = key, SessionId = "s1", Ts = ts, Model = model, Input = weightPart, Output = 1,
                FileStartTs = 1_000, FilePath = path, Line = line,
            };

            var first = new ImportBatch();
            first.Requests.Add(Copy("grows", 10, 5_000, "a.jsonl", 1, "partial"));
            first.Requests.Add(Copy("earlier-wins", 10, 6_000, "a.jsonl", 2, "late"));
            first.Requests.Add(Copy("line-breaks-tie", 10, 7_000, "b.jsonl", 3, "from-b"));
            first.Requests.Add(Copy("path-breaks-tie", 10, 7_500, "b.jsonl", 30, "from-b"));
            first.Requests.Add(Copy("end-breaks-tie", 10, 7_700, "resumed.jsonl", 1, "from-resumed"));
            first.Requests.Add(Copy("only-once", 3, 8_000, "a.jsonl", 4, "single"));
            first.ToolCalls.Add(new ToolCallRecord { CallId = "call-1", RequestKey = "grows", SessionId = "s1", Name = "Read", Ts = 5_000 });
            first.ToolResults.Add(new ToolResultRecord { CallId = "call-1", Ts = 9_000, IsError = false, DurationMs = null });
            first.ToolResults.Add(new ToolResultRecord { CallId = "result-first", Ts = 9_100, IsError = true, DurationMs = 12 });
            first.ToolResults.Add(new ToolResultRecord { CallId = "never-called", Ts = 9_200, IsError = false, DurationMs = 3 });
            // A call whose two result copies come in its own batch: the row is written with them merged.
            first.ToolCalls.Add(new ToolCallRecord { CallId = "call-3", RequestKey = "only-once", SessionId = "s1", Name = "Edit", Ts = 8_000 });
            first.ToolResults.Add(new ToolResultRecord { CallId = "call-3", Ts = 9_300, IsError = true, DurationMs = 40 });
            first.ToolResults.Add(new ToolResultRecord { CallId = "call-3", Ts = 9_250, IsError = false, DurationMs = null });

            var second = new ImportBatch();
            second.Requests.Add(Copy("grows", 50, 5_000, "a.jsonl", 9, "final"));
            second.Requests.Add(Copy("grows", 20, 5_000, "a.jsonl", 8, "middle"));
            second.Requests.Add(Copy("earlier-wins", 10, 5_500, "c.jsonl", 1, "early"));
            second.Requests.Add(Copy("line-breaks-tie", 10, 7_000, "a.jsonl", 30, "from-a"));
            second.Requests.Add(Copy("path-breaks-tie", 10, 7_500, "a.jsonl", 30, "from-a"));
            second.Requests.Add(Copy("end-breaks-tie", 10, 7_700, "original.jsonl", 1, "from-original"));
            second.ToolCalls.Add(new ToolCallRecord { CallId = "call-1", RequestKey = "grows", SessionId = "s1", Name = "Copy", Ts = 1 });
            second.ToolCalls.Add(new ToolCallRecord { CallId = "call-2", RequestKey = "earlier-wins", SessionId = "s1", Name = "Bash", Ts = 5_500 });
            second.ToolCalls.Add(new ToolCallRecord { CallId = "result-first", RequestKey = "grows", SessionId = "s1", Name = "Grep", Ts = 9_050 });
            second.ToolResults.Add(new ToolResultRecord { CallId = "call-1", Ts = 8_500, IsError = true, DurationMs = 70 });

            var third = new ImportBatch();
            third.Requests.Add(Copy("grows", 50, 5_000, "z.jsonl", 9, "same-weight-later-path"));
            third.ToolResults.Add(new ToolResultRecord { CallId = "call-1", Ts = null, IsError = false, DurationMs = null });
            third.ToolResults.Add(new ToolResultRecord { CallId = "call-2", Ts = null, IsError = false, DurationMs = 5 });
            return new List<ImportBatch> { first, second, third };
        }

        private static List<string> Rows(Warehouse warehouse, string sql)
        {
            var rows = new List<string>();
            using SqliteCommand command = warehouse.Command(sql);
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                var fields = new object[reader.FieldCount];
                reader.GetValues(fields);
                rows.Add(string.Join("|", fields));
            }

            return rows;
        }

        private const string RequestsSql = "SELECT dedup_key, model, ts, input_tokens, weight, (SELECT path FROM source_files f WHERE f.file_id = requests.file_id), line FROM requests ORDER BY dedup_key;";
        private const string ToolCallsSql = "SELECT call_id, name, request_key, ts FROM tool_calls WHERE name IS NOT NULL ORDER BY call_id;";
        private const string ToolResultsSql = "SELECT call_id, has_result, result_ts, is_error, duration_ms FROM tool_calls ORDER BY call_id;";

        private void Write(Warehouse warehouse, bool bulk, int budget = BulkKeys.DefaultBudget)
        {
            using var writer = new WarehouseWriter(warehouse) { Bulk = bulk, BulkKeyBudget = budget };
            foreach (ImportBatch batch in Batches())
            {
                // As the importer writes them: each file's records with that file's manifest (requests name their
                // file by its id), the batch's calls and results with the first file's.
                var byFile = batch.Requests.GroupBy(r => r.FilePath!).ToList();
                for (int i = 0; i < byFile.Count; i++)
                {
                    var part = new ImportBatch();
                    part.Requests.AddRange(byFile[i]);
                    if (i == 0)
                    {
                        part.ToolCalls.AddRange(batch.ToolCalls);
                        part.ToolResults.AddRange(batch.ToolResults);
                    }

                    Ends.TryGetValue(byFile[i].Key, out long end);
                    writer.Write(AgentSource.Claude, part, new FileManifest { Source = AgentSource.Claude, Path = byFile[i].Key, LastTs = end == 0 ? null : end });
                }
            }
        }

        [Fact]
        public void AFirstImportKeepsTheSameCopiesAsAnIncrementalOne()
        {
            using var incremental = Warehouse.Open(_scratch.File("incremental.db"));
            Write(incremental, bulk: false);

            using var bulk = Warehouse.Open(_scratch.File("bulk.db"));
            Assert.True(BulkLoad.TryBegin(bulk));
            Write(bulk, bulk: true);
            BulkLoad.Finish(bulk);

            Assert.Equal(new[]
            {
                "earlier-wins|early|5500|10|11|c.jsonl|1",
                "end-breaks-tie|from-original|7700|10|11|original.jsonl|1",
                "grows|final|5000|50|51|a.jsonl|9",
                "line-breaks-tie|from-b|7000|10|11|b.jsonl|3",
                "only-once|single|8000|3|4|a.jsonl|4",
                "path-breaks-tie|from-a|7500|10|11|a.jsonl|30",
            }, Rows(incremental, RequestsSql));
            // The first copy of a call wins; a result read before its call is kept for it; one whose call never
            // came is held but is no call.
            Assert.Equal(new[] { "call-1|Read|grows|5000", "call-2|Bash|earlier-wins|5500", "call-3|Edit|only-once|8000", "result-first|Grep|grows|9050" }, Rows(incremental, ToolCallsSql));
            Assert.Equal(new[] { "call-1|1|8500|1|70", "call-2|1||0|5", "call-3|1|9250|1|40", "never-called|1|9200|0|3", "result-first|1|9100|1|12" }, Rows(incremental, ToolResultsSql));

            Assert.Equal(Rows(incremental, RequestsSql), Rows(bulk, RequestsSql));
            Assert.Equal(Rows(incremental, ToolCallsSql), Rows(bulk, ToolCallsSql));
            Assert.Equal(Rows(incremental, ToolResultsSql), Rows(bulk, ToolResultsSql));

            // The keys are built at the end of a first import and hold from then on.
            var duplicate = Assert.Throws<SqliteException>(() => bulk.Execute("INSERT INTO requests (source, dedup_key, ts) VALUES ('Claude', 'grows', 1);"));
            Assert.Equal(19, duplicate.SqliteErrorCode);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void AFirstImportThatForgetsKeysStillKeepsOneCopyOfEach(int budget)
        {
            using var incremental = Warehouse.Open(_scratch.File("incremental.db"));
            Write(incremental, bulk: false);

            string path = _scratch.File($"bulk-{budget}.db");
            using (var interrupted = Warehouse.Open(path))
            {
                Assert.True(BulkLoad.TryBegin(interrupted));
                Write(interrupted, bulk: true, budget);
                // Stopped here, as by a crash: repeated copies are on disk and the keys are not built yet.
                Assert.True(interrupted.Scalar<long>("SELECT count(*) FROM requests;") > Rows(incremental, RequestsSql).Count);
            }

            using var bulk = Warehouse.Open(path);
            Assert.True(BulkLoad.Pending(bulk));
            BulkLoad.Finish(bulk);

            Assert.Equal(Rows(incremental, RequestsSql), Rows(bulk, RequestsSql));
            Assert.Equal(Rows(incremental, ToolCallsSql), Rows(bulk, ToolCallsSql));
            Assert.Equal(Rows(incremental, ToolResultsSql), Rows(bulk, ToolResultsSql));
        }

        public void Dispose() => _scratch.Dispose();
    }
}
