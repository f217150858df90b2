using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using AgentMetrics.Errors;
using AgentMetrics.Ingest;
using AgentMetrics.PowerShell.Infrastructure;
using AgentMetrics.Warehousing;

namespace AgentMetrics.PowerShell.Commands
{
    /// <summary>Imports agent history into the warehouse, incrementally: unchanged files cost nothing.</summary>
    [Cmdlet(VerbsData.Import, "AgentHistory", DefaultParameterSetName = DefaultSet, SupportsShouldProcess = true)]
    [OutputType(typeof(ImportResult))]
    public sealed class ImportAgentHistoryCommand : AgentMetricsCmdlet
    {
        private const string DefaultSet = "Default";
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private readonly List<string> _paths = new List<string>();
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();

        /// <summary>Which sources to import; default: every source found in its default place (or every kind given by -Path).</summary>
        [Parameter]
        public AgentSource[]? Source { get; set; }

        /// <summary>Folders or files to import (wildcards allowed); the kind of each is detected.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Path { get; set; }

        /// <summary>Folders or files to import, taken literally (no wildcards).</summary>
        [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP")]
        [ValidateNotNullOrEmpty]
        public string[]? LiteralPath { get; set; }

        /// <summary>The warehouse file; default $env:AGENTMETRICS_HOME/warehouse.db.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Warehouse { get; set; }

        /// <summary>Re-read every file from the start (counts stay exact: nothing is counted twice).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void Process()
        {
            if (Path is not null)
            {
                foreach (string path in Path)
                {
                    try
                    {
                        _paths.AddRange(GetResolvedProviderPathFromPSPath(path, out ProviderInfo provider).Where(_ => provider.Name == "FileSystem"));
                    }
                    catch (ItemNotFoundException ex)
                    {
                        WriteError(new ErrorRecord(ex, "PathNotFound", ErrorCategory.ObjectNotFound, path));
                    }
                }
            }

            if (LiteralPath is not null)
            {
                foreach (string path in LiteralPath)
                {
                    string resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
                    if (!System.IO.File.Exists(resolved) && !System.IO.Directory.Exists(resolved))
                    {
                        WriteError(new ErrorRecord(new ItemNotFoundException($"Cannot find path '{resolved}' because it does not exist."), "PathNotFound", ErrorCategory.ObjectNotFound, path));
                        continue;
                    }

                    _paths.Add(resolved);
                }
            }
        }

        protected override void End()
        {
            if (ParameterSetName != DefaultSet && _paths.Count == 0)
            {
                return;
            }

            // The rollup is banded by the price book's long-context thresholds: the import asks for them when the
            // book's files changed since the warehouse last checked them (the fingerprint), or for a first import.
            AgentMetricsException? badPriceBook = null;
            var options = new ImportOptions
            {
                PriceBookFingerprint = PriceBookFingerprint(),
                LongContextThresholds = () =>
                {
                    try
                    {
                        return UsageQueryCmdlet.LoadPrices().LongContextThresholds;
                    }
                    catch (AgentMetricsException ex)
                    {
                        badPriceBook = ex;
                        return null;
                    }
                },
                Sources = Source,
                Paths = ParameterSetName == DefaultSet ? null : _paths,
                Force = Force.IsPresent,
                // llm-telemetry lives in the folder the user works in: PowerShell's location, not the process's.
                WorkingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
            };
            var observer = new Observer(this);
            if (ParameterSetName == DefaultSet && !HistoryImporter.FindsHistory(options))
            {
                // Nothing to import: no warehouse is created for it (a first run on a machine without agents).
                HistoryImporter.Preview(options, observer);
                WriteWarning(NothingFound);
                return;
            }

            string warehousePath = ResolveWarehousePath(Warehouse);
            if (!ShouldImport(options, observer, warehousePath))
            {
                return;
            }

            IReadOnlyList<ImportResult> results;
            using (Warehousing.Warehouse warehouse = OpenWarehouseForImport(Warehouse))
            {
                // The results come back while the log is written into the warehouse file; the process waits for it.
                warehouse.CheckpointInBackground = true;
                try
                {
                    results = new HistoryImporter(warehouse).Import(options, observer, _cancellation.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                finally
                {
                    observer.Complete();
                }
            }

            if (results.Count == 0)
            {
                WriteWarning(NothingFound);
            }

            WarnMalformed(results);
            if (badPriceBook is not null)
            {
                WriteWarning($"The import is complete, but the price book could not be read, so cost queries may run slower until it is fixed and the next import: {badPriceBook.Message}");
            }

            foreach (var result in results)
            {
                WriteObject(ForOutput(result));
            }
        }

        /// <summary>Null when the price book folder is missing: the import still runs, and asks for the thresholds.</summary>
        private static string? PriceBookFingerprint()
        {
            try
            {
                return Pricing.PriceBook.DefaultFingerprint(ShippedPricingFolder);
            }
            catch (AgentMetricsException)
            {
                return null;
            }
        }

        /// <summary>
        /// -WhatIf and -Confirm: names the sources and folders the import would read (with their file counts)
        /// and the warehouse it would write, from a survey that opens no warehouse and creates nothing.
        /// </summary>
        private bool ShouldImport(ImportOptions options, Observer observer, string warehousePath)
        {
            // Only -WhatIf and -Confirm need the survey first; a plain run goes straight to the import.
            bool asking = MyInvocation.BoundParameters.ContainsKey("WhatIf") || MyInvocation.BoundParameters.ContainsKey("Confirm")
                || (SessionState.PSVariable.GetValue("WhatIfPreference") is SwitchParameter whatIf && whatIf.IsPresent)
                || (SessionState.PSVariable.GetValue("WhatIfPreference") is bool whatIfOn && whatIfOn)
                || (SessionState.PSVariable.GetValue("ConfirmPreference") is ConfirmImpact impact && impact != ConfirmImpact.None && impact <= ConfirmImpact.Medium);
            if (!asking)
            {
                return true;
            }

            IReadOnlyList<ImportPreview> preview = HistoryImporter.Preview(options, observer);
            string reads = preview.Count == 0
                ? "no agent history (none found)"
                : string.Join("; ", preview.Select(p => $"{p.Source} history in {string.Join(", ", p.Roots)} ({p.Files} file(s))"));
            string writes = System.IO.File.Exists(warehousePath) ? $"the warehouse '{warehousePath}'" : $"a new warehouse '{warehousePath}'";
            return ShouldProcess($"Read {reads}, and write it into {writes}.", $"Import {reads} into {writes}?", "Import-AgentHistory");
        }

        /// <summary>One warning for every line the agents wrote broken, from the results that count them.</summary>
        private void WarnMalformed(IReadOnlyList<ImportResult> results)
        {
            var malformed = results.Where(r => r.MalformedLines > 0).ToList();
            if (malformed.Count == 0)
            {
                return;
            }

            string first = malformed.Select(r => r.FirstMalformedLine).Where(f => f is not null).OrderBy(f => f, StringComparer.Ordinal).FirstOrDefault() ?? "?";
            WriteWarning(
                $"Skipped {malformed.Sum(r => r.MalformedLines)} malformed line(s) that the agents wrote in {malformed.Sum(r => r.MalformedFiles)} file(s), the first at {first}; everything else was imported. "
                + "Use -Verbose to list them; each ImportResult has MalformedLines, MalformedFiles and FirstMalformedLine.");
        }

        private const string NothingFound = "No agent history was found in the default places. Name a folder with -Path, or see Get-Help Import-AgentHistory.";

        protected override void StopProcessing()
        {
            _cancellation.Cancel();
        }

        /// <summary>Turns Core's callbacks into progress, verbose and error records; Core calls it on this thread.</summary>
        private sealed class Observer : IImportObserver
        {
            private const int ActivityId = 7401;
            private readonly ImportAgentHistoryCommand _command;
            private readonly Stopwatch _sinceLastProgress = Stopwatch.StartNew();
            private bool _progressShown;

            public Observer(ImportAgentHistoryCommand command)
            {
                _command = command;
            }

            public void Progress(ImportProgress progress)
            {
                if (_sinceLastProgress.ElapsedMilliseconds < 250 && progress.FilesDone != progress.FilesTotal)
                {
                    return;
                }

                _sinceLastProgress.Restart();
                _progressShown = true;
                int percent = progress.BytesTotal > 0 ? (int)Math.Min(100, progress.BytesDone * 100 / progress.BytesTotal) : 100;
                _command.WriteProgress(new ProgressRecord(ActivityId, "Importing agent history", $"{progress.FilesDone} of {progress.FilesTotal} files, {progress.BytesDone / 1048576.0:0.0} of {progress.BytesTotal / 1048576.0:0.0} MB (now {progress.Source})")
                {
                    PercentComplete = percent,
                    CurrentOperation = progress.CurrentFile,
                });
            }

            public void Problem(ItemProblem problem)
            {
                if (ImportResult.IsMalformed(problem))
                {
                    // The agent wrote them; nothing for the user to fix. Listed here, summed in one warning at the end.
                    _command.WriteVerbose($"{problem.Target}: {problem.Message}");
                    return;
                }

                _command.WriteError(ToErrorRecord(problem));
            }

            public void Verbose(string message) => _command.WriteVerbose(message);

            public void Complete()
            {
                if (_progressShown)
                {
                    _command.WriteProgress(new ProgressRecord(ActivityId, "Importing agent history", "Done") { RecordType = ProgressRecordType.Completed });
                }
            }
        }
    }
}
