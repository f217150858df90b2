using System.Collections.Generic;
using System.Linq;
using AgentMetrics.PowerShell.Views;

namespace AgentMetrics.PowerShell.Infrastructure
{
    /// <summary>
    /// Picks the table view for a grouping: AgentMetrics.CostSummary#&lt;name&gt; when the grouping has a table in
    /// <see cref="CostViewCatalog"/> (the same definition the build writes the views from), otherwise the
    /// generic view (a Group column that joins whatever the row was grouped by).
    /// </summary>
    internal static class CostViews
    {
        private static readonly HashSet<string> Defined = new HashSet<string>(CostViewCatalog.Tables.Select(table => table.Name));

        public static string? For(IReadOnlyList<CostGrouping> by)
        {
            string name = CostTable.NameFor(by);
            return Defined.Contains(name) ? name : null;
        }
    }
}
