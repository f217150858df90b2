using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using AgentMetrics.Errors;
using AgentMetrics.Warehousing;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Ingest
{
    /// <summary>
    /// Writes the parsed chunks on the importing thread, committing them in groups (each chunk with its
    /// file's manifest snapshot) and reporting their problems, counts and progress to the observer.
    /// </summary>
    internal sealed class BatchCommitter
    {
        private const int CommitRecords = 50000;
        private const int CommitIntervalMs = 1000;

        private readonly Warehouse _warehouse;
        private readonly bool _bulk;
        private readonly int _bulkKeyBudget;

        public BatchCommitter(Warehouse warehouse, bool bulk, int bulkKeyBudget)
        {
            _warehouse = warehouse;
            _bulk = bulk;
            _bulkKeyBudget = bulkKeyBudget;
        }

        public void Write(IEnumerable<ParsedChunk> chunks, IImportObserver observer, ImportProgress progress)
        {
            using var writer = new WarehouseWriter(_warehouse) { Bulk = _bulk, BulkKeyBudget = _bulkKeyBudget };
            SqliteTransaction? tx = null;
            int pending = 0;
            var sinceCommit = Stopwatch.StartNew();
            try
            {
                foreach (ParsedChunk chunk in chunks)
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
    }
}
