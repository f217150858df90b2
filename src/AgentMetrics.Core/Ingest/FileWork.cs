using System;
using AgentMetrics.Sources;
using AgentMetrics.Warehousing;

namespace AgentMetrics.Ingest
{
    /// <summary>A file the importer will read, with its manifest from the last import.</summary>
    internal sealed class FileWork
    {
        public FileWork(SourceReader reader, ImportResult result, DiscoveredFile file, FileManifest manifest, long size, long mtime, bool force)
        {
            Reader = reader;
            Result = result;
            File = file;
            Manifest = manifest;
            Size = size;
            Mtime = mtime;
            Force = force;
        }

        public SourceReader Reader { get; }

        /// <summary>The counts of the file's source, which the writer adds this file's to.</summary>
        public ImportResult Result { get; }

        public DiscoveredFile File { get; }

        public FileManifest Manifest { get; }

        /// <summary>What is left to read: the file's size less what earlier imports consumed.</summary>
        public long Unread => Math.Max(0, Size - Manifest.ConsumedBytes);

        public long Size { get; }

        public long Mtime { get; }

        public bool Force { get; }
    }
}
