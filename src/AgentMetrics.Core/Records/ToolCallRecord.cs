namespace AgentMetrics.Records
{
    /// <summary>One tool call an assistant response made, keyed by the call id the agent gave it.</summary>
    internal sealed class ToolCallRecord
    {
        public string CallId = string.Empty;
        public string? RequestKey;
        public string? SessionId;
        public string Name = string.Empty;
        public long Ts;
        public bool IsSidechain;
        public string? Agent;
    }
}
