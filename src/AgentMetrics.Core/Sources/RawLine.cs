using System;

namespace AgentMetrics.Sources
{
    /// <summary>One line of a JSONL file: its bytes (without the line end), number and where it ends.</summary>
    internal readonly struct RawLine
    {
        public RawLine(ReadOnlyMemory<byte> bytes, long number, long endOffset, bool hasNewline)
        {
            Bytes = bytes;
            Number = number;
            EndOffset = endOffset;
            HasNewline = hasNewline;
        }

        public ReadOnlyMemory<byte> Bytes { get; }

        public long Number { get; }

        /// <summary>File offset just past this line and its line end: where the next import resumes.</summary>
        public long EndOffset { get; }

        public bool HasNewline { get; }
    }
}
