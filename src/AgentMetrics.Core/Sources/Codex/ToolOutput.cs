namespace AgentMetrics.Sources.Codex
{
    /// <summary>What a function_call_output line says: whose output it is and whether the call failed.</summary>
    internal readonly struct ToolOutput
    {
        public ToolOutput(long? timestamp, string? callId, bool isError)
        {
            Timestamp = timestamp;
            CallId = callId;
            IsError = isError;
        }

        /// <summary>The line's time, Unix milliseconds UTC.</summary>
        public long? Timestamp { get; }

        public string? CallId { get; }

        public bool IsError { get; }
    }
}
