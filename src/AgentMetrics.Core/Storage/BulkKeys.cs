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
        private readonly Dictionary<string, Dictionary<KeyHash, KeptCall>> _toolCalls = new Dictionary<string, Dictionary<KeyHash, KeptCall>>();

        public Dictionary<KeyHash, KeptRequest> Requests(string source) => For(_requests, source);

        public Dictionary<KeyHash, KeptCall> ToolCalls(string source) => For(_toolCalls, source);

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

        /// <summary>
        /// A tool call's row as the warehouse holds it: whether the call itself has been read (a result can come
        /// first), and its result, whose copies merge as the incremental upsert merges them.
        /// </summary>
        internal readonly struct KeptCall
        {
            private KeptCall(long rowId, bool callSeen, bool hasResult, long? resultTs, bool isError, long? durationMs)
            {
                RowId = rowId;
                CallSeen = callSeen;
                HasResult = hasResult;
                ResultTs = resultTs;
                IsError = isError;
                DurationMs = durationMs;
            }

            public long RowId { get; }

            public bool CallSeen { get; }

            public bool HasResult { get; }

            public long? ResultTs { get; }

            public bool IsError { get; }

            public long? DurationMs { get; }

            public static KeptCall Called(long rowId) => new KeptCall(rowId, true, false, null, false, null);

            public static KeptCall ResultOnly(long rowId, long? ts, bool isError, long? durationMs) => new KeptCall(rowId, false, true, ts, isError, durationMs);

            public KeptCall WithCall() => new KeptCall(RowId, true, HasResult, ResultTs, IsError, DurationMs);

            /// <summary>Earliest time, any error, the latest copy's duration if it has one.</summary>
            public KeptCall WithResult(long? ts, bool isError, long? durationMs) => new KeptCall(
                RowId,
                CallSeen,
                true,
                ResultTs is null ? ts : ts is null ? ResultTs : Math.Min(ResultTs.Value, ts.Value),
                IsError || isError,
                durationMs ?? DurationMs);

            public bool SameResultAs(KeptCall other) =>
                HasResult == other.HasResult && ResultTs == other.ResultTs && IsError == other.IsError && DurationMs == other.DurationMs;
        }
    }
}
