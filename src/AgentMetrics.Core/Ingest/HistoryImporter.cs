using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AgentMetrics.Warehousing;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Ingest
{
    /// <summary>
    /// Reads agent histories into the warehouse, incrementally: unchanged files are not opened, grown files
    /// are read from where the last import stopped, rewritten ones from the start (the upserts make that
    /// safe). Each batch is committed with its file's manifest, so a crash at any point loses nothing.
    /// </summary>
    public sealed class HistoryImporter
    {
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
            ImportPlanner.Plan(options, observer)
                .Select(p => new ImportPreview(p.Reader.Source, p.Roots, FileSurvey.FindFiles(p.Reader, p.Roots).Count))
                .ToList();

        /// <summary>True when any wanted source has history where these options look (folders checked, not walked).</summary>
        public static bool FindsHistory(ImportOptions options) =>
            ImportPlanner.Plan(options, SilentObserver.Instance).Count > 0;

        private IReadOnlyList<ImportResult> ImportNow(ImportOptions options, IImportObserver observer, CancellationToken cancellation)
        {
            var plan = ImportPlanner.Plan(options, observer);
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
                var found = plan.Select(p => Task.Run(() => FileSurvey.FindFiles(p.Reader, p.Roots))).ToList();
                var manifests = plan.Select(p => FileManifest.LoadAll(_warehouse, p.Reader.Source)).ToList();
                for (int i = 0; i < plan.Count; i++)
                {
                    var files = found[i].GetAwaiter().GetResult();
                    sources.Add(FileSurvey.Compare(_warehouse.Path, plan[i].Reader, files, manifests[i], options.Force, progress));
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
                    // Parsing runs on worker threads, writing on this one: SQLite has one writer anyway, and
                    // the observer must be called on the caller's thread.
                    var committer = new BatchCommitter(_warehouse, _bulk, BulkKeyBudget);
                    ParsePipeline.Run(work, chunks => committer.Write(chunks, observer, progress), cancellation);
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
        /// Measured (2026-12-04, 300 MB generated corpus, the executable importing it and running
        /// Get-AgentCost in one process, 3 alternating runs, /usr/bin/time -v): peak RSS 150.0-150.6 MB with
        /// these two collections, 167.9-172.1 MB without them (+12-14 %); wall time 7.3/10.0/13.7 s with,
        /// 10.8/19.5/13.9 s without (a loaded machine: no cost visible). Kept for the memory.
        /// </summary>
        private static void ReleaseParsingMemory()
        {
            const int aggressive = 3; // GCCollectionMode.Aggressive, .NET 7 and later
            var mode = Enum.IsDefined(typeof(GCCollectionMode), aggressive) ? (GCCollectionMode)aggressive : GCCollectionMode.Forced;
            GC.Collect(GC.MaxGeneration, mode, blocking: true, compacting: true);
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
