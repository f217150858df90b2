using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using AgentMetrics.Core.Tests.ScannerAgreement;
using AgentMetrics.Ingest;
using AgentMetrics.Records;
using AgentMetrics.Sources;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>
    /// <see cref="ForwardJson.SkipValue(ref Utf8JsonReader, System.ReadOnlySpan{byte})"/> steps over a long string value,
    /// and <see cref="ForwardJson.SkipValueStepping"/> over the long strings inside an object or array value, with
    /// vectorised searches instead of the reader's walk. On every rewriting of a line with long values, both must leave
    /// the reader reading the same tokens as its own skip, and fail where the reader fails.
    /// </summary>
    public sealed class ForwardJsonAgreementTests
    {
        public static IEnumerable<object[]> Bases()
        {
            string text = HostileLines.Quote(HostileLines.Awkward(8));
            yield return new object[] { "{\"a\":" + text + ",\"b\":{\"c\":" + text + ",\"d\":[" + text + ",1]},\"e\":\"short\",\"f\":" + text + "}" };
            // A long string that ends in an escaped backslash, and one holding escaped quotes near its end.
            yield return new object[] { "{\"a\":\"" + new string('x', 300) + "\\\\\",\"b\":\"" + new string('y', 300) + "\\\"in\\\\\\\"\",\"c\":null}" };
        }

        [Theory]
        [MemberData(nameof(Bases))]
        public void SteppingOverReadsWhatTheReadersOwnSkipReads(string json)
        {
            foreach (var (name, line) in HostileLines.Of(json))
            {
                AssertSame(name, line);
            }
        }

        [Fact]
        public void SteppingOverSeveralMegabytesReadsWhatTheReadersOwnSkipReads()
        {
            string huge = HostileLines.Quote(HostileLines.Huge(4));
            string json = "{\"a\":" + huge + ",\"b\":{\"c\":" + huge + "},\"d\":1}";
            foreach (var (name, line) in HostileLines.Of(json, huge: true))
            {
                AssertSame("huge, " + name, line);
            }
        }

        private static void AssertSame(string name, byte[] line)
        {
            string walked = Tokens(line, Skip.Reader);
            Assert.True(walked == Tokens(line, Skip.String), name + ": SkipValue");
            Assert.True(walked == Tokens(line, Skip.Stepping), name + ": SkipValueStepping");
        }

        private enum Skip
        {
            Reader,
            String,
            Stepping,
        }

        /// <summary>The tokens read at every depth with each property value skipped one way, or the failure.</summary>
        private static string Tokens(byte[] line, Skip skip)
        {
            var reader = new Utf8JsonReader(line);
            var seen = new StringBuilder();
            try
            {
                while (reader.Read())
                {
                    seen.Append(reader.TokenType).Append(' ');
                    if (reader.TokenType == JsonTokenType.PropertyName)
                    {
                        seen.Append(Json.Text(ref reader)).Append(' ');
                        // Skip every other value; read into the others, so that skips happen at every depth.
                        if (reader.CurrentDepth % 2 == 1 || reader.ValueTextEquals("c"u8))
                        {
                            switch (skip)
                            {
                                case Skip.Reader:
                                    ForwardJson.SkipValue(ref reader);
                                    break;
                                case Skip.String:
                                    ForwardJson.SkipValue(ref reader, line);
                                    break;
                                default:
                                    ForwardJson.SkipValueStepping(ref reader, line);
                                    break;
                            }
                        }
                    }
                }

                return seen.ToString();
            }
            catch (JsonException)
            {
                return "failed";
            }
        }
    }
}
