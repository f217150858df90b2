using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AgentMetrics.Errors;

namespace AgentMetrics.Pricing
{
    /// <summary>
    /// Every model price the shipped YAML files and the user's override declare, with exact-name lookup
    /// by model id or alias and effective date. Loaded books are cached by file paths and last-write
    /// times, so pipelines that call a cmdlet per object don't re-parse YAML every time, yet an edited
    /// file is picked up on the next call.
    /// </summary>
    public sealed class PriceBook
    {
        private const int CacheCapacity = 8;
        private static readonly object CacheGate = new object();
        private static readonly Dictionary<string, PriceBook> Cache = new Dictionary<string, PriceBook>(StringComparer.Ordinal);

        private readonly Dictionary<string, PriceBookModel> _byName;

        private PriceBook(IReadOnlyList<string> files, Dictionary<string, PriceBookModel> byName, IReadOnlyList<ModelPrice> models, IReadOnlyList<ModelAssumption> assumptions)
        {
            Files = files;
            Assumptions = assumptions;
            _byName = byName;
            Models = models;
            LongContextThresholds = models.Where(p => p.LongContextThreshold.HasValue).Select(p => p.LongContextThreshold!.Value).Distinct().OrderBy(t => t).ToList();
        }

        /// <summary>Every price period of every model, sorted by provider, model and effective date.</summary>
        public IReadOnlyList<ModelPrice> Models { get; }

        /// <summary>Every distinct long-context threshold of every model and period, ascending (what the rollup is banded by).</summary>
        public IReadOnlyList<long> LongContextThresholds { get; }

        /// <summary>Which model to price requests that name none as: the user's override first, then in file order.</summary>
        public IReadOnlyList<ModelAssumption> Assumptions { get; }

        /// <summary>The YAML files this book was built from, in load order.</summary>
        public IReadOnlyList<string> Files { get; }

        /// <summary>
        /// Loads the files in order; a model id declared again in a later file replaces the earlier
        /// declaration entirely (aliases and every period), which is how the user's override works.
        /// </summary>
        public static PriceBook Load(IEnumerable<string> yamlFiles)
        {
            if (yamlFiles is null)
            {
                throw new ArgumentNullException(nameof(yamlFiles));
            }

            var files = yamlFiles.Select(Path.GetFullPath).ToList();
            string key = CacheKey(files);
            lock (CacheGate)
            {
                if (Cache.TryGetValue(key, out PriceBook? cached))
                {
                    return cached;
                }
            }

            PriceBook book = Build(files);
            lock (CacheGate)
            {
                if (Cache.Count >= CacheCapacity)
                {
                    Cache.Clear();
                }

                Cache[key] = book;
            }

            return book;
        }

        /// <summary>Every *.yaml in the module's pricing folder, then $AGENTMETRICS_HOME/pricing.yaml if present.</summary>
        public static PriceBook LoadDefault(string shippedFolder) => LoadDefault(shippedFolder, AgentMetricsPaths.UserPriceBook);

        internal static PriceBook LoadDefault(string shippedFolder, string? userPriceBook) => Load(DefaultFiles(shippedFolder, userPriceBook));

        /// <summary>
        /// Names the default price book's files as they are now (paths, sizes, write times) without reading them: equal
        /// fingerprints mean the same book, so an import can tell whether it needs to read the YAML at all.
        /// </summary>
        public static string DefaultFingerprint(string shippedFolder) => CacheKey(DefaultFiles(shippedFolder, AgentMetricsPaths.UserPriceBook).Select(Path.GetFullPath).ToList());

        private static List<string> DefaultFiles(string shippedFolder, string? userPriceBook)
        {
            if (string.IsNullOrEmpty(shippedFolder) || !Directory.Exists(shippedFolder))
            {
                throw new AgentMetricsException("PriceBookNotFound", ErrorKind.ObjectNotFound, $"The price book folder '{shippedFolder}' does not exist; the module installation is incomplete.", shippedFolder);
            }

            // Ordinal order keeps the load order - and so which file wins - the same on every OS.
            var files = Directory.GetFiles(shippedFolder, "*.yaml").OrderBy(f => f, StringComparer.Ordinal).ToList();
            if (!string.IsNullOrEmpty(userPriceBook) && File.Exists(userPriceBook))
            {
                files.Add(userPriceBook!);
            }

            return files;
        }

        /// <summary>
        /// The price of <paramref name="model"/> in effect at <paramref name="at"/>, by exact id or declared
        /// alias (case-insensitive); null when the model is unpriced. Never matches by prefix or substring:
        /// a wrong price is worse than a visible "unpriced". The returned object is shared; don't modify it.
        /// </summary>
        public ModelPrice? Find(string model, DateTimeOffset at)
        {
            if (string.IsNullOrEmpty(model) || !_byName.TryGetValue(model, out PriceBookModel? entry))
            {
                return null;
            }

            return entry.Periods.FirstOrDefault(p => p.IsInEffectAt(at));
        }

        /// <summary>The model to price a request of <paramref name="source"/> that names none as; null when the book says none.</summary>
        public string? AssumedModel(string? source, string? clientVersion)
        {
            foreach (ModelAssumption assumption in Assumptions)
            {
                if (assumption.AppliesTo(source, clientVersion))
                {
                    return assumption.Model;
                }
            }

            return null;
        }

        /// <summary>The price period of every model in effect at <paramref name="at"/>.</summary>
        public IReadOnlyList<ModelPrice> InEffectAt(DateTimeOffset at) => Models.Where(p => p.IsInEffectAt(at)).ToList();

        private static PriceBook Build(IReadOnlyList<string> files)
        {
            var byId = new Dictionary<string, PriceBookModel>(StringComparer.OrdinalIgnoreCase);
            var order = new List<string>();
            var assumptions = new List<ModelAssumption>();
            foreach (string file in files)
            {
                var fileAssumptions = new List<ModelAssumption>();
                foreach (PriceBookModel model in PriceBookReader.Read(file, fileAssumptions))
                {
                    if (!byId.ContainsKey(model.Id))
                    {
                        order.Add(model.Id);
                    }
                    else
                    {
                        // Moved to the end so its names are indexed after, and so win over, earlier files.
                        order.RemoveAll(id => string.Equals(id, model.Id, StringComparison.OrdinalIgnoreCase));
                        order.Add(model.Id);
                    }

                    byId[model.Id] = model;
                }

                // A later file (the user's override) is asked first.
                assumptions.InsertRange(0, fileAssumptions);
            }

            var byName = new Dictionary<string, PriceBookModel>(StringComparer.OrdinalIgnoreCase);
            foreach (PriceBookModel model in order.Select(id => byId[id]))
            {
                byName[model.Id] = model;
                foreach (string alias in model.Aliases)
                {
                    byName[alias] = model;
                }
            }

            foreach (ModelAssumption assumption in assumptions)
            {
                if (!byName.ContainsKey(assumption.Model))
                {
                    throw PriceBookReader.Invalid(assumption.PriceBookFile, assumption.Line, 1, $"'assume' names the model '{assumption.Model}', which no price book file declares; give the id or an alias of a priced model.");
                }
            }

            foreach (var group in assumptions.GroupBy(a => byName[a.Model]))
            {
                string assumedFor = string.Join("; ", group.Select(a => a.Describe()));
                foreach (ModelPrice period in group.Key.Periods)
                {
                    period.AssumedFor = assumedFor;
                }
            }

            var models = byId.Values
                .SelectMany(m => m.Periods)
                .OrderBy(p => p.Provider, StringComparer.OrdinalIgnoreCase)
                .ThenBy(p => p.Model, StringComparer.OrdinalIgnoreCase)
                .ThenBy(p => p.EffectiveFrom ?? DateTime.MinValue)
                .ToList();
            return new PriceBook(files, byName, models, assumptions);
        }

        private static string CacheKey(IReadOnlyList<string> files) =>
            string.Join("\n", files.Select(f =>
            {
                var info = new FileInfo(f);
                return info.Exists ? $"{f}|{info.LastWriteTimeUtc.Ticks}|{info.Length}" : f + "|missing";
            }));
    }
}
