using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using AgentMetrics.Errors;
using AgentMetrics.Sources;
using AgentMetrics.Warehousing;

namespace AgentMetrics.Ingest
{
    /// <summary>
    /// Reads one file's unread part with its source's parser and cuts the records into chunks, each sealed
    /// with the file's manifest as of its last line (runs on a parsing thread).
    /// </summary>
    internal static class ChunkReader
    {
        private const int BatchRecords = 10000;

        private static FileStream? Open(FileWork item, List<ItemProblem> problems)
        {
            try
            {
                // Unbuffered (bufferSize 1): the line reader reads in large blocks into its own buffer already.
                return new FileStream(item.File.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                problems.Add(new ItemProblem("HistoryFileUnreadable", ex is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.ReadError, $"Cannot read '{item.File.Path}': {ex.Message}", item.File.Path, null));
                return null;
            }
        }

        /// <summary>Reads a JSONL file from where the last import stopped (or from the start), in chunks.</summary>
        public static IEnumerable<ParsedChunk> ReadLines(SourceReader reader, FileWork item, CancellationToken cancellation)
        {
            var chunk = new ParsedChunk(item);
            FileStream? stream = Open(item, chunk.Problems);
            if (stream is null)
            {
                chunk.FileDone = true;
                yield return chunk;
                yield break;
            }

            FileManifest manifest = item.Manifest;
            using FileStream owned = stream;
            bool append = !item.Force && manifest.ConsumedBytes > 0 && manifest.PrefixStillMatches(stream);
            if (!append)
            {
                if (manifest.ConsumedBytes > 0)
                {
                    chunk.Verbose.Add($"{item.File.Path} was rewritten or truncated; reading it again from the start (already counted requests are not counted twice).");
                }

                manifest.ConsumedBytes = 0;
                manifest.ConsumedLines = 0;
                manifest.Malformed = 0;
                manifest.FirstTs = null;
                manifest.State = null;
            }

            // Before any line is parsed: every copy read from this file is compared by the same end.
            if (item.Reader.ComparesCopiesByFileEnd)
            {
                manifest.LastTs = Rules.FileEnd.LastTimestamp(stream, manifest.ConsumedBytes) ?? (append ? manifest.LastTs : null);
            }

            var context = new FileContext(item.File, manifest.FirstTs, manifest.State);
            long consumedBytes = manifest.ConsumedBytes;
            long consumedLines = manifest.ConsumedLines;
            long chunkStart = consumedBytes;
            using var lines = new JsonLineReader(stream, consumedBytes, consumedLines);
            while (lines.TryRead(out RawLine line))
            {
                LineOutcome outcome = reader.ParseLine(line, context, chunk.Batch);
                if (outcome == LineOutcome.Malformed && !line.HasNewline)
                {
                    // A torn last line: the agent is still writing it. Leave it for the next import.
                    chunk.Verbose.Add($"{item.File.Path}:{line.Number}: incomplete last line left for the next import.");
                    break;
                }

                chunk.LinesRead++;
                if (outcome == LineOutcome.Malformed)
                {
                    manifest.Malformed++;
                    chunk.Malformed++;
                    chunk.Problems.Add(new ItemProblem("MalformedHistoryLine", ErrorKind.InvalidData, $"Skipped line {line.Number} of '{item.File.Path}': not valid JSON.", item.File.Path, line.Number));
                }

                consumedBytes = line.EndOffset;
                consumedLines = line.Number;
                if (chunk.Batch.Size >= BatchRecords)
                {
                    cancellation.ThrowIfCancellationRequested();
                    // Mid-way through a large file the recorded size stays stale on purpose, so an import that
                    // dies before the end does not leave the file looking unchanged to the next one.
                    chunk.Seal(manifest, context, stream, consumedBytes, consumedLines, size: -1, chunkStart);
                    yield return chunk;
                    chunk = new ParsedChunk(item);
                    chunkStart = consumedBytes;
                }
            }

            // A torn tail stays unconsumed, but the file's size and mtime are recorded as seen: while the agent
            // leaves it as it is the file is unchanged; once the line is finished, reading resumes before it.
            chunk.Seal(manifest, context, stream, consumedBytes, consumedLines, item.Size, chunkStart);
            chunk.FileDone = true;
            yield return chunk;
        }

        /// <summary>
        /// A whole-document file (rewritten by its writer, never appended): parsed whole every time it changes.
        /// Its records are keyed by their identity, so the records it had before are upserts, not additions.
        /// </summary>
        public static IEnumerable<ParsedChunk> ReadDocument(SourceReader reader, FileWork item)
        {
            var chunk = new ParsedChunk(item) { FileDone = true };
            FileStream? stream = Open(item, chunk.Problems);
            if (stream is null)
            {
                yield return chunk;
                yield break;
            }

            using (stream)
            {
                var context = new FileContext(item.File, null, null);
                bool parsed;
                try
                {
                    parsed = reader.ParseDocument(stream, context, chunk.Batch);
                }
                catch (IOException ex)
                {
                    chunk.Problems.Add(new ItemProblem("HistoryFileUnreadable", ErrorKind.ReadError, $"Cannot read '{item.File.Path}': {ex.Message}", item.File.Path, null));
                    parsed = false;
                }

                if (!parsed && chunk.Problems.Count > 0)
                {
                    yield return chunk;
                    yield break;
                }

                if (!parsed)
                {
                    // Recorded as seen all the same: the same broken bytes are not reported again on every import,
                    // and the writer's next rewrite changes size or mtime, so it is read again then.
                    chunk.Batch.Clear();
                    item.Manifest.Malformed = 1;
                    chunk.Malformed++;
                    chunk.Problems.Add(new ItemProblem("MalformedHistoryFile", ErrorKind.InvalidData, $"Skipped '{item.File.Path}': not a valid {reader.Source} document.", item.File.Path, null));
                }
                else
                {
                    item.Manifest.Malformed = 0;
                }

                chunk.Seal(item.Manifest, context, stream, stream.Length, 0, item.Size, 0);
                yield return chunk;
            }
        }
    }
}
