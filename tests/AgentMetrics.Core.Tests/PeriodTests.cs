using System;
using System.Collections.Generic;
using System.Linq;
using AgentMetrics.Query;
using AgentMetrics.Records;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    public class PeriodTests
    {
        private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.CreateCustomTimeZone("test+05:30", TimeSpan.FromMinutes(330), "test+05:30", "test+05:30");

        private static long Ms(string iso) => DateTimeOffset.Parse(iso).ToUnixTimeMilliseconds();

        [Theory]
        [InlineData("2026-11-10T20:00:00Z", "Day", false, "2026-11-11")] // 01:30 next day in +05:30
        [InlineData("2026-11-10T20:00:00Z", "Day", true, "2026-11-10")]
        [InlineData("2026-11-10T18:29:00Z", "Day", false, "2026-11-10")] // 23:59 local
        [InlineData("2026-11-15T12:00:00Z", "Week", true, "2026-11-09")] // a Sunday belongs to the week of Monday the 9th
        [InlineData("2026-11-16T00:00:00Z", "Week", true, "2026-11-16")]
        [InlineData("2026-11-30T20:00:00Z", "Month", false, "2026-12-01")]
        [InlineData("2026-11-30T20:00:00Z", "Month", true, "2026-11-01")]
        public void PeriodsAreCalendarPeriodsOfTheChosenZone(string instant, string period, bool utc, string expected)
        {
            var grouping = new List<CostGrouping> { (CostGrouping)Enum.Parse(typeof(CostGrouping), period) };
            long bucketStart = Ms(instant) / UsageSlice.BucketMs * UsageSlice.BucketMs;
            DateTime? start = CostEngine.PeriodStart(bucketStart, grouping, new PeriodOptions { Utc = utc, Zone = Kolkata });
            Assert.Equal(expected, start!.Value.ToString("yyyy-MM-dd"));
            Assert.Equal(utc ? DateTimeKind.Utc : DateTimeKind.Unspecified, start.Value.Kind);
        }

        [Fact]
        public void FifteenMinuteBucketsNeverStraddleALocalMidnightInAnyRealZone()
        {
            // Every offset in use is a multiple of 15 minutes, so a bucket's start and end share a local day.
            foreach (int minutes in new[] { -720, -570, -180, 0, 330, 345, 525, 765, 840 })
            {
                var zone = TimeZoneInfo.CreateCustomTimeZone("z", TimeSpan.FromMinutes(minutes), "z", "z");
                for (long ms = Ms("2026-11-10T00:00:00Z"); ms < Ms("2026-11-12T00:00:00Z"); ms += UsageSlice.BucketMs)
                {
                    DateTime first = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), zone).Date;
                    DateTime last = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms + UsageSlice.BucketMs - 1), zone).Date;
                    Assert.Equal(first, last);
                }
            }
        }

        [Theory]
        [InlineData("7d", 7 * 24 * 60)]
        [InlineData("24h", 24 * 60)]
        [InlineData("90m", 90)]
        [InlineData("2w", 14 * 24 * 60)]
        public void RelativeTimesCountBackFromNow(string text, int minutes)
        {
            var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
            Assert.Equal(now.AddMinutes(-minutes), TimeSpec.Parse(text, now));
        }

        [Fact]
        public void DatesAreLocalMidnightAndNonsenseIsAnInvalidArgument()
        {
            var now = DateTimeOffset.Now;
            Assert.Equal(new DateTimeOffset(new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Local)), TimeSpec.Parse("2026-10-01", now));
            Assert.Equal(new DateTimeOffset(2026, 10, 1, 6, 0, 0, TimeSpan.Zero), TimeSpec.Parse("2026-10-01T06:00:00Z", now));
            var error = Assert.Throws<Errors.AgentMetricsException>(() => TimeSpec.Parse("last tuesday", now));
            Assert.Equal("InvalidTimeSpecification", error.ErrorId);
            Assert.Equal(Errors.ErrorKind.InvalidArgument, error.Kind);
        }

        [Fact]
        public void WildcardsFollowPowerShellRules()
        {
            var values = new[] { "claude-opus-4-5", "claude-sonnet-4-5", "gpt-5", "gpt-5-codex", "a[b]c" };
            Assert.Equal(new[] { "claude-opus-4-5", "claude-sonnet-4-5" }, Wildcard.Select(values, new[] { "CLAUDE-*" }).ToArray());
            Assert.Equal(new[] { "gpt-5" }, Wildcard.Select(values, new[] { "gpt-?" }).ToArray());
            Assert.Equal(new[] { "gpt-5", "gpt-5-codex" }, Wildcard.Select(values, new[] { "gpt-[5]*" }).ToArray());
            Assert.Equal(new[] { "a[b]c" }, Wildcard.Select(values, new[] { "a`[b`]c" }).ToArray());
            Assert.Empty(Wildcard.Select(values, new[] { "sonnet" }));
        }
    }
}
