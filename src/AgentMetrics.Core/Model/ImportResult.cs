using System;
using System.Collections.Generic;
using AgentMetrics.Errors;

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

        /// <summary>Lines (or whole documents) the agent wrote broken: skipped, the rest of their files imported.</summary>
        public long MalformedLines { get; set; }

        /// <summary>How many files held the malformed lines.</summary>
        public long MalformedFiles { get; set; }

        /// <summary>The first malformed line as file:line (by path, then line), or the file of a broken document; null when none.</summary>
        public string? FirstMalformedLine { get; set; }

        public long ToolCallsAdded { get; set; }

        public TimeSpan Elapsed { get; set; }

        public string Warehouse { get; set; } = string.Empty;

        private readonly HashSet<string> _malformedFiles = new HashSet<string>(StringComparer.Ordinal);
        private (string File, long Line)? _firstMalformed;

        /// <summary>True for the problems that are the agent's doing (broken lines or documents), not the user's.</summary>
        public static bool IsMalformed(ItemProblem problem) =>
            problem.ErrorId == "MalformedHistoryLine" || problem.ErrorId == "MalformedHistoryFile";

        /// <summary>Counts a malformed line's file and keeps the first one (the counts of lines come with the chunks).</summary>
        internal void NoteMalformed(ItemProblem problem)
        {
            string file = problem.File ?? string.Empty;
            if (_malformedFiles.Add(file))
            {
                MalformedFiles = _malformedFiles.Count;
            }

            long line = problem.Line ?? 0;
            if (_firstMalformed is not { } first || string.CompareOrdinal(file, first.File) < 0 || (file == first.File && line < first.Line))
            {
                _firstMalformed = (file, line);
                FirstMalformedLine = problem.Target;
            }
        }
    }
}
