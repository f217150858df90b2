using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using AgentMetrics.Errors;
using AgentMetrics.Sources;
using AgentMetrics.Sources.AgentHub;
using AgentMetrics.Sources.Claude;
using AgentMetrics.Sources.Codex;
using AgentMetrics.Sources.LlmTelemetry;
using AgentMetrics.Warehousing;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Ingest
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

        /// <summary>
        /// The price book's long-context thresholds, which the rollup is banded by (see RollupMaintainer). Asked for
        /// only when needed: a first import, or a price book other than the one the warehouse last checked (see
        /// <see cref="PriceBookFingerprint"/>); reading the YAML costs more than an import with nothing new. Null, or
        /// null returned: the rollup keeps the thresholds it has.
        /// </summary>
        public Func<IReadOnlyCollection<long>?>? LongContextThresholds { get; set; }

        /// <summary>Names the price book's files as they are now (Pricing.PriceBook.Fingerprint); null: always ask.</summary>
        public string? PriceBookFingerprint { get; set; }
    }

    /// <summary>Progress of an import over all its sources, reported synchronously on the importing thread.</summary>
    public sealed class ImportProgress
    {
        /// <summary>The source of the file read last (sources are read together, largest files first).</summary>
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

    }

    /// <summary>
    /// Reads agent histories into the warehouse, incrementally: unchanged files are not opened, grown files
    /// are read from where the last import stopped, rewritten ones from the start (the upserts make that
    /// safe). Each batch is committed with its file's manifest, so a crash at any point loses nothing.
    /// </summary>
    public sealed class HistoryImporter
    {
        private const int BatchRecords = 10000;
        private const int CommitRecords = 50000;
        private const int MaxParsers = 4;
        private const int CommitIntervalMs = 1000;

        private static readonly SourceReader[] Readers = { new ClaudeReader(), new CodexReader(), new AgentHubReader(), new LlmTelemetryReader() };

        private readonly Warehouse _warehouse;
        private bool _bulk;
        private Lazy<IReadOnlyCollection<long>?>? _thresholds;

        public HistoryImporter(Warehouse warehouse)
        {
            _warehouse = warehouse;
        }

        /// <summary>How many keys per table a first import holds in memory before it leaves repeats to SQL (tests make it small).</summary>
        internal int BulkKeyBudget { get; set; } = BulkKeys.DefaultBudget;

        public IReadOnlyList<ImportResult> Import(ImportOptions options, IImportObserver observer, CancellationToken cancellation)
        {
            try
            {
                return ImportNow(options, observer, cancellation);
            }
            catch (SqliteException ex)
            {
                throw _warehouse.Map(ex, "write the import");
            }
        }

        /// <summary>
        /// What an import with these options would read, without opening any warehouse: each source with the
        /// folders or files it was found in and how many data files they hold (for -WhatIf and -Confirm).
        /// </summary>
        public static IReadOnlyList<ImportPreview> Preview(ImportOptions options, IImportObserver observer) =>
            Plan(options, observer)
                .Select(p => new ImportPreview(p.Reader.Source, p.Roots, FindFiles(p.Reader, p.Roots).Count))
                .ToList();

        /// <summary>True when any wanted source has history where these options look (folders checked, not walked).</summary>
        public static bool FindsHistory(ImportOptions options) => Plan(options, SilentObserver.Instance).Count > 0;

        private sealed class SilentObserver : IImportObserver
        {
            internal static readonly SilentObserver Instance = new SilentObserver();

            public void Progress(ImportProgress progress)
            {
            }

            public void Problem(ItemProblem problem)
            {
            }

            public void Verbose(string message)
            {
            }
        }

        private IReadOnlyList<ImportResult> ImportNow(ImportOptions options, IImportObserver observer, CancellationToken cancellation)
        {
            var plan = Plan(options, observer);
            _thresholds = new Lazy<IReadOnlyCollection<long>?>(() => options.LongContextThresholds?.Invoke());
            using ImportLock importLock = ImportLock.Acquire(_warehouse.Path, options.LockTimeout, observer.Verbose, cancellation);
            if (BulkLoad.Pending(_warehouse))
            {
                observer.Verbose("An earlier first import stopped before it finished; building its indexes now.");
                BulkLoad.Finish(_warehouse, _thresholds.Value);
            }

            var sources = new List<SourceImport>();
            _bulk = BulkLoad.TryBegin(_warehouse);
            if (_bulk)
            {
                // A first import will band its rollup by them: read the price book meanwhile.
                Task.Run(() => _thresholds.Value);
            }

            try
            {
                var progress = new ImportProgress();
                // Each source's folders are walked and its files stat'ed on a worker while this thread reads the
                // manifests (the connection is this thread's): a run with nothing new is mostly this survey.
                var found = plan.Select(p => Task.Run(() => FindFiles(p.Reader, p.Roots))).ToList();
                var manifests = plan.Select(p => FileManifest.LoadAll(_warehouse, p.Reader.Source)).ToList();
                for (int i = 0; i < plan.Count; i++)
                {
                    sources.Add(Survey(plan[i].Reader, found[i].GetAwaiter().GetResult(), manifests[i], options.Force, progress));
                }

                // All sources' files go through one pipeline, largest first: both cores stay busy to the end
                // instead of one finishing a source's last big file while the other waits for the next source.
                // Files that share copies of records are read together (largest group first, then largest file),
                // so a first import holding a bounded number of keys rarely has to merge copies at the end.
                var work = sources.SelectMany(s => s.Work)
                    .GroupBy(w => (w.Reader.Source, Group: w.Reader.GroupOf(w.File.Path)))
                    .OrderByDescending(g => g.Sum(w => w.Unread))
                    .ThenBy(g => g.Key.Group, StringComparer.Ordinal)
                    .SelectMany(g => g.OrderByDescending(w => w.Unread).ThenBy(w => w.File.Path, StringComparer.Ordinal))
                    .ToList();
                if (sources.Count > 0)
                {
                    progress.Source = (work.Count > 0 ? work[0].Reader : sources[0].Reader).Source;
                }

                observer.Progress(progress);
                if (work.Count > 0)
                {
                    // Counted before and after, under the import lock: nobody else adds meanwhile. A warm run
                    // with nothing to read skips the counts altogether.
                    // New requests get row ids above today's largest (an upsert that replaces a copy keeps its
                    // row), so counting them is a range scan rather than a count of the whole source.
                    long lastRowBefore = _warehouse.Scalar<long>("SELECT coalesce(max(request_pk), 0) FROM requests;");
                    ParseAndWrite(work, observer, progress, cancellation);
                    if (_bulk)
                    {
                        // Finished before counting: a first import that had to forget keys holds repeated copies
                        // until then, and its writer counted a call each time it appended one.
                        Dictionary<string, long> repeatedCalls = FinishBulkLoad();
                        foreach (SourceImport source in sources)
                        {
                            if (repeatedCalls.TryGetValue(source.Reader.Source.ToString(), out long repeated))
                            {
                                source.Result.ToolCallsAdded -= repeated;
                            }
                        }
                    }

                    foreach (SourceImport source in sources.Where(s => s.Work.Count > 0))
                    {
                        ImportResult result = source.Result;
                        (long rowsAdded, long requestsAdded) = CountRowsAfter(source.Reader.Source, lastRowBefore);
                        // Client-side error lines (<synthetic>) get a row but are no API request, as everywhere else
                        // a request is counted (Get-AgentCost, Get-AgentWarehouse).
                        result.RequestsAdded = requestsAdded;
                        // DuplicatesDropped accumulated every usage line read; those that did not add a row were copies.
                        result.DuplicatesDropped = Math.Max(0, result.DuplicatesDropped - rowsAdded);
                    }
                }

                foreach (SourceImport source in sources)
                {
                    source.Result.Elapsed = source.Clock.Elapsed;
                }
            }
            finally
            {
                if (_bulk)
                {
                    FinishBulkLoad();
                }
            }

            // Still under the import lock: the next reader finds the rollup current.
            RollupMaintainer.Refresh(_warehouse, () => _thresholds.Value, options.PriceBookFingerprint);
            return sources.Select(s => s.Result).ToList();
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
                foreach (string path in ExpandHomes(paths, observer))
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

        // Where each agent keeps its history inside a home folder (a copied laptop home, a backup).
        private static readonly string[] HomeFolders =
        {
            ".claude", Path.Combine(".config", "claude"), ".codex", Path.Combine(".agenthub", "metrics"), ".llm-telemetry",
        };

        /// <summary>
        /// A home folder given as a path stands for the agents' folders inside it; a folder that is no agent's
        /// own and holds homes or agents' folders one level down (a backups folder: laptop/.claude beside
        /// desktop/.codex, or several whole homes) stands for all of them.
        /// </summary>
        private static IEnumerable<string> ExpandHomes(IEnumerable<string> paths, IImportObserver observer)
        {
            foreach (string path in paths)
            {
                List<string> inside = HomeFoldersIn(path);
                if (inside.Count == 0 && Directory.Exists(path))
                {
                    // Homes one level down decide it: the readers themselves would claim the whole folder for
                    // whichever agent's files they find first (Codex looks for rollouts at any depth).
                    var children = SubfoldersOf(path).Select(child => (Folder: child, Homes: HomeFoldersIn(child))).ToList();
                    if (children.Any(c => c.Homes.Count > 0))
                    {
                        foreach (var (child, homes) in children)
                        {
                            if (homes.Count > 0)
                            {
                                inside.AddRange(homes);
                            }
                            else if (Readers.Any(r => r.Recognises(child)))
                            {
                                inside.Add(child);
                            }
                        }
                    }
                }

                if (inside.Count == 0)
                {
                    yield return path;
                    continue;
                }

                observer.Verbose($"{path} holds agent history in {string.Join(", ", inside)}.");
                foreach (string folder in inside)
                {
                    yield return folder;
                }
            }
        }

        private static List<string> HomeFoldersIn(string path) => Directory.Exists(path)
            ? HomeFolders.Select(folder => Path.Combine(path, folder)).Where(Directory.Exists).ToList()
            : new List<string>();

        private static IEnumerable<string> SubfoldersOf(string path)
        {
            try
            {
                return Directory.GetDirectories(path).OrderBy(d => d, StringComparer.Ordinal).ToList();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return Array.Empty<string>();
            }
        }

        private Dictionary<string, long> FinishBulkLoad()
        {
            _bulk = false;
            ReleaseParsingMemory();
            Dictionary<string, long> repeatedCalls = BulkLoad.Finish(_warehouse, _thresholds?.Value);
            // The rollup's sums (tens of thousands of groups) are garbage now, left to a full collection that
            // would come only after whatever the caller runs next had grown the heap on top of them.
            ReleaseParsingMemory();
            return repeatedCalls;
        }

        /// <summary>
        /// A first import has just read the whole history; SQLite's index builds come next. Handing the parsers'
        /// garbage back to the system first keeps the import inside its memory budget (the collector would
        /// otherwise keep the heap it grew). Aggressive mode, where the runtime has it, also decommits.
        /// </summary>
        private static void ReleaseParsingMemory()
        {
            const int aggressive = 3; // GCCollectionMode.Aggressive, .NET 7 and later
            var mode = Enum.IsDefined(typeof(GCCollectionMode), aggressive) ? (GCCollectionMode)aggressive : GCCollectionMode.Forced;
            GC.Collect(GC.MaxGeneration, mode, blocking: true, compacting: true);
        }

        /// <summary>One source's part of an import: its reader, the files to read and its counts.</summary>
        private sealed class SourceImport
        {
            public SourceImport(SourceReader reader, ImportResult result)
            {
                Reader = reader;
                Result = result;
            }

            public SourceReader Reader { get; }

            public ImportResult Result { get; }

            public List<FileWork> Work { get; } = new List<FileWork>();

            /// <summary>From the survey to the final counts (the reading is shared with the other sources).</summary>
            public Stopwatch Clock { get; } = Stopwatch.StartNew();
        }

        /// <summary>A source's files under its roots, each once, with its size and mtime (one stat per file).</summary>
        private static List<(DiscoveredFile File, FileInfo Info)> FindFiles(SourceReader reader, List<string> roots)
        {
            var files = new List<(DiscoveredFile, FileInfo)>();
            foreach (DiscoveredFile file in roots.SelectMany(reader.Discover)
                .GroupBy(f => Path.GetFullPath(f.Path), StringComparer.Ordinal)
                .Select(g => g.First()))
            {
                var info = new FileInfo(file.Path);
                info.Refresh();
                files.Add((file, info));
            }

            return files;
        }

        /// <summary>Decides, by each file's size and mtime against its manifest, which to read: an unchanged file is never opened.</summary>
        private SourceImport Survey(SourceReader reader, List<(DiscoveredFile File, FileInfo Info)> files, Dictionary<string, FileManifest> manifests, bool force, ImportProgress progress)
        {
            var source = new SourceImport(reader, new ImportResult { Source = reader.Source, Warehouse = _warehouse.Path });
            ImportResult result = source.Result;
            progress.FilesTotal += files.Count;
            foreach (var (file, info) in files)
            {
                result.FilesSeen++;
                if (!info.Exists)
                {
                    continue;
                }

                progress.BytesTotal += info.Length;
                long mtime = Util.TimeUtil.ToUnixMs(new DateTimeOffset(info.LastWriteTimeUtc));
                manifests.TryGetValue(file.Path, out FileManifest? manifest);
                if (!force && manifest is not null && manifest.Size == info.Length && manifest.MtimeMs == mtime)
                {
                    result.FilesUnchanged++;
                    progress.FilesDone++;
                    progress.BytesDone += info.Length;
                    continue;
                }

                source.Work.Add(new FileWork(reader, result, file, manifest ?? new FileManifest { Source = reader.Source, Path = file.Path }, info.Length, mtime, force));
            }

            return source;
        }

        /// <summary>
        /// Parsing runs on worker threads (one file at a time each), writing on the calling thread: SQLite
        /// has one writer anyway, and callbacks must come on the caller's thread. A bounded queue between
        /// them keeps memory flat. Chunks are committed together, each with its file's manifest snapshot.
        /// </summary>
        private void ParseAndWrite(List<FileWork> work, IImportObserver observer, ImportProgress progress, CancellationToken cancellation)
        {
            int workers = Math.Max(1, Math.Min(Math.Min(Environment.ProcessorCount, MaxParsers), work.Count));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            using var chunks = new BlockingCollection<ParsedChunk>(boundedCapacity: workers);
            int next = -1;
            int running = workers;
            var tasks = new Task[workers];
            for (int w = 0; w < workers; w++)
            {
                tasks[w] = Task.Run(() =>
                {
                    try
                    {
                        int index;
                        while ((index = Interlocked.Increment(ref next)) < work.Count && !stop.IsCancellationRequested)
                        {
                            FileWork item = work[index];
                            try
                            {
                                foreach (ParsedChunk chunk in item.Reader.ReadsWholeFile ? ReadDocument(item.Reader, item) : ReadLines(item.Reader, item, stop.Token))
                                {
                                    chunks.Add(chunk, stop.Token);
                                }
                            }
                            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                            {
                                // The file went away or became unreadable mid-read (an agent rotating it): report
                                // it and go on. What was committed of it stays; the next import resumes there.
                                var failed = new ParsedChunk(item) { FileDone = true };
                                failed.Problems.Add(new ItemProblem("HistoryFileUnreadable", ErrorKind.ReadError, $"Stopped reading '{item.File.Path}': {ex.Message}", item.File.Path, null));
                                chunks.Add(failed, stop.Token);
                            }
                        }
                    }
                    finally
                    {
                        if (Interlocked.Decrement(ref running) == 0)
                        {
                            chunks.CompleteAdding();
                        }
                    }
                }, stop.Token);
            }

            try
            {
                WriteChunks(chunks, observer, progress, stop.Token);
            }
            catch
            {
                stop.Cancel();
                throw;
            }
            finally
            {
                try
                {
                    Task.WaitAll(tasks);
                }
                catch (AggregateException)
                {
                    // Inspected below: cancellations are expected after a stop, anything else is rethrown.
                }
            }

            // A worker's own failure surfaces here, on the caller's thread, as itself.
            foreach (Task task in tasks.Where(t => t.IsFaulted))
            {
                Exception failure = task.Exception!.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) ?? task.Exception.InnerException!;
                if (failure is not OperationCanceledException)
                {
                    ExceptionDispatchInfo.Capture(failure).Throw();
                }
            }

            cancellation.ThrowIfCancellationRequested();
        }

        private void WriteChunks(BlockingCollection<ParsedChunk> chunks, IImportObserver observer, ImportProgress progress, CancellationToken cancellation)
        {
            using var writer = new WarehouseWriter(_warehouse) { Bulk = _bulk, BulkKeyBudget = BulkKeyBudget };
            SqliteTransaction? tx = null;
            int pending = 0;
            var sinceCommit = Stopwatch.StartNew();
            try
            {
                foreach (ParsedChunk chunk in chunks.GetConsumingEnumerable(cancellation))
                {
                    foreach (string message in chunk.Verbose)
                    {
                        observer.Verbose(message);
                    }

                    ImportResult result = chunk.Work.Result;
                    foreach (ItemProblem problem in chunk.Problems)
                    {
                        if (ImportResult.IsMalformed(problem))
                        {
                            result.NoteMalformed(problem);
                        }

                        observer.Problem(problem);
                    }

                    result.LinesRead += chunk.LinesRead;
                    result.MalformedLines += chunk.Malformed;
                    result.BytesRead += chunk.BytesRead;
                    if (chunk.Manifest is not null)
                    {
                        tx ??= _warehouse.BeginWrite();
                        long callsBefore = writer.ToolCallsAdded;
                        writer.Write(chunk.Work.Reader.Source, chunk.Batch, chunk.Manifest, tx);
                        result.ToolCallsAdded += writer.ToolCallsAdded - callsBefore;
                        result.DuplicatesDropped += chunk.Batch.UsageLines;
                        pending += chunk.Batch.Size + 1;
                    }

                    if (chunk.FileDone)
                    {
                        result.FilesRead++;
                        progress.Source = result.Source;
                        progress.FilesDone++;
                        progress.BytesDone += chunk.FileSize;
                        progress.CurrentFile = chunk.Path;
                    }

                    // Commit in groups (by size, or every second so progress is visible to other readers):
                    // one transaction per small file would spend the time on commits.
                    if (tx is not null && (pending >= CommitRecords || sinceCommit.ElapsedMilliseconds >= CommitIntervalMs))
                    {
                        AllocateReportedCost(writer, tx);
                        tx.Commit();
                        tx.Dispose();
                        tx = null;
                        pending = 0;
                        sinceCommit.Restart();
                        observer.Progress(progress);
                    }
                }

                if (tx is not null)
                {
                    AllocateReportedCost(writer, tx);
                    tx.Commit();
                }


                observer.Progress(progress);
            }
            catch (SqliteException ex)
            {
                throw _warehouse.Map(ex, "write the import");
            }
            finally
            {
                tx?.Dispose();
            }
        }

        /// <summary>Spreads reported session costs with the data they belong to (a bulk import does it once at the end).</summary>
        private void AllocateReportedCost(WarehouseWriter writer, SqliteTransaction tx)
        {
            if (!_bulk)
            {
                foreach (string source in writer.TouchedSessions.Select(t => t.Source).Distinct().ToList())
                {
                    ReportedCostAllocator.Allocate(_warehouse, (AgentSource)Enum.Parse(typeof(AgentSource), source), writer.TouchedSessions, tx);
                }
            }

            writer.TouchedSessions.Clear();
        }

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
        private static IEnumerable<ParsedChunk> ReadLines(SourceReader reader, FileWork item, CancellationToken cancellation)
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
            manifest.LastTs = Rules.FileEnd.LastTimestamp(stream, manifest.ConsumedBytes) ?? (append ? manifest.LastTs : null);
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
        private static IEnumerable<ParsedChunk> ReadDocument(SourceReader reader, FileWork item)
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

        /// <summary>Rows a source added since <paramref name="lastRowBefore"/>, and how many of them are real requests.</summary>
        private (long Rows, long Requests) CountRowsAfter(AgentSource source, long lastRowBefore)
        {
            using SqliteCommand command = _warehouse.Command("SELECT count(*), coalesce(sum(is_synthetic = 0), 0) FROM requests WHERE request_pk > $last AND source = $source;");
            command.Parameters.AddWithValue("$last", lastRowBefore);
            command.Parameters.AddWithValue("$source", source.ToString());
            using SqliteDataReader reader = command.ExecuteReader();
            reader.Read();
            return (reader.GetInt64(0), reader.GetInt64(1));
        }
    }
}
