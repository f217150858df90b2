namespace AgentMetrics.Sources
{
    /// <summary>Per-file state a line parser keeps between imports (persisted with the file's manifest).</summary>
    internal sealed class FileContext
    {
        public FileContext(DiscoveredFile file, long? firstTs, string? state)
        {
            File = file;
            FirstTs = firstTs;
            State = state;
        }

        public DiscoveredFile File { get; }

        /// <summary>The first timestamp in the file: breaks ties between equal copies (the file that started first wins).</summary>
        public long? FirstTs { get; set; }

        private string? _state;
        private IFileState? _changedState;

        /// <summary>Opaque parser state (Codex running totals), saved in the same transaction as the data.</summary>
        public string? State
        {
            get
            {
                // Serialised only when a chunk is sealed, not on every line that changes it.
                if (_changedState is not null)
                {
                    _state = _changedState.Serialize();
                    _changedState = null;
                }

                return _state;
            }

            set
            {
                _state = value;
                _changedState = null;
            }
        }

        /// <summary>The reader's parsed form of <see cref="State"/>, so it is not parsed again for every line.</summary>
        public object? Parsed { get; set; }

        /// <summary>Says the parsed state changed; <see cref="State"/> serialises it when it is next read.</summary>
        public void StateChanged(IFileState state) => _changedState = state;
    }
}
