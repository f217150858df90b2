namespace AgentMetrics.Records
{
    /// <summary>
    /// The billable token counts of one request (or a sum of requests), already split into disjoint
    /// buckets: Input is uncached input only. For Codex, pass input − cached as Input and cached as
    /// CacheRead, because Codex reports cached tokens inside input_tokens.
    /// </summary>
    public readonly struct TokenUsage
    {
        public TokenUsage(long input, long output, long cacheWrite5m, long cacheWrite1h, long cacheRead, long webSearchRequests)
        {
            Input = input;
            Output = output;
            CacheWrite5m = cacheWrite5m;
            CacheWrite1h = cacheWrite1h;
            CacheRead = cacheRead;
            WebSearchRequests = webSearchRequests;
        }

        public long Input { get; }

        public long Output { get; }

        public long CacheWrite5m { get; }

        public long CacheWrite1h { get; }

        public long CacheRead { get; }

        public long WebSearchRequests { get; }

        /// <summary>Everything the model read: what the long-context threshold is compared with.</summary>
        public long Prompt => Rules.LongContext.Prompt(Input, CacheWrite5m, CacheWrite1h, CacheRead);

        public override string ToString() =>
            $"input {Input}, output {Output}, cache write 5m {CacheWrite5m}, cache write 1h {CacheWrite1h}, cache read {CacheRead}, web searches {WebSearchRequests}";
    }
}
