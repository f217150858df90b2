using System.Collections.Generic;

namespace AgentMetrics.Ingest
{
    /// <summary>One source an import would read: where it was found and how many data files are there.</summary>
    public sealed class ImportPreview
    {
        public ImportPreview(AgentSource source, IReadOnlyList<string> roots, int files)
        {
            Source = source;
            Roots = roots;
            Files = files;
        }

        public AgentSource Source { get; }

        public IReadOnlyList<string> Roots { get; }

        public int Files { get; }
    }
}
