using System;
using System.Globalization;
using System.Text.Json;

namespace AgentMetrics.Import
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
            element.TryGet(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

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

            return value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) ? parsed : (long?)null;
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

            return value.ValueKind == JsonValueKind.String ? ParseTimestamp(value.GetString()) : null;
        }

        public static long? ParseTimestamp(string? text)
        {
            if (text is null)
            {
                return null;
            }

            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed)
                ? Util.TimeUtil.ToUnixMs(parsed)
                : (long?)null;
        }
    }
}
