using System;
using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace AgentMetrics.Sources.Codex
{
    /// <summary>
    /// Reads a Codex tool-output line (response_item / function_call_output or custom_tool_call_output) with
    /// forward-only readers: these lines are over 40 % of a rollout's bytes, and a document per line (plus
    /// the output re-read as a UTF-16 string) was most of Codex's import time. Returns false for anything
    /// else or anything unexpected, so the caller falls back to a full parse.
    /// </summary>
    internal static class ToolOutputScanner
    {
        public static bool TryRead(ReadOnlySpan<byte> json, out ToolOutput output)
        {
            output = default;
            var reader = new Utf8JsonReader(json);
            string? type = null, payloadType = null, callId = null;
            long? timestamp = null;
            bool isError = false, sawPayload = false;
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
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            return false; // numeric timestamps and the like: the full parse knows them
                        }

                        timestamp = Json.CurrentTimestamp(ref reader);
                    }
                    else if (reader.ValueTextEquals("payload"u8))
                    {
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            return false;
                        }

                        sawPayload = true;
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            if (reader.ValueTextEquals("type"u8))
                            {
                                payloadType = ForwardJson.NextString(ref reader);
                            }
                            else if (reader.ValueTextEquals("call_id"u8))
                            {
                                callId = ForwardJson.NextString(ref reader);
                            }
                            else if (reader.ValueTextEquals("output"u8))
                            {
                                reader.Read();
                                if (reader.TokenType == JsonTokenType.String)
                                {
                                    isError = OutputReportsFailure(ref reader);
                                }
                                else
                                {
                                    reader.Skip();
                                }
                            }
                            else
                            {
                                ForwardJson.SkipValue(ref reader, json);
                            }
                        }
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

            if (!sawPayload || type != "response_item" || (payloadType != "function_call_output" && payloadType != "custom_tool_call_output"))
            {
                return false;
            }

            output = new ToolOutput(timestamp, callId, isError);
            return true;
        }

        /// <summary>
        /// Shell-like tools report {"output":…, "metadata":{"exit_code":N}} as a JSON string; non-zero is a
        /// failure. Anything else in the string (plain text, broken JSON) is not a failure.
        /// </summary>
        private static bool OutputReportsFailure(ref Utf8JsonReader reader)
        {
            ReadOnlySpan<byte> raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
            // The full parse looks at the text's first character, which may be written escaped (\u007b).
            if (raw.Length == 0 || (raw[0] != (byte)'{' && raw[0] != (byte)'\\'))
            {
                return false;
            }

            byte[]? rented = null;
            try
            {
                ReadOnlySpan<byte> text = raw;
                if (reader.ValueIsEscaped)
                {
                    rented = ArrayPool<byte>.Shared.Rent(raw.Length);
                    int written;
                    try
                    {
                        written = reader.CopyString(rented);
                    }
                    catch (InvalidOperationException)
                    {
                        return false; // not Unicode: the full parse reads no text from it either
                    }

                    text = rented.AsSpan(0, written);
                }

                return text.Length > 0 && text[0] == (byte)'{' && ExitCodeIsNonZero(text);
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }

        private static bool ExitCodeIsNonZero(ReadOnlySpan<byte> text)
        {
            var inner = new Utf8JsonReader(text);
            long? exitCode = null;
            try
            {
                if (!inner.Read() || inner.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }

                while (inner.Read() && inner.TokenType == JsonTokenType.PropertyName)
                {
                    if (!inner.ValueTextEquals("metadata"u8))
                    {
                        // The command's own output, as long as the line's: stepped over, not walked.
                        ForwardJson.SkipValue(ref inner, text);
                        continue;
                    }

                    inner.Read();
                    if (inner.TokenType != JsonTokenType.StartObject)
                    {
                        inner.Skip();
                        continue;
                    }

                    while (inner.Read() && inner.TokenType == JsonTokenType.PropertyName)
                    {
                        bool isExitCode = inner.ValueTextEquals("exit_code"u8);
                        inner.Read();
                        if (isExitCode)
                        {
                            exitCode = ReadCode(ref inner);
                        }
                        else
                        {
                            inner.Skip();
                        }
                    }
                }

                // Like a document parse, the whole text must be one valid value for its metadata to count.
                if (!ForwardJson.ClosedCleanly(ref inner))
                {
                    return false;
                }
            }
            catch (JsonException)
            {
                return false;
            }

            return exitCode is long code && code != 0;
        }

        private static long? ReadCode(ref Utf8JsonReader reader) => Json.CurrentLong(ref reader);
    }
}
