using System;
using System.Text.Json;

namespace AgentMetrics.Sources
{
    /// <summary>The last value of one field on one thread, with its UTF-8 bytes as read (see <see cref="ForwardJson.NextString(ref Utf8JsonReader, RepeatedString)"/>).</summary>
    internal sealed class RepeatedString
    {
        private byte[] _utf8 = Array.Empty<byte>();
        private string? _value;

        /// <summary>The string at the reader, or null when it is not Unicode (see <see cref="Json.Text(ref Utf8JsonReader)"/>).</summary>
        public string? Get(ref Utf8JsonReader reader)
        {
            if (reader.ValueIsEscaped || reader.HasValueSequence)
            {
                return Json.Text(ref reader);
            }

            ReadOnlySpan<byte> raw = reader.ValueSpan;
            if (_value is not null && raw.SequenceEqual(_utf8))
            {
                return _value;
            }

            // GetString checks the bytes are UTF-8; bytes equal to ones it accepted need no second check.
            string? text = Json.Text(ref reader);
            if (text is null)
            {
                return null;
            }

            _value = text;
            _utf8 = raw.ToArray();
            return _value;
        }
    }
}
