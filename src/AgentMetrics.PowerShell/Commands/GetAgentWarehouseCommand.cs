using System.Management.Automation;
using AgentMetrics.PowerShell.Infrastructure;
using AgentMetrics.Warehousing;

namespace AgentMetrics.PowerShell.Commands
{
    /// <summary>
    /// Shows where the warehouse is, its schema version, size and what it holds. A query like the others: it
    /// never creates or upgrades a warehouse, so a missing one is WarehouseNotFound (run Import-AgentHistory);
    /// an older schema is shown as it is.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AgentWarehouse")]
    [OutputType(typeof(WarehouseInfo))]
    public sealed class GetAgentWarehouseCommand : AgentMetricsCmdlet
    {
        /// <summary>The warehouse file; default $env:AGENTMETRICS_HOME/warehouse.db.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string? Warehouse { get; set; }

        protected override void End()
        {
            using var warehouse = OpenWarehouseForReading(Warehouse, allowOlderSchema: true);
            WriteObject(warehouse.Describe());
        }
    }
}
