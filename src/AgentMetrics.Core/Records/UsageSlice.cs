namespace AgentMetrics.Records
{
    /// <summary>
    /// Requests summed by their grouping keys, model, 15-minute bucket and prompt band: the unit that is
    /// priced (every request in a slice has the same model and time, and a prompt in the same band between
    /// long-context thresholds, so the same price tier: see Rules.PromptBands) and folded into
    /// CostSummary and Session rows. 15 minutes divides every real time-zone offset, so a slice never
    /// straddles a local day.
    /// </summary>
    internal sealed class UsageSlice
    {
        public const long BucketMs = 15 * 60 * 1000;

        public string? Source;
        public string? Project;
        public string? ProjectPath;
        public string? GitBranch;
        public string? SessionId;
        public string? Agent;
        public string? Model;
        public long Bucket;
        /// <summary>Every prompt of the slice is greater than this (a threshold, or 0).</summary>
        public long PromptAbove;

        /// <summary>Every prompt of the slice is at most this (the next threshold, or long.MaxValue).</summary>
        public long PromptUpTo;
        public long Requests;
        public long Input;
        public long Output;
        public long CacheWrite5m;
        public long CacheWrite1h;
        public long CacheRead;
        public long Reasoning;
        public long WebSearches;
        public double? ReportedCost;

        /// <summary>The client version of requests that name no model (see Rules.ModelessClientVersion); null otherwise.</summary>
        public string? ClientVersion;

        public long StartMs => Bucket * BucketMs;
    }
}
