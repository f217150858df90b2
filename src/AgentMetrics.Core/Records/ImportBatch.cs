using System.Collections.Generic;

namespace AgentMetrics.Records
{
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
