using System;
using System.Collections.Generic;
using AgentMetrics.Records;

namespace AgentMetrics
{
    /// <summary>
    /// One price period of one model, as the price book declares it: USD per million tokens.
    /// Flat and scalar so it exports to CSV/Excel with the same columns in the same order every time;
    /// an absent rate is null (not 0) so "not charged" and "unknown" stay distinguishable.
    /// </summary>
    public sealed class ModelPrice
    {
        private IReadOnlyList<string> _aliasList = Array.Empty<string>();

        /// <summary>The canonical model id, e.g. claude-sonnet-4-5.</summary>
        public string Model { get; set; } = string.Empty;

        public string Provider { get; set; } = string.Empty;

        /// <summary>Other ids the same model is reported under (dated snapshots), comma+space separated.</summary>
        public string Aliases
        {
            get => string.Join(", ", _aliasList);
            set => _aliasList = SplitAliases(value);
        }

        /// <summary>First moment (UTC, inclusive) this price applies; null = since always.</summary>
        public DateTime? EffectiveFrom { get; set; }

        /// <summary>Moment (UTC, exclusive) this price stopped applying; null = still in effect.</summary>
        public DateTime? EffectiveTo { get; set; }

        public decimal? InputPerMTok { get; set; }

        public decimal? OutputPerMTok { get; set; }

        public decimal? CacheWrite5mPerMTok { get; set; }

        public decimal? CacheWrite1hPerMTok { get; set; }

        public decimal? CacheReadPerMTok { get; set; }

        /// <summary>Prompt size (input + cache writes + cache read) above which a whole request is long-context.</summary>
        public long? LongContextThreshold { get; set; }

        public decimal? LongContextInputPerMTok { get; set; }

        public decimal? LongContextOutputPerMTok { get; set; }

        public decimal? LongContextCacheWrite5mPerMTok { get; set; }

        public decimal? LongContextCacheWrite1hPerMTok { get; set; }

        public decimal? LongContextCacheReadPerMTok { get; set; }

        /// <summary>USD per 1,000 server-side web search requests.</summary>
        public decimal? WebSearchPer1K { get; set; }

        /// <summary>The public page the price was taken from.</summary>
        public string Source { get; set; } = string.Empty;

        /// <summary>The YAML file this price came from (shipped or the user's override).</summary>
        public string PriceBookFile { get; set; } = string.Empty;

        /// <summary>Requests that name no model and are priced as this one by the price book's "assume" entries, e.g. "Codex requests without a model, client &lt;0.30"; null when none.</summary>
        public string? AssumedFor { get; set; }

        /// <summary>The aliases as a list, for exact-name lookup and wildcard matching (not a column).</summary>
        internal IReadOnlyList<string> AliasList
        {
            get => _aliasList;
            set => _aliasList = value;
        }

        /// <summary>True when the request's prompt is strictly greater than the long-context threshold.</summary>
        public bool IsLongContext(TokenUsage usage) => Rules.LongContext.Exceeds(usage.Prompt, LongContextThreshold);

        /// <summary>True when <paramref name="at"/> falls inside [EffectiveFrom, EffectiveTo).</summary>
        public bool IsInEffectAt(DateTimeOffset at)
        {
            DateTime utc = at.UtcDateTime;
            return (EffectiveFrom is not DateTime from || utc >= from) && (EffectiveTo is not DateTime to || utc < to);
        }

        /// <summary>A detached copy: the price book is cached and shared, so callers get their own objects.</summary>
        public ModelPrice Copy() => (ModelPrice)MemberwiseClone();

        public override string ToString() => Model;

        private static IReadOnlyList<string> SplitAliases(string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return Array.Empty<string>();
            }

            var aliases = new List<string>();
            foreach (string part in value!.Split(','))
            {
                string alias = part.Trim();
                if (alias.Length > 0)
                {
                    aliases.Add(alias);
                }
            }

            return aliases;
        }
    }
}
