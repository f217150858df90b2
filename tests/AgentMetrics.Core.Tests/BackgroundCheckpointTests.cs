using System;
using System.IO;
using System.Threading;
using AgentMetrics.Ingest;
using AgentMetrics.Tests.Shared;
using AgentMetrics.Warehousing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>
    /// An import hands the write-back of its log to a background connection: readers meanwhile see every row,
    /// and once it is done the warehouse file alone holds them (SQLite removes the log after the last close).
    /// </summary>
    public sealed class BackgroundCheckpointTests : IDisposable
    {
        private readonly ScratchFolder _scratch = new ScratchFolder();

        [Fact]
        public void AnImportsLogIsWrittenBackAfterItClosesAndReadersSeeEverythingMeanwhile()
        {
            string path = _scratch.File("w.db");
            long expected = Truth.L(Truth.Load().Claude.GetProperty("all").GetProperty("totals"), "messages");
            using (var warehouse = Warehouse.Open(path))
            {
                new HistoryImporter(warehouse).Import(new ImportOptions { Paths = new[] { Path.Combine(Fixtures.AgentHome, ".claude") } }, new RecordingObserver(), CancellationToken.None);
                warehouse.CheckpointInBackground = true;
                Assert.True(new FileInfo(path + "-wal").Length > 0);
            }

            using (var reader = Warehouse.Open(path, readOnly: true))
            {
                Assert.Equal(expected, reader.Describe().Requests);
            }

            BackgroundCheckpoint.WaitAll(TimeSpan.FromMinutes(1));

            Assert.False(File.Exists(path + "-wal"));
            // The file on its own, the log ignored (immutable), has every request.
            using var direct = new SqliteConnection($"Data Source=file:{path}?immutable=1;Mode=ReadOnly;Pooling=False");
            direct.Open();
            using SqliteCommand count = direct.CreateCommand();
            count.CommandText = "SELECT count(*) FROM requests WHERE is_synthetic = 0;";
            Assert.Equal(expected, (long)count.ExecuteScalar()!);
        }

        public void Dispose() => _scratch.Dispose();
    }
}
