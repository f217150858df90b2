using System;

namespace AgentMetrics
{
    /// <summary>How one tool was used: calls from deduplicated responses, joined to their results.</summary>
    public sealed class ToolUsage
    {
        public string Name { get; set; } = string.Empty;

        public string? Source { get; set; }

        public long Calls { get; set; }

        /// <summary>Calls whose result came back flagged as an error.</summary>
        public long Errors { get; set; }

        /// <summary>Calls with no result in the history (interrupted, or the result is in a file not imported).</summary>
        public long WithoutResult { get; set; }

        /// <summary>Calls made by subagents (sidechains).</summary>
        public long SubagentCalls { get; set; }

        public TimeSpan TotalDuration { get; set; }

        public TimeSpan? AverageDuration { get; set; }
    }
}
