namespace AgentMetrics.Records
{
    /// <summary>The outcome of one tool call (error or not, how long it took), matched to its call by the call id.</summary>
    internal sealed class ToolResultRecord
    {
        public string CallId = string.Empty;
        public long? Ts;
        public bool IsError;
        public long? DurationMs;
    }
}
