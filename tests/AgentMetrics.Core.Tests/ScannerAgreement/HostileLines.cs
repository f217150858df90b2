using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentMetrics.Core.Tests.ScannerAgreement
{
    /// <summary>
    /// One valid line, rewritten every way a JSON writer may write it and every way a line may break: spaced,
    /// escaped, keys reordered, each value null / missing / of another type, torn at any byte, torn and run into
    /// the next line. A fast scanner and the full parse must say the same about every one of them.
    /// </summary>
    internal static class HostileLines
    {
        /// <summary>How agents write: characters beyond ASCII as their UTF-8 bytes, only quote, backslash and controls escaped.</summary>
        private static readonly JsonSerializerOptions Relaxed = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        /// <summary>
        /// Text as tools print it: escaped quotes and backslashes, line breaks, tabs, a control character, accented
        /// letters, CJK and a character outside the BMP (a surrogate pair once escaped).
        /// </summary>
        public static string Awkward(int repeat) => string.Concat(Enumerable.Range(0, repeat).Select(i =>
            $"{i}: \"q\" C:\\dir\\{i}\ttab é ü 中文 🚀 \u001b[0m </x> & ' + end\r\n"));

        /// <summary>A string value of about <paramref name="megabytes"/> MB in UTF-8.</summary>
        public static string Huge(int megabytes) => Awkward(megabytes * 1024 * 1024 / 80);

        /// <summary>The JSON text of a string value as agents write it.</summary>
        public static string Quote(string text) => JsonSerializer.Serialize(text, Relaxed);

        /// <summary>Every rewriting of <paramref name="json"/>, named, as line bytes (no line end).</summary>
        /// <param name="huge">A line of megabytes: torn at a few hundred places and no value changed one at a time.</param>
        public static IEnumerable<(string Name, byte[] Line)> Of(string json, bool huge = false)
        {
            JsonNode root = JsonNode.Parse(json)!;
            yield return ("compact", Utf8(root.ToJsonString(Relaxed)));
            yield return ("as given", Utf8(json));
            yield return ("spaced", Utf8(Spaced(root)));
            yield return ("CRLF line end", Utf8(root.ToJsonString(Relaxed) + "\r"));
            yield return ("indented with tabs and blanks around", Utf8(" \t" + Spaced(root).Replace("  ", "\t") + " \t\r"));
            // The default encoder escapes every non-ASCII character (surrogate pairs as two \u escapes) and
            // " & ' + < > as \u00XX.
            yield return ("escaped", Utf8(root.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.Default })));
            yield return ("keys reversed", Utf8(Reversed(root).ToJsonString(Relaxed)));

            foreach (string path in huge ? Enumerable.Empty<string>() : Paths(root))
            {
                yield return ($"{path} = null", Utf8(With(root, path, _ => null)));
                yield return ($"{path} removed", Utf8(Without(root, path)));
                yield return ($"{path} = \"17\"", Utf8(With(root, path, _ => JsonValue.Create("17"))));
                yield return ($"{path} = 17", Utf8(With(root, path, _ => JsonValue.Create(17))));
                yield return ($"{path} = 2.6", Utf8(With(root, path, _ => JsonValue.Create(2.6))));
                yield return ($"{path} = 1e400", Utf8(With(root, path, _ => JsonValue.Create(987654321)).Replace(":987654321", ":1e400")));
                yield return ($"{path} = true", Utf8(With(root, path, _ => JsonValue.Create(true))));
                yield return ($"{path} = {{}}", Utf8(With(root, path, _ => new JsonObject { ["type"] = "tool_use", ["id"] = "x" })));
                yield return ($"{path} = []", Utf8(With(root, path, _ => new JsonArray(1, "two", new JsonObject()))));
                yield return ($"{path} = lone surrogate", Utf8(With(root, path, _ => JsonValue.Create("LONE")).Replace("\"LONE\"", "\"\\ud800x\"")));
                yield return ($"{path} = bytes that are not UTF-8", NotUtf8(With(root, path, _ => JsonValue.Create("{\"NOTUTF8\":1}"))));
            }

            string compact = root.ToJsonString(Relaxed);
            byte[] bytes = Utf8(compact);
            int step = huge ? Math.Max(1, bytes.Length / 200) : 1;
            for (int cut = 1; cut < bytes.Length; cut += step)
            {
                yield return ($"torn at byte {cut}", bytes.Take(cut).ToArray());
            }

            // A writer that died mid-line, then wrote its next line after the torn one.
            for (int cut = 1; cut < bytes.Length; cut += Math.Max(1, bytes.Length / (huge ? 20 : 60)))
            {
                yield return ($"torn at byte {cut}, then the next line", bytes.Take(cut).Concat(bytes).ToArray());
            }

            yield return ("two lines run together", Utf8(compact + compact));
            yield return ("trailing comma", Utf8(compact.Substring(0, compact.Length - 1) + ",}"));
            yield return ("an array, not an object", Utf8("[" + compact + "]"));
        }

        private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

        /// <summary>The text's NOTUTF8 marker as bytes no UTF-8 decoder accepts (a lone continuation byte, then 0xFF).</summary>
        private static byte[] NotUtf8(string text)
        {
            byte[] bytes = Utf8(text);
            int at = text.IndexOf("NOTUTF8", StringComparison.Ordinal);
            int offset = Encoding.UTF8.GetByteCount(text.Substring(0, at));
            bytes[offset] = 0x80;
            bytes[offset + 1] = 0xFF;
            return bytes;
        }

        private static string Spaced(JsonNode root)
        {
            // Indented JSON has line breaks only between tokens (those inside strings are escaped): on one line, blanks.
            string indented = root.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true });
            return indented.Replace("\r\n", " ").Replace("\n", " ").Replace("\":", "\" : ").Replace(",", " ,");
        }

        private static JsonNode Reversed(JsonNode node)
        {
            switch (node)
            {
                case JsonObject obj:
                    var reversed = new JsonObject();
                    foreach (var (key, value) in obj.Reverse().ToList())
                    {
                        reversed[key] = value is null ? null : Reversed(value);
                    }

                    return reversed;
                case JsonArray array:
                    return new JsonArray(array.Select(item => item is null ? null : Reversed(item)).ToArray());
                default:
                    return node.DeepClone();
            }
        }

        /// <summary>Every property below the root, as a path of names and array indexes ("message.content[1].id").</summary>
        private static IEnumerable<string> Paths(JsonNode node, string prefix = "")
        {
            if (node is JsonObject obj)
            {
                foreach (var (key, value) in obj)
                {
                    string path = prefix.Length == 0 ? key : prefix + "." + key;
                    yield return path;
                    if (value is not null)
                    {
                        foreach (string below in Paths(value, path))
                        {
                            yield return below;
                        }
                    }
                }
            }
            else if (node is JsonArray array)
            {
                for (int i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonNode item)
                    {
                        foreach (string below in Paths(item, prefix + "[" + i + "]"))
                        {
                            yield return below;
                        }
                    }
                }
            }
        }

        private static string With(JsonNode root, string path, Func<JsonNode?, JsonNode?> replace)
        {
            JsonNode copy = root.DeepClone();
            var (parent, key) = Locate(copy, path);
            parent[key] = replace(parent[key]);
            return copy.ToJsonString(Relaxed);
        }

        private static string Without(JsonNode root, string path)
        {
            JsonNode copy = root.DeepClone();
            var (parent, key) = Locate(copy, path);
            parent.Remove(key);
            return copy.ToJsonString(Relaxed);
        }

        private static (JsonObject Parent, string Key) Locate(JsonNode root, string path)
        {
            var steps = new List<string>();
            foreach (string part in path.Split('.'))
            {
                int bracket = part.IndexOf('[');
                steps.Add(bracket < 0 ? part : part.Substring(0, bracket));
                if (bracket >= 0)
                {
                    steps.AddRange(part.Substring(bracket).Split(new[] { '[', ']' }, StringSplitOptions.RemoveEmptyEntries).Select(i => "#" + i));
                }
            }

            JsonNode at = root;
            foreach (string step in steps.Take(steps.Count - 1))
            {
                at = step.StartsWith("#", StringComparison.Ordinal) ? at.AsArray()[int.Parse(step.Substring(1))]! : at.AsObject()[step]!;
            }

            if (steps[steps.Count - 1].StartsWith("#", StringComparison.Ordinal))
            {
                throw new InvalidDataException("A path ends at a property, not an array element: " + path);
            }

            return (at.AsObject(), steps[steps.Count - 1]);
        }
    }
}
