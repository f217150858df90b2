using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using AgentMetrics.Core.Tests.ScannerAgreement;
using AgentMetrics.Ingest;
using AgentMetrics.Records;
using AgentMetrics.Sources;
using AgentMetrics.Sources.Codex;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>
    /// <see cref="ToolOutputScanner"/> reads Codex tool-output lines without a document. <see cref="CodexReader.ParseLine"/>
    /// takes it for a line with a line end; a last line without one always gets the full parse. Every rewriting of a
    /// tool-output line must give the same through both.
    /// </summary>
    public sealed class CodexToolOutputScannerAgreementTests
    {
        private static string Line(string output, string type = "function_call_output") =>
            "{\"timestamp\":\"2026-11-21T10:00:05.000Z\",\"type\":\"response_item\",\"payload\":{\"type\":\"" + type + "\",\"call_id\":\"call_7\",\"output\":" + output + "}}";

        private static string ShellOutput(string text, string exitCode) =>
            HostileLines.Quote("{\"output\":" + HostileLines.Quote(text) + ",\"metadata\":{\"exit_code\":" + exitCode + ",\"duration_seconds\":0.5}}");

        public static IEnumerable<object[]> Bases()
        {
            string text = HostileLines.Awkward(2);
            yield return new object[] { "exit 0", Line(ShellOutput(text, "0")) };
            yield return new object[] { "exit 2", Line(ShellOutput(text, "2")) };
            yield return new object[] { "exit \"3\"", Line(ShellOutput(text, "\"3\"")) };
            yield return new object[] { "exit 1.0", Line(ShellOutput(text, "1.0")) };
            yield return new object[] { "exit null", Line(ShellOutput(text, "null")) };
            yield return new object[] { "exit 1e400", Line(ShellOutput(text, "1e400")) };
            yield return new object[] { "output that is not JSON", Line(HostileLines.Quote("{\"output\": broken " + text)) };
            yield return new object[] { "output spaced", Line(HostileLines.Quote("{ \"metadata\" : { \"exit_code\" : 4 } , \"output\" : \"x\" }")) };
            yield return new object[] { "output with text after it", Line(HostileLines.Quote("{\"metadata\":{\"exit_code\":4}} and more")) };
            yield return new object[] { "output whose brace is escaped", Line("\"\\u007b\\\"metadata\\\":{\\\"exit_code\\\":5}}\"") };
            yield return new object[] { "plain text output", Line(HostileLines.Quote(text), "custom_tool_call_output") };
        }

        [Theory]
        [MemberData(nameof(Bases))]
        public void EveryRewritingOfAToolOutputLineGivesWhatTheFullParseGives(string what, string json)
        {
            Assert.True(ToolOutputScanner.TryRead(Encoding.UTF8.GetBytes(json), out _), what + ": the scanner must read the valid line itself");
            foreach (var (name, line) in HostileLines.Of(json))
            {
                AssertAgree(what + ", " + name, line);
            }
        }

        [Fact]
        public void AToolOutputLineOfSeveralMegabytesGivesWhatTheFullParseGives()
        {
            string huge = HostileLines.Huge(3);
            foreach (string json in new[] { Line(ShellOutput(huge, "1")), Line(HostileLines.Quote(huge), "custom_tool_call_output") })
            {
                Assert.True(ToolOutputScanner.TryRead(Encoding.UTF8.GetBytes(json), out _));
                foreach (var (name, line) in HostileLines.Of(json, huge: true))
                {
                    AssertAgree("huge, " + name, line);
                }
            }
        }

        private static void AssertAgree(string name, byte[] bytes)
        {
            var reader = new CodexReader();
            var file = new DiscoveredFile("/codex/sessions/2026/11/21/rollout-2026-11-21T10-00-00-0199a213-81c0-7800-8aa1-bbab2a035a53.jsonl", AgentSource.Codex);
            foreach (long? firstTs in new long?[] { null, 1795255200000 })
            {
                var scannedContext = new FileContext(file, firstTs, null);
                var scanned = new ImportBatch();
                string scannedOutcome = Run(() => reader.ParseLine(new RawLine(bytes, 9, bytes.Length + 1, hasNewline: true), scannedContext, scanned));
                var parsedContext = new FileContext(file, firstTs, null);
                var parsed = new ImportBatch();
                string parsedOutcome = Run(() => reader.ParseLine(new RawLine(bytes, 9, bytes.Length, hasNewline: false), parsedContext, parsed));

                string where = $"{name} (first time {(firstTs is null ? "unknown" : "known")})";
                // Once the first time is known, a line that names no counted kind only gets a shape check
                // (docs/formats.md#c9-what-is-skipped): its outcome is not the scanner's, its records are.
                if (firstTs is null)
                {
                    Assert.True(parsedOutcome == scannedOutcome, $"{where}: scanned {scannedOutcome}, parsed {parsedOutcome}");
                }

                Assert.True(parsedContext.FirstTs == scannedContext.FirstTs, $"{where}: first time scanned {scannedContext.FirstTs}, parsed {parsedContext.FirstTs}");
                ClaudePaths.AssertSameRecords(where, ClaudePaths.Describe(parsed), ClaudePaths.Describe(scanned));
            }
        }

        private static string Run(Func<LineOutcome> parse)
        {
            try
            {
                return parse().ToString();
            }
            catch (Exception ex)
            {
                return "threw " + ex.GetType().Name;
            }
        }
    }
}
