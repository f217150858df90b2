using System;
using System.Collections.Generic;
using AgentMetrics.Records;

namespace AgentMetrics
{
    /// <summary>One agent session: what it cost and how it ran, over the requests inside the query's time window.</summary>
    public sealed class Session
    {
        public string SessionId { get; set; } = string.Empty;

        public string Source { get; set; } = string.Empty;

        public string? Project { get; set; }

        public string? ProjectPath { get; set; }

        public string? GitBranch { get; set; }

        public DateTime Start { get; set; }

        public DateTime End { get; set; }

        public TimeSpan WallDuration { get; set; }

        /// <summary>Sum of the gaps between requests that are shorter than the idle threshold.</summary>
        public TimeSpan ActiveDuration { get; set; }

        public long Requests { get; set; }

        public long ToolCalls { get; set; }

        public long Subagents { get; set; }

        /// <summary>The models used, comma separated, most requests first.</summary>
        public string Models { get; set; } = string.Empty;

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long CacheWriteTokens { get; set; }

        public long CacheReadTokens { get; set; }

        public long TotalTokens { get; set; }

        public decimal? CostUsd { get; set; }

        /// <summary>What the agent itself reported (Claude Code's cost-state), when it did.</summary>
        public decimal? ReportedCostUsd { get; set; }

        public long UnpricedRequests { get; set; }

        public long ReasoningTokens { get; set; }

        /// <summary>Client-side error responses (Claude Code's &lt;synthetic&gt; lines): no tokens, no cost.</summary>
        public long SyntheticMessages { get; set; }

        public string? ClientVersion { get; set; }

        /// <summary>The model the price book told to assume for the session's requests that name none; null when none was.</summary>
        public string? AssumedModel { get; set; }

        /// <summary>How many of the session's requests were priced as <see cref="AssumedModel"/>.</summary>
        public long AssumedRequests { get; set; }

        internal List<UsageSlice> Slices { get; } = new List<UsageSlice>();
    }
}
