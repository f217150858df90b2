using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AgentMetrics.Pricing;
using AgentMetrics.Records;
using AgentMetrics.Rules;
using AgentMetrics.Warehousing;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Query
{
    /// <summary>
    /// Cost is computed at query time from stored tokens and the price book, so a corrected price re-prices
    /// history. SQL sums requests into slices (keys × model × 15-minute bucket × price tier); each slice is
    /// priced once and folded into the requested groups.
    /// </summary>
    public static class CostEngine
    {
        public static CostResult Summarise(Warehouse warehouse, UsageFilter filter, IReadOnlyList<CostGrouping> by, PeriodOptions periods, PriceBook prices) =>
            Summarise(warehouse, filter, by, periods, () => prices);

        /// <summary>As above, asking for the price book only once the slices are read (the caller may still be loading it).</summary>
        public static CostResult Summarise(Warehouse warehouse, UsageFilter filter, IReadOnlyList<CostGrouping> by, PeriodOptions periods, Func<PriceBook> prices)
        {
            Validate(by);
            // The price book may still be loading: read by the bands the rollup has, which decide every threshold
            // unless an override brought a new one since the last import; then read again by the book's.
            var (slices, bands) = warehouse.Read(() => LoadSlices(warehouse, filter, by, wanted: null));
            PriceBook book = prices();
            if (!bands.Covers(book.LongContextThresholds))
            {
                slices = warehouse.Read(() => LoadSlices(warehouse, filter, by, book.LongContextThresholds)).Slices;
            }

            return Fold(slices, by, periods, book);
        }

        public static void Validate(IReadOnlyList<CostGrouping> by)
        {
            if (by.Count(g => g == CostGrouping.Day || g == CostGrouping.Week || g == CostGrouping.Month) > 1)
            {
                throw new Errors.AgentMetricsException("ConflictingPeriods", Errors.ErrorKind.InvalidArgument, "Group by at most one of Day, Week and Month.", string.Join(",", by));
            }
        }

        /// <summary>
        /// The slices of the requests <paramref name="filter"/> selects, banded by prompt so that every threshold in
        /// <paramref name="wanted"/> (null: those the rollup was built with) can be decided; returns the bands used.
        /// </summary>
        internal static (List<UsageSlice> Slices, PromptBands Bands) LoadSlices(Warehouse warehouse, UsageFilter filter, IEnumerable<CostGrouping> by, IEnumerable<long>? wanted, bool allKeys = false)
        {
            PromptBands rollupBands = RollupMaintainer.Bands(warehouse);
            PromptBands bands = wanted is null ? rollupBands : rollupBands.With(wanted);
            return (LoadSlices(warehouse, filter, by, bands, rollupBands.SameAs(bands), allKeys), bands);
        }

        private static List<UsageSlice> LoadSlices(Warehouse warehouse, UsageFilter filter, IEnumerable<CostGrouping> by, PromptBands bands, bool rollupBanded, bool allKeys)
        {
            var groups = new HashSet<CostGrouping>(by);
            bool session = allKeys || groups.Contains(CostGrouping.Session);
            var keys = new SliceKeys(
                project: allKeys || groups.Contains(CostGrouping.Project),
                branch: allKeys || groups.Contains(CostGrouping.GitBranch),
                session: session,
                agent: allKeys || groups.Contains(CostGrouping.Agent));

            // The rollup has every key but the session, in whole 15-minute buckets: the buckets wholly inside
            // the window come from it, the partial ones at either edge from the requests themselves. Its prompt
            // bands must decide every threshold wanted: after an override brought a new one, until the next
            // import rebuilds the rollup by it, the requests answer.
            if (session || filter.SessionId is { Count: > 0 } || !rollupBanded || !RollupMaintainer.IsCurrent(warehouse))
            {
                return Read(warehouse, filter, keys, bands, fromRollup: false);
            }

            long? since = filter.Since.HasValue ? Util.TimeUtil.ToUnixMs(filter.Since.Value) : (long?)null;
            long? until = filter.Until.HasValue ? Util.TimeUtil.ToUnixMs(filter.Until.Value) : (long?)null;
            long firstWhole = since.HasValue ? CeilDiv(since.Value, UsageSlice.BucketMs) : long.MinValue;
            long endWhole = until.HasValue ? FloorDiv(until.Value, UsageSlice.BucketMs) : long.MaxValue;
            if (firstWhole >= endWhole)
            {
                return Read(warehouse, filter, keys, bands, fromRollup: false);
            }

            List<UsageSlice> slices = Read(warehouse, filter.Within(null, null), keys, bands, fromRollup: true, firstWhole, endWhole);
            if (since.HasValue && since.Value < firstWhole * UsageSlice.BucketMs)
            {
                slices.AddRange(Read(warehouse, filter.Within(filter.Since, Util.TimeUtil.FromUnixMs(firstWhole * UsageSlice.BucketMs)), keys, bands, fromRollup: false));
            }

            if (until.HasValue && until.Value > endWhole * UsageSlice.BucketMs)
            {
                slices.AddRange(Read(warehouse, filter.Within(Util.TimeUtil.FromUnixMs(endWhole * UsageSlice.BucketMs), filter.Until), keys, bands, fromRollup: false));
            }

            return slices;
        }

        private static long FloorDiv(long value, long divisor) => value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);

        private static long CeilDiv(long value, long divisor) => -FloorDiv(-value, divisor);

        private sealed class SliceKeys
        {
            public SliceKeys(bool project, bool branch, bool session, bool agent)
            {
                Project = project;
                Branch = branch;
                Session = session;
                Agent = agent;
                Columns = new List<string> { "source", "model" };
                if (project)
                {
                    Columns.Add("project");
                    Columns.Add("project_path");
                }

                if (branch)
                {
                    Columns.Add("git_branch");
                }

                if (session)
                {
                    Columns.Add("session_id");
                }

                if (agent)
                {
                    Columns.Add("agent");
                }
            }

            public bool Project { get; }

            public bool Branch { get; }

            public bool Session { get; }

            public bool Agent { get; }

            public List<string> Columns { get; }
        }

        private static List<UsageSlice> Read(Warehouse warehouse, UsageFilter filter, SliceKeys keys, PromptBands bands, bool fromRollup, long fromBucket = 0, long toBucket = 0)
        {
            using SqliteCommand command = warehouse.Command(string.Empty);
            string where = filter.ToSql(warehouse, command);
            string keyList = string.Join(", ", keys.Columns);
            if (fromRollup)
            {
                // Only a bound the caller gave is a condition: without one the whole table is read, and a plain
                // scan does that faster than walking the bucket index and looking each row up.
                string buckets = string.Empty;
                if (fromBucket != long.MinValue)
                {
                    buckets += " AND bucket >= $fromBucket";
                    command.Parameters.AddWithValue("$fromBucket", fromBucket);
                }

                if (toBucket != long.MaxValue)
                {
                    buckets += " AND bucket < $toBucket";
                    command.Parameters.AddWithValue("$toBucket", toBucket);
                }

                // Fold adds slices up by the groups asked for anyway, so rollup rows can be slices as they are:
                // grouping them first made SQLite sort the whole table. Reported costs are real numbers that
                // SQLite sums its own way; while any are present the sums stay SQLite's, as before.
                bool reportedCosts = warehouse.Scalar<long>("SELECT EXISTS (SELECT 1 FROM usage_rollup WHERE reported_cost IS NOT NULL);") != 0;
                command.CommandText = reportedCosts
                    ? $@"
SELECT {keyList}, bucket, prompt_above,
       sum(requests), sum(input_tokens), sum(output_tokens), sum(cache_write_5m), sum(cache_write_1h), sum(cache_read),
       sum(reasoning_tokens), sum(web_searches), sum(reported_cost), client_version
FROM usage_rollup
{where}{buckets}
GROUP BY {keyList}, bucket, prompt_above, client_version;"
                    : $@"
SELECT {keyList}, bucket, prompt_above,
       requests, input_tokens, output_tokens, cache_write_5m, cache_write_1h, cache_read, reasoning_tokens, web_searches, NULL, client_version
FROM usage_rollup
{where}{buckets};";
            }
            else
            {
                command.CommandText = $@"
SELECT {keyList}, ts / {UsageSlice.BucketMs} AS bucket,
       {bands.FloorSql()} AS prompt_above,
       count(*), sum(input_tokens), sum(output_tokens), sum(cache_write_5m), sum(cache_write_1h), sum(cache_read),
       sum(reasoning_tokens), sum(web_searches), sum(reported_cost), {ModelessClientVersion.Sql()} AS modeless_version
FROM requests
{where} AND is_synthetic = 0
GROUP BY {keyList}, bucket, prompt_above, modeless_version;";
            }

            var slices = new List<UsageSlice>();
            using var reader = new RawQuery(command);
            int k = keys.Columns.Count;
            // Thousands of slices share each source, model and project: one string per distinct value.
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            string? Text(int column)
            {
                string? text = reader.Text(column);
                if (text is null)
                {
                    return null;
                }

                if (!names.TryGetValue(text, out string? shared))
                {
                    names[text] = shared = text;
                }

                return shared;
            }

            while (reader.Read())
            {
                long promptAbove = reader.Int64(k + 1);
                var slice = new UsageSlice
                {
                    Source = Text(0),
                    Model = Text(1),
                    Bucket = reader.Int64(k),
                    PromptAbove = promptAbove,
                    PromptUpTo = bands.CeilingOf(promptAbove),
                    Requests = reader.Int64(k + 2),
                    Input = reader.Int64(k + 3),
                    Output = reader.Int64(k + 4),
                    CacheWrite5m = reader.Int64(k + 5),
                    CacheWrite1h = reader.Int64(k + 6),
                    CacheRead = reader.Int64(k + 7),
                    Reasoning = reader.Int64(k + 8),
                    WebSearches = reader.Int64(k + 9),
                    ReportedCost = reader.NullableDouble(k + 10),
                    ClientVersion = Text(k + 11),
                };
                int column = 2;
                if (keys.Project)
                {
                    slice.Project = Text(column++);
                    slice.ProjectPath = Text(column++);
                }

                if (keys.Branch)
                {
                    slice.GitBranch = Text(column++);
                }

                if (keys.Session)
                {
                    slice.SessionId = Text(column++);
                }

                if (keys.Agent)
                {
                    slice.Agent = Text(column);
                }

                slices.Add(slice);
            }

            return slices;
        }

        /// <summary>Folds slices into one row per distinct group; rows sorted by their group values.</summary>
        internal static CostResult Fold(IEnumerable<UsageSlice> slices, IReadOnlyList<CostGrouping> by, PeriodOptions periods, PriceBook prices)
        {
            var pricer = new SlicePricer(prices);
            var rows = new Dictionary<string, CostSummary>(StringComparer.Ordinal);
            CostGrouping? period = PeriodOf(by);
            foreach (UsageSlice slice in slices)
            {
                DateTime? date = PeriodStart(slice.StartMs, period, periods);
                string key = GroupKey(slice, by, date);
                if (!rows.TryGetValue(key, out CostSummary? row))
                {
                    row = NewRow(slice, by, date);
                    rows[key] = row;
                }

                decimal? cost = pricer.Price(slice, out string? assumed);
                Add(row, slice, cost, assumed);
                row.Slices.Add(slice);
            }

            var ordered = rows.Values
                .OrderBy(r => r.Date ?? DateTime.MinValue)
                .ThenBy(r => r.Source, StringComparer.Ordinal)
                .ThenBy(r => r.Project, StringComparer.Ordinal)
                .ThenBy(r => r.GitBranch, StringComparer.Ordinal)
                .ThenBy(r => r.SessionId, StringComparer.Ordinal)
                .ThenBy(r => r.Agent, StringComparer.Ordinal)
                .ThenBy(r => r.Model, StringComparer.Ordinal)
                .ToList();
            return new CostResult(ordered, pricer.Unpriced);
        }

        internal static void Add(CostSummary row, UsageSlice slice, decimal? cost, string? assumedModel = null)
        {
            if (assumedModel is not null)
            {
                row.AssumedRequests += slice.Requests;
                row.AssumedModel = row.AssumedModel is null ? assumedModel
                    : string.Join(", ", row.AssumedModel.Split(new[] { ", " }, StringSplitOptions.None).Append(assumedModel).Distinct().OrderBy(m => m, StringComparer.Ordinal));
            }

            row.Requests += slice.Requests;
            row.InputTokens += slice.Input;
            row.OutputTokens += slice.Output;
            row.CacheWrite5mTokens += slice.CacheWrite5m;
            row.CacheWrite1hTokens += slice.CacheWrite1h;
            row.CacheWriteTokens += slice.CacheWrite5m + slice.CacheWrite1h;
            row.CacheReadTokens += slice.CacheRead;
            row.ReasoningTokens += slice.Reasoning;
            row.WebSearchRequests += slice.WebSearches;
            row.TotalTokens += slice.Input + slice.Output + slice.CacheWrite5m + slice.CacheWrite1h + slice.CacheRead;
            if (cost.HasValue)
            {
                row.CostUsd = (row.CostUsd ?? 0m) + cost.Value;
            }
            else
            {
                row.UnpricedRequests += slice.Requests;
            }

            if (slice.ReportedCost.HasValue)
            {
                row.ReportedCostUsd = (row.ReportedCostUsd ?? 0m) + (decimal)slice.ReportedCost.Value;
            }
        }

        private static CostSummary NewRow(UsageSlice slice, IReadOnlyList<CostGrouping> by, DateTime? date)
        {
            var row = new CostSummary { Grouping = by.ToArray(), Date = date };
            foreach (CostGrouping group in by)
            {
                switch (group)
                {
                    case CostGrouping.Model:
                        row.Model = slice.Model;
                        break;
                    case CostGrouping.Project:
                        row.Project = slice.Project;
                        break;
                    case CostGrouping.Source:
                        row.Source = slice.Source;
                        break;
                    case CostGrouping.Session:
                        row.SessionId = slice.SessionId;
                        break;
                    case CostGrouping.GitBranch:
                        row.GitBranch = slice.GitBranch;
                        break;
                    case CostGrouping.Agent:
                        row.Agent = slice.Agent;
                        break;
                }
            }

            return row;
        }

        private static string GroupKey(UsageSlice slice, IReadOnlyList<CostGrouping> by, DateTime? date)
        {
            var parts = new string?[by.Count];
            for (int i = 0; i < by.Count; i++)
            {
                parts[i] = by[i] switch
                {
                    CostGrouping.Day or CostGrouping.Week or CostGrouping.Month => date?.Ticks.ToString(CultureInfo.InvariantCulture),
                    CostGrouping.Model => slice.Model,
                    CostGrouping.Project => slice.ProjectPath ?? slice.Project,
                    CostGrouping.Source => slice.Source,
                    CostGrouping.Session => slice.Source + "/" + slice.SessionId,
                    CostGrouping.GitBranch => slice.GitBranch,
                    CostGrouping.Agent => slice.Agent,
                    _ => null,
                };
            }

            return string.Join("\u0001", parts.Select(p => p ?? "\u0002"));
        }

        internal static DateTime? PeriodStart(long startMs, IReadOnlyList<CostGrouping> by, PeriodOptions periods) =>
            PeriodStart(startMs, PeriodOf(by), periods);

        /// <summary>The Day, Week or Month in a grouping, if any.</summary>
        private static CostGrouping? PeriodOf(IReadOnlyList<CostGrouping> by) =>
            by.Where(g => g == CostGrouping.Day || g == CostGrouping.Week || g == CostGrouping.Month).Select(g => (CostGrouping?)g).FirstOrDefault();

        private static DateTime? PeriodStart(long startMs, CostGrouping? period, PeriodOptions periods)
        {
            if (period is null)
            {
                return null;
            }

            DateTimeOffset instant = Util.TimeUtil.FromUnixMs(startMs);
            DateTime at = periods.Utc ? instant.UtcDateTime : TimeZoneInfo.ConvertTime(instant, periods.Zone).DateTime;
            DateTime day = at.Date;
            DateTime start = period switch
            {
                CostGrouping.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
                CostGrouping.Month => new DateTime(day.Year, day.Month, 1),
                _ => day,
            };
            DateTimeKind kind = periods.Utc ? DateTimeKind.Utc : periods.Zone == TimeZoneInfo.Local ? DateTimeKind.Local : DateTimeKind.Unspecified;
            return DateTime.SpecifyKind(start, kind);
        }

        /// <summary>Prices slices, remembering each model's price per day and which models had none.</summary>
        private sealed class SlicePricer
        {
            private readonly PriceBook _prices;
            private readonly Dictionary<(string, long), ModelPrice?> _cache = new Dictionary<(string, long), ModelPrice?>();
            private readonly Dictionary<(string?, string?), string?> _assumed = new Dictionary<(string?, string?), string?>();

            public SlicePricer(PriceBook prices)
            {
                _prices = prices;
            }

            public SortedSet<string> Unpriced { get; } = new SortedSet<string>(StringComparer.Ordinal);

            /// <summary>The slice's cost, or null when unpriced; <paramref name="assumed"/>: the model it was priced as when it names none.</summary>
            public decimal? Price(UsageSlice slice, out string? assumed)
            {
                string? model = slice.Model;
                assumed = null;
                if (model is null)
                {
                    var key = (slice.Source, slice.ClientVersion);
                    if (!_assumed.TryGetValue(key, out assumed))
                    {
                        assumed = _prices.AssumedModel(slice.Source, slice.ClientVersion);
                        _assumed[key] = assumed;
                    }

                    model = assumed;
                }

                if (model is null)
                {
                    Unpriced.Add("(no model)");
                    return null;
                }

                long day = slice.StartMs / 86_400_000;
                if (!_cache.TryGetValue((model, day), out ModelPrice? price))
                {
                    price = _prices.Find(model, Util.TimeUtil.FromUnixMs(slice.StartMs));
                    _cache[(model, day)] = price;
                }

                if (price is null)
                {
                    Unpriced.Add(slice.Model ?? "(no model)");
                    assumed = null;
                    return null;
                }

                var usage = new TokenUsage(slice.Input, slice.Output, slice.CacheWrite5m, slice.CacheWrite1h, slice.CacheRead, slice.WebSearches);
                bool longContext = LongContext.Decide(slice.PromptAbove, slice.PromptUpTo, price.LongContextThreshold)
                    ?? throw new Errors.AgentMetricsException(
                        "PriceBookChangedSinceQuery",
                        Errors.ErrorKind.InvalidOperation,
                        $"The long-context threshold of '{price.Model}' ({price.LongContextThreshold}) is not one these rows were read by ({slice.PromptAbove} to {slice.PromptUpTo} tokens of prompt): the price book changed after the query. Run the query again.",
                        price.Model);
                return CostCalculator.Price(price, usage, longContext);
            }
        }
    }
}
