using System.Management.Automation;
using AgentMetrics.PowerShell.Infrastructure;
using AgentMetrics.Query;

namespace AgentMetrics.PowerShell.Commands
{
    /// <summary>Which tools the agents called, how often, how often they failed and how long they took.</summary>
    [Cmdlet(VerbsCommon.Get, "AgentToolUsage")]
    [OutputType(typeof(ToolUsage))]
    public sealed class GetAgentToolUsageCommand : UsageQueryCmdlet
    {
        /// <summary>Only calls made in these sessions.</summary>
        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(SessionIdCompleter))]
        public string[]? SessionId { get; set; }

        /// <summary>One row per tool and source instead of per tool.</summary>
        [Parameter]
        public SwitchParameter BySource { get; set; }

        protected override void End()
        {
            UsageFilter filter = BuildFilter(SessionId);
            using var warehouse = OpenForQuery(filter);
            var tools = ToolEngine.Summarise(warehouse, filter, BySource.IsPresent);
            VerboseRows(tools.Count, "tool rows");
            foreach (ToolUsage usage in tools)
            {
                WriteObject(ForOutput(usage));
            }
        }
    }
}
