using AgentMetrics.Records;

namespace AgentMetrics.Warehousing
{
    /// <summary>
    /// Which copy of a request the warehouse keeps: the heaviest (the final streaming snapshot), then the
    /// earliest, then the one from the earliest-starting file, then by path and line, so that the result does
    /// not depend on the order files are read in. The upsert's WHERE clause states the same order in SQL.
    /// </summary>
    internal readonly struct Precedence
    {
        private readonly long _weight;
        private readonly long _ts;
        private readonly long _fileStartTs;
        private readonly string _filePath;
        private readonly long _line;

        public Precedence(RequestRecord request)
        {
            _weight = request.Weight;
            _ts = request.Ts;
            _fileStartTs = request.FileStartTs ?? long.MaxValue;
            _filePath = request.FilePath ?? string.Empty;
            _line = request.Line;
        }

        public bool Beats(Precedence other)
        {
            if (_weight != other._weight)
            {
                return _weight > other._weight;
            }

            if (_ts != other._ts)
            {
                return _ts < other._ts;
            }

            if (_fileStartTs != other._fileStartTs)
            {
                return _fileStartTs < other._fileStartTs;
            }

            int byPath = string.CompareOrdinal(_filePath, other._filePath);
            return byPath != 0 ? byPath < 0 : _line < other._line;
        }
    }
}
