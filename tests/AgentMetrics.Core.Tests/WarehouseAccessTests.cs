using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using AgentMetrics.Errors;
using AgentMetrics.Ingest;
using AgentMetrics.Query;
using AgentMetrics.Tests.Shared;
using AgentMetrics.Warehousing;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>Queries never write; files that are not warehouses are refused untouched; SQLite failures arrive mapped.</summary>
    public sealed class WarehouseAccessTests
    {
        private static string Import(ScratchFolder scratch, string name = "w.db")
        {
            string path = scratch.File(name);
            using var warehouse = Warehouse.Open(path);
            new HistoryImporter(warehouse).Import(new ImportOptions { Paths = new[] { Fixtures.AgentHome } }, new RecordingObserver(), CancellationToken.None);
            return path;
        }

        /// <summary>Every file in the folder with a hash of its bytes.</summary>
        private static string[] Snapshot(string folder) => Directory.GetFiles(folder).OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => Path.GetFileName(f) + ":" + Convert.ToBase64String(SHA256.Create().ComputeHash(File.ReadAllBytes(f))))
            .ToArray();

        private static void SqliteFile(string path, string sql)
        {
            using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                command.ExecuteNonQuery();
            }

            // Closed: a WAL file's last connection checkpoints and removes its -wal and -shm.
            Assert.False(File.Exists(path + "-wal"));
        }

        [Fact]
        public void AMissingWarehouseIsNotFoundAndNothingIsCreated()
        {
            using var scratch = new ScratchFolder();
            string path = Path.Combine(scratch.Path, "not-yet", "w.db");

            var ex = Assert.Throws<AgentMetricsException>(() => Warehouse.OpenForReading(path));

            Assert.Equal("WarehouseNotFound", ex.ErrorId);
            Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
            Assert.Equal(path, ex.Target);
            Assert.Contains("Import-AgentHistory", ex.Message);
            Assert.Empty(Directory.GetFileSystemEntries(scratch.Path));
        }

        [Theory]
        [InlineData("text", null)]
        [InlineData("rollback", "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")]
        [InlineData("wal", "PRAGMA journal_mode = WAL; CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")]
        [InlineData("app", "PRAGMA application_id = 1234; CREATE TABLE requests (x); CREATE TABLE source_files (y);")]
        public void AFileThatIsNotAWarehouseIsRefusedUntouchedByQueriesAndImports(string kind, string? sql)
        {
            using var scratch = new ScratchFolder();
            string path = scratch.File(kind + ".db");
            if (sql is null)
            {
                File.WriteAllText(path, "not a database\n");
            }
            else
            {
                SqliteFile(path, sql);
            }

            string[] before = Snapshot(scratch.Path);
            var read = Assert.Throws<AgentMetricsException>(() => Warehouse.OpenForReading(path));
            var write = Assert.Throws<AgentMetricsException>(() => Warehouse.Open(path));

            foreach (AgentMetricsException ex in new[] { read, write })
            {
                Assert.Equal("NotAWarehouse", ex.ErrorId);
                Assert.Equal(ErrorKind.InvalidData, ex.Kind);
                Assert.Equal(path, ex.Target);
            }

            Assert.Equal(before, Snapshot(scratch.Path));
        }

        [Fact]
        public void AQueryWritesNothingAndLeavesNoLogBehind()
        {
            using var scratch = new ScratchFolder();
            string path = Import(scratch);
            string[] before = Snapshot(scratch.Path);

            using (var warehouse = Warehouse.OpenForReading(path))
            {
                Assert.True(CostEngine.Summarise(warehouse, new UsageFilter(), Array.Empty<CostGrouping>(), new PeriodOptions(), PriceBook()).Rows.Single().Requests > 0);
                var refused = Assert.Throws<SqliteException>(() => warehouse.Execute("CREATE TABLE scribble (x);"));
                Assert.Contains("readonly", refused.Message.Replace(" ", string.Empty), StringComparison.OrdinalIgnoreCase);
            }

            Assert.Equal(before, Snapshot(scratch.Path));
        }

        [Fact]
        public void AWarehouseFromBeforeTheApplicationIdIsStillReadAndImportsStampIt()
        {
            using var scratch = new ScratchFolder();
            // Characters SQLite's URI filenames treat specially: the immutable look inside must still find the file.
            string path = Import(scratch, "old #1 ?50%.db");
            SqliteFile(path, "PRAGMA application_id = 0;");
            string[] before = Snapshot(scratch.Path);

            using (var warehouse = Warehouse.OpenForReading(path))
            {
                Assert.True(warehouse.Describe().Requests > 0);
            }

            Assert.Equal(before, Snapshot(scratch.Path));
            using (var warehouse = Warehouse.Open(path))
            {
                Assert.Equal(WarehouseFile.ApplicationId, warehouse.Scalar<long>("PRAGMA application_id;"));
            }
        }

        [Fact]
        public void AnOlderSchemaIsNotMigratedByAQuery()
        {
            using var scratch = new ScratchFolder();
            string path = scratch.File("v1.db");
            SqliteFile(path, string.Concat(Schema.Migrations.Take(1)) + "\nPRAGMA user_version = 1;");
            string[] before = Snapshot(scratch.Path);

            var ex = Assert.Throws<AgentMetricsException>(() => Warehouse.OpenForReading(path));
            Assert.Equal("WarehouseNeedsUpgrade", ex.ErrorId);
            Assert.Contains("Import-AgentHistory", ex.Message);
            using (var warehouse = Warehouse.OpenForReading(path, allowOlderSchema: true))
            {
                Assert.Equal(1, warehouse.Describe().SchemaVersion);
            }

            Assert.Equal(before, Snapshot(scratch.Path));
        }

        [Fact]
        public void GarbageInsideAWarehouseIsWarehouseCorruptWithItsPath()
        {
            using var scratch = new ScratchFolder();
            string path = Import(scratch);
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
            {
                // Past the header page: the file still looks like ours, its b-trees do not.
                stream.Seek(4096, SeekOrigin.Begin);
                var garbage = new byte[stream.Length - 4096];
                new Random(7).NextBytes(garbage);
                stream.Write(garbage, 0, garbage.Length);
            }

            var ex = Assert.Throws<AgentMetricsException>(() =>
            {
                using var warehouse = Warehouse.OpenForReading(path);
                CostEngine.Summarise(warehouse, new UsageFilter(), Array.Empty<CostGrouping>(), new PeriodOptions(), PriceBook());
            });

            Assert.Equal("WarehouseCorrupt", ex.ErrorId);
            Assert.Equal(ErrorKind.InvalidData, ex.Kind);
            Assert.Equal(path, ex.Target);
            Assert.IsType<SqliteException>(ex.InnerException);
        }

        [Theory]
        [InlineData(5, "WarehouseBusy", ErrorKind.ResourceBusy)]
        [InlineData(6, "WarehouseBusy", ErrorKind.ResourceBusy)]
        [InlineData(11, "WarehouseCorrupt", ErrorKind.InvalidData)]
        [InlineData(26, "WarehouseCorrupt", ErrorKind.InvalidData)]
        [InlineData(13, "WarehouseDiskFull", ErrorKind.WriteError)]
        [InlineData(8, "WarehouseReadOnly", ErrorKind.PermissionDenied)]
        [InlineData(14, "WarehouseOpenFailed", ErrorKind.ResourceUnavailable)]
        [InlineData(10 | (3 << 8), "WarehouseIOError", ErrorKind.ReadError)]
        [InlineData(1, "WarehouseError", ErrorKind.NotSpecified)]
        public void EachSqliteResultCodeHasItsErrorWithThePath(int code, string id, ErrorKind kind)
        {
            var ex = WarehouseErrors.Map(new SqliteException("SQLite Error " + code + ": 'detail'.", code), "/data/w.db", "read");
            Assert.Equal(id, ex.ErrorId);
            Assert.Equal(kind, ex.Kind);
            Assert.Equal("/data/w.db", ex.Target);
            Assert.Contains("'/data/w.db'", ex.Message);
        }

        [Fact]
        public void ExactNamesThatMatchNothingAreReportedAndWildcardsAreNot()
        {
            using var scratch = new ScratchFolder();
            string path = Import(scratch);
            using var warehouse = Warehouse.OpenForReading(path);
            string model = UsageFilter.DistinctValues(warehouse, "model").First();
            string project = UsageFilter.DistinctValues(warehouse, "project").First();
            var filter = new UsageFilter
            {
                Model = new[] { model.ToUpperInvariant(), "gpt-5-nonexistent", "nothing*" },
                Project = new[] { project, "no-such-project" },
                SessionId = new[] { "x" },
                Source = new[] { "Claude", "Gemini" },
            };

            Assert.Equal(
                new[] { ("SessionId", "x"), ("Model", "gpt-5-nonexistent"), ("Project", "no-such-project"), ("Source", "Gemini") },
                filter.UnmatchedNames(warehouse).ToArray());
        }

        [Fact]
        public void AFolderOfHomesImportsEveryAgentInIt()
        {
            using var scratch = new ScratchFolder();
            string backups = Path.Combine(scratch.Path, "backups");
            scratch.CopyTree(Path.Combine(Fixtures.AgentHome, ".claude"), Path.Combine("backups", "laptop", ".claude"));
            scratch.CopyTree(Path.Combine(Fixtures.AgentHome, ".codex"), Path.Combine("backups", "desktop", ".codex"));
            var options = new ImportOptions { Paths = new[] { backups } };

            var preview = HistoryImporter.Preview(options, new RecordingObserver());
            Assert.Equal(new[] { AgentSource.Claude, AgentSource.Codex }, preview.Select(p => p.Source).OrderBy(s => s).ToArray());

            using var split = Warehouse.Open(scratch.File("split.db"));
            var fromBackups = new HistoryImporter(split).Import(options, new RecordingObserver(), CancellationToken.None);
            using var whole = Warehouse.Open(scratch.File("whole.db"));
            var fromHome = new HistoryImporter(whole).Import(new ImportOptions { Paths = new[] { Fixtures.AgentHome } }, new RecordingObserver(), CancellationToken.None);

            Assert.Equal(
                fromHome.OrderBy(r => r.Source).Select(r => (r.Source, r.FilesSeen, r.RequestsAdded)),
                fromBackups.OrderBy(r => r.Source).Select(r => (r.Source, r.FilesSeen, r.RequestsAdded)));
        }

        [Fact]
        public void MalformedLinesAreCountedOnTheResultWithTheFirstFileAndLine()
        {
            using var scratch = new ScratchFolder();
            using var warehouse = Warehouse.Open(scratch.File("w.db"));
            var observer = new RecordingObserver();
            var results = new HistoryImporter(warehouse).Import(new ImportOptions { Paths = new[] { Fixtures.AgentHome } }, observer, CancellationToken.None);

            foreach (ImportResult result in results)
            {
                var problems = observer.Problems.Where(ImportResult.IsMalformed)
                    .Where(p => Path.GetFullPath(p.File!).StartsWith(Path.Combine(Fixtures.AgentHome, result.Source == AgentSource.Claude ? ".claude" : ".codex"), StringComparison.Ordinal))
                    .ToList();
                Assert.Equal(problems.Count, result.MalformedLines);
                Assert.Equal(problems.Select(p => p.File).Distinct().Count(), result.MalformedFiles);
                var first = problems.OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line).FirstOrDefault();
                Assert.Equal(first?.Target, result.FirstMalformedLine);
            }

            Assert.Contains(results, r => r.MalformedLines > 0);
        }

        private static Pricing.PriceBook PriceBook() => Pricing.PriceBook.LoadDefault(Fixtures.PricingFolder);
    }
}
