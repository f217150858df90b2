using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using AgentMetrics.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AgentMetrics.Pricing
{
    /// <summary>
    /// Reads one price book YAML file (schema in pricing/anthropic.yaml) through YamlDotNet's node model,
    /// not its deserializer, so every problem - unknown key, negative or missing price, overlapping
    /// periods - is reported with the file, line and column a user needs to fix it. YamlDotNet's own
    /// exceptions are mapped here and never leave Core.
    /// </summary>
    internal static class PriceBookReader
    {
        public const int SupportedSchemaVersion = 1;

        public const string InvalidErrorId = "PriceBookInvalid";

        private static readonly string[] FileKeys = { "schema_version", "provider", "source", "models", "assume" };
        private static readonly string[] AssumeKeys = { "source", "client_version", "model" };
        private static readonly string[] ModelKeys = { "id", "provider", "aliases", "prices" };
        private static readonly string[] PriceKeys =
        {
            "effective_from", "effective_to", "input", "output", "cache_write_5m", "cache_write_1h", "cache_read",
            "web_search_per_1k", "long_context", "source",
        };

        private static readonly string[] LongContextKeys = { "threshold", "input", "output", "cache_write_5m", "cache_write_1h", "cache_read" };

        public static IReadOnlyList<PriceBookModel> Read(string path) => Read(path, new List<ModelAssumption>());

        /// <summary>The file's models; its "assume" entries are added to <paramref name="assumptions"/> in file order.</summary>
        public static IReadOnlyList<PriceBookModel> Read(string path, List<ModelAssumption> assumptions)
        {
            YamlNode root = LoadRoot(path);
            var file = AsMapping(path, root, "the price book");
            var fields = Fields(path, file, FileKeys);

            int version = (int)RequiredLong(path, file, fields, "schema_version");
            if (version != SupportedSchemaVersion)
            {
                throw Invalid(path, fields["schema_version"].Start, $"schema_version {version} is not supported; this AgentMetrics reads schema_version {SupportedSchemaVersion}.");
            }

            // A file may only tell which models to assume (a user's override): then it needs no models nor provider.
            bool assumes = fields.TryGetValue("assume", out YamlNode? assumeNode);
            if (assumes)
            {
                ReadAssumptions(path, assumeNode!, assumptions);
            }

            var models = new List<PriceBookModel>();
            var namesSeen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (!fields.TryGetValue("models", out YamlNode? modelsNode))
            {
                return assumes ? models : throw Invalid(path, file.Start, "the required key 'models' is missing.");
            }

            string provider = RequiredString(path, file, fields, "provider");
            string source = OptionalString(path, fields, "source") ?? string.Empty;

            if (!IsNull(modelsNode))
            {
                if (modelsNode is not YamlSequenceNode modelList)
                {
                    throw Invalid(path, modelsNode.Start, "'models' must be a list.");
                }

                foreach (YamlNode modelNode in modelList)
                {
                    models.Add(ReadModel(path, modelNode, provider, source, namesSeen));
                }
            }

            return models;
        }

        private static void ReadAssumptions(string path, YamlNode node, List<ModelAssumption> assumptions)
        {
            if (IsNull(node))
            {
                return;
            }

            if (node is not YamlSequenceNode list)
            {
                throw Invalid(path, node.Start, "'assume' must be a list of entries such as '- source: codex, client_version: \"<0.30\", model: gpt-5-codex'.");
            }

            foreach (YamlNode entryNode in list)
            {
                var entry = AsMapping(path, entryNode, "an 'assume' entry");
                var fields = Fields(path, entry, AssumeKeys);
                string sourceText = RequiredString(path, entry, fields, "source");
                if (!Enum.TryParse(sourceText, ignoreCase: true, out AgentSource source) || !Enum.IsDefined(typeof(AgentSource), source) || int.TryParse(sourceText, out _))
                {
                    throw Invalid(path, fields["source"].Start, $"'source' must be one of {string.Join(", ", Enum.GetNames(typeof(AgentSource)))}, not '{sourceText}'.");
                }

                ClientVersionRange? range = null;
                if (OptionalString(path, fields, "client_version") is string rangeText)
                {
                    range = ClientVersionRange.TryParse(rangeText, out string problem)
                        ?? throw Invalid(path, fields["client_version"].Start, $"'client_version' {problem}");
                }

                string model = RequiredString(path, entry, fields, "model");
                assumptions.Add(new ModelAssumption(source, range, model, path, entry.Start.Line));
            }
        }

        private static YamlNode LoadRoot(string path)
        {
            var stream = new YamlStream();
            try
            {
                using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
                stream.Load(reader);
            }
            catch (FileNotFoundException ex)
            {
                throw new AgentMetricsException("PriceBookNotFound", ErrorKind.ObjectNotFound, $"The price book '{path}' does not exist.", path, ex);
            }
            catch (DirectoryNotFoundException ex)
            {
                throw new AgentMetricsException("PriceBookNotFound", ErrorKind.ObjectNotFound, $"The price book '{path}' does not exist.", path, ex);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new AgentMetricsException("PriceBookUnreadable", ErrorKind.PermissionDenied, $"The price book '{path}' cannot be read: {ex.Message}", path, ex);
            }
            catch (IOException ex)
            {
                throw new AgentMetricsException("PriceBookUnreadable", ErrorKind.ReadError, $"The price book '{path}' cannot be read: {ex.Message}", path, ex);
            }
            catch (YamlException ex)
            {
                // YamlException.Message repeats the position in YamlDotNet's own format; keep only the reason.
                // The YamlDotNet exception is not attached: its type lives in the module's private load
                // context and must not reach callers.
                throw Invalid(path, ex.Start, Reason(ex));
            }

            if (stream.Documents.Count == 0)
            {
                throw Invalid(path, 1, 1, "the file is empty.");
            }

            if (stream.Documents.Count > 1)
            {
                throw Invalid(path, stream.Documents[1].RootNode.Start, "the file holds more than one YAML document.");
            }

            return stream.Documents[0].RootNode;
        }

        private static PriceBookModel ReadModel(string path, YamlNode node, string fileProvider, string fileSource, Dictionary<string, string> namesSeen)
        {
            var model = AsMapping(path, node, "a model");
            var fields = Fields(path, model, ModelKeys);
            string id = RequiredString(path, model, fields, "id");
            string provider = OptionalString(path, fields, "provider") ?? fileProvider;

            var aliases = new List<string>();
            var names = new List<(string Name, YamlNode Node)> { (id, fields["id"]) };
            if (fields.TryGetValue("aliases", out YamlNode? aliasNode) && !IsNull(aliasNode))
            {
                if (aliasNode is not YamlSequenceNode aliasList)
                {
                    throw Invalid(path, aliasNode.Start, $"'aliases' of '{id}' must be a list of model ids.");
                }

                foreach (YamlNode alias in aliasList)
                {
                    string name = ScalarText(path, alias, "an alias");
                    aliases.Add(name);
                    names.Add((name, alias));
                }
            }

            // One name must mean one model, or lookups would depend on the order of the file.
            foreach (var (name, nameNode) in names)
            {
                if (namesSeen.TryGetValue(name, out string? owner))
                {
                    throw Invalid(path, nameNode.Start, $"the model name '{name}' is already used by '{owner}' in this file.");
                }

                namesSeen[name] = id;
            }

            if (!fields.TryGetValue("prices", out YamlNode? pricesNode) || IsNull(pricesNode))
            {
                throw Invalid(path, model.Start, $"model '{id}' has no 'prices'.");
            }

            if (pricesNode is not YamlSequenceNode priceList || priceList.Children.Count == 0)
            {
                throw Invalid(path, pricesNode.Start, $"'prices' of '{id}' must be a non-empty list of price periods.");
            }

            var periods = new List<ModelPrice>();
            foreach (YamlNode priceNode in priceList)
            {
                ModelPrice price = ReadPrice(path, priceNode, id, provider, fileSource);
                price.AliasList = aliases;
                periods.Add(price);
            }

            CheckNoOverlap(path, pricesNode, id, periods);
            return new PriceBookModel(id, aliases, periods);
        }

        private static ModelPrice ReadPrice(string path, YamlNode node, string id, string provider, string fileSource)
        {
            var map = AsMapping(path, node, $"a price period of '{id}'");
            var fields = Fields(path, map, PriceKeys);
            var price = new ModelPrice
            {
                Model = id,
                Provider = provider,
                EffectiveFrom = OptionalDate(path, fields, "effective_from"),
                EffectiveTo = OptionalDate(path, fields, "effective_to"),
                InputPerMTok = RequiredPrice(path, map, fields, "input", id),
                OutputPerMTok = RequiredPrice(path, map, fields, "output", id),
                CacheWrite5mPerMTok = OptionalPrice(path, fields, "cache_write_5m"),
                CacheWrite1hPerMTok = OptionalPrice(path, fields, "cache_write_1h"),
                CacheReadPerMTok = OptionalPrice(path, fields, "cache_read"),
                WebSearchPer1K = OptionalPrice(path, fields, "web_search_per_1k"),
                Source = OptionalString(path, fields, "source") ?? fileSource,
                PriceBookFile = path,
            };

            if (price.EffectiveFrom is DateTime from && price.EffectiveTo is DateTime to && to <= from)
            {
                throw Invalid(path, fields["effective_to"].Start, $"effective_to {to:yyyy-MM-dd} of '{id}' is not after its effective_from {from:yyyy-MM-dd}.");
            }

            if (fields.TryGetValue("long_context", out YamlNode? longNode) && !IsNull(longNode))
            {
                ReadLongContext(path, longNode, id, price);
            }

            return price;
        }

        private static void ReadLongContext(string path, YamlNode node, string id, ModelPrice price)
        {
            var map = AsMapping(path, node, $"the long_context block of '{id}'");
            var fields = Fields(path, map, LongContextKeys);
            long threshold = RequiredLong(path, map, fields, "threshold");
            if (threshold <= 0)
            {
                throw Invalid(path, fields["threshold"].Start, $"the long_context threshold of '{id}' must be a positive token count.");
            }

            price.LongContextThreshold = threshold;
            price.LongContextInputPerMTok = RequiredPrice(path, map, fields, "input", id + " long_context");
            price.LongContextOutputPerMTok = RequiredPrice(path, map, fields, "output", id + " long_context");
            price.LongContextCacheWrite5mPerMTok = OptionalPrice(path, fields, "cache_write_5m");
            price.LongContextCacheWrite1hPerMTok = OptionalPrice(path, fields, "cache_write_1h");
            price.LongContextCacheReadPerMTok = OptionalPrice(path, fields, "cache_read");

            // Crossing the threshold must never make a charged bucket free, nor charge one the base
            // period treats differently: both rate sets declare the same buckets.
            RequireSameBucket(path, map, id, "cache_write_5m", price.CacheWrite5mPerMTok, price.LongContextCacheWrite5mPerMTok);
            RequireSameBucket(path, map, id, "cache_write_1h", price.CacheWrite1hPerMTok, price.LongContextCacheWrite1hPerMTok);
            RequireSameBucket(path, map, id, "cache_read", price.CacheReadPerMTok, price.LongContextCacheReadPerMTok);
        }

        private static void RequireSameBucket(string path, YamlMappingNode map, string id, string key, decimal? baseRate, decimal? longRate)
        {
            if (baseRate.HasValue != longRate.HasValue)
            {
                string where = baseRate.HasValue ? "the base price declares it but long_context does not" : "long_context declares it but the base price does not";
                throw Invalid(path, map.Start, $"'{key}' of '{id}': {where}.");
            }
        }

        private static void CheckNoOverlap(string path, YamlNode pricesNode, string id, List<ModelPrice> periods)
        {
            var ordered = periods.OrderBy(p => p.EffectiveFrom ?? DateTime.MinValue).ToList();
            for (int i = 1; i < ordered.Count; i++)
            {
                ModelPrice earlier = ordered[i - 1];
                ModelPrice later = ordered[i];
                DateTime laterFrom = later.EffectiveFrom ?? DateTime.MinValue;
                if (earlier.EffectiveTo is not DateTime earlierTo || earlierTo > laterFrom)
                {
                    throw Invalid(path, pricesNode.Start, $"price periods of '{id}' overlap: the one from {Describe(earlier.EffectiveFrom)} is still in effect on {Describe(later.EffectiveFrom)}; give it an effective_to.");
                }
            }
        }

        private static string Describe(DateTime? date) => date is DateTime d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "the beginning";

        private static YamlMappingNode AsMapping(string path, YamlNode node, string what) =>
            node as YamlMappingNode ?? throw Invalid(path, node.Start, $"{what} must be a mapping of keys to values.");

        /// <summary>The mapping's entries by key, rejecting keys the schema does not know.</summary>
        private static Dictionary<string, YamlNode> Fields(string path, YamlMappingNode map, string[] allowed)
        {
            var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var entry in map.Children)
            {
                string key = entry.Key is YamlScalarNode { Value: { } text } ? text : throw Invalid(path, entry.Key.Start, "keys must be plain names.");
                if (Array.IndexOf(allowed, key) < 0)
                {
                    throw Invalid(path, entry.Key.Start, $"unknown key '{key}'; expected one of: {string.Join(", ", allowed)}.");
                }

                fields[key] = entry.Value;
            }

            return fields;
        }

        private static bool IsNull(YamlNode node) =>
            node is YamlScalarNode scalar
            && scalar.Style == ScalarStyle.Plain
            && (string.IsNullOrEmpty(scalar.Value) || scalar.Value == "~" || string.Equals(scalar.Value, "null", StringComparison.OrdinalIgnoreCase));

        private static string ScalarText(string path, YamlNode node, string what)
        {
            if (node is YamlScalarNode scalar && !IsNull(scalar) && !string.IsNullOrWhiteSpace(scalar.Value))
            {
                return scalar.Value!.Trim();
            }

            throw Invalid(path, node.Start, $"{what} must be a non-empty value.");
        }

        private static string RequiredString(string path, YamlMappingNode map, Dictionary<string, YamlNode> fields, string key) =>
            fields.TryGetValue(key, out YamlNode? node)
                ? ScalarText(path, node, $"'{key}'")
                : throw Invalid(path, map.Start, $"the required key '{key}' is missing.");

        private static string? OptionalString(string path, Dictionary<string, YamlNode> fields, string key) =>
            fields.TryGetValue(key, out YamlNode? node) && !IsNull(node) ? ScalarText(path, node, $"'{key}'") : null;

        private static long RequiredLong(string path, YamlMappingNode map, Dictionary<string, YamlNode> fields, string key)
        {
            if (!fields.TryGetValue(key, out YamlNode? node) || IsNull(node))
            {
                throw Invalid(path, map.Start, $"the required key '{key}' is missing.");
            }

            string text = ScalarText(path, node, $"'{key}'").Replace("_", string.Empty);
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
                ? value
                : throw Invalid(path, node.Start, $"'{key}' must be a whole number, not '{text}'.");
        }

        private static decimal RequiredPrice(string path, YamlMappingNode map, Dictionary<string, YamlNode> fields, string key, string owner) =>
            OptionalPrice(path, fields, key) ?? throw Invalid(path, map.Start, $"the price period of '{owner}' has no '{key}' price; it is required.");

        private static decimal? OptionalPrice(string path, Dictionary<string, YamlNode> fields, string key)
        {
            if (!fields.TryGetValue(key, out YamlNode? node) || IsNull(node))
            {
                return null;
            }

            string text = ScalarText(path, node, $"'{key}'");
            if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out decimal value))
            {
                throw Invalid(path, node.Start, $"'{key}' must be a number of USD, not '{text}'.");
            }

            return value >= 0 ? value : throw Invalid(path, node.Start, $"'{key}' is negative ({text}); prices cannot be negative.");
        }

        private static DateTime? OptionalDate(string path, Dictionary<string, YamlNode> fields, string key)
        {
            if (!fields.TryGetValue(key, out YamlNode? node) || IsNull(node))
            {
                return null;
            }

            string text = ScalarText(path, node, $"'{key}'");
            const DateTimeStyles utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
            if (DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, utc, out DateTime date)
                || DateTime.TryParse(text, CultureInfo.InvariantCulture, utc, out date))
            {
                return DateTime.SpecifyKind(date, DateTimeKind.Utc);
            }

            throw Invalid(path, node.Start, $"'{key}' must be a date (YYYY-MM-DD), not '{text}'.");
        }

        private static string Reason(YamlException ex)
        {
            // YamlDotNet formats messages as "(Line: 3, Col: 5, Idx: 20) - (Line: ...): reason".
            string message = ex.Message;
            int separator = message.IndexOf("): ", StringComparison.Ordinal);
            return separator >= 0 && message.StartsWith("(", StringComparison.Ordinal) ? message.Substring(separator + 3) : message;
        }

        private static AgentMetricsException Invalid(string path, Mark mark, string reason, Exception? inner = null) =>
            Invalid(path, mark.Line, mark.Column, reason, inner);

        internal static AgentMetricsException Invalid(string path, long line, long column, string reason, Exception? inner = null) =>
            new AgentMetricsException(
                InvalidErrorId,
                ErrorKind.InvalidData,
                $"The price book '{path}' is invalid at line {line}, column {column}: {reason}",
                path,
                inner);
    }
}
