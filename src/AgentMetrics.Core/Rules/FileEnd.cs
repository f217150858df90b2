using System;
using System.Buffers;
using System.IO;
using System.Text.Json;
using AgentMetrics.Ingest;
using AgentMetrics.Records;
using AgentMetrics.Sources;

namespace AgentMetrics.Rules
{
    /// <summary>
    /// A file's end for <see cref="RequestPrecedence"/> (docs/formats.md#c6-session-of-a-copy): the top-level
    /// timestamp of its last complete line that has one. Found before the file is parsed, so that every copy read from
    /// it, in whatever chunk, is compared by the same end; read backwards from the end of the file, a block at a time,
    /// so that it costs one read of the file's tail.
    /// </summary>
    internal static class FileEnd
    {
        private const int Block = 64 * 1024;

        /// <summary>
        /// The last timestamp among the complete lines (ended by a newline) that lie wholly at or after
        /// <paramref name="from"/> (a line start); null when none has one. The stream's position is kept.
        /// </summary>
        public static long? LastTimestamp(Stream stream, long from)
        {
            long position = stream.Position;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(Block);
            try
            {
                // A last line without a newline may be torn (the agent is writing it): it is no line yet.
                long end = stream.Length;
                long lineEnd = PreviousNewline(stream, from, end, ref buffer);
                while (lineEnd >= from)
                {
                    long start = PreviousNewline(stream, from, lineEnd, ref buffer) + 1;
                    if (start < from)
                    {
                        start = from;
                    }

                    int length = (int)(lineEnd - start);
                    if (length > 0)
                    {
                        if (buffer.Length < length)
                        {
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = ArrayPool<byte>.Shared.Rent(length);
                        }

                        ReadAt(stream, start, buffer, length);
                        if (TopLevelTimestamp(new ReadOnlySpan<byte>(buffer, 0, length)) is long ts)
                        {
                            return ts;
                        }
                    }

                    lineEnd = start - 1;
                }

                return null;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                stream.Position = position;
            }
        }

        /// <summary>The top-level "timestamp" of one JSON line; null when it has none or is not a JSON object.</summary>
        internal static long? TopLevelTimestamp(ReadOnlySpan<byte> line)
        {
            if (line.StartsWith("\uFEFF"u8))
            {
                line = line.Slice(3);
            }

            if (line.IndexOf("\"timestamp\""u8) < 0)
            {
                return null;
            }

            try
            {
                var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return null;
                }

                long? ts = null;
                bool found = false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (!found && reader.ValueTextEquals("timestamp"u8))
                    {
                        ts = Json.NextTimestamp(ref reader);
                        found = true;
                        continue;
                    }

                    reader.Read();
                    reader.Skip();
                }

                // Read to the end: a line the import would skip as malformed has no timestamp either.
                while (reader.Read())
                {
                }

                return ts;
            }
            catch (JsonException)
            {
                // A malformed line has no timestamp; the one before it may.
            }

            return null;
        }

        /// <summary>The offset of the last newline before <paramref name="before"/> and at or after <paramref name="from"/>; from - 1 when there is none.</summary>
        private static long PreviousNewline(Stream stream, long from, long before, ref byte[] buffer)
        {
            long blockEnd = before;
            while (blockEnd > from)
            {
                long blockStart = Math.Max(from, blockEnd - Block);
                int length = (int)(blockEnd - blockStart);
                ReadAt(stream, blockStart, buffer, length);
                int newline = new ReadOnlySpan<byte>(buffer, 0, length).LastIndexOf((byte)'\n');
                if (newline >= 0)
                {
                    return blockStart + newline;
                }

                blockEnd = blockStart;
            }

            return from - 1;
        }

        private static void ReadAt(Stream stream, long offset, byte[] buffer, int length)
        {
            stream.Position = offset;
            int read = 0;
            while (read < length)
            {
                int n = stream.Read(buffer, read, length - read);
                if (n == 0)
                {
                    throw new EndOfStreamException();
                }

                read += n;
            }
        }
    }
}
