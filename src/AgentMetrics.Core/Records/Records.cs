using System.Collections.Generic;

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

    internal sealed class ToolResultRecord
    {
        public string CallId = string.Empty;
        public long? Ts;
        public bool IsError;
        public long? DurationMs;
    }

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

    /// <summary>What the parsers produced since the last flush; written in one transaction with the file's manifest.</summary>
    internal sealed class ImportBatch
    {
        public List<RequestRecord> Requests { get; } = new List<RequestRecord>();

        public List<ToolCallRecord> ToolCalls { get; } = new List<ToolCallRecord>();

        public List<ToolResultRecord> ToolResults { get; } = new List<ToolResultRecord>();

        public List<SessionReportRecord> SessionReports { get; } = new List<SessionReportRecord>();

        public Dictionary<string, string> AgentTypes { get; } = new Dictionary<string, string>();

        public long UsageLines { get; set; }

        public int Size => Requests.Count + ToolCalls.Count + ToolResults.Count + SessionReports.Count;

        public void Clear()
        {
            Requests.Clear();
            ToolCalls.Clear();
            ToolResults.Clear();
            SessionReports.Clear();
            AgentTypes.Clear();
            UsageLines = 0;
        }
    }
}
