using AgentMetrics.Storage;
using AgentMetrics.Tests.Shared;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    public sealed class WarehouseSchemaTests
    {
        [Fact]
        public void AnOlderWarehouseIsMigratedForwardOnOpenWithItsDataIntact()
        {
            using var scratch = new ScratchFolder();
            string path = scratch.File("v1.db");
            using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = Schema.Migrations[0] + @"
PRAGMA user_version = 1;
INSERT INTO requests (source, dedup_key, session_id, ts, model, input_tokens, output_tokens, weight)
VALUES ('Claude', 'msg_1', 's1', 1763000000000, 'claude-haiku-4-5-20251001', 10, 20, 30);";
                command.ExecuteNonQuery();
            }

            using var warehouse = Warehouse.Open(path);
            var info = warehouse.Describe();
            Assert.Equal(Warehouse.SchemaVersion, info.SchemaVersion);
            Assert.True(Warehouse.SchemaVersion >= 2);
            Assert.Equal(1, info.Requests);
            Assert.Equal(1L, warehouse.Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'usage_rollup';"));
            Assert.Equal("wal", warehouse.Scalar<string>("PRAGMA journal_mode;"));
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
