using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Warehousing
{
    /// <summary>
    /// What the warehouse knows about one source file: its size and mtime when last read (an unchanged
    /// file is never opened again), how far it was consumed, and fingerprints of the consumed prefix (its
    /// head and the bytes just before the resume point) that tell an append from a rewrite.
    /// </summary>
    internal sealed class FileManifest
    {
        // Enough to tell an append from a rewrite; small enough that checking thousands of grown files is cheap.
        private const int HeadBytes = 4 * 1024;
        private const int TailBytes = 4 * 1024;

        public long? FileId { get; set; }

        public AgentSource Source { get; set; }

        public string Path { get; set; } = string.Empty;

        public long Size { get; set; }

        public long MtimeMs { get; set; }

        public long ConsumedBytes { get; set; }

        public long ConsumedLines { get; set; }

        public string? HeadHash { get; set; }

        public string? TailHash { get; set; }

        public long? FirstTs { get; set; }

        /// <summary>The file's last timestamp when it was last read (see Rules.FileEnd): which of two files ended first.</summary>
        public long? LastTs { get; set; }

        public long Malformed { get; set; }

        public string? State { get; set; }

        public static Dictionary<string, FileManifest> LoadAll(Warehouse warehouse, AgentSource source)
        {
            var manifests = new Dictionary<string, FileManifest>(StringComparer.Ordinal);
            using SqliteCommand command = warehouse.Command(
                "SELECT file_id, path, size, mtime_ms, consumed_bytes, consumed_lines, head_hash, tail_hash, first_ts, malformed, state, last_ts FROM source_files WHERE source = $source;");
            command.Parameters.AddWithValue("$source", source.ToString());
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                var manifest = new FileManifest
                {
                    FileId = reader.GetInt64(0),
                    Source = source,
                    Path = reader.GetString(1),
                    Size = reader.GetInt64(2),
                    MtimeMs = reader.GetInt64(3),
                    ConsumedBytes = reader.GetInt64(4),
                    ConsumedLines = reader.GetInt64(5),
                    HeadHash = reader.IsDBNull(6) ? null : reader.GetString(6),
                    TailHash = reader.IsDBNull(7) ? null : reader.GetString(7),
                    FirstTs = reader.IsDBNull(8) ? (long?)null : reader.GetInt64(8),
                    Malformed = reader.GetInt64(9),
                    State = reader.IsDBNull(10) ? null : reader.GetString(10),
                    LastTs = reader.IsDBNull(11) ? (long?)null : reader.GetInt64(11),
                };
                manifests[manifest.Path] = manifest;
            }

            return manifests;
        }

        /// <summary>True when the consumed prefix is still byte-for-byte what we read: the file only grew.</summary>
        public bool PrefixStillMatches(Stream stream)
        {
            if (stream.Length < ConsumedBytes)
            {
                return false;
            }

            var (head, tail) = Fingerprint(stream, ConsumedBytes);
            return head == HeadHash && tail == TailHash;
        }

        public void RecordConsumed(Stream stream, long consumedBytes, long consumedLines)
        {
            ConsumedBytes = consumedBytes;
            ConsumedLines = consumedLines;
            (HeadHash, TailHash) = Fingerprint(stream, consumedBytes);
        }

        private static (string Head, string Tail) Fingerprint(Stream stream, long consumed)
        {
            long position = stream.Position;
            try
            {
                string head = HashRange(stream, 0, (int)Math.Min(HeadBytes, consumed));
                long tailStart = Math.Max(0, consumed - TailBytes);
                string tail = HashRange(stream, tailStart, (int)(consumed - tailStart));
                return (head, tail);
            }
            finally
            {
                stream.Position = position;
            }
        }

        private static string HashRange(Stream stream, long offset, int length)
        {
            var buffer = new byte[length];
            stream.Position = offset;
            int read = 0;
            while (read < length)
            {
                int n = stream.Read(buffer, read, length - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            using var sha = SHA256.Create();
            return Convert.ToBase64String(sha.ComputeHash(buffer, 0, read));
        }

        public FileManifest Snapshot() => (FileManifest)MemberwiseClone();

        /// <summary>
        /// The manifest upsert, giving the file's id (requests name their file by it); <see cref="SaveParameters"/> lists
        /// its parameters in the order <see cref="SaveValues"/> gives them.
        /// </summary>
        internal const string SaveSql = @"
INSERT INTO source_files (source, path, size, mtime_ms, consumed_bytes, consumed_lines, head_hash, tail_hash, first_ts, malformed, state, imported_at, last_ts)
VALUES ($source, $path, $size, $mtime, $consumed, $lines, $head, $tail, $first, $malformed, $state, $now, $last)
ON CONFLICT (path) DO UPDATE SET source = excluded.source, size = excluded.size, mtime_ms = excluded.mtime_ms,
    consumed_bytes = excluded.consumed_bytes, consumed_lines = excluded.consumed_lines, head_hash = excluded.head_hash,
    tail_hash = excluded.tail_hash, first_ts = excluded.first_ts, malformed = excluded.malformed, state = excluded.state,
    imported_at = excluded.imported_at, last_ts = excluded.last_ts
RETURNING file_id;";

        internal static readonly string[] SaveParameters =
        {
            "$source", "$path", "$size", "$mtime", "$consumed", "$lines", "$head", "$tail", "$first", "$malformed", "$state", "$now", "$last",
        };

        internal object?[] SaveValues() => new object?[]
        {
            Source.ToString(), Path, Size, MtimeMs, ConsumedBytes, ConsumedLines, HeadHash, TailHash, FirstTs, Malformed, State,
            Util.TimeUtil.ToUnixMs(DateTimeOffset.UtcNow), LastTs,
        };
    }
}
