using System;

namespace AgentMetrics
{
    /// <summary>What one import did for one source.</summary>
    public sealed class ImportResult
    {
        public AgentSource Source { get; set; }

        public long FilesSeen { get; set; }

        public long FilesRead { get; set; }

        public long FilesUnchanged { get; set; }

        public long BytesRead { get; set; }

        public long LinesRead { get; set; }

        public long RequestsAdded { get; set; }

        public long DuplicatesDropped { get; set; }

        public long MalformedLines { get; set; }

        public long ToolCallsAdded { get; set; }

        public TimeSpan Elapsed { get; set; }

        public string Warehouse { get; set; } = string.Empty;
    }
}
