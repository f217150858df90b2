using System;
using AgentMetrics.Records;

namespace AgentMetrics.Pricing
{
    /// <summary>Turns token counts into USD with exact decimal arithmetic (no rounding until display).</summary>
    public static class CostCalculator
    {
        private const decimal TokensPerMillion = 1_000_000m;

        /// <summary>
        /// Prices one request, deciding long context itself: a prompt strictly greater than the threshold
        /// moves every token of the request, output included, to the long-context rates.
        /// </summary>
        public static decimal PriceRequest(ModelPrice price, TokenUsage usage)
        {
            if (price is null)
            {
                throw new ArgumentNullException(nameof(price));
            }

            return Price(price, usage, price.IsLongContext(usage));
        }

        /// <summary>
        /// Prices token counts at the base or the long-context rates. Only call this with sums when the
        /// caller knows which rate set every summed request falls under; otherwise price per request.
        /// </summary>
        public static decimal Price(ModelPrice price, TokenUsage usage, bool longContext)
        {
            if (price is null)
            {
                throw new ArgumentNullException(nameof(price));
            }

            // The loader guarantees the long-context block declares the same rates as the base period,
            // so switching sets never turns a charged bucket into a free one.
            bool useLong = longContext && price.LongContextThreshold.HasValue;
            decimal input = (useLong ? price.LongContextInputPerMTok : price.InputPerMTok) ?? 0m;
            decimal output = (useLong ? price.LongContextOutputPerMTok : price.OutputPerMTok) ?? 0m;

            // A model without cache-write prices (OpenAI) never reports cache writes; count them as free.
            decimal write5m = (useLong ? price.LongContextCacheWrite5mPerMTok : price.CacheWrite5mPerMTok) ?? 0m;
            decimal write1h = (useLong ? price.LongContextCacheWrite1hPerMTok : price.CacheWrite1hPerMTok) ?? 0m;

            // Cached tokens are still input tokens: without a discounted rate (e.g. the -pro models)
            // they cost the full input price rather than nothing.
            decimal read = (useLong ? price.LongContextCacheReadPerMTok : price.CacheReadPerMTok) ?? input;

            decimal tokens =
                (usage.Input * input)
                + (usage.Output * output)
                + (usage.CacheWrite5m * write5m)
                + (usage.CacheWrite1h * write1h)
                + (usage.CacheRead * read);

            decimal webSearch = usage.WebSearchRequests * (price.WebSearchPer1K ?? 0m) / 1000m;
            return (tokens / TokensPerMillion) + webSearch;
        }
    }
}
