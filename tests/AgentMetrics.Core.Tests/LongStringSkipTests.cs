using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AgentMetrics.Records;
using AgentMetrics.Sources;
using AgentMetrics.Sources.Claude;
using AgentMetrics.Sources.Codex;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>
    /// The scanners step over long string values (tool outputs, text and thinking blocks) instead of letting the
    /// reader walk them. Stepping over must read the rest of the line exactly as the reader would, and reject
    /// exactly what the reader rejects.
    /// </summary>
    public sealed class LongStringSkipTests
    {
        // Long enough to be stepped over; line breaks, escaped quotes and backslashes, \u escapes and
        // multi-byte characters throughout, as in a tool's output.
        private static readonly string LongText = string.Concat(Enumerable.Range(0, 40).Select(i =>
            $"line {i}: \"quoted\" C:\\path\\{i} tab\t é ü 中文 🚀 \u0001 end\n"));

        // Characters beyond ASCII stay as their UTF-8 bytes, as agents write them.
        private static readonly JsonSerializerOptions AsAgentsWrite = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        private static string Quote(string text) => JsonSerializer.Serialize(text, AsAgentsWrite);

        public static IEnumerable<object[]> WellFormedLines()
        {
            string longValue = Quote(LongText);
            yield return new object[] { "{\"a\":" + longValue + ",\"b\":1}" };
            yield return new object[] { "{ \"a\" :  " + longValue + " , \"b\" : [1, {\"c\": true}] }" };
            // A string ending in an escaped backslash, then an escaped quote: only the real quote closes it.
            yield return new object[] { "{\"a\":\"" + new string('x', 300) + "\\\\\",\"b\":\"after\"}" };
            yield return new object[] { "{\"a\":\"" + new string('x', 300) + "\\\"still inside\\\\\\\"\",\"b\":null}" };
            // Escaped property names, a long value last in its object, nesting around it.
            yield return new object[] { "{\"\\u0061\":{\"x\":" + longValue + "},\"list\":[" + longValue + "],\"z\":" + longValue + "}" };
            // Not strings, or short ones: the reader's own skip.
            yield return new object[] { "{\"a\":\"short\",\"b\":{\"c\":" + longValue + "},\"d\":12.5}" };
        }

        [Theory]
        [MemberData(nameof(WellFormedLines))]
        public void SteppingOverLeavesTheReaderWhereItsOwnSkipWould(string json)
        {
            byte[] line = Encoding.UTF8.GetBytes(json);
            Assert.Equal(Tokens(line, stepOver: false), Tokens(line, stepOver: true));
        }

        public static IEnumerable<object[]> BrokenLines()
        {
            string body = new string('x', 300);
            yield return new object[] { "raw control character", "{\"a\":\"" + body + "\tx\",\"b\":1}" };
            yield return new object[] { "invalid escape", "{\"a\":\"" + body + "\\x\",\"b\":1}" };
            yield return new object[] { "short \\u escape", "{\"a\":\"" + body + "\\u12\",\"b\":1}" };
            yield return new object[] { "unterminated", "{\"a\":\"" + body };
            yield return new object[] { "nothing after it", "{\"a\":\"" + body + "\"" };
        }

        [Theory]
        [MemberData(nameof(BrokenLines))]
        public void WhatTheReaderRejectsIsRejected(string what, string json)
        {
            byte[] line = Encoding.UTF8.GetBytes(json);
            Assert.True(Throws(line, stepOver: false), what + ": the reader itself accepts it");
            Assert.True(Throws(line, stepOver: true), what);
        }

        [Fact]
        public void BytesThatAreNotUtf8AreLeftToGetStringAsTheReaderLeavesThem()
        {
            byte[] line = Encoding.UTF8.GetBytes("{\"a\":\"" + new string('x', 300) + "\\n#\",\"b\":1}");
            line[Array.IndexOf(line, (byte)'#')] = 0xFF;
            Assert.False(Throws(line, stepOver: false));
            Assert.False(Throws(line, stepOver: true));
        }

        /// <summary>Reads the line's tokens, skipping every property value either way, and lists what was read.</summary>
        private static List<string> Tokens(byte[] line, bool stepOver)
        {
            var reader = new Utf8JsonReader(line);
            var seen = new List<string>();
            while (reader.Read())
            {
                seen.Add(reader.TokenType + ":" + (reader.TokenType is JsonTokenType.PropertyName or JsonTokenType.String ? reader.GetString() : ""));
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    if (stepOver)
                    {
                        ForwardJson.SkipValue(ref reader, line);
                    }
                    else
                    {
                        ForwardJson.SkipValue(ref reader);
                    }
                }
            }

            return seen;
        }

        private static bool Throws(byte[] line, bool stepOver)
        {
            try
            {
                Tokens(line, stepOver);
                return false;
            }
            catch (JsonException)
            {
                return true;
            }
        }

        private const string UserEnvelope = "{\"parentUuid\":\"p\",\"isSidechain\":false,\"userType\":\"external\",\"cwd\":\"/home/dev/app\",\"sessionId\":\"s-1\",\"version\":\"2.1.18\",\"gitBranch\":\"main\",\"type\":\"user\",";

        public static IEnumerable<object[]> ClaudeLines()
        {
            string longValue = Quote(LongText);
            // Tool results with long outputs, an error among them, then the tool's own copy.
            yield return new object[] { UserEnvelope + "\"message\":{\"role\":\"user\",\"content\":[{\"tool_use_id\":\"toolu_1\",\"type\":\"tool_result\",\"content\":" + longValue +
                ",\"is_error\":false},{\"type\":\"tool_result\",\"content\":" + longValue + ",\"is_error\":true,\"tool_use_id\":\"toolu_2\"}]},\"uuid\":\"u\",\"timestamp\":\"2026-11-05T10:00:00.000Z\",\"toolUseResult\":{\"stdout\":" + longValue + "}}" };
            // An assistant line whose text and thinking come before its tool use and usage.
            yield return new object[] { "{\"parentUuid\":\"p\",\"isSidechain\":false,\"cwd\":\"/home/dev/app\",\"sessionId\":\"s-1\",\"version\":\"2.1.18\",\"gitBranch\":\"main\",\"type\":\"assistant\"," +
                "\"message\":{\"model\":\"claude-sonnet-4-5-20250929\",\"id\":\"msg_1\",\"content\":[{\"type\":\"thinking\",\"thinking\":" + longValue + ",\"signature\":" + Quote(new string('S', 400)) +
                "},{\"type\":\"text\",\"text\":" + longValue + "},{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"Bash\",\"input\":{\"command\":" + longValue + "}}]," +
                "\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":10,\"cache_read_input_tokens\":20,\"output_tokens\":30}},\"requestId\":\"req_1\",\"uuid\":\"a\",\"timestamp\":\"2026-11-05T10:00:01.000Z\"}" };
        }

        [Theory]
        [MemberData(nameof(ClaudeLines))]
        public void AClaudeLineWithLongValuesGivesWhatTheDocumentPathGives(string json)
        {
            AssertSamePaths(Encoding.UTF8.GetBytes(json));

            // Broken inside a long value (a raw control character, bytes that are not UTF-8) or torn anywhere:
            // malformed on both paths, nothing counted.
            int inside = json.IndexOf("line 3:", StringComparison.Ordinal);
            AssertSamePaths(Encoding.UTF8.GetBytes(json.Substring(0, inside) + "\u0002" + json.Substring(inside)));
            byte[] notUtf8 = Encoding.UTF8.GetBytes(json);
            notUtf8[Encoding.UTF8.GetByteCount(json.Substring(0, inside))] = 0xC3;
            AssertSamePaths(notUtf8);
            for (int cut = 1; cut < json.Length; cut += 97)
            {
                AssertSamePaths(Encoding.UTF8.GetBytes(json.Substring(0, cut)));
            }
        }

        private static void AssertSamePaths(byte[] bytes)
        {
            var reader = new ClaudeReader();
            var line = new RawLine(bytes, 3, bytes.Length + 1, hasNewline: true);
            var file = new DiscoveredFile("/history/s-1.jsonl", AgentSource.Claude, _ => new Dictionary<string, string>());
            long firstTs = Json.ParseTimestamp("2026-11-05T09:00:00.000Z")!.Value;

            var scanned = new ImportBatch();
            LineOutcome scannedOutcome = reader.ParseLine(line, new FileContext(file, firstTs, null), scanned);
            var parsed = new ImportBatch();
            LineOutcome parsedOutcome = reader.ParseFully(line, new FileContext(file, firstTs, null), parsed);

            Assert.Equal(parsedOutcome, scannedOutcome);
            Assert.Equal(Describe(parsed), Describe(scanned));
        }

        private static List<string> Describe(ImportBatch batch) =>
            batch.Requests.Select(r => string.Join("|", r.DedupKey, r.SessionId, r.Ts, r.Model, r.Input, r.Output, r.CacheWrite5m, r.CacheWrite1h, r.CacheRead))
                .Concat(batch.ToolCalls.Select(c => string.Join("|", "call", c.CallId, c.RequestKey, c.Name, c.Ts)))
                .Concat(batch.ToolResults.Select(t => string.Join("|", "result", t.CallId, t.Ts, t.IsError)))
                .ToList();

        [Theory]
        [InlineData(0, false)]
        [InlineData(2, true)]
        public void ACodexCommandsLongOutputDoesNotHideItsExitCode(int exitCode, bool failed)
        {
            string inner = JsonSerializer.Serialize(new { output = LongText, metadata = new { exit_code = exitCode, duration_seconds = 0.5 } }, AsAgentsWrite);
            string line = "{\"timestamp\":\"2026-11-21T10:00:05.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call_output\",\"call_id\":\"call_7\",\"output\":" +
                          Quote(inner) + ",\"extra\":" + Quote(LongText) + "}}";
            Assert.True(ToolOutputScanner.TryRead(Encoding.UTF8.GetBytes(line), out ToolOutput output));
            Assert.Equal("call_7", output.CallId);
            Assert.Equal(failed, output.IsError);
        }
    }
}
