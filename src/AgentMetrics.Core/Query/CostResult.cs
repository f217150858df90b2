using System.Collections.Generic;

namespace AgentMetrics.Query
{
    /// <summary>The outcome of a cost query: rows plus the models nobody could price (for one warning).</summary>
    public sealed class CostResult
    {
        public CostResult(IReadOnlyList<CostSummary> rows, IReadOnlyCollection<string> unpricedModels)
        {
            Rows = rows;
            UnpricedModels = unpricedModels;
        }

        public IReadOnlyList<CostSummary> Rows { get; }

        public IReadOnlyCollection<string> UnpricedModels { get; }
    }
}
