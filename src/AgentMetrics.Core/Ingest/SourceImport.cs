using System.Collections.Generic;
using System.Diagnostics;
using AgentMetrics.Sources;

namespace AgentMetrics.Ingest
{
    /// <summary>One source's part of an import: its reader, the files to read and its counts.</summary>
    internal sealed class SourceImport
    {
        public SourceImport(SourceReader reader, ImportResult result)
        {
            Reader = reader;
            Result = result;
        }

        public SourceReader Reader { get; }

        public ImportResult Result { get; }

        public List<FileWork> Work { get; } = new List<FileWork>();

        /// <summary>From the survey to the final counts (the reading is shared with the other sources).</summary>
        public Stopwatch Clock { get; } = Stopwatch.StartNew();
    }
}
