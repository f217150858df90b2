using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using AgentMetrics.Records;
using AgentMetrics.Sources;
using AgentMetrics.Sources.Claude;
using AgentMetrics.Tests.Shared;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>
    /// agent_progress copies are read by a forward-only scanner; every line must give exactly what the
    /// document path gives: the same requests, tool calls, agent types, first timestamp and outcome.
    /// </summary>
    public sealed class ProgressLineTests
    {
        private const string Envelope = "{\"parentUuid\":\"p\",\"isSidechain\":false,\"cwd\":\"/home/dev/work/app\",\"sessionId\":\"parent-session\",\"version\":\"2.1.18\",\"gitBranch\":\"main\",\"agentId\":\"root-agent\",\"type\":\"progress\",";
        private const string Copy = "{\"type\":\"assistant\",\"message\":{\"model\":\"claude-haiku-4-5-20251001\",\"id\":\"msg_copy\",\"content\":[{\"type\":\"text\",\"text\":\"a \\\"quoted\\\" [text]\\n\"},{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"Read\",\"input\":{\"path\":\"x\"}}],\"usage\":{\"input_tokens\":11,\"cache_creation_input_tokens\":100,\"cache_read_input_tokens\":5,\"cache_creation\":{\"ephemeral_5m_input_tokens\":40,\"ephemeral_1h_input_tokens\":60},\"output_tokens\":7,\"server_tool_use\":{\"web_search_requests\":2}}},\"requestId\":\"req_copy\",\"isSidechain\":true,\"uuid\":\"copy-uuid\",\"timestamp\":\"2026-10-05T16:31:54.762Z\"}";

        public static IEnumerable<object[]> Lines()
        {
            yield return new object[] { Envelope + "\"data\":{\"message\":" + Copy + ",\"normalizedMessages\":[],\"type\":\"agent_progress\",\"agentId\":\"sub-1\"},\"uuid\":\"line-uuid\",\"timestamp\":\"2026-10-05T16:32:00.000Z\"}" };
            // The copy without its own time, uuid, request id or sidechain flag: the line's own, or true.
            yield return new object[] { Envelope + "\"data\":{\"type\":\"agent_progress\",\"message\":" + Copy.Replace("\"requestId\":\"req_copy\",\"isSidechain\":true,\"uuid\":\"copy-uuid\",\"timestamp\":\"2026-10-05T16:31:54.762Z\"", "\"x\":null") + "},\"uuid\":\"line-uuid\",\"timestamp\":1759681920000}" };
            // No data.agentId: the line's agentId; an isSidechain that is not a boolean counts as absent.
            yield return new object[] { Envelope + "\"data\":{\"type\":\"agent_progress\",\"message\":" + Copy.Replace("\"isSidechain\":true", "\"isSidechain\":\"yes\"") + "},\"timestamp\":\"2026-10-05T16:32:00Z\"}" };
            // Not an agent_progress, or a copy without usage, or a null usage: nothing counted.
            yield return new object[] { Envelope + "\"data\":{\"type\":\"hook_progress\",\"message\":" + Copy + "},\"timestamp\":\"2026-10-05T16:32:00Z\"}" };
            yield return new object[] { Envelope + "\"data\":{\"type\":\"agent_progress\",\"message\":" + Copy.Replace("\"usage\":{", "\"usage_was\":{") + "},\"timestamp\":\"2026-10-05T16:32:00Z\"}" };
            yield return new object[] { Envelope + "\"data\":{\"type\":\"agent_progress\",\"message\":{\"message\":{\"id\":\"m\",\"usage\":null}}},\"timestamp\":\"2026-10-05T16:32:00Z\"}" };
            // A breakdown given as null, a message that is not an object.
            yield return new object[] { Envelope + "\"data\":{\"type\":\"agent_progress\",\"message\":" + Copy.Replace("\"cache_creation\":{\"ephemeral_5m_input_tokens\":40,\"ephemeral_1h_input_tokens\":60}", "\"cache_creation\":null") + "}}" };
            yield return new object[] { Envelope + "\"data\":{\"type\":\"agent_progress\",\"message\":\"text\"},\"timestamp\":\"2026-10-05T16:32:00Z\"}" };
        }

        [Theory]
        [MemberData(nameof(Lines))]
        public void AProgressLineGivesWhatTheDocumentPathGives(string json)
        {
            AssertSamePaths(json);
        }

        [Fact]
        public void EveryProgressLineOfTheFixtureAndEveryTornPrefixAgree()
        {
            var lines = Directory.GetFiles(Path.Combine(Fixtures.AgentHome, ".claude"), "*.jsonl", SearchOption.AllDirectories)
                .SelectMany(File.ReadLines)
                .Where(l => l.Contains("agent_progress"))
                .ToList();
            Assert.NotEmpty(lines);
            foreach (string json in lines)
            {
                AssertSamePaths(json);
            }

            // A line torn anywhere is malformed on both paths and counts nothing.
            string first = lines[0];
            for (int cut = 1; cut < first.Length; cut += 7)
            {
                AssertSamePaths(first.Substring(0, cut));
            }
        }

        private static void AssertSamePaths(string json)
        {
            var reader = new ClaudeReader();
            var line = new RawLine(Encoding.UTF8.GetBytes(json), 3, json.Length + 1, hasNewline: true);
            var file = new DiscoveredFile("/history/parent.jsonl", AgentSource.Claude, _ => new Dictionary<string, string> { ["agentType"] = "Explore" });

            var scanned = new ImportBatch();
            var scannedContext = new FileContext(file, null, null);
            LineOutcome scannedOutcome = reader.ParseLine(line, scannedContext, scanned);

            var parsed = new ImportBatch();
            var parsedContext = new FileContext(file, null, null);
            LineOutcome parsedOutcome = reader.ParseFully(line, parsedContext, parsed);

            Assert.Equal(parsedOutcome, scannedOutcome);
            Assert.Equal(parsedContext.FirstTs, scannedContext.FirstTs);
            Assert.Equal(Describe(parsed), Describe(scanned));
        }

        private static List<string> Describe(ImportBatch batch) =>
            batch.Requests.Select(r => string.Join("|", r.DedupKey, r.RequestId, r.SessionId, r.Ts, r.Model, r.Agent, r.AgentId, r.ProjectPath, r.Project,
                    r.GitBranch, r.ClientVersion, r.Input, r.Output, r.CacheWrite5m, r.CacheWrite1h, r.CacheRead, r.WebSearches, r.IsSynthetic, r.FileStartTs, r.FilePath, r.Line))
                .Concat(batch.ToolCalls.Select(c => string.Join("|", "call", c.CallId, c.RequestKey, c.SessionId, c.Name, c.Ts, c.IsSidechain, c.Agent)))
                .Concat(batch.AgentTypes.Select(t => "type|" + t.Key + "|" + t.Value))
                .Append("usage-lines|" + batch.UsageLines)
                .ToList();
    }
}
