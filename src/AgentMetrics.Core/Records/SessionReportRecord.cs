namespace AgentMetrics.Records
{
    /// <summary>A session's own totals as the agent reported them (cost, durations, lines changed), kept beside the counted requests.</summary>
    internal sealed class SessionReportRecord
    {
        public string SessionId = string.Empty;
        public double? ReportedCost;
        public long? ApiDurationMs;
        public long? ToolDurationMs;
        public long? TotalDurationMs;
        public long? LinesAdded;
        public long? LinesRemoved;
        public string? ModelUsageJson;
    }
}
