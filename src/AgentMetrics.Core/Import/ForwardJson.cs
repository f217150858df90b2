using System;
using System.Text.Json;

namespace AgentMetrics.Import
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
                return reader.GetString();
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

        /// <summary>After the root object's properties: true when it closed and nothing but whitespace follows.</summary>
        public static bool ClosedCleanly(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.EndObject && !reader.Read();
    }

    /// <summary>The last value of one field on one thread, with its UTF-8 bytes as read (see <see cref="ForwardJson.NextString(ref Utf8JsonReader, RepeatedString)"/>).</summary>
    internal sealed class RepeatedString
    {
        private byte[] _utf8 = Array.Empty<byte>();
        private string? _value;

        public string Get(ref Utf8JsonReader reader)
        {
            if (reader.ValueIsEscaped || reader.HasValueSequence)
            {
                return reader.GetString()!;
            }

            ReadOnlySpan<byte> raw = reader.ValueSpan;
            if (_value is not null && raw.SequenceEqual(_utf8))
            {
                return _value;
            }

            // GetString checks the bytes are UTF-8; bytes equal to ones it accepted need no second check.
            _value = reader.GetString()!;
            _utf8 = raw.ToArray();
            return _value;
        }
    }
}
