namespace AgentMetrics.Records
{
    /// <summary>
    /// Requests summed by their grouping keys, model, 15-minute bucket and long-context flag: the unit that
    /// is priced (every request in a slice has the same model, time and price tier) and folded into
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
        public bool LongContext;
        public long Requests;
        public long Input;
        public long Output;
        public long CacheWrite5m;
        public long CacheWrite1h;
        public long CacheRead;
        public long Reasoning;
        public long WebSearches;
        public double? ReportedCost;

        public long StartMs => Bucket * BucketMs;
    }
}
