namespace AgentMetrics
{
    /// <summary>The agent histories AgentMetrics can import.</summary>
    public enum AgentSource
    {
        /// <summary>Claude Code transcripts (~/.claude/projects/**/*.jsonl).</summary>
        Claude,

        /// <summary>Codex CLI rollouts (~/.codex/sessions/**, archived_sessions/**).</summary>
        Codex,

        /// <summary>The agenthub metrics store (~/.agenthub/metrics daily and execution files).</summary>
        AgentHub,

        /// <summary>llm-telemetry daily JSONL stores (.llm-telemetry/YYYY-MM-DD/telemetry.jsonl).</summary>
        LlmTelemetry,
    }
}
