using System.Collections.Generic;
using System.IO;
using AgentMetrics.Errors;
using AgentMetrics.Records;
using AgentMetrics.Sources;
using AgentMetrics.Warehousing;

namespace AgentMetrics.Ingest
{
    /// <summary>
    /// What a parser produced from one stretch of one file, handed from a parsing thread to the writer:
    /// the records, a snapshot of the file's manifest as of the end of the stretch, and what to report.
    /// </summary>
    internal sealed class ParsedChunk
    {
        private readonly FileWork _work;

        public ParsedChunk(FileWork work)
        {
            _work = work;
        }

        public FileWork Work => _work;

        public string Path => _work.File.Path;

        public long FileSize => _work.Size;

        public ImportBatch Batch { get; } = new ImportBatch();

        /// <summary>Null when nothing is to be recorded (the file could not be opened).</summary>
        public FileManifest? Manifest { get; private set; }

        public List<ItemProblem> Problems { get; } = new List<ItemProblem>();

        public List<string> Verbose { get; } = new List<string>();

        public long LinesRead { get; set; }

        public long Malformed { get; set; }

        public long BytesRead { get; private set; }

        public bool FileDone { get; set; }

        /// <summary>Freezes the manifest as of this chunk's end: the parser goes on mutating its own copy.</summary>
        public void Seal(FileManifest manifest, FileContext context, Stream stream, long consumedBytes, long consumedLines, long size, long chunkStart)
        {
            manifest.RecordConsumed(stream, consumedBytes, consumedLines);
            manifest.FirstTs = context.FirstTs;
            manifest.State = context.State;
            manifest.Size = size;
            manifest.MtimeMs = _work.Mtime;
            Manifest = manifest.Snapshot();
            BytesRead = consumedBytes - chunkStart;
        }
    }
}
