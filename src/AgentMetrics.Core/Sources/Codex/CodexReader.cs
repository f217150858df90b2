using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using AgentMetrics.Records;
using AgentMetrics.Rules;
using AgentMetrics.Sources.Claude;

namespace AgentMetrics.Sources.Codex
{
    /// <summary>
    /// Codex CLI rollouts: sessions/**/rollout-*.jsonl and archived_sessions/** under $CODEX_HOME (else
    /// ~/.codex), read under the counting rules of docs/formats.md#codex-cli-rollouts. token_count events carry
    /// running totals, so the reader keeps the file's last total (and model, session, pending tool calls) in
    /// <see cref="FileContext.State"/>, which the importer saves with the manifest: an append resumes with
    /// exactly the baseline the previous import ended on.
    /// </summary>
    internal sealed class CodexReader : SourceReader
    {
        public const string MainAgent = "codex";
        public const string SubagentAgent = "codex/subagent";

        public override AgentSource Source => AgentSource.Codex;

        public override IEnumerable<string> DefaultRoots(string workingDirectory)
        {
            string? configured = Environment.GetEnvironmentVariable("CODEX_HOME");
            return new[] { string.IsNullOrWhiteSpace(configured) ? Path.Combine(AgentMetricsPaths.UserHome, ".codex") : configured!.Trim() };
        }

        /// <summary>A rollout by its name: the same rollout in sessions/ and archived_sessions/ is one group.</summary>
        public override string GroupOf(string path) => Path.GetFileName(path);

        public static bool IsRollout(string file) =>
            Path.GetFileName(file).StartsWith("rollout-", StringComparison.Ordinal) && file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);

        /// <summary>A rollout file, or a folder holding rollouts anywhere below it (a Codex home, sessions/, a day folder).</summary>
        public override bool Recognises(string path)
        {
            if (File.Exists(path))
            {
                return IsRollout(path);
            }

            return Directory.Exists(path) && SafeEnumerateFiles(path, "rollout-*.jsonl").Any(IsRollout);
        }

        public override IEnumerable<DiscoveredFile> Discover(string root)
        {
            if (File.Exists(root))
            {
                yield return new DiscoveredFile(root, Source);
                yield break;
            }

            // A Codex home: only its two rollout folders (it also holds history.jsonl, logs, ...).
            bool isHome = Directory.Exists(Path.Combine(root, "sessions")) || Directory.Exists(Path.Combine(root, "archived_sessions"));
            IEnumerable<string> folders = isHome ? new[] { Path.Combine(root, "sessions"), Path.Combine(root, "archived_sessions") } : new[] { root };
            foreach (string folder in folders)
            {
                foreach (string file in SafeEnumerateFiles(folder, "rollout-*.jsonl").Where(IsRollout))
                {
                    yield return new DiscoveredFile(file, Source);
                }
            }
        }

        public override LineOutcome ParseLine(RawLine line, FileContext context, ImportBatch batch)
        {
            if (IsBlank(line.Bytes.Span))
            {
                return LineOutcome.Empty;
            }

            // Most of a rollout is messages and reasoning, which change no count: a line that names none of the
            // kinds read below only gets a shape check (once the file's first timestamp is known; a last line
            // without a newline always gets a full parse, as it may be torn and must then stay unconsumed).
            ReadOnlySpan<byte> span = line.Bytes.Span;
            if (line.HasNewline && context.FirstTs is not null && (CannotCountByPrefix(span) || !MayCount(span)))
            {
                return LooksLikeObject(span) ? LineOutcome.Parsed : LineOutcome.Malformed;
            }

            if (line.HasNewline && span.IndexOf("_call_output"u8) >= 0 && ToolOutputScanner.TryRead(span, out ToolOutput output))
            {
                long? at = output.Timestamp;
                if (context.FirstTs is null && at is not null)
                {
                    context.FirstTs = at;
                }

                AddToolResult(output.CallId, at, RolloutState.Load(context), batch, output.IsError);
                return LineOutcome.Parsed;
            }

            if (!TryParse(line, out JsonDocument document))
            {
                return LineOutcome.Malformed;
            }

            using (document)
            {
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || root.Obj("payload") is not JsonElement payload)
                {
                    return LineOutcome.Parsed;
                }

                long? ts = root.Timestamp("timestamp");
                if (context.FirstTs is null && ts is not null)
                {
                    context.FirstTs = ts;
                }

                string? type = root.Str("type");
                if (type == "response_item" && payload.Str("type") is "message" or "reasoning")
                {
                    return LineOutcome.Parsed; // the bulk of a rollout: nothing here changes the counts.
                }

                RolloutState state = RolloutState.Load(context);
                switch (type)
                {
                    case "session_meta":
                        ReadSessionMeta(payload, ts, state);
                        break;
                    case "turn_context":
                        state.Model = payload.Str("model") ?? state.Model;
                        state.Cwd = payload.Str("cwd") ?? state.Cwd;
                        break;
                    case "response_item":
                        ReadResponseItem(payload, ts, state, batch);
                        break;
                    case "event_msg":
                        if (payload.Str("type") == "token_count")
                        {
                            ReadTokenCount(payload, ts, line, context, state, batch);
                        }

                        break;
                }

                state.Save(context);
            }

            return LineOutcome.Parsed;
        }

        /// <summary>
        /// Whether a line can be one of the kinds that count. Their type names appear as raw bytes in such a
        /// line (inside a JSON string a quote is escaped, but these names need none), so a line without any of
        /// them cannot be one; a false positive costs only a full parse.
        /// </summary>
        /// <summary>
        /// Whether the line's first bytes, as Codex writes them ({"timestamp":"…","type":"…","payload":{"type":"…"),
        /// name a kind the document path passes over: a response_item message or reasoning, or an event_msg other
        /// than token_count. Those are most of a rollout's bytes; settling them from the prefix spares
        /// <see cref="MayCount"/> its four searches through the whole line. Any other prefix answers false.
        /// </summary>
        private static bool CannotCountByPrefix(ReadOnlySpan<byte> span)
        {
            ReadOnlySpan<byte> start = "{\"timestamp\":\""u8;
            if (!span.StartsWith(start))
            {
                return false;
            }

            int close = span.Slice(start.Length, Math.Min(48, span.Length - start.Length)).IndexOf((byte)'"');
            if (close < 0)
            {
                return false;
            }

            ReadOnlySpan<byte> rest = span.Slice(start.Length + close + 1);
            ReadOnlySpan<byte> responseItem = ",\"type\":\"response_item\",\"payload\":{\"type\":\""u8;
            if (rest.StartsWith(responseItem))
            {
                rest = rest.Slice(responseItem.Length);
                return rest.StartsWith("message\""u8) || rest.StartsWith("reasoning\""u8);
            }

            ReadOnlySpan<byte> eventMsg = ",\"type\":\"event_msg\",\"payload\":{\"type\":\""u8;
            if (rest.StartsWith(eventMsg))
            {
                rest = rest.Slice(eventMsg.Length);
                int end = rest.IndexOf((byte)'"');
                return end > 0 && !rest.Slice(0, end).SequenceEqual("token_count"u8);
            }

            return false;
        }

        private static bool MayCount(ReadOnlySpan<byte> span) =>
            span.IndexOf("_call"u8) >= 0 || span.IndexOf("token_count"u8) >= 0 || span.IndexOf("session_meta"u8) >= 0 || span.IndexOf("turn_context"u8) >= 0;

        private static void ReadSessionMeta(JsonElement payload, long? ts, RolloutState state)
        {
            // The first session_meta is the rollout's own; a later one naming another session is a parent's,
            // heading the history a fork replays.
            if (state.SessionId is not null)
            {
                if (payload.Str("id") != state.SessionId)
                {
                    state.Replay.ForeignSessionMeta(ts);
                }

                return;
            }

            state.SessionId = payload.Str("id");
            state.Replay.OwnStart = payload.Timestamp("timestamp") ?? ts;
            state.Cwd = payload.Str("cwd") ?? state.Cwd;
            state.ClientVersion = payload.Str("cli_version");
            state.GitBranch = payload.Obj("git")?.Str("branch");
            // A subagent rollout says so in `source` ({"subagent": ...}); a fork names the rollout it came from.
            bool subagent = payload.Obj("source") is JsonElement source && source.TryGet("subagent", out _);
            bool forked = payload.Str("forked_from_id") is not null || payload.Str("parent_id") is not null || payload.Str("parent_session_id") is not null;
            state.IsSubagent = subagent || forked;
        }

        /// <summary>
        /// Whether a line belongs to history a fork or subagent replays from its parent at spawn (the rule is
        /// <see cref="CodexReplay"/>): its token_counts only set the baseline (the parent's running total the fork
        /// continues from) and its tool calls are the parent's.
        /// </summary>
        private static bool IsReplay(long? ts, RolloutState state) => state.Replay.IsReplayed(ts);

        private static void ReadResponseItem(JsonElement payload, long? ts, RolloutState state, ImportBatch batch)
        {
            string? type = payload.Str("type");
            string? callId = payload.Str("call_id");
            if (callId is null || IsReplay(ts, state))
            {
                return;
            }

            if (type == "function_call" || type == "custom_tool_call")
            {
                // A call is made by the response whose usage the next token_count reports: keep it until then.
                state.PendingCalls.Add(new PendingCall { CallId = callId, Name = payload.Str("name") ?? "(unnamed)", Ts = ts });
            }
            else if (type == "function_call_output" || type == "custom_tool_call_output")
            {
                AddToolResult(callId, ts, state, batch, OutputIsError(payload));
            }
        }

        private static void AddToolResult(string? callId, long? ts, RolloutState state, ImportBatch batch, bool isError)
        {
            if (callId is not null && !IsReplay(ts, state))
            {
                batch.ToolResults.Add(new ToolResultRecord { CallId = callId, Ts = ts, IsError = isError });
            }
        }

        /// <summary>Shell-like tools report {"output":…, "metadata":{"exit_code":N}} as a JSON string; non-zero is a failure.</summary>
        private static bool OutputIsError(JsonElement payload)
        {
            if (payload.Str("output") is not { Length: > 0 } output || output[0] != '{')
            {
                return false;
            }

            try
            {
                using var document = JsonDocument.Parse(output);
                return document.RootElement.Obj("metadata")?.LongOrNull("exit_code") is long code && code != 0;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        private void ReadTokenCount(JsonElement payload, long? ts, RawLine line, FileContext context, RolloutState state, ImportBatch batch)
        {
            // info: null is the event Codex sends before any usage exists (rate limits only).
            if (payload.Obj("info") is not JsonElement info)
            {
                return;
            }

            Usage? total = Usage.From(info.Obj("total_token_usage"));
            Usage? last = Usage.From(info.Obj("last_token_usage"));
            if (total is null && last is null)
            {
                return;
            }

            Usage? previous = state.Total;
            Usage? delta;
            if (total is null)
            {
                // No running total to compare with: the event's own usage is all there is.
                delta = last;
            }
            else if (previous is null)
            {
                delta = last ?? total;
            }
            else if (total.Sum == previous.Sum)
            {
                delta = null; // Codex re-emits an unchanged token_count: nothing new happened.
            }
            else if (total.Sum < previous.Sum)
            {
                // A total that goes backwards is a reset: it is the new baseline, and this event's request counts.
                delta = last ?? total;
            }
            else
            {
                // Legacy files without last_token_usage: the request is the difference of the running totals.
                delta = last ?? total.Minus(previous);
            }

            if (total is not null)
            {
                state.Total = total;
            }

            batch.UsageLines++;
            if (delta is null || IsReplay(ts, state))
            {
                return;
            }

            string sessionId = state.SessionId ?? SessionFromFileName(context.File.Path) ?? context.File.Path;
            long at = ts ?? context.FirstTs ?? 0;
            // Session + time + running total names the event, not the file: the same rollout under sessions/ and
            // archived_sessions/ gives the same keys, and an append never changes the keys already written.
            string key = string.Join(":", sessionId, at.ToString(CultureInfo.InvariantCulture), (total ?? delta).Sum.ToString(CultureInfo.InvariantCulture));
            var request = new RequestRecord
            {
                DedupKey = key,
                SessionId = sessionId,
                Ts = at,
                Model = state.Model,
                Agent = state.IsSubagent ? SubagentAgent : MainAgent,
                ProjectPath = state.Cwd,
                Project = ClaudeReader.ProjectName(state.Cwd),
                GitBranch = state.GitBranch,
                ClientVersion = state.ClientVersion,
                // Codex counts cached tokens inside input and reasoning inside output: split the first, keep the
                // second inside output (stored again separately for display only), so nothing is added twice.
                Input = Math.Max(0, delta.Input - delta.Cached),
                CacheRead = delta.Cached,
                Output = delta.Output,
                Reasoning = delta.Reasoning,
                FileStartTs = context.FirstTs,
                FilePath = context.File.Path,
                Line = line.Number,
            };
            batch.Requests.Add(request);

            foreach (PendingCall call in state.PendingCalls)
            {
                batch.ToolCalls.Add(new ToolCallRecord
                {
                    CallId = call.CallId,
                    RequestKey = key,
                    SessionId = sessionId,
                    Name = call.Name,
                    Ts = call.Ts ?? at,
                    IsSidechain = state.IsSubagent,
                    Agent = request.Agent,
                });
            }

            state.PendingCalls.Clear();
        }

        private static string? SessionFromFileName(string path)
        {
            // rollout-2026-09-28T12-31-13-<uuid>.jsonl: the uuid is the last 36 characters of the name.
            string name = Path.GetFileNameWithoutExtension(path);
            return name.Length >= 36 && Guid.TryParse(name.Substring(name.Length - 36), out _) ? name.Substring(name.Length - 36) : null;
        }

        /// <summary>One Codex usage object. Cached is inside Input and Reasoning inside Output.</summary>
        internal sealed class Usage
        {
            public long Input { get; set; }

            public long Cached { get; set; }

            public long Output { get; set; }

            public long Reasoning { get; set; }

            /// <summary>input + output (total_tokens when Codex omits or zeroes it): what "advanced" compares.</summary>
            public long Sum => Input + Output;

            public static Usage? From(JsonElement? element) => element is JsonElement e
                ? new Usage { Input = e.Long("input_tokens"), Cached = e.Long("cached_input_tokens"), Output = e.Long("output_tokens"), Reasoning = e.Long("reasoning_output_tokens") }
                : null;

            public Usage Minus(Usage other) => new Usage
            {
                Input = Math.Max(0, Input - other.Input),
                Cached = Math.Max(0, Cached - other.Cached),
                Output = Math.Max(0, Output - other.Output),
                Reasoning = Math.Max(0, Reasoning - other.Reasoning),
            };
        }

        internal sealed class PendingCall
        {
            public string CallId { get; set; } = string.Empty;

            public string Name { get; set; } = string.Empty;

            public long? Ts { get; set; }
        }

        /// <summary>What a rollout's later lines depend on; serialised into FileContext.State between imports.</summary>
        internal sealed class RolloutState : IFileState
        {
            public string? SessionId { get; set; }

            /// <summary>Where the rollout's own history starts and whether a replay is still running.</summary>
            public CodexReplay Replay { get; } = new CodexReplay();

            public string? Model { get; set; }

            public string? Cwd { get; set; }

            public string? GitBranch { get; set; }

            public string? ClientVersion { get; set; }

            public bool IsSubagent { get; set; }

            public Usage? Total { get; set; }

            public List<PendingCall> PendingCalls { get; set; } = new List<PendingCall>();

            public static RolloutState Load(FileContext context)
            {
                // Parsed once per file and kept on the context: the JSON text is only for the manifest.
                if (context.Parsed is RolloutState cached)
                {
                    return cached;
                }

                RolloutState state = context.State is { Length: > 0 } text ? Deserialize(text) : new RolloutState();
                context.Parsed = state;
                return state;
            }

            public void Save(FileContext context) => context.StateChanged(this);

            // Written by hand rather than by JsonSerializer: its reflection start-up cost more than a whole
            // append's parsing. The property names are the ones earlier versions stored, so their states still load.
            public string Serialize()
            {
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    writer.WriteStartObject();
                    writer.WriteString("SessionId", SessionId);
                    WriteNumber(writer, "MetaTs", Replay.OwnStart);
                    WriteNumber(writer, "ReplaySecond", Replay.OpenSecond);
                    writer.WriteString("Model", Model);
                    writer.WriteString("Cwd", Cwd);
                    writer.WriteString("GitBranch", GitBranch);
                    writer.WriteString("ClientVersion", ClientVersion);
                    writer.WriteBoolean("IsSubagent", IsSubagent);
                    if (Total is null)
                    {
                        writer.WriteNull("Total");
                    }
                    else
                    {
                        writer.WriteStartObject("Total");
                        writer.WriteNumber("Input", Total.Input);
                        writer.WriteNumber("Cached", Total.Cached);
                        writer.WriteNumber("Output", Total.Output);
                        writer.WriteNumber("Reasoning", Total.Reasoning);
                        writer.WriteEndObject();
                    }

                    writer.WriteStartArray("PendingCalls");
                    foreach (PendingCall call in PendingCalls)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("CallId", call.CallId);
                        writer.WriteString("Name", call.Name);
                        WriteNumber(writer, "Ts", call.Ts);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
            }

            private static void WriteNumber(Utf8JsonWriter writer, string name, long? value)
            {
                if (value is long number)
                {
                    writer.WriteNumber(name, number);
                }
                else
                {
                    writer.WriteNull(name);
                }
            }

            internal static RolloutState Deserialize(string text)
            {
                using var document = JsonDocument.Parse(text);
                JsonElement root = document.RootElement;
                var state = new RolloutState
                {
                    SessionId = root.Str("SessionId"),
                    Model = root.Str("Model"),
                    Cwd = root.Str("Cwd"),
                    GitBranch = root.Str("GitBranch"),
                    ClientVersion = root.Str("ClientVersion"),
                    IsSubagent = root.Bool("IsSubagent") ?? false,
                };
                state.Replay.OwnStart = root.LongOrNull("MetaTs");
                state.Replay.OpenSecond = root.LongOrNull("ReplaySecond");
                if (root.Obj("Total") is JsonElement total)
                {
                    state.Total = new Usage { Input = total.Long("Input"), Cached = total.Long("Cached"), Output = total.Long("Output"), Reasoning = total.Long("Reasoning") };
                }

                if (root.TryGet("PendingCalls", out JsonElement calls) && calls.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement call in calls.EnumerateArray())
                    {
                        state.PendingCalls.Add(new PendingCall { CallId = call.Str("CallId") ?? string.Empty, Name = call.Str("Name") ?? "(unnamed)", Ts = call.LongOrNull("Ts") });
                    }
                }

                return state;
            }
        }
    }
}
