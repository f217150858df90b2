using System.Text;
using System.Text.Json;
using Xunit;
using AgentMetrics.Sources;

namespace AgentMetrics.Core.Tests
{
    /// <summary>A field most lines repeat is read into one string while its bytes stay the same, and read right whatever they are.</summary>
    public sealed class RepeatedStringTests
    {
        private static string? Read(string json, RepeatedString repeated)
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            reader.Read(); // {
            reader.Read(); // the property name
            return ForwardJson.NextString(ref reader, repeated);
        }

        [Fact]
        public void TheSameBytesGiveTheSameStringAndOtherBytesTheirOwn()
        {
            var repeated = new RepeatedString();
            string? first = Read("{\"cwd\":\"/home/me/app\"}", repeated);
            string? again = Read("{\"cwd\":\"/home/me/app\"}", repeated);
            Assert.Equal("/home/me/app", first);
            Assert.Same(first, again);

            Assert.Equal("/home/me/other", Read("{\"cwd\":\"/home/me/other\"}", repeated));
            Assert.Equal("/home/me/app", Read("{\"cwd\":\"/home/me/app\"}", repeated));
        }

        [Fact]
        public void EscapedAndNonStringValuesAreReadAsTheyAre()
        {
            var repeated = new RepeatedString();
            Assert.Equal("/home/me/app", Read("{\"cwd\":\"/home/me/app\"}", repeated));
            // Escaped bytes differ from the text they stand for: never compared raw.
            Assert.Equal("/home/me/café \"x\"", Read("{\"cwd\":\"/home/me/caf\\u00e9 \\\"x\\\"\"}", repeated));
            Assert.Equal("/home/me/app", Read("{\"cwd\":\"/home/me/app\"}", repeated));
            Assert.Null(Read("{\"cwd\":null}", repeated));
            Assert.Null(Read("{\"cwd\":{\"nested\":1}}", repeated));
        }
    }
}
