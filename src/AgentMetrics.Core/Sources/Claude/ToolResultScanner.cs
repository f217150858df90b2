using System;
using System.Collections.Generic;
using System.Text.Json;
using AgentMetrics.Records;

namespace AgentMetrics.Sources.Claude
{
    /// <summary>
    /// Reads a user line's tool_result outcomes with a forward-only reader, skipping the (often large)
    /// payloads without building a document. Returns false for anything unexpected, so the caller can
    /// fall back to a full parse.
    /// </summary>
    internal static class ToolResultScanner
    {
        public static bool TryRead(ReadOnlySpan<byte> json, ImportBatch batch)
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            string? type = null;
            long? ts = null;
            var results = new List<ToolResultRecord>();
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
                        type = ForwardJson.NextString(ref reader);
                    }
                    else if (reader.ValueTextEquals("timestamp"u8))
                    {
                        ts = Json.NextTimestamp(ref reader);
                    }
                    else if (reader.ValueTextEquals("message"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            ReadMessage(ref reader, results, json);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                    else if (reader.ValueTextEquals("toolUseResult"u8))
                    {
                        // The tool's own copy of its output, often a quarter of the history's bytes; nothing is counted
                        // from it, but a line torn inside it is torn (docs/formats.md#c11-fast-scanners-read-as-the-full-parse-does):
                        // its long strings are stepped over, the rest is checked as the reader's own skip would.
                        ForwardJson.SkipValueStepping(ref reader, json);
                    }
                    else
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

            return Emit(type, ts, results, batch);
        }

        private static bool Emit(string? type, long? ts, List<ToolResultRecord> results, ImportBatch batch)
        {
            if (type != "user")
            {
                return false;
            }

            foreach (ToolResultRecord result in results)
            {
                result.Ts = ts;
                batch.ToolResults.Add(result);
            }

            return true;
        }

        /// <param name="line">The buffer the reader reads: a result's content is stepped over (see <see cref="ForwardJson.SkipValue(ref Utf8JsonReader, ReadOnlySpan{byte})"/>).</param>
        private static void ReadMessage(ref Utf8JsonReader reader, List<ToolResultRecord> results, ReadOnlySpan<byte> line)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool content = reader.ValueTextEquals("content"u8);
                reader.Read();
                if (!content || reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }

                    string? blockType = null, callId = null;
                    bool isError = false;
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("type"u8))
                        {
                            blockType = ForwardJson.NextString(ref reader);
                        }
                        else if (reader.ValueTextEquals("tool_use_id"u8))
                        {
                            callId = ForwardJson.NextString(ref reader);
                        }
                        else if (reader.ValueTextEquals("is_error"u8))
                        {
                            reader.Read();
                            isError = reader.TokenType == JsonTokenType.True;
                            reader.Skip(); // a no-op unless the value is an object or array
                        }
                        else
                        {
                            ForwardJson.SkipValue(ref reader, line);
                        }
                    }

                    if (blockType == "tool_result" && !string.IsNullOrEmpty(callId))
                    {
                        results.Add(new ToolResultRecord { CallId = callId!, IsError = isError });
                    }
                }
            }
        }
    }
}
