using System;
using System.Collections.Generic;
using System.Linq;
using AgentMetrics.Ingest;
using AgentMetrics.Records;
using AgentMetrics.Sources;
using AgentMetrics.Sources.Claude;
using Xunit;

namespace AgentMetrics.Core.Tests.ScannerAgreement
{
    /// <summary>
    /// Feeds one Claude line to both paths of <see cref="ClaudeReader"/>: <see cref="ClaudeReader.ParseLine"/>, which
    /// takes a scanner where one applies, and <see cref="ClaudeReader.ParseFully"/>, the document parse every rule was
    /// first written for. Both start from the same file state, in a file whose first time is not yet known and in
    /// one whose is (only then are tool results scanned).
    /// </summary>
    internal static class ClaudePaths
    {
        private static readonly long KnownFirstTs = Json.ParseTimestamp("2026-11-05T09:00:00.000Z")!.Value;

        public static void AssertAgree(string name, byte[] bytes, string? agentType = "Explore")
        {
            var reader = new ClaudeReader();
            var line = new RawLine(bytes, 3, bytes.Length + 1, hasNewline: true);
            var file = new DiscoveredFile("/history/projects/-home-dev-app/0b7a4c1e-2f4d-4a51-9c1b-6f1f5a2b9e01.jsonl", AgentSource.Claude,
                _ => agentType is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["agentType"] = agentType });
            foreach (long? firstTs in new long?[] { null, KnownFirstTs })
            {
                var scannedContext = new FileContext(file, firstTs, null);
                var scanned = new ImportBatch();
                string scannedOutcome = Run(() => reader.ParseLine(line, scannedContext, scanned));
                var parsedContext = new FileContext(file, firstTs, null);
                var parsed = new ImportBatch();
                string parsedOutcome = Run(() => reader.ParseFully(line, parsedContext, parsed));

                string where = $"{name} (first time {(firstTs is null ? "unknown" : "known")})";
                // A line that cannot hold usage or a tool result only gets a shape check once the file's first time
                // is known (docs/formats.md#c9-what-is-skipped): its outcome is not a scanner's.
                if (!ShapeCheckedOnly(bytes, firstTs))
                {
                    Assert.True(parsedOutcome == scannedOutcome, $"{where}: scanned {scannedOutcome}, parsed {parsedOutcome}");
                }

                if (parsedOutcome.StartsWith("threw", StringComparison.Ordinal))
                {
                    // Both failed alike (see LinesThatAreNotUnicode): what either had read before is not compared.
                    continue;
                }

                Assert.True(parsedContext.FirstTs == scannedContext.FirstTs, $"{where}: first time scanned {scannedContext.FirstTs} ({scannedOutcome}), parsed {parsedContext.FirstTs} ({parsedOutcome})");
                // Nor does a shape-checked line name its agent's type: every usage line of the file does that.
                bool counted(string record) => !ShapeCheckedOnly(bytes, firstTs) || !record.StartsWith("type|", StringComparison.Ordinal);
                AssertSameRecords(where, Describe(parsed).Where(counted).ToList(), Describe(scanned).Where(counted).ToList());
            }
        }

        /// <summary>An exception is an outcome too: the same one on both paths, or (better) none.</summary>
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

        private static bool ShapeCheckedOnly(byte[] bytes, long? firstTs)
        {
            ReadOnlySpan<byte> span = bytes;
            // The shape check comes before the tool-result scanner too: a line that is JSON but not an object is
            // malformed to it and merely empty to the full parse.
            return firstTs is not null && span.IndexOf("usage"u8) < 0 && span.IndexOf("cost-state"u8) < 0 && (span.IndexOf("tool_result"u8) < 0 || span.Length == 0 || span[0] != (byte)'{');
        }

        public static void AssertSameRecords(string where, List<string> parsed, List<string> scanned)
        {
            if (!parsed.SequenceEqual(scanned))
            {
                Assert.Fail($"{where}:\n  parsed:  {string.Join("\n           ", parsed)}\n  scanned: {string.Join("\n           ", scanned)}");
            }
        }

        public static List<string> Describe(ImportBatch batch) =>
            batch.Requests.Select(r => string.Join("|", "request", r.DedupKey, r.RequestId, r.SessionId, r.Ts, r.Model, r.Agent, r.AgentId, r.ProjectPath, r.Project,
                    r.GitBranch, r.ClientVersion, r.Input, r.Output, r.CacheWrite5m, r.CacheWrite1h, r.CacheRead, r.Reasoning, r.WebSearches, r.IsSynthetic,
                    r.FileStartTs, r.FilePath, r.Line))
                .Concat(batch.ToolCalls.Select(c => string.Join("|", "call", c.CallId, c.RequestKey, c.SessionId, c.Name, c.Ts, c.IsSidechain, c.Agent)))
                .Concat(batch.ToolResults.Select(t => string.Join("|", "result", t.CallId, t.Ts, t.IsError, t.DurationMs)))
                .Concat(batch.SessionReports.Select(s => string.Join("|", "report", s.SessionId, s.ReportedCost, s.ModelUsageJson)))
                .Concat(batch.AgentTypes.Select(t => "type|" + t.Key + "|" + t.Value))
                .Append("usage lines|" + batch.UsageLines)
                .ToList();
    }
}
