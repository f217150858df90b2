using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using AgentMetrics.Records;
using AgentMetrics.Rules;

namespace AgentMetrics.Sources.Claude
{
    /// <summary>
    /// Claude Code transcripts: every projects/**/*.jsonl under each config folder, by the counting rules of
    /// docs/formats.md#claude-code-transcripts (C1-C12). A line yields at most one request copy (assistant usage or
    /// an agent_progress mirror of a subagent line), its tool_use blocks, tool_result outcomes, or a cost-state report.
    /// </summary>
    internal sealed class ClaudeReader : SourceReader
    {
        public const string MainAgent = AgentLabel.ClaudeMain;
        private const string AgentTypeHint = "agentType";

        public override AgentSource Source => AgentSource.Claude;

        public override bool ComparesCopiesByFileEnd => true;

        public override IEnumerable<string> DefaultRoots(string workingDirectory)
        {
            string? configured = Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR");
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return configured!.Split(',').Select(p => p.Trim()).Where(p => p.Length > 0);
            }

            string home = AgentMetricsPaths.UserHome;
            return new[] { Path.Combine(home, ".claude"), Path.Combine(home, ".config", "claude") };
        }

        public override bool Recognises(string path)
        {
            if (File.Exists(path))
            {
                return path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) && !IsOtherAgentsFile(path);
            }

            if (!Directory.Exists(path))
            {
                return false;
            }

            if (Directory.Exists(Path.Combine(path, "projects")) || string.Equals(Path.GetFileName(path.TrimEnd('/', '\\')), "projects", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            // A bare folder of transcripts (one project's folder, a copied subset) is Claude's only when none of
            // its .jsonl files belongs to another agent: Codex homes and telemetry stores are JSONL too.
            if (Directory.Exists(Path.Combine(path, "sessions")) || Directory.Exists(Path.Combine(path, "archived_sessions")))
            {
                return false;
            }

            var files = SafeEnumerateFiles(path, "*.jsonl").ToList();
            return files.Count > 0 && !files.Any(IsOtherAgentsFile);
        }

        private static bool IsOtherAgentsFile(string file) => Codex.CodexReader.IsRollout(file) || LlmTelemetry.LlmTelemetryReader.IsStoreFile(file);

        public override IEnumerable<DiscoveredFile> Discover(string root)
        {
            if (File.Exists(root))
            {
                yield return Describe(root);
                yield break;
            }

            string projects = Directory.Exists(Path.Combine(root, "projects")) ? Path.Combine(root, "projects") : root;
            foreach (string file in SafeEnumerateFiles(projects, "*.jsonl"))
            {
                yield return Describe(file);
            }
        }

        private DiscoveredFile Describe(string file) =>
            // Only subagent transcripts can have a meta file; asking for every session file would double the stat calls.
            new DiscoveredFile(file, Source, Path.GetFileName(file).StartsWith("agent-", StringComparison.Ordinal) ? ReadSubagentHints : null);

        /// <summary>2.1 layout: &lt;session&gt;/subagents/agent-&lt;id&gt;.jsonl beside agent-&lt;id&gt;.meta.json naming the type.</summary>
        private static IDictionary<string, string> ReadSubagentHints(string file)
        {
            var hints = new Dictionary<string, string>();
            string meta = Path.ChangeExtension(file, ".meta.json");
            try
            {
                if (File.Exists(meta))
                {
                    using var document = JsonDocument.Parse(File.ReadAllBytes(meta));
                    if (document.RootElement.Str("agentType") is { Length: > 0 } type)
                    {
                        hints[AgentTypeHint] = type;
                    }
                }
            }
            catch (Exception ex) when (ex is JsonException || ex is IOException || ex is UnauthorizedAccessException)
            {
                // A missing type only makes the subagent show as "subagent"; its usage is still counted.
            }

            return hints;
        }

        /// <summary>A project's folder: its sessions, their resumptions and their subagents.</summary>
        public override string GroupOf(string path)
        {
            string marker = Path.DirectorySeparatorChar + "projects" + Path.DirectorySeparatorChar;
            int projects = path.LastIndexOf(marker, StringComparison.Ordinal);
            if (projects < 0)
            {
                return Path.GetDirectoryName(path) ?? path;
            }

            int start = projects + marker.Length;
            int end = path.IndexOf(Path.DirectorySeparatorChar, start);
            return end < 0 ? path : path.Substring(0, end);
        }

        public override LineOutcome ParseLine(RawLine line, FileContext context, ImportBatch batch)
        {
            ReadOnlySpan<byte> span = line.Bytes.Span;
            if (IsBlank(span))
            {
                return LineOutcome.Empty;
            }

            // Most bytes are tool results and file snapshots. Lines that can hold nothing we count are
            // only checked for shape; tool results are read with a forward-only reader. A last line without
            // a newline always gets a full parse: it may be torn, and then it must not be consumed.
            if (line.HasNewline && context.FirstTs is not null && span.IndexOf("usage"u8) < 0 && span.IndexOf("cost-state"u8) < 0)
            {
                if (!LooksLikeObject(span))
                {
                    return LineOutcome.Malformed;
                }

                return span.IndexOf("tool_result"u8) < 0 || ToolResultScanner.TryRead(span, batch) ? LineOutcome.Parsed : ParseFully(line, context, batch);
            }

            if (line.HasNewline && AssistantLineScanner.TryRead(span, out ResponseFields? fields, out long? ts, out string? assistantAgentId))
            {
                if (context.FirstTs is null && ts is not null)
                {
                    context.FirstTs = ts;
                }

                if (fields is not null)
                {
                    Emit(fields, line, context, batch);
                }

                // As the full parse does: a line without usage still says which agent the file's type belongs to.
                if (context.File.Hints.TryGetValue(AgentTypeHint, out string? agentType) && assistantAgentId is { Length: > 0 })
                {
                    batch.AgentTypes[assistantAgentId] = agentType;
                }

                return LineOutcome.Parsed;
            }

            if (line.HasNewline && span.IndexOf("agent_progress"u8) >= 0 && ProgressLineScanner.TryRead(span, out ResponseFields? copy, out long? lineTs, out string? lineAgentId))
            {
                if (context.FirstTs is null && lineTs is not null)
                {
                    context.FirstTs = lineTs;
                }

                if (copy is not null)
                {
                    Emit(copy, line, context, batch);
                }

                if (context.File.Hints.TryGetValue(AgentTypeHint, out string? agentType) && lineAgentId is { Length: > 0 })
                {
                    batch.AgentTypes[lineAgentId] = agentType;
                }

                return LineOutcome.Parsed;
            }

            return ParseFully(line, context, batch);
        }

        /// <summary>The document path: every line kind, by the counting rules, at the cost of a full parse.</summary>
        internal LineOutcome ParseFully(RawLine line, FileContext context, ImportBatch batch)
        {
            if (!TryParse(line, out JsonDocument document))
            {
                return LineOutcome.Malformed;
            }

            using (document)
            {
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return LineOutcome.Parsed;
                }

                long? ts = root.Timestamp("timestamp");
                if (context.FirstTs is null && ts is not null)
                {
                    context.FirstTs = ts;
                }

                string? type = root.Str("type");
                switch (type)
                {
                    case "progress":
                        ReadProgress(root, line, context, batch);
                        break;
                    case "user":
                        ReadToolResults(root, ts, batch);
                        break;
                    case "cost-state":
                        ReadCostState(root, context, batch);
                        break;
                    default:
                        if (root.Obj("message") is JsonElement message && message.Obj("usage") is not null)
                        {
                            ReadResponse(root, message, root, ts, line, context, batch, isProgressCopy: false);
                        }

                        break;
                }

                if (context.File.Hints.TryGetValue(AgentTypeHint, out string? agentType) && root.Str("agentId") is { Length: > 0 } agentId)
                {
                    batch.AgentTypes[agentId] = agentType;
                }
            }

            return LineOutcome.Parsed;
        }

        private void ReadProgress(JsonElement root, RawLine line, FileContext context, ImportBatch batch)
        {
            // agent_progress mirrors a subagent's line inside the parent transcript: the same response again.
            if (root.Obj("data") is not JsonElement data || data.Str("type") != "agent_progress" || data.Obj("message") is not JsonElement envelope)
            {
                return;
            }

            if (envelope.Obj("message") is JsonElement message && message.Obj("usage") is not null)
            {
                long? ts = envelope.Timestamp("timestamp") ?? root.Timestamp("timestamp");
                ReadResponse(envelope, message, root, ts, line, context, batch, isProgressCopy: true, agentId: data.Str("agentId"));
            }
        }

        private void ReadResponse(JsonElement envelope, JsonElement message, JsonElement outer, long? ts, RawLine line, FileContext context, ImportBatch batch, bool isProgressCopy, string? agentId = null)
        {
            JsonElement usage = message.Obj("usage")!.Value;
            var fields = new ResponseFields
            {
                MessageId = message.Str("id"),
                Model = message.Str("model"),
                RequestId = envelope.Str("requestId"),
                SessionId = outer.Str("sessionId"),
                Ts = ts,
                IsSidechain = isProgressCopy ? envelope.Bool("isSidechain") ?? true : outer.Bool("isSidechain") ?? false,
                AgentId = agentId ?? outer.Str("agentId"),
                Cwd = outer.Str("cwd"),
                GitBranch = outer.Str("gitBranch"),
                Version = outer.Str("version"),
                Uuid = envelope.Str("uuid") ?? outer.Str("uuid"),
                Input = usage.Long("input_tokens"),
                Output = usage.Long("output_tokens"),
                CacheCreation = usage.Long("cache_creation_input_tokens"),
                CacheRead = usage.Long("cache_read_input_tokens"),
                WebSearches = usage.Obj("server_tool_use") is JsonElement server ? server.Long("web_search_requests") : 0,
            };
            if (usage.Obj("cache_creation") is JsonElement breakdown)
            {
                fields.HasBreakdown = true;
                fields.Ephemeral5m = breakdown.Long("ephemeral_5m_input_tokens");
                fields.Ephemeral1h = breakdown.Long("ephemeral_1h_input_tokens");
            }

            if (message.TryGet("content", out JsonElement content) && content.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement block in content.EnumerateArray())
                {
                    if (block.Str("type") == "tool_use" && block.Str("id") is { Length: > 0 } callId)
                    {
                        fields.AddToolUse(callId, block.Str("name"));
                    }
                }
            }

            Emit(fields, line, context, batch);
        }

        /// <summary>The counting rules, applied to one response copy however it was read.</summary>
        internal static void Emit(ResponseFields fields, RawLine line, FileContext context, ImportBatch batch)
        {
            batch.UsageLines++;
            long cacheCreation = fields.CacheCreation;
            long write1h = 0;
            long write5m = cacheCreation;
            if (fields.HasBreakdown)
            {
                // The total is authoritative; the breakdown says how much of it was the 1-hour kind.
                write1h = fields.Ephemeral1h;
                if (cacheCreation == 0)
                {
                    cacheCreation = fields.Ephemeral5m + write1h;
                }

                write5m = Math.Max(0, cacheCreation - write1h);
            }

            bool sidechain = fields.IsSidechain;
            var request = new RequestRecord
            {
                DedupKey = fields.MessageId ?? ("line:" + (fields.Uuid ?? context.File.Path + ":" + line.Number)),
                RequestId = fields.RequestId,
                SessionId = fields.SessionId,
                Ts = fields.Ts ?? context.FirstTs ?? 0,
                Model = fields.Model,
                AgentId = sidechain ? fields.AgentId : null,
                Agent = sidechain ? SubagentLabel(context, fields.AgentId) : MainAgent,
                ProjectPath = fields.Cwd,
                Project = ProjectName(fields.Cwd),
                GitBranch = fields.GitBranch,
                ClientVersion = fields.Version,
                Input = fields.Input,
                Output = fields.Output,
                CacheWrite5m = write5m,
                CacheWrite1h = write1h,
                CacheRead = fields.CacheRead,
                WebSearches = fields.WebSearches,
                IsSynthetic = fields.Model == "<synthetic>",
                FileStartTs = context.FirstTs,
                FilePath = context.File.Path,
                Line = line.Number,
            };
            batch.Requests.Add(request);

            if (fields.ToolUses is not null)
            {
                foreach (var (callId, name) in fields.ToolUses)
                {
                    batch.ToolCalls.Add(new ToolCallRecord
                    {
                        CallId = callId,
                        RequestKey = request.DedupKey,
                        SessionId = request.SessionId,
                        Name = name ?? "(unnamed)",
                        Ts = request.Ts,
                        IsSidechain = sidechain,
                        Agent = request.Agent,
                    });
                }
            }
        }

        private const string UntypedSubagent = MainAgent + "/subagent";

        [ThreadStatic]
        private static string? _lastType;

        [ThreadStatic]
        private static string? _lastLabel;

        internal static string SubagentLabel(FileContext context, string? agentId)
        {
            if (!context.File.Hints.TryGetValue(AgentTypeHint, out string? type))
            {
                return UntypedSubagent;
            }

            if (!string.Equals(type, _lastType, StringComparison.Ordinal))
            {
                _lastType = type;
                _lastLabel = AgentLabel.ClaudeSubagent(type);
            }

            return _lastLabel!;
        }

        private static void ReadToolResults(JsonElement root, long? ts, ImportBatch batch)
        {
            if (root.Obj("message") is not JsonElement message || !message.TryGet("content", out JsonElement content) || content.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (JsonElement block in content.EnumerateArray())
            {
                if (block.Str("type") == "tool_result" && block.Str("tool_use_id") is { Length: > 0 } callId)
                {
                    batch.ToolResults.Add(new ToolResultRecord { CallId = callId, Ts = ts, IsError = block.Bool("is_error") ?? false });
                }
            }
        }

        private static void ReadCostState(JsonElement root, FileContext context, ImportBatch batch)
        {
            string? sessionId = root.Str("sessionId") ?? SessionFromFileName(context.File.Path);
            if (sessionId is null)
            {
                return;
            }

            batch.SessionReports.Add(new SessionReportRecord
            {
                SessionId = sessionId,
                ReportedCost = root.Double("totalCostUSD"),
                ApiDurationMs = root.LongOrNull("totalAPIDuration"),
                ToolDurationMs = root.LongOrNull("totalToolDuration"),
                TotalDurationMs = root.LongOrNull("totalDuration"),
                LinesAdded = root.LongOrNull("totalLinesAdded"),
                LinesRemoved = root.LongOrNull("totalLinesRemoved"),
                ModelUsageJson = root.Obj("modelUsage")?.GetRawText(),
            });
        }

        private static string? SessionFromFileName(string path)
        {
            string name = Path.GetFileNameWithoutExtension(path);
            return Guid.TryParse(name, out _) ? name : null;
        }

        private static readonly char[] Separators = { '/', '\\' };

        // Each parsing thread's last folder and its name: most lines of a file share one folder.
        [ThreadStatic]
        private static string? _lastCwd;

        [ThreadStatic]
        private static string? _lastProject;

        /// <summary>A readable project name: the last segment of the working directory.</summary>
        public static string? ProjectName(string? cwd)
        {
            if (string.IsNullOrEmpty(cwd))
            {
                return null;
            }

            if (string.Equals(cwd, _lastCwd, StringComparison.Ordinal))
            {
                return _lastProject;
            }

            string trimmed = cwd!.TrimEnd(Separators);
            int cut = trimmed.LastIndexOfAny(Separators);
            string name = cut >= 0 ? trimmed.Substring(cut + 1) : trimmed;
            _lastCwd = cwd;
            _lastProject = name.Length == 0 ? cwd : name;
            return _lastProject;
        }
    }
}
