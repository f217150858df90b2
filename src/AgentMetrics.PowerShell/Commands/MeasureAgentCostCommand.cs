using System;
using System.Collections.Generic;
using System.Management.Automation;
using AgentMetrics.PowerShell.Infrastructure;
using AgentMetrics.Query;

namespace AgentMetrics.PowerShell.Commands
{
    /// <summary>Aggregates sessions or cost rows from the pipeline into cost rows, grouped as asked.</summary>
    [Cmdlet(VerbsDiagnostic.Measure, "AgentCost")]
    [OutputType(typeof(CostSummary))]
    public sealed class MeasureAgentCostCommand : AgentMetricsCmdlet
    {
        private readonly CostMeasurer _measurer = new CostMeasurer();
        private readonly SortedSet<string> _skippedTypes = new SortedSet<string>(StringComparer.Ordinal);
        private PSObject? _firstSkipped;
        private long _skipped;

        /// <summary>AgentMetrics.Session or AgentMetrics.CostSummary objects.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [AllowNull]
        public PSObject? InputObject { get; set; }

        /// <summary>How to group: Day, Week, Month, Model, Project, Source, Session, GitBranch, Agent.</summary>
        [Parameter(Position = 0)]
        public CostGrouping[] By { get; set; } = new CostGrouping[0];

        /// <summary>Cut days, weeks and months in UTC instead of the local time zone.</summary>
        [Parameter]
        public SwitchParameter Utc { get; set; }

        protected override void Begin()
        {
            CostEngine.Validate(By);
        }

        protected override void Process()
        {
            switch (InputObject?.BaseObject)
            {
                case null:
                    return;
                case Session session when CostMeasurer.CanMeasure(session):
                    _measurer.Add(session);
                    break;
                case CostSummary row when CostMeasurer.CanMeasure(row):
                    _measurer.Add(row);
                    break;
                default:
                    // One error for all of them at the end: a wrong command in front sends hundreds of objects.
                    _firstSkipped ??= InputObject;
                    _skippedTypes.Add(InputObject.TypeNames[0]);
                    _skipped++;
                    break;
            }
        }

        protected override void End()
        {
            if (_firstSkipped is not null)
            {
                WriteError(new ErrorRecord(
                    new PSArgumentException($"Measure-AgentCost skipped {_skipped} input object(s) of type {string.Join(", ", _skippedTypes)}: it takes the AgentMetrics.Session and AgentMetrics.CostSummary objects that Get-AgentSession and Get-AgentCost emit. Pipe one of those commands into it."),
                    "UnsupportedMeasureInput",
                    ErrorCategory.InvalidType,
                    _firstSkipped));
            }

            CostResult result = _measurer.Result(By, new PeriodOptions { Utc = Utc.IsPresent }, UsageQueryCmdlet.LoadPrices());
            if (result.UnpricedModels.Count > 0)
            {
                WriteWarning($"No price for {string.Join(", ", result.UnpricedModels)}: their requests are counted with no cost (UnpricedRequests).");
            }

            foreach (CostSummary row in result.Rows)
            {
                WriteObject(ForOutput(row, CostViews.For(By)));
            }
        }
    }
}
