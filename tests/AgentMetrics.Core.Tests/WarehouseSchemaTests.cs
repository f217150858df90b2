using System.Linq;
using AgentMetrics.Tests.Shared;
using AgentMetrics.Warehousing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    public sealed class WarehouseSchemaTests
    {
        /// <summary>A warehouse file as version <paramref name="version"/> left it, holding what <paramref name="sql"/> adds.</summary>
        private static string AtVersion(string path, int version, string sql)
        {
            using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = string.Concat(Schema.Migrations.Take(version)) + $"\nPRAGMA user_version = {version};\n" + sql;
            command.ExecuteNonQuery();
            return path;
        }

        [Fact]
        public void AnOlderWarehouseIsMigratedForwardOnOpenWithItsDataIntact()
        {
            using var scratch = new ScratchFolder();
            string path = AtVersion(scratch.File("v1.db"), 1, @"
INSERT INTO requests (source, dedup_key, session_id, ts, model, input_tokens, output_tokens, weight)
VALUES ('Claude', 'msg_1', 's1', 1763000000000, 'claude-haiku-4-5-20251001', 10, 20, 30);");

            using var warehouse = Warehouse.Open(path);
            var info = warehouse.Describe();
            Assert.Equal(Warehouse.SchemaVersion, info.SchemaVersion);
            Assert.True(Warehouse.SchemaVersion >= 2);
            Assert.Equal(1, info.Requests);
            Assert.Equal(1L, warehouse.Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'usage_rollup';"));
            Assert.Equal("wal", warehouse.Scalar<string>("PRAGMA journal_mode;"));
            // Statement journals stay in memory (2 = MEMORY) instead of a file write per changed page.
            Assert.Equal(2L, warehouse.Scalar<long>("PRAGMA temp_store;"));
        }

        [Fact]
        public void AVersion2WarehouseKeepsItsToolCallsAndTheirKeyThroughVersion3()
        {
            using var scratch = new ScratchFolder();
            string path = AtVersion(scratch.File("v2.db"), 2, @"
INSERT INTO tool_calls (source, call_id, request_key, session_id, name, ts, is_sidechain, agent)
VALUES ('Claude', 'toolu_b', 'msg_1', 's1', 'Bash', 1763000000000, 0, 'claude-code'),
       ('Claude', 'toolu_a', 'msg_1', 's1', 'Read', 1763000000001, 1, 'claude-code/subagent');");

            using var warehouse = Warehouse.Open(path);
            Assert.Equal(Warehouse.SchemaVersion, warehouse.Describe().SchemaVersion);
            Assert.Equal(2L, warehouse.Scalar<long>("SELECT count(*) FROM tool_calls;"));
            Assert.Equal("Read", warehouse.Scalar<string>("SELECT name FROM tool_calls WHERE source = 'Claude' AND call_id = 'toolu_a' AND is_sidechain = 1;"));
            // The key still makes a second copy of a call a no-op, and the request index is back.
            warehouse.Execute("INSERT OR IGNORE INTO tool_calls (source, call_id, name, ts) VALUES ('Claude', 'toolu_a', 'Other', 0);");
            Assert.Equal(2L, warehouse.Scalar<long>("SELECT count(*) FROM tool_calls;"));
            Assert.Equal(1L, warehouse.Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'tool_calls_request';"));
        }

        [Fact]
        public void AVersion3WarehouseKeepsItsRowsAndKeysThroughVersion4()
        {
            using var scratch = new ScratchFolder();
            string path = AtVersion(scratch.File("v3.db"), 3, @"
INSERT INTO requests (request_pk, source, dedup_key, session_id, ts, model, input_tokens, output_tokens, weight)
VALUES (7, 'Claude', 'msg_1', 's1', 1763000000000, 'claude-haiku-4-5-20251001', 10, 20, 30);
INSERT INTO tool_calls (source, call_id, request_key, session_id, name, ts) VALUES ('Claude', 'toolu_a', 'msg_1', 's1', 'Read', 1763000000000);
INSERT INTO tool_results (source, call_id, ts, is_error, duration_ms) VALUES ('Claude', 'toolu_a', 1763000000500, 1, 40),
    ('Claude', 'toolu_orphan', 1763000000600, 0, 7);
DELETE FROM rollup_dirty;");

            using var warehouse = Warehouse.Open(path);
            Assert.Equal(Warehouse.SchemaVersion, warehouse.Describe().SchemaVersion);
            Assert.Equal("msg_1|30", warehouse.Scalar<string>("SELECT dedup_key || '|' || weight FROM requests WHERE request_pk = 7;"));
            Assert.Equal("Read", warehouse.Scalar<string>("SELECT name FROM tool_calls WHERE call_id = 'toolu_a';"));
            // Results moved onto their calls' rows; a result without its call keeps a nameless row.
            Assert.Equal("1|1763000000500|1|40", warehouse.Scalar<string>("SELECT has_result || '|' || result_ts || '|' || is_error || '|' || duration_ms FROM tool_calls WHERE call_id = 'toolu_a';"));
            Assert.Equal("1|7", warehouse.Scalar<string>("SELECT has_result || '|' || duration_ms FROM tool_calls WHERE call_id = 'toolu_orphan' AND name IS NULL;"));
            Assert.Equal(0L, warehouse.Scalar<long>("SELECT count(*) FROM sqlite_master WHERE name = 'tool_results';"));

            // The keys are named indexes now, and they still refuse a second copy; the rollup triggers are back.
            foreach (string index in new[] { "requests_key", "tool_calls_key", "requests_ts", "requests_session", "requests_agent", "tool_calls_request" })
            {
                Assert.Equal(1L, warehouse.Scalar<long>($"SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '{index}';"));
            }

            Assert.Throws<SqliteException>(() => warehouse.Execute("INSERT INTO requests (source, dedup_key, ts) VALUES ('Claude', 'msg_1', 0);"));
            Assert.Throws<SqliteException>(() => warehouse.Execute("INSERT INTO tool_calls (source, call_id) VALUES ('Claude', 'toolu_a');"));
            warehouse.Execute("INSERT INTO requests (source, dedup_key, ts) VALUES ('Claude', 'msg_2', 1763000900000);");
            Assert.Equal(1L, warehouse.Scalar<long>("SELECT count(*) FROM rollup_dirty;"));
        }

        [Fact]
        public void AVersion4WarehouseNamesEachRequestsFileByIdThroughVersion5()
        {
            using var scratch = new ScratchFolder();
            string path = AtVersion(scratch.File("v4.db"), 4, @"
INSERT INTO source_files (file_id, source, path) VALUES (3, 'Claude', '/h/a.jsonl'), (9, 'Claude', '/h/b.jsonl');
INSERT INTO requests (request_pk, source, dedup_key, ts, model, input_tokens, weight, file_path, line) VALUES
    (1, 'Claude', 'msg_1', 1763000000000, 'm', 10, 30, '/h/b.jsonl', 4),
    (2, 'Claude', 'msg_2', 1763000000000, 'm', 11, 30, '/h/a.jsonl', 2),
    (3, 'Claude', 'msg_3', 1763000000000, 'm', 12, 30, NULL, NULL),
    (4, 'Claude', 'msg_4', 1763000000000, 'm', 13, 30, '/h/gone.jsonl', 1);
DELETE FROM rollup_dirty;");

            using var warehouse = Warehouse.Open(path);
            Assert.Equal(Warehouse.SchemaVersion, warehouse.Describe().SchemaVersion);
            Assert.Equal("1:9|2:3|3:-|4:-", warehouse.Scalar<string>("SELECT group_concat(request_pk || ':' || coalesce(file_id, '-'), '|') FROM (SELECT * FROM requests ORDER BY request_pk);"));
            Assert.Equal(0L, warehouse.Scalar<long>("SELECT count(*) FROM pragma_table_info('requests') WHERE name = 'file_path';"));
            Assert.Equal(46L, warehouse.Scalar<long>("SELECT sum(input_tokens) FROM requests;"));
            // No amount changed, so no rollup bucket was marked; the triggers still mark the next change.
            Assert.Equal(0L, warehouse.Scalar<long>("SELECT count(*) FROM rollup_dirty;"));
            warehouse.Execute("UPDATE requests SET input_tokens = 14 WHERE request_pk = 4;");
            Assert.Equal(1L, warehouse.Scalar<long>("SELECT count(*) FROM rollup_dirty;"));
        }

        [Fact]
        public void AVersion5RollupBecomesPromptBandsAtTheOld200kThresholdThroughVersion6()
        {
            using var scratch = new ScratchFolder();
            string path = AtVersion(scratch.File("v5.db"), 5, @"
INSERT INTO requests (source, dedup_key, ts, model, input_tokens) VALUES
    ('Codex', 'a', 1763000000000, 'gpt-5', 10), ('Codex', 'b', 1763100000000, NULL, 10);
DELETE FROM rollup_dirty;
INSERT INTO usage_rollup (source, model, bucket, long_context, requests, input_tokens, output_tokens, cache_write_5m, cache_write_1h,
    cache_read, reasoning_tokens, web_searches) VALUES
    ('Codex', 'gpt-5', 1958888, 0, 1, 10, 0, 0, 0, 0, 0, 0), ('Codex', 'gpt-5', 1958889, 1, 1, 250000, 0, 0, 0, 0, 0, 0);");

            using var warehouse = Warehouse.Open(path);
            Assert.Equal("1958888:0|1958889:200000", warehouse.Scalar<string>("SELECT group_concat(bucket || ':' || prompt_above, '|') FROM (SELECT * FROM usage_rollup ORDER BY bucket);"));
            Assert.Equal("200000", RollupMaintainer.Bands(warehouse).ToString());
            // Only the bucket of the request without a model is summed again (with its client version).
            Assert.Equal(1763100000000 / 900000, warehouse.Scalar<long>("SELECT group_concat(bucket) FROM rollup_dirty;"));
        }

        [Fact]
        public void ANewWarehouseIsCreatedAtTheCurrentVersion()
        {
            using var scratch = new ScratchFolder();
            using var warehouse = Warehouse.Open(scratch.File(System.IO.Path.Combine("deep", "folder", "w.db")));
            Assert.Equal(Warehouse.SchemaVersion, warehouse.Describe().SchemaVersion);
        }
    }
}
