using System;
using System.IO;
using System.Text;
using AgentMetrics.Ingest;
using AgentMetrics.Records;
using AgentMetrics.Sources;
using AgentMetrics.Rules;
using AgentMetrics.Tests.Shared;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>A file's end (Rules.FileEnd) is the timestamp of its last complete line that has one, read from a real file.</summary>
    public sealed class FileEndTests : IDisposable
    {
        private const string Early = "2026-11-02T09:00:00.000Z";
        private const string Late = "2026-11-02T10:30:00.500Z";
        private readonly ScratchFolder _scratch = new ScratchFolder();

        private long? EndOf(string content, long from = 0)
        {
            string path = _scratch.File(Guid.NewGuid().ToString("N") + ".jsonl");
            File.WriteAllBytes(path, Encoding.UTF8.GetBytes(content));
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
            stream.Position = 17 % Math.Max(1, stream.Length);
            long position = stream.Position;
            long? end = FileEnd.LastTimestamp(stream, from);
            Assert.Equal(position, stream.Position);
            return end;
        }

        private static long Ms(string iso) => Json.ParseTimestamp(iso)!.Value;

        [Fact]
        public void TheLastCompleteLineWithATimestampDecides()
        {
            string huge = new string('x', 300_000);
            Assert.Equal(Ms(Late), EndOf($"{{\"timestamp\":\"{Early}\"}}\n{{\"type\":\"user\",\"timestamp\":\"{Late}\"}}\n"));
            // Lines without one after it (a summary, a cost-state, a snapshot longer than a read block), CRLF ends.
            Assert.Equal(Ms(Late), EndOf($"{{\"timestamp\":\"{Early}\"}}\r\n{{\"timestamp\":\"{Late}\",\"big\":\"{huge}\"}}\r\n{{\"type\":\"summary\"}}\r\n{{\"type\":\"file-history-snapshot\",\"snapshot\":{{\"timestamp\":\"2030-01-01T00:00:00Z\",\"x\":\"{huge}\"}}}}\r\n\r\n"));
            // A torn last line is no line yet, nor is a malformed one; a timestamp nested deeper is not the line's.
            Assert.Equal(Ms(Early), EndOf($"{{\"timestamp\":\"{Early}\"}}\n{{\"timestamp\":\"{Late}\""));
            Assert.Equal(Ms(Early), EndOf($"{{\"timestamp\":\"{Early}\"}}\n{{\"timestamp\":\"{Late}\",,}}\n{{\"message\":{{\"timestamp\":\"{Late}\"}}}}\n"));
            // A byte order mark before the only line, a file with no timestamp, an empty file.
            Assert.Equal(Ms(Early), EndOf($"\uFEFF{{\"timestamp\":\"{Early}\"}}\n"));
            Assert.Null(EndOf("{\"type\":\"summary\"}\n"));
            Assert.Null(EndOf(string.Empty));
        }

        [Fact]
        public void OnlyLinesFromWhereTheLastImportStoppedAreRead()
        {
            string first = $"{{\"timestamp\":\"{Early}\"}}\n";
            Assert.Null(EndOf(first + "{\"type\":\"summary\"}\n", from: Encoding.UTF8.GetByteCount(first)));
            Assert.Equal(Ms(Late), EndOf(first + $"{{\"timestamp\":\"{Late}\"}}\n", from: Encoding.UTF8.GetByteCount(first)));
        }

        public void Dispose() => _scratch.Dispose();
    }
}
