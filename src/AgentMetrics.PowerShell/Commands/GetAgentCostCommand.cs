using System.Management.Automation;
using AgentMetrics.PowerShell.Infrastructure;
using AgentMetrics.Query;

namespace AgentMetrics.PowerShell.Commands
{
    /// <summary>Tokens and cost from the warehouse, aggregated in SQL and grouped by period, model, project…</summary>
    [Cmdlet(VerbsCommon.Get, "AgentCost")]
    [OutputType(typeof(CostSummary))]
    public sealed class GetAgentCostCommand : UsageQueryCmdlet
    {
        /// <summary>How to group: Day, Week, Month, Model, Project, Source, Session, GitBranch, Agent (several allowed).</summary>
        [Parameter(Position = 0)]
        public CostGrouping[] By { get; set; } = new CostGrouping[0];

        /// <summary>Cut days, weeks and months in UTC instead of the local time zone.</summary>
        [Parameter]
        public SwitchParameter Utc { get; set; }

        /// <summary>Only these sessions.</summary>
        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(SessionIdCompleter))]
        public string[]? SessionId { get; set; }

        protected override void End()
        {
            CostEngine.Validate(By);
            var prices = LoadPricesMeanwhile();
            UsageFilter filter = BuildFilter(SessionId);
            using var warehouse = OpenForQuery(filter);
            CostResult result = CostEngine.Summarise(warehouse, filter, By, new PeriodOptions { Utc = Utc.IsPresent }, () => prices.GetAwaiter().GetResult());
            VerboseRows(result.Rows.Count, "cost rows");
            WarnUnpriced(result.UnpricedModels);
            foreach (CostSummary row in result.Rows)
            {
                WriteObject(ForOutput(row, CostViews.For(By)));
            }
        }
    }
}
