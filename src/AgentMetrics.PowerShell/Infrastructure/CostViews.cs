using System.Collections.Generic;
using System.Linq;

namespace AgentMetrics.PowerShell.Infrastructure
{
    /// <summary>
    /// Picks the table view for a grouping: AgentMetrics.CostSummary#&lt;name&gt; when formats/ has one,
    /// otherwise the generic view (a Group column that joins whatever the row was grouped by).
    /// </summary>
    internal static class CostViews
    {
        private static readonly HashSet<string> Defined = new HashSet<string>
        {
            "Total", "Day", "Week", "Month", "Model", "Project", "Source", "Session", "GitBranch", "Agent",
            "DayModel", "WeekModel", "MonthModel", "ProjectModel", "SourceModel", "AgentModel", "SessionModel", "DaySource", "SourceAgent",
        };

        public static string? For(IReadOnlyList<CostGrouping> by)
        {
            if (by.Count == 0)
            {
                return "Total";
            }

            string name = string.Concat(by.Select(g => g.ToString()));
            return Defined.Contains(name) ? name : null;
        }
    }
}
