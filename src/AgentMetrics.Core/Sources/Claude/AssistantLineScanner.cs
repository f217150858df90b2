using System;
using System.Text.Json;

namespace AgentMetrics.Sources.Claude
{
    /// <summary>
    /// Reads an assistant line's envelope, model, usage and tool_use blocks with a forward-only reader —
    /// no document, text blocks skipped — into <see cref="ResponseFields"/>. Anything else (progress,
    /// user, cost-state lines, invalid JSON) returns false and takes the full-parse path.
    /// </summary>
    internal static class AssistantLineScanner
    {
        /// <summary>Each parsing thread's last value of the fields most lines repeat.</summary>
        private sealed class RepeatedFields
        {
            public readonly RepeatedString SessionId = new RepeatedString();
            public readonly RepeatedString Cwd = new RepeatedString();
            public readonly RepeatedString GitBranch = new RepeatedString();
            public readonly RepeatedString Version = new RepeatedString();
            public readonly RepeatedString AgentId = new RepeatedString();
            public readonly RepeatedString Model = new RepeatedString();
        }

        [ThreadStatic]
        private static RepeatedFields? _repeated;

        private static RepeatedFields Repeated => _repeated ??= new RepeatedFields();

        /// <summary>
        /// True for a well-formed assistant line: <paramref name="fields"/> holds its response if it has usage,
        /// <paramref name="timestamp"/> its time and <paramref name="agentId"/> its agentId (with usage or without,
        /// what a 2.1 meta file's type is attached to).
        /// </summary>
        public static bool TryRead(ReadOnlySpan<byte> json, out ResponseFields? fields, out long? timestamp, out string? agentId)
        {
            fields = null;
            timestamp = null;
            agentId = null;
            var reader = new Utf8JsonReader(json);
            var found = new ResponseFields();
            bool isAssistant = false, hasUsage = false;
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
                        isAssistant = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("assistant"u8);
                        if (!isAssistant)
                        {
                            return false;
                        }
                    }
                    else if (reader.ValueTextEquals("message"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            hasUsage = ReadMessage(ref reader, found, json);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                    else if (!ReadLineField(ref reader, found))
                    {
                        ForwardJson.SkipValue(ref reader);
                    }
                }

                if (!ForwardJson.ClosedCleanly(ref reader))
                {
                    return false;
                }
            }
            catch (JsonException)
            {
                return false;
            }

            if (!isAssistant)
            {
                return false;
            }

            timestamp = found.Ts;
            agentId = found.AgentId;
            fields = hasUsage ? found : null;
            return true;
        }

        /// <summary>
        /// The line-level fields every Claude line kind shares (time, session, folder, branch, version, ids,
        /// sidechain flag): true when the property at the reader was one of them and its value is read.
        /// </summary>
        internal static bool ReadLineField(ref Utf8JsonReader reader, ResponseFields found)
        {
            if (reader.ValueTextEquals("timestamp"u8))
            {
                found.Ts = Json.NextTimestamp(ref reader);
            }
            else if (reader.ValueTextEquals("sessionId"u8))
            {
                found.SessionId = ForwardJson.NextString(ref reader, Repeated.SessionId);
            }
            else if (reader.ValueTextEquals("cwd"u8))
            {
                found.Cwd = ForwardJson.NextString(ref reader, Repeated.Cwd);
            }
            else if (reader.ValueTextEquals("gitBranch"u8))
            {
                found.GitBranch = ForwardJson.NextString(ref reader, Repeated.GitBranch);
            }
            else if (reader.ValueTextEquals("version"u8))
            {
                found.Version = ForwardJson.NextString(ref reader, Repeated.Version);
            }
            else if (reader.ValueTextEquals("requestId"u8))
            {
                found.RequestId = ForwardJson.NextString(ref reader);
            }
            else if (reader.ValueTextEquals("uuid"u8))
            {
                found.Uuid = ForwardJson.NextString(ref reader);
            }
            else if (reader.ValueTextEquals("agentId"u8))
            {
                found.AgentId = ForwardJson.NextString(ref reader, Repeated.AgentId);
            }
            else if (reader.ValueTextEquals("isSidechain"u8))
            {
                reader.Read();
                found.IsSidechain = reader.TokenType == JsonTokenType.True;
                reader.Skip(); // a no-op unless the value is an object or array
            }
            else
            {
                return false;
            }

            return true;
        }

        private static long ReadLong(ref Utf8JsonReader reader)
        {
            // As the full parse reads a count (Json.Long): "17" is 17, 1e400 or an object is absent.
            reader.Read();
            return Json.CurrentLong(ref reader) ?? 0;
        }

        internal static bool ReadMessage(ref Utf8JsonReader reader, ResponseFields found, ReadOnlySpan<byte> line)
        {
            bool hasUsage = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    found.MessageId = ForwardJson.NextString(ref reader);
                }
                else if (reader.ValueTextEquals("model"u8))
                {
                    found.Model = ForwardJson.NextString(ref reader, Repeated.Model);
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        hasUsage = true;
                        ReadUsage(ref reader, found);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        ReadContent(ref reader, found, line);
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

            return hasUsage;
        }

        private static void ReadUsage(ref Utf8JsonReader reader, ResponseFields found)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("input_tokens"u8))
                {
                    found.Input = ReadLong(ref reader);
                }
                else if (reader.ValueTextEquals("output_tokens"u8))
                {
                    found.Output = ReadLong(ref reader);
                }
                else if (reader.ValueTextEquals("cache_creation_input_tokens"u8))
                {
                    found.CacheCreation = ReadLong(ref reader);
                }
                else if (reader.ValueTextEquals("cache_read_input_tokens"u8))
                {
                    found.CacheRead = ReadLong(ref reader);
                }
                else if (reader.ValueTextEquals("cache_creation"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }

                    found.HasBreakdown = true;
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("ephemeral_5m_input_tokens"u8))
                        {
                            found.Ephemeral5m = ReadLong(ref reader);
                        }
                        else if (reader.ValueTextEquals("ephemeral_1h_input_tokens"u8))
                        {
                            found.Ephemeral1h = ReadLong(ref reader);
                        }
                        else
                        {
                            ForwardJson.SkipValue(ref reader);
                        }
                    }
                }
                else if (reader.ValueTextEquals("server_tool_use"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("web_search_requests"u8))
                        {
                            found.WebSearches = ReadLong(ref reader);
                        }
                        else
                        {
                            ForwardJson.SkipValue(ref reader);
                        }
                    }
                }
                else
                {
                    ForwardJson.SkipValue(ref reader);
                }
            }
        }

        /// <param name="line">The buffer the reader reads: text and thinking blocks are stepped over (see <see cref="ForwardJson.SkipValue(ref Utf8JsonReader, ReadOnlySpan{byte})"/>).</param>
        private static void ReadContent(ref Utf8JsonReader reader, ResponseFields found, ReadOnlySpan<byte> line)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                bool isToolUse = false;
                string? id = null, name = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("type"u8))
                    {
                        reader.Read();
                        isToolUse = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("tool_use"u8);
                        reader.Skip(); // a no-op unless the value is an object or array
                    }
                    else if (reader.ValueTextEquals("id"u8))
                    {
                        id = ForwardJson.NextString(ref reader);
                    }
                    else if (reader.ValueTextEquals("name"u8))
                    {
                        name = ForwardJson.NextString(ref reader);
                    }
                    else
                    {
                        ForwardJson.SkipValue(ref reader, line);
                    }
                }

                if (isToolUse && !string.IsNullOrEmpty(id))
                {
                    found.AddToolUse(id!, name);
                }
            }
        }
    }
}
