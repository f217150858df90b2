using System.Collections.Generic;
using System.Text;
using AgentMetrics.Core.Tests.ScannerAgreement;
using AgentMetrics.Sources.Claude;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>
    /// <see cref="ProgressLineScanner"/> reads agent_progress copies of subagent responses without a document; every
    /// rewriting of one must give what the full parse gives.
    /// </summary>
    public sealed class ProgressLineScannerAgreementTests
    {
        private static string Line(string text) =>
            "{\"parentUuid\":\"p\",\"isSidechain\":false,\"cwd\":\"/home/dév/app\",\"sessionId\":\"parent-session\",\"version\":\"2.1.18\",\"gitBranch\":\"main\",\"agentId\":\"root-agent\",\"type\":\"progress\"," +
            "\"data\":{\"message\":{\"type\":\"assistant\",\"message\":{\"model\":\"claude-haiku-4-5-20251001\",\"id\":\"msg_copy\",\"content\":[{\"type\":\"text\",\"text\":" + text + "}," +
            "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"Read\",\"input\":{\"path\":" + text + "}}],\"usage\":{\"input_tokens\":11,\"cache_creation_input_tokens\":100," +
            "\"cache_read_input_tokens\":5,\"cache_creation\":{\"ephemeral_5m_input_tokens\":40,\"ephemeral_1h_input_tokens\":60},\"output_tokens\":7,\"server_tool_use\":{\"web_search_requests\":2}}}," +
            "\"requestId\":\"req_copy\",\"isSidechain\":true,\"uuid\":\"copy-uuid\",\"timestamp\":\"2026-10-05T16:31:54.762Z\"},\"normalizedMessages\":[],\"type\":\"agent_progress\",\"agentId\":\"sub-1\"}," +
            "\"uuid\":\"line-uuid\",\"timestamp\":\"2026-10-05T16:32:00.000Z\"}";

        [Fact]
        public void EveryRewritingOfAProgressLineGivesWhatTheFullParseGives()
        {
            string json = Line(HostileLines.Quote(HostileLines.Awkward(3)));
            Assert.True(ProgressLineScanner.TryRead(Encoding.UTF8.GetBytes(json), out ResponseFields? copy, out _, out _) && copy is not null, "the scanner must read the valid line itself");
            foreach (var (name, line) in HostileLines.Of(json))
            {
                ClaudePaths.AssertAgree(name, line);
            }
        }

        [Fact]
        public void AProgressLineWithSeveralMegabytesOfTextGivesWhatTheFullParseGives()
        {
            string json = Line(HostileLines.Quote(HostileLines.Huge(3)));
            Assert.True(ProgressLineScanner.TryRead(Encoding.UTF8.GetBytes(json), out ResponseFields? copy, out _, out _) && copy is not null);
            foreach (var (name, line) in HostileLines.Of(json, huge: true))
            {
                ClaudePaths.AssertAgree("huge, " + name, line);
            }
        }
    }
}
