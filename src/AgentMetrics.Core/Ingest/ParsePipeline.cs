using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using AgentMetrics.Errors;

namespace AgentMetrics.Ingest
{
    /// <summary>The parsing threads and the bounded queue that hands their chunks to the one writer.</summary>
    internal static class ParsePipeline
    {
        private const int MaxParsers = 4;

        /// <summary>
        /// Parsing runs on worker threads (one file at a time each), writing on the calling thread: SQLite
        /// has one writer anyway, and callbacks must come on the caller's thread. A bounded queue between
        /// them keeps memory flat. Chunks are committed together, each with its file's manifest snapshot.
        /// </summary>
        public static void Run(List<FileWork> work, Action<IEnumerable<ParsedChunk>> write, CancellationToken cancellation)
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
                                foreach (ParsedChunk chunk in item.Reader.ReadsWholeFile
                                    ? ChunkReader.ReadDocument(item.Reader, item)
                                    : ChunkReader.ReadLines(item.Reader, item, stop.Token))
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
                write(chunks.GetConsumingEnumerable(stop.Token));
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
    }
}
