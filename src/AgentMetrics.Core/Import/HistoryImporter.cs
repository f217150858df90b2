using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using AgentMetrics.Errors;
using AgentMetrics.Import.AgentHub;
using AgentMetrics.Import.Claude;
using AgentMetrics.Import.Codex;
using AgentMetrics.Import.LlmTelemetry;
using AgentMetrics.Storage;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Import
{
    /// <summary>What to import: which sources, from where (null = each source's default places), and whether to re-read everything.</summary>
    public sealed class ImportOptions
    {
        public IReadOnlyList<AgentSource>? Sources { get; set; }

        /// <summary>Folders or files (full paths). Each is matched to the source that recognises it.</summary>
        public IReadOnlyList<string>? Paths { get; set; }

        public bool Force { get; set; }

        /// <summary>
        /// The caller's current folder, for sources that live beside the work (llm-telemetry's default
        /// .llm-telemetry/). Core cannot know PowerShell's location; null means the process's folder.
        /// </summary>
        public string? WorkingDirectory { get; set; }

        public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(10);
    }

    /// <summary>Progress of an import, reported synchronously on the importing thread.</summary>
    public sealed class ImportProgress
    {
        public AgentSource Source { get; set; }

        public string? CurrentFile { get; set; }

        public long FilesDone { get; set; }

        public long FilesTotal { get; set; }

        public long BytesDone { get; set; }

        public long BytesTotal { get; set; }
    }

    /// <summary>How the importer talks back: all calls come on the thread that called Import.</summary>
    public interface IImportObserver
    {
        void Progress(ImportProgress progress);

        void Problem(ItemProblem problem);

        void Verbose(string message);

        void Warning(string message);
    }

    /// <summary>
    /// Reads agent histories into the warehouse, incrementally: unchanged files are not opened, grown files
    /// are read from where the last import stopped, rewritten ones from the start (the upserts make that
    /// safe). Each batch is committed with its file's manifest, so a crash at any point loses nothing.
    /// </summary>
    public sealed class HistoryImporter
    {
        private const int BatchRecords = 20000;

        private static readonly SourceReader[] Readers = { new ClaudeReader(), new CodexReader(), new AgentHubReader(), new LlmTelemetryReader() };

        private readonly Warehouse _warehouse;

        public HistoryImporter(Warehouse warehouse)
        {
            _warehouse = warehouse;
        }

        internal static IReadOnlyList<SourceReader> AllReaders => Readers;

        public IReadOnlyList<ImportResult> Import(ImportOptions options, IImportObserver observer, CancellationToken cancellation)
        {
            var plan = Plan(options, observer);
            using ImportLock importLock = ImportLock.Acquire(_warehouse.Path, options.LockTimeout, observer.Verbose, cancellation);
            var results = new List<ImportResult>();
            foreach (var (reader, roots) in plan)
            {
                results.Add(ImportSource(reader, roots, options.Force, observer, cancellation));
            }

            return results;
        }

        private static List<(SourceReader Reader, List<string> Roots)> Plan(ImportOptions options, IImportObserver observer)
        {
            IEnumerable<SourceReader> wanted = options.Sources is { Count: > 0 } sources
                ? Readers.Where(r => sources.Contains(r.Source))
                : Readers;
            var plan = new List<(SourceReader, List<string>)>();
            if (options.Paths is { Count: > 0 } paths)
            {
                var byReader = wanted.ToDictionary(r => r, _ => new List<string>());
                foreach (string path in paths)
                {
                    if (!File.Exists(path) && !Directory.Exists(path))
                    {
                        throw new AgentMetricsException("PathNotFound", ErrorKind.ObjectNotFound, $"Cannot find '{path}'.", path);
                    }

                    // Every reader is asked, not only the wanted ones: a path of a kind -Source left out is
                    // skipped (that is what narrowing means), while a path of no known kind is an error.
                    SourceReader? reader = Readers.FirstOrDefault(r => r.Recognises(path));
                    if (reader is null)
                    {
                        string kinds = string.Join(", ", Readers.Select(r => r.Source));
                        throw new AgentMetricsException(
                            "UnrecognisedHistoryPath",
                            ErrorKind.InvalidArgument,
                            $"'{path}' does not look like agent history of a kind AgentMetrics reads ({kinds}). Give a Claude config or projects folder, a Codex home or sessions folder, an agenthub metrics folder, an llm-telemetry folder, or one of their files.",
                            path);
                    }

                    if (!byReader.ContainsKey(reader))
                    {
                        observer.Verbose($"{path} is {reader.Source} history, which -Source leaves out; skipped.");
                        continue;
                    }

                    observer.Verbose($"{path}: {reader.Source} history.");
                    byReader[reader].Add(path);
                }

                plan.AddRange(byReader.Where(pair => pair.Value.Count > 0).Select(pair => (pair.Key, pair.Value)));
            }
            else
            {
                string workingDirectory = options.WorkingDirectory ?? Environment.CurrentDirectory;
                foreach (SourceReader reader in wanted)
                {
                    var roots = reader.DefaultRoots(workingDirectory).Where(r => Directory.Exists(r) || File.Exists(r)).ToList();
                    observer.Verbose(roots.Count == 0
                        ? $"{reader.Source}: no history in its default places ({string.Join(", ", reader.DefaultRoots(workingDirectory))})."
                        : $"{reader.Source}: found {string.Join(", ", roots)}.");
                    if (roots.Count > 0)
                    {
                        plan.Add((reader, roots));
                    }
                }
            }

            return plan;
        }

        private ImportResult ImportSource(SourceReader reader, List<string> roots, bool force, IImportObserver observer, CancellationToken cancellation)
        {
            var clock = Stopwatch.StartNew();
            var result = new ImportResult { Source = reader.Source, Warehouse = _warehouse.Path };
            var files = roots.SelectMany(reader.Discover)
                .GroupBy(f => Path.GetFullPath(f.Path), StringComparer.Ordinal)
                .Select(g => g.First())
                .ToList();
            Dictionary<string, FileManifest> manifests = FileManifest.LoadAll(_warehouse, reader.Source);
            long requestsBefore = CountRequests(reader.Source);
            long toolCallsBefore = CountToolCalls(reader.Source);

            var stats = files.Select(f => (File: f, Info: new FileInfo(f.Path))).ToList();
            var progress = new ImportProgress { Source = reader.Source, FilesTotal = stats.Count, BytesTotal = stats.Sum(s => s.Info.Exists ? s.Info.Length : 0) };
            using var writer = new WarehouseWriter(_warehouse);
            foreach (var (file, info) in stats)
            {
                cancellation.ThrowIfCancellationRequested();
                result.FilesSeen++;
                progress.CurrentFile = file.Path;
                if (!info.Exists)
                {
                    continue;
                }

                long mtime = Util.TimeUtil.ToUnixMs(new DateTimeOffset(info.LastWriteTimeUtc));
                manifests.TryGetValue(file.Path, out FileManifest? manifest);
                if (!force && manifest is not null && manifest.Size == info.Length && manifest.MtimeMs == mtime)
                {
                    result.FilesUnchanged++;
                }
                else if (reader.ReadsWholeFile)
                {
                    manifest ??= new FileManifest { Source = reader.Source, Path = file.Path };
                    ReadDocument(reader, file, manifest, info.Length, mtime, writer, result, observer);
                    result.FilesRead++;
                }
                else
                {
                    manifest ??= new FileManifest { Source = reader.Source, Path = file.Path };
                    ReadFile(reader, file, manifest, info.Length, mtime, force, writer, result, observer, progress, cancellation);
                    result.FilesRead++;
                }

                progress.FilesDone++;
                progress.BytesDone += info.Length;
                observer.Progress(progress);
            }

            result.RequestsAdded = CountRequests(reader.Source) - requestsBefore;
            // DuplicatesDropped accumulated every usage line read; those that did not add a request were copies.
            result.DuplicatesDropped = Math.Max(0, result.DuplicatesDropped - result.RequestsAdded);
            result.ToolCallsAdded = CountToolCalls(reader.Source) - toolCallsBefore;
            result.Elapsed = clock.Elapsed;
            return result;
        }

        private void ReadFile(SourceReader reader, DiscoveredFile file, FileManifest manifest, long size, long mtime, bool force, WarehouseWriter writer,
            ImportResult result, IImportObserver observer, ImportProgress progress, CancellationToken cancellation)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                observer.Problem(new ItemProblem("HistoryFileUnreadable", ex is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.ReadError, $"Cannot read '{file.Path}': {ex.Message}", file.Path, null));
                return;
            }

            bool append = !force && manifest.ConsumedBytes > 0 && manifest.PrefixStillMatches(stream);
            if (!append)
            {
                if (manifest.ConsumedBytes > 0)
                {
                    observer.Verbose($"{file.Path} was rewritten or truncated; reading it again from the start (already counted requests are not counted twice).");
                }

                manifest.ConsumedBytes = 0;
                manifest.ConsumedLines = 0;
                manifest.Malformed = 0;
                manifest.FirstTs = null;
                manifest.State = null;
            }

            var context = new FileContext(file, manifest.FirstTs, manifest.State);
            var batch = new ImportBatch();
            long consumedBytes = manifest.ConsumedBytes;
            long consumedLines = manifest.ConsumedLines;
            using var reading = new JsonLineReader(stream, consumedBytes, consumedLines);
            long bytesAtStart = consumedBytes;
            while (reading.TryRead(out RawLine line))
            {
                LineOutcome outcome = reader.ParseLine(line, context, batch);
                if (outcome == LineOutcome.Malformed && !line.HasNewline)
                {
                    // A torn last line: the agent is still writing it. Leave it for the next import.
                    observer.Verbose($"{file.Path}:{line.Number}: incomplete last line left for the next import.");
                    break;
                }

                result.LinesRead++;
                if (outcome == LineOutcome.Malformed)
                {
                    manifest.Malformed++;
                    result.MalformedLines++;
                    observer.Problem(new ItemProblem("MalformedHistoryLine", ErrorKind.InvalidData, $"Skipped line {line.Number} of '{file.Path}': not valid JSON.", file.Path, line.Number));
                }

                consumedBytes = line.EndOffset;
                consumedLines = line.Number;
                if (batch.Size >= BatchRecords)
                {
                    cancellation.ThrowIfCancellationRequested();
                    Flush(reader, writer, batch, manifest, context, stream, consumedBytes, consumedLines, size, mtime, partial: true, result);
                    progress.CurrentFile = file.Path;
                }
            }

            result.BytesRead += consumedBytes - bytesAtStart;
            // A torn tail stays unconsumed, but the file's size and mtime are recorded as seen: while the agent
            // leaves it as it is the file is unchanged; once the line is finished, reading resumes before it.
            Flush(reader, writer, batch, manifest, context, stream, consumedBytes, consumedLines, size, mtime, partial: false, result);
        }

        /// <summary>
        /// A whole-document file (rewritten by its writer, never appended): parsed whole every time it changes.
        /// Its records are keyed by their identity, so the records it had before are upserts, not additions.
        /// </summary>
        private void ReadDocument(SourceReader reader, DiscoveredFile file, FileManifest manifest, long size, long mtime, WarehouseWriter writer,
            ImportResult result, IImportObserver observer)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                observer.Problem(new ItemProblem("HistoryFileUnreadable", ex is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.ReadError, $"Cannot read '{file.Path}': {ex.Message}", file.Path, null));
                return;
            }

            using (stream)
            {
                var context = new FileContext(file, null, null);
                var batch = new ImportBatch();
                bool parsed;
                try
                {
                    parsed = reader.ParseDocument(stream, context, batch);
                }
                catch (IOException ex)
                {
                    observer.Problem(new ItemProblem("HistoryFileUnreadable", ErrorKind.ReadError, $"Cannot read '{file.Path}': {ex.Message}", file.Path, null));
                    return;
                }

                if (!parsed)
                {
                    // Recorded as seen all the same: the same broken bytes are not reported again on every import,
                    // and the writer's next rewrite changes size or mtime, so it is read again then.
                    batch.Clear();
                    manifest.Malformed = 1;
                    result.MalformedLines++;
                    observer.Problem(new ItemProblem("MalformedHistoryFile", ErrorKind.InvalidData, $"Skipped '{file.Path}': not a valid {reader.Source} document.", file.Path, null));
                }
                else
                {
                    manifest.Malformed = 0;
                }

                result.BytesRead += stream.Length;
                Flush(reader, writer, batch, manifest, context, stream, stream.Length, 0, size, mtime, partial: false, result);
            }
        }

        private void Flush(SourceReader reader, WarehouseWriter writer, ImportBatch batch, FileManifest manifest, FileContext context, Stream stream,
            long consumedBytes, long consumedLines, long size, long mtime, bool partial, ImportResult result)
        {
            manifest.RecordConsumed(stream, consumedBytes, consumedLines);
            manifest.FirstTs = context.FirstTs;
            manifest.State = context.State;
            // Mid-way through a large file the recorded size stays stale on purpose, so an import that dies
            // before the end does not leave the file looking unchanged to the next one.
            manifest.Size = partial ? -1 : size;
            manifest.MtimeMs = mtime;
            try
            {
                writer.Write(reader.Source, batch, manifest);
            }
            catch (SqliteException ex)
            {
                throw _warehouse.Map(ex, "write the import");
            }

            result.DuplicatesDropped += batch.UsageLines;
            batch.Clear();
        }

        private long CountRequests(AgentSource source)
        {
            using SqliteCommand command = _warehouse.Command("SELECT count(*) FROM requests WHERE source = $source;");
            command.Parameters.AddWithValue("$source", source.ToString());
            return (long)command.ExecuteScalar()!;
        }

        private long CountToolCalls(AgentSource source)
        {
            using SqliteCommand command = _warehouse.Command("SELECT count(*) FROM tool_calls WHERE source = $source;");
            command.Parameters.AddWithValue("$source", source.ToString());
            return (long)command.ExecuteScalar()!;
        }
    }
}
