using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using AgentMetrics.Records;

namespace AgentMetrics.Sources.AgentHub
{
    /// <summary>
    /// The agenthub metrics store (docs/formats.md#h1-agenthub-store): metrics/daily/YYYY-MM-DD.json and
    /// metrics/executions/&lt;executionId&gt;.json, each a whole {"tokens":[…],"tools":[…]} document that its
    /// writer replaces (temp file + rename). The same record sits in a daily and an execution file, and a
    /// rewritten file repeats the records it had: every record is keyed by its own fields, so it counts once.
    /// </summary>
    internal sealed class AgentHubReader : SourceReader
    {
        private static readonly string[] Kinds = { "daily", "executions" };

        public override AgentSource Source => AgentSource.AgentHub;

        public override bool ReadsWholeFile => true;

        public override IEnumerable<string> DefaultRoots(string workingDirectory) =>
            new[] { Path.Combine(AgentMetricsPaths.UserHome, ".agenthub", "metrics") };

        /// <summary>
        /// A daily/executions .json file, a daily or executions folder, a metrics folder holding one of them, or
        /// an .agenthub folder holding metrics/. Temp files (&lt;path&gt;.tmp.&lt;ts&gt;) do not end in .json.
        /// </summary>
        public override bool Recognises(string path)
        {
            if (File.Exists(path))
            {
                return IsDataFile(path);
            }

            return Directory.Exists(path) && DataFolders(path).Any();
        }

        public override IEnumerable<DiscoveredFile> Discover(string root)
        {
            if (File.Exists(root))
            {
                yield return new DiscoveredFile(root, Source);
                yield break;
            }

            foreach (string folder in DataFolders(root))
            {
                foreach (string file in SafeEnumerateFiles(folder, "*.json").Where(IsDataFile))
                {
                    yield return new DiscoveredFile(file, Source);
                }
            }
        }

        private static bool IsDataFile(string file) =>
            file.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            && Kinds.Contains(Path.GetFileName(Path.GetDirectoryName(file)), StringComparer.OrdinalIgnoreCase);

        private static IEnumerable<string> DataFolders(string folder)
        {
            string trimmed = folder.TrimEnd('/', '\\');
            if (Kinds.Contains(Path.GetFileName(trimmed), StringComparer.OrdinalIgnoreCase))
            {
                return new[] { trimmed };
            }

            string metrics = Directory.Exists(Path.Combine(trimmed, "metrics")) ? Path.Combine(trimmed, "metrics") : trimmed;
            return Kinds.Select(kind => Path.Combine(metrics, kind)).Where(Directory.Exists);
        }

        public override bool ParseDocument(Stream stream, FileContext context, ImportBatch batch)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true });
            }
            catch (JsonException)
            {
                return false;
            }

            using (document)
            {
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                if (root.TryGet("tokens", out JsonElement tokens) && tokens.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement record in tokens.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object))
                    {
                        ReadTokenRecord(record, context, batch);
                    }
                }

                if (root.TryGet("tools", out JsonElement tools) && tools.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement record in tools.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object))
                    {
                        ReadToolRecord(record, batch);
                    }
                }
            }

            return true;
        }

        private static void ReadTokenRecord(JsonElement record, FileContext context, ImportBatch batch)
        {
            batch.UsageLines++;
            string? executionId = record.Str("executionId");
            string? agentId = record.Str("agentId");
            string? phase = record.Str("phase");
            string? model = record.Str("model");
            long? ts = record.Timestamp("timestamp");
            long prompt = record.Long("promptTokens");
            long completion = record.Long("completionTokens");
            batch.Requests.Add(new RequestRecord
            {
                DedupKey = StableKey.Of("tokens", executionId, agentId, phase, model, ts, prompt, completion, record.LongOrNull("totalTokens")),
                SessionId = executionId,
                Ts = ts ?? 0,
                Model = model,
                Agent = agentId,
                Project = record.Str("workspaceId"),
                Operation = phase,
                Input = prompt,
                Output = completion,
                FilePath = context.File.Path,
            });
        }

        private static void ReadToolRecord(JsonElement record, ImportBatch batch)
        {
            string? executionId = record.Str("executionId");
            string? agentId = record.Str("agentId");
            string name = record.Str("toolName") ?? "(unnamed)";
            long ts = record.Timestamp("timestamp") ?? 0;
            long? duration = record.LongOrNull("durationMs");
            // The record is written when the tool has finished: it started durationMs before its timestamp.
            string callId = StableKey.Of("tool", executionId, agentId, name, ts, duration);
            batch.ToolCalls.Add(new ToolCallRecord
            {
                CallId = callId,
                SessionId = executionId,
                Name = name,
                Ts = ts - (duration ?? 0),
                Agent = agentId,
            });
            batch.ToolResults.Add(new ToolResultRecord { CallId = callId, Ts = ts, DurationMs = duration });
        }
    }
}
