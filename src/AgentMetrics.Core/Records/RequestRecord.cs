namespace AgentMetrics.Records
{
    /// <summary>One copy of one API request as read from a line; the warehouse keeps the winning copy per key.</summary>
    internal sealed class RequestRecord
    {
        public string DedupKey = string.Empty;
        public string? RequestId;
        public string? SessionId;
        public long Ts;
        public string? Model;
        public string? Agent;
        public string? AgentId;
        public string? ProjectPath;
        public string? Project;
        public string? GitBranch;
        public string? ClientVersion;
        public string? Operation;
        public long Input;
        public long Output;
        public long CacheWrite5m;
        public long CacheWrite1h;
        public long CacheRead;
        public long Reasoning;
        public long WebSearches;
        public bool IsSynthetic;
        public bool? Success;
        public long? DurationMs;
        public double? ReportedCost;
        public long? FileStartTs;
        public string? FilePath;
        public long Line;

        /// <summary>Which copy of a request is the most complete: the final streaming snapshot is the largest.</summary>
        public long Weight => Input + Output + CacheWrite5m + CacheWrite1h + CacheRead;
    }
}
