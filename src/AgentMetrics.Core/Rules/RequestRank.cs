using AgentMetrics.Ingest;
using AgentMetrics.Records;
using AgentMetrics.Sources;

namespace AgentMetrics.Rules
{
    /// <summary>
    /// What <see cref="RequestPrecedence"/> looks at in one copy of a request: its weight and time, and where it
    /// was read (the file's first and last timestamps, the line, the path).
    /// </summary>
    internal readonly struct RequestRank
    {
        public RequestRank(long weight, long ts, long? fileStart, long? fileEnd, long line, string? path)
        {
            Weight = weight;
            Ts = ts;
            FileStart = fileStart ?? RequestPrecedence.Unknown;
            FileEnd = fileEnd ?? RequestPrecedence.Unknown;
            Line = line;
            Path = path ?? string.Empty;
        }

        /// <param name="fileEnd">The last timestamp of the file the copy was read from, as the import found it.</param>
        public static RequestRank Of(RequestRecord copy, long? fileEnd) =>
            new RequestRank(copy.Weight, copy.Ts, copy.FileStartTs, fileEnd, copy.Line, copy.FilePath);

        public long Weight { get; }

        public long Ts { get; }

        /// <summary>The file's first timestamp; <see cref="RequestPrecedence.Unknown"/> when it has none.</summary>
        public long FileStart { get; }

        /// <summary>The file's last timestamp; <see cref="RequestPrecedence.Unknown"/> when it has none.</summary>
        public long FileEnd { get; }

        public long Line { get; }

        public string Path { get; }

        public bool Beats(in RequestRank other) => RequestPrecedence.Compare(this, other) < 0;

        public override string ToString() => $"weight {Weight}, ts {Ts}, file {FileStart}..{FileEnd}, line {Line}, {Path}";
    }
}
