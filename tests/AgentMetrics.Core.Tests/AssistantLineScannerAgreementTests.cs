using System.Collections.Generic;
using System.Text;
using AgentMetrics.Core.Tests.ScannerAgreement;
using AgentMetrics.Sources.Claude;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>
    /// <see cref="AssistantLineScanner"/> reads assistant lines without a document; every rewriting of one (spaced,
    /// escaped, reordered, nulls, wrong types, torn, several MB) must give what the full parse gives.
    /// </summary>
    public sealed class AssistantLineScannerAgreementTests
    {
        private static string Line(string text, string toolInput = "\"ls -la\"") =>
            "{\"parentUuid\":\"p-1\",\"isSidechain\":true,\"userType\":\"external\",\"cwd\":\"/home/dév/app\",\"sessionId\":\"s-1\",\"version\":\"2.1.18\"," +
            "\"gitBranch\":\"feature/é\",\"agentId\":\"a1b2\",\"message\":{\"model\":\"claude-sonnet-4-5-20250929\",\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\"," +
            "\"content\":[{\"type\":\"thinking\",\"thinking\":" + text + ",\"signature\":\"sig\"},{\"type\":\"text\",\"text\":" + text + "}," +
            "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"Bash\",\"input\":{\"command\":" + toolInput + "}},{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"Read\",\"input\":{}}]," +
            "\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":300,\"cache_read_input_tokens\":4000,\"cache_creation\":" +
            "{\"ephemeral_5m_input_tokens\":100,\"ephemeral_1h_input_tokens\":200},\"output_tokens\":56,\"server_tool_use\":{\"web_search_requests\":2,\"web_fetch_requests\":1}," +
            "\"service_tier\":\"standard\"}},\"requestId\":\"req_01\",\"type\":\"assistant\",\"uuid\":\"u-1\",\"timestamp\":\"2026-11-05T10:00:01.250Z\"}";

        public static IEnumerable<object[]> Bases()
        {
            yield return new object[] { "awkward text", Line(HostileLines.Quote(HostileLines.Awkward(3))) };
            yield return new object[] { "a synthetic error line", Line("\"API Error\"").Replace("claude-sonnet-4-5-20250929", "<synthetic>") };
            yield return new object[] { "no breakdown, no request id, main thread", Line("\"hi\"").Replace(",\"cache_creation\":{\"ephemeral_5m_input_tokens\":100,\"ephemeral_1h_input_tokens\":200}", "").Replace("\"requestId\":\"req_01\",", "").Replace("\"isSidechain\":true", "\"isSidechain\":false") };
        }

        [Theory]
        [MemberData(nameof(Bases))]
        public void EveryRewritingOfAnAssistantLineGivesWhatTheFullParseGives(string what, string json)
        {
            Assert.True(AssistantLineScanner.TryRead(Encoding.UTF8.GetBytes(json), out ResponseFields? fields, out _, out _) && fields is not null, what + ": the scanner must read the valid line itself");
            foreach (var (name, line) in HostileLines.Of(json))
            {
                ClaudePaths.AssertAgree(what + ", " + name, line);
            }
        }

        [Fact]
        public void AnAssistantLineWithSeveralMegabytesOfTextGivesWhatTheFullParseGives()
        {
            string huge = HostileLines.Quote(HostileLines.Huge(3));
            string json = Line(huge, huge);
            Assert.True(AssistantLineScanner.TryRead(Encoding.UTF8.GetBytes(json), out ResponseFields? fields, out _, out _) && fields is not null);
            foreach (var (name, line) in HostileLines.Of(json, huge: true))
            {
                ClaudePaths.AssertAgree("huge, " + name, line);
            }
        }
    }
}
