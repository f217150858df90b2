using System.Collections.Generic;

namespace AgentMetrics.Sources
{
    /// <summary>A file a source reader found, with what it knows about it before opening it.</summary>
    internal sealed class DiscoveredFile
    {
        private readonly System.Func<string, IDictionary<string, string>>? _readHints;
        private IDictionary<string, string>? _hints;

        /// <param name="readHints">
        /// Reads the file's hints when they are first asked for: only a file that is read needs them, and an
        /// import where nothing changed should open nothing but the warehouse.
        /// </param>
        public DiscoveredFile(string path, AgentSource source, System.Func<string, IDictionary<string, string>>? readHints = null)
        {
            Path = path;
            Source = source;
            _readHints = readHints;
        }

        public string Path { get; }

        public AgentSource Source { get; }

        /// <summary>Reader-specific facts from the file's location (e.g. a subagent's type from its meta file).</summary>
        public IDictionary<string, string> Hints => _hints ??= _readHints?.Invoke(Path) ?? new Dictionary<string, string>();
    }
}
