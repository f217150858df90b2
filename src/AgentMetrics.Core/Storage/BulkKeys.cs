using System;
using System.Collections.Generic;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using AgentMetrics.Import;

namespace AgentMetrics.Storage
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

    /// <summary>
    /// The keys a first import has written, per source, with what deciding the next copy needs: the row to
    /// replace and the kept copy's precedence. This is what the unique indexes answer on the incremental path;
    /// here it costs no random B-tree seek. Keys are held as 128-bit XXH3 hashes (16 bytes instead of a
    /// 30–70 character string): two distinct keys would share one with a probability near 10^-27 for a
    /// million keys, far below any other way a row could go wrong.
    /// </summary>
    internal sealed class BulkKeys
    {
        private readonly Dictionary<string, Dictionary<KeyHash, KeptRequest>> _requests = new Dictionary<string, Dictionary<KeyHash, KeptRequest>>();
        private readonly Dictionary<string, HashSet<KeyHash>> _toolCalls = new Dictionary<string, HashSet<KeyHash>>();
        private readonly Dictionary<string, Dictionary<KeyHash, KeptToolResult>> _toolResults = new Dictionary<string, Dictionary<KeyHash, KeptToolResult>>();

        public Dictionary<KeyHash, KeptRequest> Requests(string source) => For(_requests, source);

        public HashSet<KeyHash> ToolCalls(string source) => For(_toolCalls, source);

        public Dictionary<KeyHash, KeptToolResult> ToolResults(string source) => For(_toolResults, source);

        private static T For<T>(Dictionary<string, T> bySource, string source)
            where T : new()
        {
            if (!bySource.TryGetValue(source, out T? keys))
            {
                keys = new T();
                bySource.Add(source, keys);
            }

            return keys;
        }

        internal readonly struct KeyHash : IEquatable<KeyHash>
        {
            private readonly ulong _low;
            private readonly ulong _high;

            private KeyHash(ulong low, ulong high)
            {
                _low = low;
                _high = high;
            }

            public static KeyHash Of(string key)
            {
                Span<byte> hash = stackalloc byte[16];
                XxHash128.Hash(MemoryMarshal.AsBytes(key.AsSpan()), hash);
                return new KeyHash(MemoryMarshal.Read<ulong>(hash), MemoryMarshal.Read<ulong>(hash.Slice(8)));
            }

            public bool Equals(KeyHash other) => _low == other._low && _high == other._high;

            public override bool Equals(object? obj) => obj is KeyHash other && Equals(other);

            public override int GetHashCode() => (int)_low;
        }

        internal readonly struct KeptRequest
        {
            public KeptRequest(long rowId, Precedence precedence)
            {
                RowId = rowId;
                Precedence = precedence;
            }

            public long RowId { get; }

            public Precedence Precedence { get; }
        }

        /// <summary>A tool result as the warehouse holds it; copies merge as the incremental upsert merges them.</summary>
        internal readonly struct KeptToolResult
        {
            public KeptToolResult(long rowId, long? ts, bool isError, long? durationMs)
            {
                RowId = rowId;
                Ts = ts;
                IsError = isError;
                DurationMs = durationMs;
            }

            public long RowId { get; }

            public long? Ts { get; }

            public bool IsError { get; }

            public long? DurationMs { get; }

            /// <summary>Earliest time, any error, the latest copy's duration if it has one.</summary>
            public KeptToolResult Merge(long? ts, bool isError, long? durationMs) => new KeptToolResult(
                RowId,
                Ts is null ? ts : ts is null ? Ts : Math.Min(Ts.Value, ts.Value),
                IsError || isError,
                durationMs ?? DurationMs);

            public bool SameAs(KeptToolResult other) => Ts == other.Ts && IsError == other.IsError && DurationMs == other.DurationMs;
        }
    }
}
