using System.Collections.Generic;
using AgentMetrics.Pricing;

namespace AgentMetrics.Query
{
    /// <summary>
    /// Re-aggregates rows that already came out of the warehouse (sessions, cost rows) by another grouping.
    /// It folds the very slices those rows were made of, so the numbers equal a direct Get-AgentCost.
    /// </summary>
    public sealed class CostMeasurer
    {
        private readonly List<UsageSlice> _slices = new List<UsageSlice>();

        public long RowsAdded { get; private set; }

        public void Add(Session session)
        {
            _slices.AddRange(session.Slices);
            RowsAdded++;
        }

        public void Add(CostSummary row)
        {
            _slices.AddRange(row.Slices);
            RowsAdded++;
        }

        /// <summary>True when a row carries the detail needed to regroup it (objects rebuilt from CSV or remoting do not).</summary>
        public static bool CanMeasure(Session session) => session.Slices.Count > 0 || session.Requests == 0;

        public static bool CanMeasure(CostSummary row) => row.Slices.Count > 0 || row.Requests == 0;

        public CostResult Result(IReadOnlyList<CostGrouping> by, PeriodOptions periods, PriceBook prices)
        {
            CostEngine.Validate(by);
            return CostEngine.Fold(_slices, by, periods, prices);
        }
    }
}
