using System.Collections.Generic;
using AgentMetrics.Pricing;
using AgentMetrics.Records;

namespace AgentMetrics.Query
{
    /// <summary>
    /// Re-aggregates rows that already came out of the warehouse (sessions, cost rows) by another grouping.
    /// It folds the very slices those rows were made of, so the numbers equal a direct Get-AgentCost.
    /// </summary>
    public sealed class CostMeasurer
    {
        private readonly List<UsageSlice> _slices = new List<UsageSlice>();

        // Keys every slice carries whatever it was grouped by: periods come from its time bucket.
        private static readonly CostGrouping[] AlwaysAvailable = { CostGrouping.Day, CostGrouping.Week, CostGrouping.Month, CostGrouping.Model, CostGrouping.Source };
        private HashSet<CostGrouping>? _available;

        public void Add(Session session)
        {
            _slices.AddRange(session.Slices);
        }

        public void Add(CostSummary row)
        {
            var available = new HashSet<CostGrouping>(row.Grouping);
            available.UnionWith(AlwaysAvailable);
            if (_available is null)
            {
                _available = available;
            }
            else
            {
                _available.IntersectWith(available);
            }

            _slices.AddRange(row.Slices);
        }

        /// <summary>True when a row carries the detail needed to regroup it (objects rebuilt from CSV or remoting do not).</summary>
        public static bool CanMeasure(Session session) => session.Slices.Count > 0 || session.Requests == 0;

        public static bool CanMeasure(CostSummary row) => row.Slices.Count > 0 || row.Requests == 0;

        public CostResult Result(IReadOnlyList<CostGrouping> by, PeriodOptions periods, PriceBook prices)
        {
            CostEngine.Validate(by);
            if (_available is not null)
            {
                var missing = new List<CostGrouping>();
                foreach (CostGrouping group in by)
                {
                    if (!_available.Contains(group))
                    {
                        missing.Add(group);
                    }
                }

                if (missing.Count > 0)
                {
                    throw new Errors.AgentMetricsException(
                        "GroupingNotAvailable",
                        Errors.ErrorKind.InvalidArgument,
                        $"The cost rows were not grouped by {string.Join(", ", missing)}, so they cannot be regrouped by it. Add it to Get-AgentCost -By, or measure Get-AgentSession output instead.",
                        string.Join(",", missing));
                }
            }

            return CostEngine.Fold(_slices, by, periods, prices);
        }
    }
}
