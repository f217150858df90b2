using System.Collections.Generic;

namespace AgentMetrics.Warehousing
{
    /// <summary>Rollup sums per group: requests, input, output, 5m and 1h cache writes, cache reads, reasoning, web searches.</summary>
    internal sealed class RollupSums : Dictionary<(string? Source, string? Model, string? Project, string? ProjectPath, string? GitBranch, string? Agent, long Bucket,
        long PromptAbove, string? ModelessClientVersion), long[]>
    {
    }
}
