using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using AgentMetrics.Errors;

namespace AgentMetrics.Warehousing
{
    /// <summary>
    /// One importer per warehouse at a time, across processes: an exclusively opened lock file beside the
    /// warehouse. The OS drops the lock when a process dies (kill -9 included), so a crash never wedges it.
    /// A second import waits, then finds every file unchanged and returns almost at once.
    /// </summary>
    internal sealed class ImportLock : IDisposable
    {
        private readonly FileStream _stream;

        private ImportLock(FileStream stream)
        {
            _stream = stream;
        }

        public static ImportLock Acquire(string warehousePath, TimeSpan timeout, Action<string>? waiting, CancellationToken cancellation)
        {
            string path = warehousePath + ".import-lock";
            var clock = Stopwatch.StartNew();
            bool announced = false;
            while (true)
            {
                try
                {
                    var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                    return new ImportLock(stream);
                }
                catch (IOException) when (clock.Elapsed < timeout)
                {
                    if (!announced)
                    {
                        waiting?.Invoke($"Another import is writing to '{warehousePath}'; waiting for it to finish.");
                        announced = true;
                    }

                    if (cancellation.WaitHandle.WaitOne(200))
                    {
                        throw new OperationCanceledException(cancellation);
                    }
                }
                catch (IOException ex)
                {
                    throw new AgentMetricsException("WarehouseBusy", ErrorKind.ResourceBusy, $"Another import held '{warehousePath}' for longer than {timeout.TotalSeconds:0} s.", warehousePath, ex);
                }
                catch (UnauthorizedAccessException ex)
                {
                    throw new AgentMetricsException("WarehouseAccessDenied", ErrorKind.PermissionDenied, $"Cannot create the import lock '{path}': {ex.Message}", path, ex);
                }
            }
        }

        public void Dispose()
        {
            _stream.Dispose();
        }
    }
}
