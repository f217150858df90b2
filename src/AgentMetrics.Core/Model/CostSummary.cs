using System;
using System.Collections.Generic;
using AgentMetrics.Records;

namespace AgentMetrics
{
    /// <summary>
    /// Tokens and cost for one group of requests. Grouping properties are filled only when grouped by;
    /// every row has the same properties in the same order (Export-Csv and Excel take columns from the first).
    /// </summary>
    public sealed class CostSummary
    {
        /// <summary>Start of the day, ISO week (Monday) or month, in local time, or UTC with -Utc.</summary>
        public DateTime? Date { get; set; }

        /// <summary>
        /// The period as it reads: 2026-09-26, 2026-W39 (ISO-8601 week) or 2026-09; null when not grouped by a period.
        /// </summary>
        public string? Period => Date is DateTime start && PeriodGrouping is CostGrouping period ? PeriodLabel.Format(start, period) : null;

        public string? Source { get; set; }

        public string? Project { get; set; }

        public string? GitBranch { get; set; }

        public string? SessionId { get; set; }

        public string? Agent { get; set; }

        public string? Model { get; set; }

        public long Requests { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long CacheWriteTokens { get; set; }

        public long CacheReadTokens { get; set; }

        public long TotalTokens { get; set; }

        public decimal? CostUsd { get; set; }

        public decimal? ReportedCostUsd { get; set; }

        public long UnpricedRequests { get; set; }

        public long ReasoningTokens { get; set; }

        public long CacheWrite5mTokens { get; set; }

        public long CacheWrite1hTokens { get; set; }

        public long WebSearchRequests { get; set; }

        /// <summary>
        /// The model the price book told to assume for requests of the row that name none (e.g. old Codex CLIs),
        /// comma separated when several; null when no request was priced on an assumption.
        /// </summary>
        public string? AssumedModel { get; set; }

        /// <summary>How many of the row's requests were priced as <see cref="AssumedModel"/>.</summary>
        public long AssumedRequests { get; set; }

        /// <summary>The grouping that produced this row, in order (for views and re-aggregation).</summary>
        internal IReadOnlyList<CostGrouping> Grouping { get; set; } = Array.Empty<CostGrouping>();

        private CostGrouping? PeriodGrouping
        {
            get
            {
                foreach (CostGrouping group in Grouping)
                {
                    if (group == CostGrouping.Day || group == CostGrouping.Week || group == CostGrouping.Month)
                    {
                        return group;
                    }
                }

                return null;
            }
        }

        /// <summary>What this row was folded from, so Measure-AgentCost can regroup it exactly.</summary>
        internal List<UsageSlice> Slices { get; } = new List<UsageSlice>();
    }
}
