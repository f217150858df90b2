using System;
using System.Text.Json;

namespace AgentMetrics.Sources
{
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
