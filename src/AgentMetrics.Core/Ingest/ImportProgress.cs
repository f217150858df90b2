namespace AgentMetrics.Ingest
{
    /// <summary>Progress of an import over all its sources, reported synchronously on the importing thread.</summary>
    public sealed class ImportProgress
    {
        /// <summary>The source of the file read last (sources are read together, largest files first).</summary>
        public AgentSource Source { get; set; }

        public string? CurrentFile { get; set; }

        public long FilesDone { get; set; }

        public long FilesTotal { get; set; }

        public long BytesDone { get; set; }

        public long BytesTotal { get; set; }
    }
}
