using System;
using System.Globalization;
using System.Text.Json;

namespace AgentMetrics.Sources
{
    /// <summary>Liberal readers over JsonElement: JSON null, a missing key or a wrong type all mean "absent".</summary>
    internal static class Json
    {
        public static bool TryGet(this JsonElement element, string name, out JsonElement value)
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
            {
                return true;
            }

            value = default;
            return false;
        }

        public static JsonElement? Obj(this JsonElement element, string name) =>
            element.TryGet(name, out JsonElement value) && value.ValueKind == JsonValueKind.Object ? value : (JsonElement?)null;

        public static string? Str(this JsonElement element, string name) =>
            element.TryGet(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? Text(value) : null;

        /// <summary>
        /// A string value's text, or null when it is not Unicode (an escaped lone surrogate, as JavaScript writes a
        /// string cut inside a pair; bytes that are not UTF-8): absent, like a value of the wrong type, rather than a
        /// failure of the whole import (docs/formats.md#c3-read-liberally).
        /// </summary>
        public static string? Text(JsonElement value)
        {
            try
            {
                return value.GetString();
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        /// <summary>As <see cref="Text(JsonElement)"/>, for the string token at a forward-only reader.</summary>
        public static string? Text(ref Utf8JsonReader reader)
        {
            try
            {
                return reader.GetString();
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        /// <summary>
        /// The value at the reader (its token already read) as <see cref="LongOrNull"/> reads it from a document: a whole
        /// number, a finite real rounded, or a string holding a whole number; anything else is null (and skipped).
        /// </summary>
        public static long? CurrentLong(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    if (reader.TryGetInt64(out long whole))
                    {
                        return whole;
                    }

                    return reader.TryGetDouble(out double real) ? (long)Math.Round(real) : (long?)null;
                case JsonTokenType.String:
                    return long.TryParse(Text(ref reader), NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) ? parsed : (long?)null;
                default:
                    reader.Skip();
                    return null;
            }
        }

        public static long Long(this JsonElement element, string name) => element.LongOrNull(name) ?? 0;

        public static long? LongOrNull(this JsonElement element, string name)
        {
            if (!element.TryGet(name, out JsonElement value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number)
            {
                if (value.TryGetInt64(out long whole))
                {
                    return whole;
                }

                return value.TryGetDouble(out double real) ? (long)Math.Round(real) : (long?)null;
            }

            return value.ValueKind == JsonValueKind.String && long.TryParse(Text(value), NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) ? parsed : (long?)null;
        }

        public static double? Double(this JsonElement element, string name) =>
            element.TryGet(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double real) ? real : (double?)null;

        public static bool? Bool(this JsonElement element, string name) =>
            element.TryGet(name, out JsonElement value) && (value.ValueKind == JsonValueKind.True || value.ValueKind == JsonValueKind.False) ? value.GetBoolean() : (bool?)null;

        /// <summary>An ISO-8601 timestamp (or Unix milliseconds) as Unix milliseconds UTC.</summary>
        public static long? Timestamp(this JsonElement element, string name)
        {
            if (!element.TryGet(name, out JsonElement value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long ms))
            {
                return ms;
            }

            return value.ValueKind == JsonValueKind.String ? ParseTimestamp(Text(value)) : null;
        }

        public static long? ParseTimestamp(string? text) => text is null ? null : ParseTimestamp(text.AsSpan());

        /// <summary>
        /// As <see cref="ParseTimestamp(string)"/>. The agents write UTC as yyyy-MM-ddTHH:mm:ss[.fffffff]Z on every
        /// line: that form is read digit by digit (the general parser was a few percent of an import); anything
        /// else - offsets, other layouts, out-of-range fields - goes to DateTimeOffset.TryParse, as before.
        /// </summary>
        public static long? ParseTimestamp(ReadOnlySpan<char> text)
        {
            if (TryParseUtc(text, out long ticks))
            {
                return Util.TimeUtil.ToUnixMs(new DateTimeOffset(ticks, TimeSpan.Zero));
            }

            return DateTimeOffset.TryParse(text.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed)
                ? Util.TimeUtil.ToUnixMs(parsed)
                : (long?)null;
        }

        /// <summary>The property's value as a timestamp (see <see cref="ParseTimestamp(ReadOnlySpan{char})"/>), without making a string of it.</summary>
        public static long? NextTimestamp(ref Utf8JsonReader reader)
        {
            reader.Read();
            return CurrentTimestamp(ref reader);
        }

        /// <summary>The value at the reader as a timestamp (its token already read); a container is skipped.</summary>
        public static long? CurrentTimestamp(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                // Unix milliseconds, as the document path's Timestamp reads them.
                return reader.TryGetInt64(out long ms) ? ms : (long?)null;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                reader.Skip();
                return null;
            }

            ReadOnlySpan<byte> raw = reader.ValueSpan;
            if (!reader.ValueIsEscaped && !reader.HasValueSequence && raw.Length <= 40)
            {
                Span<char> text = stackalloc char[raw.Length];
                bool ascii = true;
                for (int i = 0; i < raw.Length; i++)
                {
                    ascii &= raw[i] < 0x80;
                    text[i] = (char)raw[i];
                }

                if (ascii)
                {
                    return ParseTimestamp(text);
                }
            }

            return ParseTimestamp(Text(ref reader));
        }

        private static bool TryParseUtc(ReadOnlySpan<char> s, out long ticks)
        {
            ticks = 0;
            if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[s.Length - 1] != 'Z')
            {
                return false;
            }

            int year = Digits(s, 0, 4), month = Digits(s, 5, 2), day = Digits(s, 8, 2);
            int hour = Digits(s, 11, 2), minute = Digits(s, 14, 2), second = Digits(s, 17, 2);
            if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59)
            {
                return false;
            }

            long fraction = 0;
            if (s.Length > 20)
            {
                // Up to seven digits are ticks exactly; longer fractions are rounded by the general parser.
                int count = s.Length - 21;
                if (s[19] != '.' || count < 1 || count > 7 || (fraction = Digits(s, 20, count)) < 0)
                {
                    return false;
                }

                for (int i = count; i < 7; i++)
                {
                    fraction *= 10;
                }
            }

            ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fraction;
            return true;
        }

        /// <summary>The decimal number in s[start..start+count), or -1 if any of it is not a digit.</summary>
        private static int Digits(ReadOnlySpan<char> s, int start, int count)
        {
            int value = 0;
            for (int i = start; i < start + count; i++)
            {
                int digit = s[i] - '0';
                if (digit < 0 || digit > 9)
                {
                    return -1;
                }

                value = (value * 10) + digit;
            }

            return value;
        }
    }
}
