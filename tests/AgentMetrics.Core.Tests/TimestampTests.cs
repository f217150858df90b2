using System;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit;
using AgentMetrics.Sources;

namespace AgentMetrics.Core.Tests
{
    /// <summary>The digit-by-digit reading of agents' UTC timestamps gives what the general parser gives, for every input.</summary>
    public sealed class TimestampTests
    {
        private static long? General(string text) =>
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed)
                ? (long)(parsed.UtcDateTime - DateTimeOffset.FromUnixTimeMilliseconds(0).UtcDateTime).TotalMilliseconds
                : (long?)null;

        [Theory]
        [InlineData("2026-11-20T10:15:30.123Z")]
        [InlineData("2026-11-20T10:15:30Z")]
        [InlineData("2026-11-20T10:15:30.1Z")]
        [InlineData("2026-11-20T10:15:30.1239999Z")]
        [InlineData("2026-11-20T10:15:30.12399999Z")]
        [InlineData("2024-02-29T23:59:59.999Z")]
        [InlineData("2026-02-29T00:00:00Z")]
        [InlineData("2026-13-01T00:00:00Z")]
        [InlineData("2026-11-20T24:00:00Z")]
        [InlineData("2026-11-20T10:15:60Z")]
        [InlineData("2026-11-20T10:15:30+02:00")]
        [InlineData("2026-11-20T10:15:30.5-07:30")]
        [InlineData("2026-11-20 10:15:30Z")]
        [InlineData("2026-11-20T10:15:30")]
        [InlineData("2026-11-20T10:15:30.Z")]
        [InlineData("2026-11-2xT10:15:30Z")]
        [InlineData("1969-12-31T23:59:59.999Z")]
        [InlineData("not a time")]
        [InlineData("")]
        public void AgreesWithTheGeneralParser(string text)
        {
            Assert.Equal(General(text), Json.ParseTimestamp(text));

            // From a JSON line, as the scanners read it, plain and escaped.
            foreach (string json in new[] { JsonSerializer.Serialize(new { timestamp = text }), "{\"timestamp\":\"" + EscapeAll(text) + "\"}" })
            {
                var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
                reader.Read();
                reader.Read();
                Assert.Equal(General(text), Json.NextTimestamp(ref reader));
            }
        }

        [Fact]
        public void ANonStringValueIsNoTimestampAndIsSkipped()
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes("{\"timestamp\":{\"a\":[1,2]},\"next\":1}"));
            reader.Read();
            reader.Read();
            Assert.Null(Json.NextTimestamp(ref reader));
            reader.Read();
            Assert.True(reader.ValueTextEquals("next"));
        }

        private static string EscapeAll(string text)
        {
            var escaped = new StringBuilder();
            foreach (char c in text)
            {
                escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }

            return escaped.ToString();
        }
    }
}
