using System.Collections.Generic;
using System.Text;
using AgentMetrics.Core.Tests.ScannerAgreement;
using AgentMetrics.Ingest;
using AgentMetrics.Records;
using AgentMetrics.Sources;
using AgentMetrics.Sources.Claude;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>
    /// <see cref="ToolResultScanner"/> reads a user line's tool_result outcomes without a document and steps over the
    /// long strings of the tool's own copy of its output (toolUseResult); every rewriting of such a line,
    /// torn inside that copy too, must give what the full parse gives.
    /// </summary>
    public sealed class ToolResultScannerAgreementTests
    {
        private static string Line(string output) =>
            "{\"parentUuid\":\"p\",\"isSidechain\":false,\"userType\":\"external\",\"cwd\":\"/home/dév/app\",\"sessionId\":\"s-1\",\"version\":\"2.1.18\",\"gitBranch\":\"main\",\"type\":\"user\"," +
            "\"message\":{\"role\":\"user\",\"content\":[{\"tool_use_id\":\"toolu_1\",\"type\":\"tool_result\",\"content\":" + output + ",\"is_error\":false}," +
            "{\"type\":\"tool_result\",\"content\":[{\"type\":\"text\",\"text\":" + output + "}],\"is_error\":true,\"tool_use_id\":\"toolu_2\"},{\"type\":\"text\",\"text\":\"and\"}]}," +
            "\"uuid\":\"u\",\"timestamp\":\"2026-11-05T10:00:00.000Z\",\"toolUseResult\":{\"stdout\":" + output + ",\"interrupted\":false,\"meta\":{\"a\":{\"b\":1}}}}";

        [Fact]
        public void EveryRewritingOfAToolResultLineGivesWhatTheFullParseGives()
        {
            string json = Line(HostileLines.Quote(HostileLines.Awkward(3)));
            Assert.True(ToolResultScanner.TryRead(Encoding.UTF8.GetBytes(json), new ImportBatch()), "the scanner must read the valid line itself");
            foreach (var (name, line) in HostileLines.Of(json))
            {
                ClaudePaths.AssertAgree(name, line, agentType: null);
            }
        }

        [Fact]
        public void AToolResultLineWithSeveralMegabytesOfOutputGivesWhatTheFullParseGives()
        {
            string json = Line(HostileLines.Quote(HostileLines.Huge(3)));
            Assert.True(ToolResultScanner.TryRead(Encoding.UTF8.GetBytes(json), new ImportBatch()));
            foreach (var (name, line) in HostileLines.Of(json, huge: true))
            {
                ClaudePaths.AssertAgree("huge, " + name, line, agentType: null);
            }
        }
    }
}
