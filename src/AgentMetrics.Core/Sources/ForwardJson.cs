using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace AgentMetrics.Sources
{
    /// <summary>The steps the forward-only line scanners share, on a reader positioned at a property name.</summary>
    internal static class ForwardJson
    {
        /// <summary>Reads the property's value: its text if it is a string, otherwise null (and the value is skipped).</summary>
        public static string? NextString(ref Utf8JsonReader reader)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                return Json.Text(ref reader);
            }

            reader.Skip();
            return null;
        }

        /// <summary>
        /// Like <see cref="NextString"/> for a field that most lines repeat (a session, folder, branch, version,
        /// model): the same bytes as the last time give the same string back instead of a new one. Hundreds of
        /// thousands of lines carry the same few values; a new string each was most of the parsers' garbage.
        /// </summary>
        public static string? NextString(ref Utf8JsonReader reader, RepeatedString repeated)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                return repeated.Get(ref reader);
            }

            reader.Skip();
            return null;
        }

        /// <summary>Skips the property's value, however large.</summary>
        public static void SkipValue(ref Utf8JsonReader reader)
        {
            reader.Read();
            reader.Skip();
        }

        /// <summary>
        /// Skips the property's value like <see cref="SkipValue(ref Utf8JsonReader)"/>, stepping over a long string
        /// value (a tool's output, a text or thinking block) with vectorised searches. Once a string holds an
        /// escape, the reader checks the rest of it a byte at a time, and these strings hold a line break every
        /// few dozen bytes: that walk was the largest single cost of a first import. The bytes get the reader's
        /// checks (escapes, no raw control characters) and fail with the same exception; the reader then
        /// continues from just after the string. <paramref name="line"/> is the whole buffer the reader reads.
        /// </summary>
        public static void SkipValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> line)
        {
            if (!TryStepOverLongString(ref reader, line))
            {
                SkipValue(ref reader);
            }
        }

        /// <summary>
        /// Skips the property's value like <see cref="SkipValue(ref Utf8JsonReader, ReadOnlySpan{byte})"/>, and inside an
        /// object or array value steps over every long string that is a property's value, at any depth: the reader
        /// checks the rest of the value as its own skip would, without walking those strings a byte at a time.
        /// </summary>
        public static void SkipValueStepping(ref Utf8JsonReader reader, ReadOnlySpan<byte> line)
        {
            int depth = reader.CurrentDepth;
            if (TryStepOverLongString(ref reader, line) || !reader.Read() || (reader.TokenType != JsonTokenType.StartObject && reader.TokenType != JsonTokenType.StartArray))
            {
                return;
            }

            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    TryStepOverLongString(ref reader, line);
                }
                else if ((reader.TokenType == JsonTokenType.EndObject || reader.TokenType == JsonTokenType.EndArray) && reader.CurrentDepth == depth)
                {
                    return;
                }
            }
        }

        /// <summary>True when the property's value is a long string and the reader now stands after it; else nothing is read.</summary>
        private static bool TryStepOverLongString(ref Utf8JsonReader reader, ReadOnlySpan<byte> line)
        {
            int open = reader.HasValueSequence ? -1 : ValueStartAfterName(ref reader, line);
            int close = open < 0 || line[open] != (byte)'"' ? -1 : ClosingQuote(line, open);
            if (close - open < LongString)
            {
                return false;
            }

            // The reader's other check on a string's bytes (UTF-8 it leaves to GetString, and nothing here reads these).
            if (HasControlCharacter(line.Slice(open + 1, close - open - 1)))
            {
                throw new JsonException("A control character in a string.");
            }

            // The reader cannot be moved, but its state can go on in another: an empty string takes the skipped
            // one's place (the state after a property name expects a value), then the rest of the line follows.
            var placeholder = new Utf8JsonReader("\"\""u8, isFinalBlock: false, reader.CurrentState);
            placeholder.Read();
            reader = new Utf8JsonReader(line.Slice(close + 1), isFinalBlock: true, placeholder.CurrentState);
            return true;
        }

        /// <summary>
        /// Shorter strings are left to the reader: stepping over one starts two more readers, worth it only where the
        /// walk is long (the strings that cost are kilobytes; 256 was not tuned further).
        /// </summary>
        internal const int LongString = 256;

        /// <summary>Where the value of the property name at the reader starts in <paramref name="line"/>, or -1.</summary>
        private static int ValueStartAfterName(ref Utf8JsonReader reader, ReadOnlySpan<byte> line)
        {
            ReadOnlySpan<byte> name = reader.ValueSpan;
            long offset = (long)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(line), ref MemoryMarshal.GetReference(name));
            if (offset < 0 || offset + name.Length >= line.Length)
            {
                return -1;
            }

            // The name's closing quote, then the separator the reader has consumed with the name.
            int at = (int)offset + name.Length + 1;
            at = SkipWhitespace(line, at);
            if (at >= line.Length || line[at] != (byte)':')
            {
                return -1;
            }

            at = SkipWhitespace(line, at + 1);
            return at < line.Length ? at : -1;
        }

        private static int SkipWhitespace(ReadOnlySpan<byte> line, int at)
        {
            while (at < line.Length && (line[at] == (byte)' ' || line[at] == (byte)'\t' || line[at] == (byte)'\r' || line[at] == (byte)'\n'))
            {
                at++;
            }

            return at;
        }

        /// <summary>
        /// The index of the quote that closes the string opened at <paramref name="open"/>, or -1 if none does;
        /// throws as the reader would on an invalid escape.
        /// </summary>
        internal static int ClosingQuote(ReadOnlySpan<byte> line, int open)
        {
            int at = open + 1;
            while (at < line.Length)
            {
                int found = line.Slice(at).IndexOfAny((byte)'"', (byte)'\\');
                if (found < 0)
                {
                    return -1;
                }

                at += found;
                if (line[at] == (byte)'"')
                {
                    return at;
                }

                // An escape: the byte after the backslash is part of it, so a quote there does not close the string.
                if (!IsValidEscape(line, at))
                {
                    throw new JsonException($"Invalid escape in a string at byte {at}.");
                }

                at += 2;
            }

            return -1;
        }

        private static bool IsValidEscape(ReadOnlySpan<byte> line, int backslash)
        {
            // \uXXXX's digits are checked here; whether escaped surrogates pair up the reader leaves to GetString.
            if (backslash + 1 >= line.Length)
            {
                return false;
            }

            switch (line[backslash + 1])
            {
                case (byte)'"': case (byte)'\\': case (byte)'/': case (byte)'b': case (byte)'f': case (byte)'n': case (byte)'r': case (byte)'t':
                    return true;
                case (byte)'u':
                    if (backslash + 5 >= line.Length)
                    {
                        return false;
                    }

                    for (int i = backslash + 2; i < backslash + 6; i++)
                    {
                        if (!IsHexDigit(line[i]))
                        {
                            return false;
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }

        private static bool IsHexDigit(byte b) => (b >= (byte)'0' && b <= (byte)'9') || ((b | 0x20) >= (byte)'a' && (b | 0x20) <= (byte)'f');

        private static bool HasControlCharacter(ReadOnlySpan<byte> content)
        {
            int at = 0;
            if (Vector.IsHardwareAccelerated && content.Length >= Vector<byte>.Count)
            {
                var space = new Vector<byte>((byte)' ');
                ReadOnlySpan<Vector<byte>> blocks = MemoryMarshal.Cast<byte, Vector<byte>>(content);
                foreach (Vector<byte> block in blocks)
                {
                    if (Vector.LessThanAny(block, space))
                    {
                        return true;
                    }
                }

                at = blocks.Length * Vector<byte>.Count;
            }

            for (; at < content.Length; at++)
            {
                if (content[at] < (byte)' ')
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>After the root object's properties: true when it closed and nothing but whitespace follows.</summary>
        public static bool ClosedCleanly(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.EndObject && !reader.Read();
    }
}
