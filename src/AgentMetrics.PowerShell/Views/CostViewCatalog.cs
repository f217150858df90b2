using System.Collections.Generic;
using By = AgentMetrics.CostGrouping;

namespace AgentMetrics.PowerShell.Views
{
    /// <summary>
    /// Every cost table, defined once. The build writes AgentMetrics.CostViews.Format.ps1xml from it
    /// (build/CostViewWriter, into the staged module), and <see cref="Infrastructure.CostViews"/> picks the
    /// view a -By grouping gets from it. To give a grouping its own table, add one entry to <see cref="Tables"/>;
    /// to change a column in every table, change it here once (docs/views.md).
    /// </summary>
    internal static class CostViewCatalog
    {
        /// <summary>The views' type name: the cost row's own, which TableLayout names each row after too.</summary>
        internal static string TypeName => typeof(CostSummary).FullName!;

        /// <summary>Fixed widths plus one space between columns stay within this on an 80-column display.</summary>
        internal const int NarrowLimit = 79;

        /// <summary>The same for the wide views, drawn only on displays of 120 columns or more.</summary>
        internal const int WideLimit = 119;

        // The grouping keys. Each width is the one it has where it leads a table; Fill() makes it the last,
        // free column instead (cut with "..." at 80 columns, whole at 120).
        private static readonly TableColumn Date = TableColumn.Text("Date", 10, "Period");
        private static readonly TableColumn Week = TableColumn.Text("Week", 8, "Period");
        private static readonly TableColumn Month = TableColumn.Text("Month", 7, "Period");
        private static readonly TableColumn Source = TableColumn.Text("Source", 12);
        private static readonly TableColumn Project = TableColumn.Text("Project", 16);
        private static readonly TableColumn Agent = TableColumn.Text("Agent", 20);
        private static readonly TableColumn Model = TableColumn.Text("Model", 26);
        private static readonly TableColumn Session = TableColumn.Text("SessionId", 36);
        private static readonly TableColumn Branch = TableColumn.Text("Branch", 20, "GitBranch");

        /// <summary>Every key of a grouping without a table of its own, in one free column.</summary>
        private static readonly TableColumn Group = TableColumn.Computed("Group", null, alignRight: false,
            "(@($_.Period, $_.Source, $_.Project, $_.GitBranch, $_.SessionId, $_.Agent, $_.Model) | Where-Object { $_ }) -join ' / '");

        // The numbers, at the widths a heavy history needs (Views.Tests.ps1 "A heavy history": a day of
        // 1.6 billion tokens and $1,234, a month of 50 billion and $38,271).
        private static readonly TableColumn Requests = TableColumn.Count("Requests", "Requests", 8);
        private static readonly TableColumn Input = TableColumn.Count("Input", "InputTokens", 13);
        private static readonly TableColumn Output = TableColumn.Count("Output", "OutputTokens", 12);
        private static readonly TableColumn CacheWrite = TableColumn.Count("Cache write", "CacheWriteTokens", 13);
        private static readonly TableColumn CacheRead = TableColumn.Count("Cache read", "CacheReadTokens", 14);
        private static readonly TableColumn Tokens = TableColumn.Count("Total tokens", "TotalTokens", 14);

        /// <summary>
        /// "12.34*": some of the row's requests have no price, so the cost is a lower bound; "unpriced": none
        /// has; "12.34~": all are priced, some as the model the price book assumes for requests naming none
        /// ("*" wins when a row has both). The space after a whole price keeps the digits of every row in line. ASCII for every console.
        /// </summary>
        private static readonly TableColumn Cost = TableColumn.Computed("Cost (USD)", 10, alignRight: true,
            "if ($null -eq $_.CostUsd) { 'unpriced' } elseif ($_.UnpricedRequests -gt 0) { '{0:N2}*' -f $_.CostUsd } " +
            "elseif ($_.AssumedRequests -gt 0) { '{0:N2}~' -f $_.CostUsd } else { '{0:N2} ' -f $_.CostUsd }");

        /// <summary>How many of the row's requests have no price; blank when all have.</summary>
        private static readonly TableColumn Unpriced = TableColumn.Computed("Unpriced", 8, alignRight: true,
            "if ($_.UnpricedRequests -gt 0) { '{0:N0}' -f $_.UnpricedRequests }");

        /// <summary>What the app itself reported (llm-telemetry cost_usd), beside the price-book cost.</summary>
        private static readonly TableColumn Reported = TableColumn.Computed("Reported", 10, alignRight: true,
            "if ($null -ne $_.ReportedCostUsd) { '{0:N2}' -f $_.ReportedCostUsd }");

        /// <summary>The price columns every cost table ends its numbers with.</summary>
        private static TableColumn[] Priced(int costWidth = 10) => [Cost.With(costWidth), Unpriced];

        /// <summary>
        /// One entry per grouping with a table of its own: its 80-column view, then its wide one (the 80-column
        /// columns plus Requests, Input and Output, and the cache columns where no text column needs the room).
        /// </summary>
        internal static readonly IReadOnlyList<CostTable> Tables =
        [
            // The total of everything: one row that may hold a year of heavy use, so every number is wider.
            new CostTable([],
                [Requests.With(10), Input.With(14), Output.With(13), Tokens.With(15), .. Priced(11)],
                [Requests.With(10), Input.With(14), Output.With(13), CacheWrite.With(14), CacheRead.With(15), Tokens.With(15), .. Priced(11)]),
            new CostTable([By.Day],
                [Date, Requests, Input.With(11), Output.With(10), Tokens, .. Priced()],
                [Date, Requests, Input, Output, CacheWrite, CacheRead, Tokens, .. Priced()]),
            new CostTable([By.Week],
                [Week, Requests, Input.With(12), Output.With(11), Tokens, .. Priced()],
                [Week, Requests, Input, Output, CacheWrite, CacheRead, Tokens, .. Priced()]),
            new CostTable([By.Month],
                [Month, Requests, Input, Output, Tokens, .. Priced()],
                [Month, Requests, Input, Output, CacheWrite, CacheRead, Tokens, .. Priced()]),
            new CostTable([By.Model],
                [Requests, Tokens, .. Priced(), Model.Fill()],
                [Requests, Input, Output, Tokens, .. Priced(), Model.Fill()]),
            new CostTable([By.Project],
                [Requests, Tokens, .. Priced(), Project.Fill()],
                [Requests, Input, Output, Tokens, .. Priced(), Project.Fill()]),
            new CostTable([By.Session],
                [Requests, Tokens, .. Priced(), Session.Fill()],
                [Requests, Input, Output, Tokens, .. Priced(), Session.Fill()]),
            new CostTable([By.GitBranch],
                [Requests, Tokens, .. Priced(), Branch.Fill()],
                [Requests, Input, Output, Tokens, .. Priced(), Branch.Fill()]),
            new CostTable([By.Agent],
                [Requests, Tokens, .. Priced(), Agent.Fill()],
                [Requests, Input, Output, Tokens, .. Priced(), Agent.Fill()]),
            new CostTable([By.Source],
                [Source, Requests, Tokens, .. Priced(), Reported],
                [Source, Requests, Input, Output, Tokens, .. Priced(), Reported]),
            new CostTable([By.Day, By.Model],
                [Date, Tokens, .. Priced(), Model.Fill()],
                [Date, Requests, Input, Output, Tokens, .. Priced(), Model.Fill()]),
            new CostTable([By.Week, By.Model],
                [Week, Tokens, .. Priced(), Model.Fill()],
                [Week, Requests, Input, Output, Tokens, .. Priced(), Model.Fill()]),
            new CostTable([By.Month, By.Model],
                [Month, Tokens, .. Priced(), Model.Fill()],
                [Month, Requests, Input, Output, Tokens, .. Priced(), Model.Fill()]),
            new CostTable([By.Project, By.Model],
                [Project, Tokens, .. Priced(), Model.Fill()],
                [Project, Requests, Input, Output, Tokens, .. Priced(), Model.Fill()]),
            new CostTable([By.Agent, By.Model],
                [Agent, Tokens, .. Priced(), Model.Fill()],
                [Agent, Requests, Input, Output, Tokens, .. Priced(), Model.Fill()]),
            new CostTable([By.Source, By.Model],
                [Source, Tokens, .. Priced(), Model.Fill()],
                [Source, Requests, Input, Output, Tokens, .. Priced(), Model.Fill()]),
            // A session id (36 characters) cannot lead at 80 columns: the model leads and the id takes what is
            // left (all of it at 120).
            new CostTable([By.Session, By.Model],
                [Model, Tokens, .. Priced(), Session.Fill()],
                [Model, Requests, Tokens, .. Priced(), Session.Fill()]),
            new CostTable([By.Day, By.Source],
                [Date, Source, Requests, Tokens, .. Priced(), Reported],
                [Date, Source, Requests, Input, Output, Tokens, .. Priced(), Reported]),
            new CostTable([By.Source, By.Agent],
                [Source, Tokens, .. Priced(), Reported, Agent.Fill()],
                [Source, Requests, Input, Output, Tokens, .. Priced(), Reported, Agent.Fill()]),
        ];

        /// <summary>Groupings without a table of their own: the numbers, then every key in one free column.</summary>
        internal static readonly IReadOnlyList<TableColumn> OtherNarrow = [Requests, Tokens, .. Priced(), Group];

        /// <summary>
        /// Their wide default, and Format-Table -View Wide for every cost row: every token column, for 120
        /// columns and more.
        /// </summary>
        internal static readonly IReadOnlyList<TableColumn> OtherWide =
            [Requests, Input, Output, CacheWrite, CacheRead, Tokens, .. Priced(), Group];
    }
}
