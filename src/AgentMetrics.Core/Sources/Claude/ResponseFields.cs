using System.Collections.Generic;

namespace AgentMetrics.Sources.Claude
{
    /// <summary>What one response line says, before the counting rules turn it into records.</summary>
    internal sealed class ResponseFields
    {
        public string? MessageId;
        public string? Model;
        public string? RequestId;
        public string? SessionId;
        public long? Ts;
        public bool IsSidechain;
        public string? AgentId;
        public string? Cwd;
        public string? GitBranch;
        public string? Version;
        public string? Uuid;
        public long Input;
        public long Output;
        public long CacheCreation;
        public long CacheRead;
        public bool HasBreakdown;
        public long Ephemeral5m;
        public long Ephemeral1h;
        public long WebSearches;
        public List<(string CallId, string? Name)>? ToolUses;

        public void AddToolUse(string callId, string? name) => (ToolUses ??= new List<(string, string?)>()).Add((callId, name));
    }
}
