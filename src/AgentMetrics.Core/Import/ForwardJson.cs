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

        /// <summary>Skips the property's value, however large.</summary>
        public static void SkipValue(ref Utf8JsonReader reader)
        {
            reader.Read();
            reader.Skip();
        }

        /// <summary>After the root object's properties: true when it closed and nothing but whitespace follows.</summary>
        public static bool ClosedCleanly(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.EndObject && !reader.Read();
    }
}
