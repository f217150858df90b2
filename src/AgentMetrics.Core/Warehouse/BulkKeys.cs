using System;
using System.Collections.Generic;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace AgentMetrics.Warehousing
{
    /// <summary>
    /// The keys a first import has written, with what deciding the next copy needs: the row to replace and
    /// the kept copy's precedence. This is what the unique indexes answer on the incremental path; here it
    /// costs no random B-tree seek. Keys are held as 128-bit XXH3 hashes (16 bytes instead of a 30–70
    /// character string), seeded by source: two distinct keys would share one with a probability near 10^-27
    /// for a million keys, far below any other way a row could go wrong.
    /// <para>
    /// Memory is bounded whatever the size of the history: each table holds at most <see cref="Budget"/> keys.
    /// When it is full its keys are forgotten, leaving only a Bloom filter of them (10 bits a key). A new key
    /// that the filters may have seen before is one whose earlier copy may already have a row: the writer
    /// appends it all the same and notes it, and the end of the first import merges the rows of the noted keys
    /// in SQL (<see cref="BulkLoad"/>).
    /// </para>
    /// </summary>
    internal sealed class BulkKeys
    {
        /// <summary>
        /// Keys held per table (about 13 MB for requests, 10 MB for tool calls, allocated once a table holds an
        /// eighth of them). 1 GB of typical history has about
        /// 120,000 requests and 130,000 tool calls, so histories up to about that size never forget a key.
        /// </summary>
        public const int DefaultBudget = 175_000;

        public BulkKeys(int budget = DefaultBudget)
        {
            if (budget < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(budget));
            }

            Budget = budget;
        }

        public int Budget { get; }

        public Table<KeptRequest> Requests { get; } = new Table<KeptRequest>();

        public Table<KeptCall> ToolCalls { get; } = new Table<KeptCall>();

        /// <summary>A seed per source, so that the same key in two sources is two keys.</summary>
        public static ulong SeedOf(string source) => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(source.AsSpan()));

        /// <summary>One table's keys: those held, and filters of those forgotten.</summary>
        internal sealed class Table<T>
            where T : struct
        {
            private readonly List<BloomFilter> _forgotten = new List<BloomFilter>();
            private bool _sized;

            public Dictionary<KeyHash, T> Held { get; private set; } = new Dictionary<KeyHash, T>();

            /// <summary>For a key not held: whether an earlier copy of it may have been forgotten (rarely wrongly yes, never wrongly no).</summary>
            public bool MayHaveForgotten(KeyHash key)
            {
                foreach (BloomFilter filter in _forgotten)
                {
                    if (filter.MayContain(key))
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>Adds a key not held, first forgetting the held ones if there are <paramref name="budget"/> of them.</summary>
            public void Add(KeyHash key, T value, int budget)
            {
                if (Held.Count >= budget)
                {
                    var filter = new BloomFilter(Held.Count);
                    foreach (KeyHash held in Held.Keys)
                    {
                        filter.Add(held);
                    }

                    _forgotten.Add(filter);
                    // Emptied in place: it was sized to the budget (below), and a new one would leave the old
                    // arrays on the large-object heap until the next full collection, a peak of both at once.
                    Held.Clear();
                }
                else if (!_sized && Held.Count >= budget / 8)
                {
                    // Sized to the budget once, while what it replaces is still small: growing by doubling, it
                    // would pass the budget (175,000 keys had 324,449 entries' room) and leave each old array behind.
                    var sized = new Dictionary<KeyHash, T>(budget);
                    foreach (KeyValuePair<KeyHash, T> pair in Held)
                    {
                        sized.Add(pair.Key, pair.Value);
                    }

                    Held = sized;
                    _sized = true;
                }

                Held.Add(key, value);
            }
        }

        /// <summary>A fixed Bloom filter over 128-bit key hashes: 10 bits and 7 probes a key, about 1 % false positives.</summary>
        private sealed class BloomFilter
        {
            private const int BitsPerKey = 10;
            private const int Probes = 7;
            private readonly ulong[] _bits;
            private readonly ulong _size;

            public BloomFilter(int keys)
            {
                _size = (ulong)Math.Max(64, keys * BitsPerKey);
                _bits = new ulong[(_size + 63) / 64];
            }

            public void Add(KeyHash key)
            {
                // Double hashing: the two halves of the hash are independent enough to stand for k hash functions.
                ulong h = key.Low;
                for (int i = 0; i < Probes; i++, h += key.High)
                {
                    ulong bit = h % _size;
                    _bits[bit >> 6] |= 1UL << (int)(bit & 63);
                }
            }

            public bool MayContain(KeyHash key)
            {
                ulong h = key.Low;
                for (int i = 0; i < Probes; i++, h += key.High)
                {
                    ulong bit = h % _size;
                    if ((_bits[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
                    {
                        return false;
                    }
                }

                return true;
            }
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

            public static KeyHash Of(string key, ulong seed)
            {
                Span<byte> hash = stackalloc byte[16];
                XxHash128.Hash(MemoryMarshal.AsBytes(key.AsSpan()), hash, (long)seed);
                return new KeyHash(MemoryMarshal.Read<ulong>(hash), MemoryMarshal.Read<ulong>(hash.Slice(8)));
            }

            public ulong Low => _low;

            public ulong High => _high | 1; // odd, so that the probes of a filter never repeat a step of zero

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
            // Nullable longs would take 16 bytes each; a full table holds 175,000 of these.
            private const long None = long.MinValue;
            private const byte CallSeenFlag = 1;
            private const byte HasResultFlag = 2;
            private const byte IsErrorFlag = 4;

            private readonly long _resultTs;
            private readonly long _durationMs;
            private readonly byte _flags;

            private KeptCall(long rowId, bool callSeen, bool hasResult, long? resultTs, bool isError, long? durationMs)
            {
                RowId = rowId;
                _resultTs = resultTs ?? None;
                _durationMs = durationMs ?? None;
                _flags = (byte)((callSeen ? CallSeenFlag : 0) | (hasResult ? HasResultFlag : 0) | (isError ? IsErrorFlag : 0));
            }

            public long RowId { get; }

            public bool CallSeen => (_flags & CallSeenFlag) != 0;

            public bool HasResult => (_flags & HasResultFlag) != 0;

            public long? ResultTs => _resultTs == None ? null : _resultTs;

            public bool IsError => (_flags & IsErrorFlag) != 0;

            public long? DurationMs => _durationMs == None ? null : _durationMs;

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
