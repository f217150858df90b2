namespace AgentMetrics.Rules
{
    /// <summary>
    /// The long-context rule, written once (docs/formats.md#p2-long-context): a request whose whole prompt (input,
    /// cache writes and cache read) is strictly greater than its model's threshold in the price period in
    /// effect is priced, every token of it, at the long-context rates. The threshold belongs to the price
    /// book, per model and per price period; there is no global one. The pricer, the rollup and the query
    /// SQL all decide through this class (SQL through <see cref="PromptSql"/> and <see cref="ExceedsSql"/>,
    /// via <see cref="PromptBands"/>).
    /// </summary>
    public static class LongContext
    {
        /// <summary>Everything the model read: what a threshold is compared with.</summary>
        public static long Prompt(long input, long cacheWrite5m, long cacheWrite1h, long cacheRead) =>
            input + cacheWrite5m + cacheWrite1h + cacheRead;

        /// <summary>The same sum over a requests row, columns prefixed by <paramref name="alias"/> (e.g. "r.").</summary>
        public static string PromptSql(string alias = "") =>
            $"({alias}input_tokens + {alias}cache_write_5m + {alias}cache_write_1h + {alias}cache_read)";

        /// <summary>True when a prompt makes its request long context; a model without a threshold has no such rates.</summary>
        public static bool Exceeds(long prompt, long? threshold) => threshold is long limit && prompt > limit;

        /// <summary>The SQL of <see cref="Exceeds"/> for one threshold (a validated whole number, so inlined).</summary>
        public static string ExceedsSql(string promptSql, long threshold) =>
            promptSql + " > " + threshold.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>
        /// For requests summed together whose prompts all lie in (<paramref name="above"/>, <paramref name="upTo"/>]:
        /// whether they are long context under <paramref name="threshold"/>, or null when the range straddles it
        /// (some are and some are not, and the sums cannot tell which).
        /// </summary>
        public static bool? Decide(long above, long upTo, long? threshold)
        {
            if (threshold is not long limit)
            {
                return false;
            }

            // Every prompt p of the range has above < p <= upTo, and Exceeds is p > limit.
            if (above >= limit)
            {
                return true;
            }

            return upTo <= limit ? false : (bool?)null;
        }
    }
}
