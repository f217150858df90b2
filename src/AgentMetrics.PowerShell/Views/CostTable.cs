using System.Collections.Generic;

namespace AgentMetrics.PowerShell.Views
{
    /// <summary>
    /// The two table views of one cost grouping: the 80-column default (type name
    /// AgentMetrics.CostSummary#&lt;Name&gt;) and the wide one a command picks for a display of 120 columns or
    /// more (the same name plus #Wide: TableLayout).
    /// </summary>
    internal sealed class CostTable
    {
        internal CostTable(CostGrouping[] by, TableColumn[] narrow, TableColumn[] wide)
        {
            By = by;
            Narrow = narrow;
            Wide = wide;
        }

        /// <summary>The -By keys, in order; none for the total.</summary>
        internal IReadOnlyList<CostGrouping> By { get; }

        /// <summary>What the view's type name ends in: the keys run together (DayModel), or Total.</summary>
        internal string Name => NameFor(By);

        internal IReadOnlyList<TableColumn> Narrow { get; }

        internal IReadOnlyList<TableColumn> Wide { get; }

        internal static string NameFor(IReadOnlyList<CostGrouping> by) => by.Count == 0 ? "Total" : string.Concat(by);
    }
}
