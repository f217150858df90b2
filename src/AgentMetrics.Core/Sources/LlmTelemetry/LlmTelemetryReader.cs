using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using AgentMetrics.Records;

namespace AgentMetrics.Sources.LlmTelemetry
{
    /// <summary>
    /// llm-telemetry stores (docs/formats.md#t1-llm-telemetry-store): &lt;store&gt;/YYYY-MM-DD/telemetry.jsonl, one record per model call,
    /// appended. prompts.jsonl, responses.jsonl and summary.json hold no extra usage and are not read. The
    /// store carries the app's own cost (cost_usd), kept as the reported cost beside the computed one.
    /// </summary>
    internal sealed class LlmTelemetryReader : SourceReader
    {
        public const string StoreFolderName = ".llm-telemetry";
        private const string DataFileName = "telemetry.jsonl";

        public override AgentSource Source => AgentSource.LlmTelemetry;

        public override IEnumerable<string> DefaultRoots(string workingDirectory)
        {
            string? configured = Environment.GetEnvironmentVariable("LLM_TELEMETRY_DIR");
            // A relative setting is relative to where the work happens, like the default folder itself.
            return new[] { string.IsNullOrWhiteSpace(configured) ? Path.Combine(workingDirectory, StoreFolderName) : Path.Combine(workingDirectory, configured!.Trim()) };
        }

        /// <summary>A day folder's telemetry.jsonl (or one of its siblings, which are not Claude transcripts either).</summary>
        public static bool IsStoreFile(string file)
        {
            string name = Path.GetFileName(file);
            return (name == DataFileName || name == "prompts.jsonl" || name == "responses.jsonl") && IsDayFolder(Path.GetDirectoryName(file));
        }

        private static bool IsDayFolder(string? folder) =>
            folder is not null && DateTime.TryParseExact(Path.GetFileName(folder.TrimEnd('/', '\\')), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

        public override bool Recognises(string path)
        {
            if (File.Exists(path))
            {
                return Path.GetFileName(path) == DataFileName;
            }

            return Directory.Exists(path)
                && (string.Equals(Path.GetFileName(path.TrimEnd('/', '\\')), StoreFolderName, StringComparison.Ordinal) || DataFiles(path).Any());
        }

        public override IEnumerable<DiscoveredFile> Discover(string root)
        {
            IEnumerable<string> files = File.Exists(root) ? new[] { root } : DataFiles(root);
            return files.Select(file => new DiscoveredFile(file, Source));
        }

        /// <summary>telemetry.jsonl of a day folder, of the day folders of a store, or of the store inside a project folder.</summary>
        private static IEnumerable<string> DataFiles(string folder)
        {
            if (IsDayFolder(folder))
            {
                string file = Path.Combine(folder, DataFileName);
                return File.Exists(file) ? new[] { file } : Array.Empty<string>();
            }

            string store = Directory.Exists(Path.Combine(folder, StoreFolderName)) ? Path.Combine(folder, StoreFolderName) : folder;
            string[] days;
            try
            {
                days = Directory.GetDirectories(store);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return Array.Empty<string>();
            }

            return days.Where(IsDayFolder)
                .OrderBy(d => d, StringComparer.Ordinal)
                .Select(d => Path.Combine(d, DataFileName))
                .Where(File.Exists)
                .ToList();
        }

        public override LineOutcome ParseLine(RawLine line, FileContext context, ImportBatch batch)
        {
            if (IsBlank(line.Bytes.Span))
            {
                return LineOutcome.Empty;
            }

            if (!TryParse(line, out JsonDocument document))
            {
                return LineOutcome.Malformed;
            }

            using (document)
            {
                JsonElement record = document.RootElement;
                if (record.ValueKind != JsonValueKind.Object)
                {
                    return LineOutcome.Parsed;
                }

                batch.UsageLines++;
                long? ts = record.Timestamp("timestamp");
                if (context.FirstTs is null && ts is not null)
                {
                    context.FirstTs = ts;
                }

                JsonElement? tokens = record.Obj("tokens");
                long input = tokens?.Long("input") ?? 0;
                long output = tokens?.Long("output") ?? 0;
                JsonElement? metadata = record.Obj("metadata");
                string? sessionId = record.Str("session_id");
                string? agent = record.Str("agent_name");
                string? operation = record.Str("operation");
                batch.Requests.Add(new RequestRecord
                {
                    // The raw timestamp text, not the parsed instant: the key must not depend on parsing precision.
                    DedupKey = StableKey.Of("telemetry", RawText(record, "timestamp"), sessionId, agent, operation, record.Str("prompt_hash"), record.Str("response_hash"),
                        input, output, tokens?.LongOrNull("total")),
                    SessionId = sessionId,
                    Ts = ts ?? context.FirstTs ?? 0,
                    Model = record.Str("model"),
                    Agent = agent,
                    Operation = operation,
                    Project = metadata?.Str("project"),
                    GitBranch = metadata?.Str("git_branch"),
                    Input = input,
                    Output = output,
                    Success = record.Bool("success"),
                    DurationMs = record.LongOrNull("duration_ms"),
                    ReportedCost = record.Double("cost_usd"),
                    FileStartTs = context.FirstTs,
                    FilePath = context.File.Path,
                    Line = line.Number,
                });
            }

            return LineOutcome.Parsed;
        }

        private static string? RawText(JsonElement element, string name) =>
            element.TryGet(name, out JsonElement value) ? value.GetRawText() : null;
    }
}
