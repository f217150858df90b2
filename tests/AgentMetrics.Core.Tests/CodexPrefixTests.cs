using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using AgentMetrics.Records;
using AgentMetrics.Sources;
using AgentMetrics.Sources.Codex;
using AgentMetrics.Tests.Shared;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>
    /// Once a rollout's first timestamp is known, lines that cannot count are settled by a look at their
    /// first bytes or a search for the counting kinds' names. A line read that way must give what the full
    /// parse (taken while the first timestamp is unknown) gives: the same records, state and outcome.
    /// </summary>
    public sealed class CodexPrefixTests
    {
        public static IEnumerable<object[]> Crafted()
        {
            // Non-counting kinds whose text names counting ones: settled by the prefix now, as the parse would.
            yield return new object[] { "{\"timestamp\":\"2026-11-01T05:47:50.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"token_count and function_call\"}]}}" };
            yield return new object[] { "{\"timestamp\":\"2026-11-01T05:47:50.000Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"agent_message\",\"message\":\"see token_count\"}}" };
            yield return new object[] { "{\"timestamp\":\"2026-11-01T05:47:50.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"reasoning\",\"summary\":[]}}" };
            // Counting kinds must still be parsed.
            yield return new object[] { "{\"timestamp\":\"2026-11-01T05:47:51.000Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"total_token_usage\":{\"input_tokens\":100,\"cached_input_tokens\":20,\"output_tokens\":30,\"reasoning_output_tokens\":5,\"total_tokens\":130},\"last_token_usage\":{\"input_tokens\":100,\"cached_input_tokens\":20,\"output_tokens\":30,\"reasoning_output_tokens\":5,\"total_tokens\":130}}}}" };
            yield return new object[] { "{\"timestamp\":\"2026-11-01T05:47:52.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call\",\"name\":\"shell\",\"arguments\":\"{}\",\"call_id\":\"call_1\"}}" };
            // A torn non-counting line is malformed either way.
            yield return new object[] { "{\"timestamp\":\"2026-11-01T05:47:50.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_t" };
        }

        [Theory]
        [MemberData(nameof(Crafted))]
        public void ACraftedLineGivesWhatTheFullParseGives(string json) => AssertSameAsFullParse(json);

        [Fact]
        public void EveryRolloutLineOfTheFixtureGivesWhatTheFullParseGives()
        {
            var lines = Directory.GetFiles(Path.Combine(Fixtures.AgentHome, ".codex"), "*.jsonl", SearchOption.AllDirectories).SelectMany(File.ReadLines).ToList();
            Assert.True(lines.Count > 100);
            foreach (string json in lines)
            {
                AssertSameAsFullParse(json);
            }
        }

        private const string Meta = "{\"timestamp\":\"2026-11-01T05:47:49.873Z\",\"type\":\"session_meta\",\"payload\":{\"id\":\"s-1\",\"timestamp\":\"2026-11-01T05:47:49.873Z\",\"cwd\":\"/work/app\",\"cli_version\":\"0.46.0\"}}";

        private static void AssertSameAsFullParse(string json)
        {
            var reader = new CodexReader();
            var file = new DiscoveredFile("/history/rollout-2026-11-01T05-47-49-s-1.jsonl", AgentSource.Codex);
            string Run(bool firstTsKnown)
            {
                var context = new FileContext(file, null, null);
                var batch = new ImportBatch();
                reader.ParseLine(Line(Meta, 1), context, batch);
                if (!firstTsKnown)
                {
                    context.FirstTs = null; // the next line then takes the full parse
                }

                LineOutcome outcome = reader.ParseLine(Line(json, 2), context, batch);
                return string.Join("\n", new[] { outcome.ToString(), context.State ?? "" }
                    .Concat(batch.Requests.Select(r => string.Join("|", r.DedupKey, r.SessionId, r.Ts, r.Model, r.Input, r.Output, r.CacheRead, r.Reasoning)))
                    .Concat(batch.ToolCalls.Select(c => string.Join("|", c.CallId, c.Name, c.Ts, c.RequestKey)))
                    .Concat(batch.ToolResults.Select(t => string.Join("|", t.CallId, t.Ts, t.IsError))));
            }

            Assert.Equal(Run(firstTsKnown: false), Run(firstTsKnown: true));
        }

        private static RawLine Line(string json, long number) => new RawLine(Encoding.UTF8.GetBytes(json), number, 0, hasNewline: true);
    }
}
