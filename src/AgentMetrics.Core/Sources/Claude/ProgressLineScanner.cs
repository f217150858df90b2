using System;
using System.Text.Json;

namespace AgentMetrics.Sources.Claude
{
    /// <summary>
    /// Reads a progress line — in a parent transcript, an agent_progress copy of a subagent's response — with a
    /// forward-only reader, by the rules the document path applies (ClaudeReader.ReadProgress): the response's
    /// request id, uuid, time and sidechain flag come from the copied envelope, falling back to the line's
    /// own; session, folder, branch and version from the line; the agent from data.agentId. A copy is
    /// usually as large as the response it mirrors, and a full document parse of it cost a tenth of reading
    /// Claude history. Anything unexpected returns false and takes the document path.
    /// </summary>
    internal static class ProgressLineScanner
    {
        /// <summary>
        /// True for a well-formed progress line: <paramref name="fields"/> holds its response copy if it has one
        /// with usage, <paramref name="timestamp"/> the line's own time and <paramref name="agentId"/> the line's
        /// agentId (what a 2.1 meta file's type is attached to).
        /// </summary>
        public static bool TryRead(ReadOnlySpan<byte> json, out ResponseFields? fields, out long? timestamp, out string? agentId)
        {
            fields = null;
            timestamp = null;
            agentId = null;
            var reader = new Utf8JsonReader(json);
            var line = new ResponseFields();
            var copy = new ResponseFields();
            bool isProgress = false, isAgentProgress = false, copyHasUsage = false;
            string? dataAgentId = null;
            long? copyTs = null;
            bool? copySidechain = null;
            try
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("type"u8))
                    {
                        reader.Read();
                        isProgress = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("progress"u8);
                        if (!isProgress)
                        {
                            return false;
                        }
                    }
                    else if (reader.ValueTextEquals("data"u8))
                    {
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            reader.Skip();
                            continue;
                        }

                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            if (reader.ValueTextEquals("type"u8))
                            {
                                reader.Read();
                                isAgentProgress = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("agent_progress"u8);
                                reader.Skip(); // a no-op unless the value is an object or array
                            }
                            else if (reader.ValueTextEquals("agentId"u8))
                            {
                                dataAgentId = ForwardJson.NextString(ref reader);
                            }
                            else if (reader.ValueTextEquals("message"u8))
                            {
                                reader.Read();
                                if (reader.TokenType == JsonTokenType.StartObject)
                                {
                                    copyHasUsage = ReadEnvelope(ref reader, copy, json, out copyTs, out copySidechain);
                                }
                                else
                                {
                                    reader.Skip();
                                }
                            }
                            else
                            {
                                ForwardJson.SkipValue(ref reader);
                            }
                        }
                    }
                    else if (!AssistantLineScanner.ReadLineField(ref reader, line))
                    {
                        ForwardJson.SkipValue(ref reader);
                    }
                }

                if (!ForwardJson.ClosedCleanly(ref reader) || !isProgress)
                {
                    return false;
                }
            }
            catch (JsonException)
            {
                return false;
            }

            timestamp = line.Ts;
            agentId = line.AgentId;
            if (isAgentProgress && copyHasUsage)
            {
                copy.SessionId = line.SessionId;
                copy.Ts = copyTs ?? line.Ts;
                copy.IsSidechain = copySidechain ?? true;
                copy.AgentId = dataAgentId ?? line.AgentId;
                copy.Cwd = line.Cwd;
                copy.GitBranch = line.GitBranch;
                copy.Version = line.Version;
                copy.Uuid ??= line.Uuid;
                fields = copy;
            }

            return true;
        }

        /// <summary>data.message: the copied line's envelope and its message. True when the message has usage.</summary>
        private static bool ReadEnvelope(ref Utf8JsonReader reader, ResponseFields copy, ReadOnlySpan<byte> json, out long? ts, out bool? sidechain)
        {
            ts = null;
            sidechain = null;
            bool hasUsage = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        hasUsage = AssistantLineScanner.ReadMessage(ref reader, copy, json);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("requestId"u8))
                {
                    copy.RequestId = ForwardJson.NextString(ref reader);
                }
                else if (reader.ValueTextEquals("uuid"u8))
                {
                    copy.Uuid = ForwardJson.NextString(ref reader);
                }
                else if (reader.ValueTextEquals("timestamp"u8))
                {
                    ts = Json.NextTimestamp(ref reader);
                }
                else if (reader.ValueTextEquals("isSidechain"u8))
                {
                    reader.Read();
                    sidechain = reader.TokenType == JsonTokenType.True ? true : reader.TokenType == JsonTokenType.False ? false : (bool?)null;
                    if (reader.TokenType == JsonTokenType.StartObject || reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    ForwardJson.SkipValue(ref reader);
                }
            }

            return hasUsage;
        }
    }
}
