using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using AgentMetrics.Errors;
using AgentMetrics.Pricing;
using AgentMetrics.Records;
using AgentMetrics.Tests.Shared;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    public class PricingTests
    {
        private static readonly DateTimeOffset Late2026 = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

        private static PriceBook Shipped => PriceBook.LoadDefault(Fixtures.PricingFolder, userPriceBook: null);

        private static ModelPrice Price(string model) =>
            Shipped.Find(model, Late2026) ?? throw new Xunit.Sdk.XunitException($"{model} is not priced");

        // The Anthropic and OpenAI list prices (docs/formats.md#prices), row by row: input / output / cache write 5m / cache write 1h / cache read.
        [Theory]
        [InlineData("claude-opus-4-5", "5", "25", "6.25", "10", "0.50")]
        [InlineData("claude-opus-4-6", "5", "25", "6.25", "10", "0.50")]
        // Not in the table of docs/formats.md#prices: Anthropic's pricing page lists Opus 4.7 and 4.8 at the Opus 4.5/4.6 rates.
        [InlineData("claude-opus-4-7", "5", "25", "6.25", "10", "0.50")]
        [InlineData("claude-opus-4-8", "5", "25", "6.25", "10", "0.50")]
        [InlineData("claude-opus-4", "15", "75", "18.75", "30", "1.50")]
        [InlineData("claude-opus-4-1", "15", "75", "18.75", "30", "1.50")]
        [InlineData("claude-sonnet-4", "3", "15", "3.75", "6", "0.30")]
        [InlineData("claude-sonnet-4-5", "3", "15", "3.75", "6", "0.30")]
        [InlineData("claude-haiku-4-5", "1", "5", "1.25", "2", "0.10")]
        [InlineData("claude-3-5-haiku", "0.80", "4", "1", "1.60", "0.08")]
        // The Claude 5 generation, from each model's overview page or launch entry in Anthropic's release notes.
        [InlineData("claude-opus-5", "5", "25", "6.25", "10", "0.50")]
        [InlineData("claude-opus-5-5", "4", "20", "5", "8", "0.20")]
        [InlineData("claude-sonnet-5", "2", "10", "2.50", "4", "0.20")]
        [InlineData("claude-sonnet-5-5", "2", "10", "2.50", "4", "0.10")]
        [InlineData("claude-haiku-5-5", "0.10", "0.50", "0.125", "0.20", "0.01")]
        [InlineData("claude-fable-5", "10", "50", "12.50", "20", "1")]
        [InlineData("claude-fable-5-1", "10", "50", "12.50", "20", "0.25")]
        [InlineData("claude-mythos-5-1", "10", "50", "12.50", "20", "0.25")]
        [InlineData("gpt-5", "1.25", "10", null, null, "0.125")]
        [InlineData("gpt-5-codex", "1.25", "10", null, null, "0.125")]
        [InlineData("gpt-5.1-codex", "1.25", "10", null, null, "0.125")]
        [InlineData("gpt-5-mini", "0.25", "2", null, null, "0.025")]
        [InlineData("gpt-5-nano", "0.05", "0.40", null, null, "0.005")]
        public void EveryListedPriceEqualsFormatsSection4(string model, string input, string output, string? write5m, string? write1h, string read)
        {
            ModelPrice price = Price(model);
            Assert.Equal(model, price.Model);
            Assert.Equal(decimal.Parse(input), price.InputPerMTok);
            Assert.Equal(decimal.Parse(output), price.OutputPerMTok);
            Assert.Equal(write5m is null ? null : decimal.Parse(write5m), price.CacheWrite5mPerMTok);
            Assert.Equal(write1h is null ? null : decimal.Parse(write1h), price.CacheWrite1hPerMTok);
            Assert.Equal(decimal.Parse(read), price.CacheReadPerMTok);
            Assert.False(string.IsNullOrEmpty(price.Source));
            Assert.StartsWith("https://", price.Source);
            Assert.EndsWith(".yaml", price.PriceBookFile);
        }

        [Theory]
        [InlineData("claude-sonnet-4")]
        [InlineData("claude-sonnet-4-5")]
        public void SonnetLongContextRatesEqualFormatsSection4(string model)
        {
            ModelPrice price = Price(model);
            Assert.Equal(200000, price.LongContextThreshold);
            Assert.Equal(6m, price.LongContextInputPerMTok);
            Assert.Equal(22.5m, price.LongContextOutputPerMTok);
            Assert.Equal(7.5m, price.LongContextCacheWrite5mPerMTok);
            Assert.Equal(12m, price.LongContextCacheWrite1hPerMTok);
            Assert.Equal(0.6m, price.LongContextCacheReadPerMTok);
        }

        // Models whose cache reads Anthropic prices at their own multiple of input rather than 0.1x: Fable 5.1 and
        // Mythos 5.1 at 0.025x (release notes, 2026-09-01), Opus 5.5 at 0.05x (its overview page), Sonnet 5.5 at
        // 0.05x from 2026-10-07 (release notes of that day).
        private static readonly Dictionary<(string Model, DateTime? From), decimal> OwnCacheReadMultiple = new Dictionary<(string, DateTime?), decimal>
        {
            [("claude-fable-5-1", new DateTime(2026, 9, 1))] = 0.025m,
            [("claude-mythos-5-1", new DateTime(2026, 9, 1))] = 0.025m,
            [("claude-opus-5-5", new DateTime(2026, 9, 23))] = 0.05m,
            [("claude-sonnet-5-5", new DateTime(2026, 10, 7))] = 0.05m,
        };

        [Fact]
        public void AnthropicPricesFollowTheCacheMultipliersAndWebSearchIsTenDollarsPerThousand()
        {
            var exceptionsSeen = new HashSet<(string, DateTime?)>();
            foreach (ModelPrice price in Shipped.Models.Where(p => p.Provider == "anthropic" && p.Model != "claude-3-haiku"))
            {
                var period = (price.Model, price.EffectiveFrom);
                decimal readMultiple = OwnCacheReadMultiple.TryGetValue(period, out decimal own) ? own : 0.1m;
                if (readMultiple != 0.1m) exceptionsSeen.Add(period);
                Assert.Equal(price.InputPerMTok * 1.25m, price.CacheWrite5mPerMTok);
                Assert.Equal(price.InputPerMTok * 2m, price.CacheWrite1hPerMTok);
                Assert.Equal(price.InputPerMTok * readMultiple, price.CacheReadPerMTok);
                Assert.Equal(10m, price.WebSearchPer1K);
                if (price.LongContextThreshold is not null)
                {
                    Assert.Equal(price.LongContextInputPerMTok * 1.25m, price.LongContextCacheWrite5mPerMTok);
                    Assert.Equal(price.LongContextInputPerMTok * 2m, price.LongContextCacheWrite1hPerMTok);
                    Assert.Equal(price.LongContextInputPerMTok * readMultiple, price.LongContextCacheReadPerMTok);
                }
            }

            Assert.Equal(OwnCacheReadMultiple.Keys.ToHashSet(), exceptionsSeen);
        }

        [Fact]
        public void SonnetFiveFiveCacheReadsHalvedOnTheSeventhOfOctober2026()
        {
            ModelPrice before = Shipped.Find("claude-sonnet-5-5", new DateTimeOffset(2026, 10, 6, 23, 59, 59, TimeSpan.Zero))!;
            ModelPrice after = Shipped.Find("claude-sonnet-5-5", new DateTimeOffset(2026, 10, 7, 0, 0, 0, TimeSpan.Zero))!;
            Assert.Equal(0.20m, before.CacheReadPerMTok);
            Assert.Equal(0.10m, after.CacheReadPerMTok);
            Assert.Equal(before.InputPerMTok, after.InputPerMTok);
            Assert.Equal(before.OutputPerMTok, after.OutputPerMTok);
            Assert.Equal(before.CacheWrite5mPerMTok, after.CacheWrite5mPerMTok);
            Assert.Equal(before.CacheWrite1hPerMTok, after.CacheWrite1hPerMTok);
            Assert.Null(Shipped.Find("claude-sonnet-5-5", new DateTimeOffset(2026, 9, 27, 23, 59, 59, TimeSpan.Zero)));
        }

        [Fact]
        public void HaikuFiveFiveLongContextStartsAbove100000PromptTokensNotAtIt()
        {
            ModelPrice haiku = Price("claude-haiku-5-5");
            Assert.Equal(100_000, haiku.LongContextThreshold);
            var atThreshold = new TokenUsage(input: 5_000, output: 2_000, cacheWrite5m: 15_000, cacheWrite1h: 20_000, cacheRead: 60_000, webSearchRequests: 0);
            var overThreshold = new TokenUsage(input: 5_001, output: 2_000, cacheWrite5m: 15_000, cacheWrite1h: 20_000, cacheRead: 60_000, webSearchRequests: 0);
            Assert.Equal(100_000, atThreshold.Prompt);
            Assert.Equal(100_001, overThreshold.Prompt);
            Assert.False(haiku.IsLongContext(atThreshold));
            Assert.True(haiku.IsLongContext(overThreshold));

            // <=100k: 5000x0.10 + 2000x0.50 + 15000x0.125 + 20000x0.20 + 60000x0.01, per million tokens.
            decimal shortRate = (5_000m * 0.10m + 2_000m * 0.50m + 15_000m * 0.125m + 20_000m * 0.20m + 60_000m * 0.01m) / 1_000_000m;
            Assert.Equal(0.007975m, shortRate);
            Assert.Equal(shortRate, CostCalculator.PriceRequest(haiku, atThreshold));

            // >100k: every token, output included, at 0.50 / 2.50 / 0.625 / 1 / 0.05 (5x the short rates).
            decimal longRate = (5_001m * 0.50m + 2_000m * 2.50m + 15_000m * 0.625m + 20_000m * 1m + 60_000m * 0.05m) / 1_000_000m;
            Assert.Equal(0.0398755m, longRate);
            Assert.Equal(longRate, CostCalculator.PriceRequest(haiku, overThreshold));
        }

        [Theory]
        [InlineData("claude-opus-5")]
        [InlineData("claude-opus-5-5")]
        [InlineData("claude-sonnet-5")]
        [InlineData("claude-sonnet-5-5")]
        [InlineData("claude-fable-5")]
        [InlineData("claude-fable-5-1")]
        [InlineData("claude-mythos-5-1")]
        public void ClaudeFiveModelsOtherThanHaikuHaveNoLongContextSurcharge(string model)
        {
            ModelPrice price = Price(model);
            Assert.Null(price.LongContextThreshold);
            var nearlyMillion = new TokenUsage(900_000, 1_000, 0, 0, 0, 0);
            Assert.Equal((900_000m * price.InputPerMTok + 1_000m * price.OutputPerMTok) / 1_000_000m, CostCalculator.PriceRequest(price, nearlyMillion));
        }

        [Fact]
        public void OpenAiModelsHaveNoCacheWritePrices()
        {
            var openai = Shipped.Models.Where(p => p.Provider == "openai").ToList();
            Assert.NotEmpty(openai);
            Assert.All(openai, p => Assert.Null(p.CacheWrite5mPerMTok));
            Assert.All(openai, p => Assert.Null(p.CacheWrite1hPerMTok));
        }

        [Theory]
        [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5")]
        [InlineData("claude-opus-4-5-20251101", "claude-opus-4-5")]
        [InlineData("claude-haiku-4-5-20251001", "claude-haiku-4-5")]
        [InlineData("claude-sonnet-4-20250514", "claude-sonnet-4")]
        [InlineData("claude-3-5-haiku-20241022", "claude-3-5-haiku")]
        [InlineData("CLAUDE-Sonnet-4-5-20250929", "claude-sonnet-4-5")]
        [InlineData("gpt-5-2025-08-07", "gpt-5")]
        [InlineData("GPT-5-Codex", "gpt-5-codex")]
        public void AliasesAndCaseFindTheCanonicalModel(string reported, string canonical)
        {
            ModelPrice price = Price(reported);
            Assert.Equal(canonical, price.Model);
            Assert.Contains(reported, price.Aliases.Split(new[] { ", " }, StringSplitOptions.None).Append(price.Model), StringComparer.OrdinalIgnoreCase);
        }

        [Theory]
        [InlineData("claude-sonnet-4-5-foo")]
        [InlineData("sonnet")]
        [InlineData("claude-sonnet")]
        [InlineData("claude-sonnet-4-5-2025")]
        [InlineData("gpt-5-codex-max")]
        [InlineData("gpt")]
        [InlineData("<synthetic>")]
        [InlineData("unknown-model")]
        [InlineData("")]
        public void UnknownModelsAreUnpricedNeverMatchedByPrefixOrSubstring(string model)
        {
            Assert.Null(Shipped.Find(model, Late2026));
        }

        [Fact]
        public void AModelIsUnpricedBeforeItsFirstPriceTakesEffect()
        {
            Assert.Null(Shipped.Find("claude-haiku-4-5", new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        }

        [Fact]
        public void LongContextStartsAbove200000PromptTokensNotAtIt()
        {
            ModelPrice sonnet = Price("claude-sonnet-4-5");
            var atThreshold = new TokenUsage(input: 10_000, output: 1_000, cacheWrite5m: 40_000, cacheWrite1h: 50_000, cacheRead: 100_000, webSearchRequests: 0);
            var overThreshold = new TokenUsage(input: 10_001, output: 1_000, cacheWrite5m: 40_000, cacheWrite1h: 50_000, cacheRead: 100_000, webSearchRequests: 0);
            Assert.Equal(200_000, atThreshold.Prompt);
            Assert.Equal(200_001, overThreshold.Prompt);
            Assert.False(sonnet.IsLongContext(atThreshold));
            Assert.True(sonnet.IsLongContext(overThreshold));

            // ≤200k: 10000×3 + 1000×15 + 40000×3.75 + 50000×6 + 100000×0.3 = 525,000 µ$ per MTok.
            Assert.Equal(0.525m, CostCalculator.PriceRequest(sonnet, atThreshold));

            // >200k: every token, output included, at 6 / 22.5 / 7.5 / 12 / 0.6.
            decimal expected = (10_001m * 6 + 1_000m * 22.5m + 40_000m * 7.5m + 50_000m * 12 + 100_000m * 0.6m) / 1_000_000m;
            Assert.Equal(expected, CostCalculator.PriceRequest(sonnet, overThreshold));
            Assert.Equal(1.0425060m, expected);
            Assert.Equal(CostCalculator.Price(sonnet, overThreshold, longContext: true), CostCalculator.PriceRequest(sonnet, overThreshold));
        }

        [Fact]
        public void ModelsWithoutALongContextRuleNeverSwitchRates()
        {
            ModelPrice opus = Price("claude-opus-4-5");
            var huge = new TokenUsage(500_000, 1_000, 0, 0, 0, 0);
            Assert.False(opus.IsLongContext(huge));
            Assert.Equal((500_000m * 5 + 1_000m * 25) / 1_000_000m, CostCalculator.PriceRequest(opus, huge));
            Assert.Equal(CostCalculator.Price(opus, huge, longContext: false), CostCalculator.Price(opus, huge, longContext: true));
        }

        [Fact]
        public void WebSearchesCostTheirPerThousandPrice()
        {
            ModelPrice haiku = Price("claude-haiku-4-5");
            Assert.Equal(0.03m, CostCalculator.PriceRequest(haiku, new TokenUsage(0, 0, 0, 0, 0, webSearchRequests: 3)));
        }

        [Fact]
        public void CodexCostIsUncachedInputPlusCachedPlusOutput()
        {
            ModelPrice gpt5 = Price("gpt-5-codex");
            long input = 832_089, cached = 624_576, output = 12_345;
            var usage = new TokenUsage(input - cached, output, 0, 0, cached, 0);
            decimal expected = ((input - cached) * 1.25m + cached * 0.125m + output * 10m) / 1_000_000m;
            Assert.Equal(expected, CostCalculator.PriceRequest(gpt5, usage));
        }

        [Fact]
        public void MissingCacheWritePricesCountAsZeroAndMissingCacheReadAsInput()
        {
            ModelPrice pro = Price("gpt-5-pro");
            Assert.Null(pro.CacheReadPerMTok);
            var usage = new TokenUsage(input: 1_000_000, output: 0, cacheWrite5m: 1_000_000, cacheWrite1h: 1_000_000, cacheRead: 1_000_000, webSearchRequests: 0);
            Assert.Equal(30m, CostCalculator.PriceRequest(pro, usage));
        }

        [Fact]
        public void TruthClaudeTotalsPriceToTheTruthCostSinceNoRequestExceeded200k()
        {
            using var truth = JsonDocument.Parse(File.ReadAllText(Fixtures.Truth));
            JsonElement all = truth.RootElement.GetProperty("claude").GetProperty("all");
            JsonElement costs = all.GetProperty("cost_usd_whole_request_rule");
            int checkedModels = 0;
            foreach (JsonProperty model in all.GetProperty("models").EnumerateObject())
            {
                JsonElement t = model.Value;
                var usage = new TokenUsage(
                    t.GetProperty("input").GetInt64(),
                    t.GetProperty("output").GetInt64(),
                    t.GetProperty("cache_creation_5m").GetInt64(),
                    t.GetProperty("cache_creation_1h").GetInt64(),
                    t.GetProperty("cache_read").GetInt64(),
                    0);
                ModelPrice price = Shipped.Find(model.Name, Late2026) ?? throw new Xunit.Sdk.XunitException(model.Name + " unpriced");
                Assert.Equal(costs.GetProperty(model.Name).GetDecimal(), CostCalculator.Price(price, usage, longContext: false));
                checkedModels++;
            }

            Assert.Equal(3, checkedModels);
        }

        [Fact]
        public void TruthCodexTotalsPriceToTheTruthCost()
        {
            using var truth = JsonDocument.Parse(File.ReadAllText(Fixtures.Truth));
            JsonElement all = truth.RootElement.GetProperty("codex").GetProperty("all");
            foreach (JsonProperty model in all.GetProperty("models").EnumerateObject())
            {
                JsonElement t = model.Value;
                long cached = t.GetProperty("cached_input_tokens").GetInt64();
                var usage = new TokenUsage(t.GetProperty("input_tokens").GetInt64() - cached, t.GetProperty("output_tokens").GetInt64(), 0, 0, cached, 0);
                ModelPrice price = Shipped.Find(model.Name, Late2026)!;
                Assert.Equal(all.GetProperty("cost_usd_whole_request_rule").GetProperty(model.Name).GetDecimal(), CostCalculator.PriceRequest(price, usage));
            }
        }

        [Fact]
        public void EffectiveDatesChooseThePeriodInEffect()
        {
            using var scratch = new ScratchFolder();
            string file = scratch.File("history.yaml");
            File.WriteAllText(file, @"schema_version: 1
provider: example
source: https://example.com/pricing
models:
  - id: example-model
    aliases: [example-model-20250101]
    prices:
      - effective_from: 2025-01-01
        effective_to: 2025-06-01
        input: 2
        output: 10
      - effective_from: 2025-06-01
        input: 1
        output: 5
        source: https://example.com/pricing/cut
");
            PriceBook book = PriceBook.Load(new[] { file });
            Assert.Equal(2, book.Models.Count);
            Assert.Null(book.Find("example-model", new DateTimeOffset(2024, 12, 31, 23, 59, 59, TimeSpan.Zero)));
            Assert.Equal(2m, book.Find("example-model", new DateTimeOffset(2025, 5, 31, 23, 59, 59, TimeSpan.Zero))!.InputPerMTok);
            ModelPrice cut = book.Find("example-model-20250101", new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero))!;
            Assert.Equal(1m, cut.InputPerMTok);
            Assert.Equal("https://example.com/pricing/cut", cut.Source);
            Assert.Equal(new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc), cut.EffectiveFrom);
            Assert.Null(cut.EffectiveTo);

            // An offset is honoured: 2025-06-01 01:00+02:00 is still May in UTC.
            Assert.Equal(2m, book.Find("example-model", new DateTimeOffset(2025, 6, 1, 1, 0, 0, TimeSpan.FromHours(2)))!.InputPerMTok);
            Assert.Single(book.InEffectAt(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero)));
        }

        [Fact]
        public void TheUserOverrideReplacesTheShippedModelAndAddsNewOnes()
        {
            using var scratch = new ScratchFolder();
            string overrideFile = scratch.File("pricing.yaml");
            File.WriteAllText(overrideFile, @"schema_version: 1
provider: anthropic
models:
  - id: claude-sonnet-4-5
    aliases: [claude-sonnet-4-5-20250929]
    prices:
      - input: 2
        output: 9
  - id: my-local-model
    provider: self-hosted
    prices:
      - input: 0
        output: 0
");
            PriceBook book = PriceBook.LoadDefault(Fixtures.PricingFolder, overrideFile);
            ModelPrice sonnet = book.Find("claude-sonnet-4-5-20250929", Late2026)!;
            Assert.Equal(2m, sonnet.InputPerMTok);
            Assert.Null(sonnet.LongContextThreshold);
            Assert.Equal(Path.GetFullPath(overrideFile), sonnet.PriceBookFile);
            Assert.Single(book.Models, p => p.Model == "claude-sonnet-4-5");
            Assert.Equal("self-hosted", book.Find("my-local-model", Late2026)!.Provider);
            Assert.Equal(5m, book.Find("claude-opus-4-5", Late2026)!.InputPerMTok);
            Assert.Equal(Path.GetFullPath(overrideFile), book.Files.Last());

            // Without the override the shipped price stands.
            Assert.Equal(3m, Shipped.Find("claude-sonnet-4-5", Late2026)!.InputPerMTok);
        }

        [Fact]
        public void LoadedBooksAreCachedUntilAFileChanges()
        {
            using var scratch = new ScratchFolder();
            string file = scratch.File("book.yaml");
            File.WriteAllText(file, "schema_version: 1\nprovider: x\nmodels:\n  - id: m\n    prices:\n      - input: 1\n        output: 2\n");
            PriceBook first = PriceBook.Load(new[] { file });
            Assert.Same(first, PriceBook.Load(new[] { file }));

            File.WriteAllText(file, "schema_version: 1\nprovider: x\nmodels:\n  - id: m\n    prices:\n      - input: 3\n        output: 4.5\n");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
            PriceBook second = PriceBook.Load(new[] { file });
            Assert.NotSame(first, second);
            Assert.Equal(3m, second.Find("m", Late2026)!.InputPerMTok);
        }

        public static IEnumerable<object[]> BrokenBooks() => new[]
        {
            // name, content, expected line, expected column, words the message must hold
            new object[] { "syntax", "schema_version: 1\nprovider: x\nmodels:\n  - id: m\n    prices: [\n      { input: 1, output: 2 \n", 7, -1, "invalid at line" },
            new object[] { "unknown-key", "schema_version: 1\nprovider: x\nmodels:\n  - id: m\n    prices:\n      - input: 1\n        output: 2\n        cache_wirte_5m: 3\n", 8, 9, "unknown key 'cache_wirte_5m'" },
            new object[] { "negative", "schema_version: 1\nprovider: x\nmodels:\n  - id: m\n    prices:\n      - input: -1\n        output: 2\n", 6, 16, "negative" },
            new object[] { "missing-output", "schema_version: 1\nprovider: x\nmodels:\n  - id: m\n    prices:\n      - input: 1\n", 6, 9, "'output'" },
            new object[] { "not-a-number", "schema_version: 1\nprovider: x\nmodels:\n  - id: m\n    prices:\n      - input: cheap\n        output: 2\n", 6, 16, "number" },
            new object[] { "version", "schema_version: 2\nprovider: x\nmodels: []\n", 1, 17, "schema_version 2" },
            new object[] { "duplicate-name", "schema_version: 1\nprovider: x\nmodels:\n  - id: m\n    prices: [{input: 1, output: 2}]\n  - id: n\n    aliases: [M]\n    prices: [{input: 1, output: 2}]\n", 7, 15, "already used" },
            new object[] { "overlap", "schema_version: 1\nprovider: x\nmodels:\n  - id: m\n    prices:\n      - effective_from: 2025-01-01\n        input: 1\n        output: 2\n      - effective_from: 2025-06-01\n        input: 1\n        output: 2\n", 6, 7, "overlap" },
            new object[] { "long-context-bucket", "schema_version: 1\nprovider: x\nmodels:\n  - id: m\n    prices:\n      - input: 1\n        output: 2\n        cache_read: 0.1\n        long_context:\n          threshold: 200000\n          input: 2\n          output: 3\n", 10, 11, "cache_read" },
            new object[] { "empty", "", 1, 1, "empty" },
        };

        [Theory]
        [MemberData(nameof(BrokenBooks))]
        public void ABrokenBookFailsWithPriceBookInvalidNamingFileLineAndColumn(string name, string content, int line, int column, string reason)
        {
            using var scratch = new ScratchFolder();
            string file = scratch.File(name + ".yaml");
            File.WriteAllText(file, content);

            var ex = Assert.Throws<AgentMetricsException>(() => PriceBook.Load(new[] { file }));
            Assert.Equal("PriceBookInvalid", ex.ErrorId);
            Assert.Equal(ErrorKind.InvalidData, ex.Kind);
            Assert.Equal(Path.GetFullPath(file), ex.Target);
            Assert.Contains(Path.GetFullPath(file), ex.Message);
            Assert.Contains($"line {line}", ex.Message);
            Assert.Contains(column < 0 ? "column " : $"column {column}", ex.Message);
            Assert.Contains(reason, ex.Message);
            Assert.False(ex.InnerException?.GetType().Assembly.GetName().Name == "YamlDotNet", "no YamlDotNet exception may escape");
        }

        [Fact]
        public void AMissingFileIsPriceBookNotFound()
        {
            using var scratch = new ScratchFolder();
            var ex = Assert.Throws<AgentMetricsException>(() => PriceBook.Load(new[] { scratch.File("nope.yaml") }));
            Assert.Equal("PriceBookNotFound", ex.ErrorId);
            Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        }

        [Fact]
        public void NoYamlDotNetTypeInThePublicSurface()
        {
            var publicTypes = typeof(PriceBook).Assembly.GetExportedTypes();
            foreach (Type type in publicTypes)
            {
                foreach (var member in type.GetMembers())
                {
                    string signature = member.ToString() ?? string.Empty;
                    Assert.DoesNotContain("YamlDotNet", signature);
                }

                Assert.DoesNotContain("YamlDotNet", type.BaseType?.FullName ?? string.Empty);
            }
        }

        [Fact]
        public void ModelPricePropertiesAreFlatScalarsInTheAgreedOrder()
        {
            string[] expected =
            {
                "Model", "Provider", "Aliases", "EffectiveFrom", "EffectiveTo", "InputPerMTok", "OutputPerMTok",
                "CacheWrite5mPerMTok", "CacheWrite1hPerMTok", "CacheReadPerMTok", "LongContextThreshold",
                "LongContextInputPerMTok", "LongContextOutputPerMTok", "LongContextCacheWrite5mPerMTok",
                "LongContextCacheWrite1hPerMTok", "LongContextCacheReadPerMTok", "WebSearchPer1K", "Source", "PriceBookFile", "AssumedFor",
            };
            Assert.Equal(expected, typeof(ModelPrice).GetProperties().Select(p => p.Name).ToArray());
        }

        [Fact]
        public void ModelsAreSortedAndEveryShippedModelHasADatedStart()
        {
            var models = Shipped.Models;
            var sorted = models.OrderBy(p => p.Provider, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Model, StringComparer.OrdinalIgnoreCase).ToList();
            Assert.Equal(sorted, models);
            Assert.All(models, p => Assert.NotNull(p.EffectiveFrom));
            Assert.Contains(models, p => p.Model == "claude-3-7-sonnet");
            Assert.Contains(models, p => p.Model == "gpt-5.1");
        }
    }
}
