using System;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    public class PeriodLabelTests
    {
        [Theory]
        [InlineData("2026-09-21", "2026-W39")] // the fixture's first week (Monday)
        [InlineData("2026-09-27", "2026-W39")] // its Sunday
        [InlineData("2026-01-01", "2026-W01")] // a Thursday: week 1 of its own year
        [InlineData("2025-12-29", "2026-W01")] // a Monday whose Thursday is in the next year
        [InlineData("2027-01-01", "2026-W53")] // a Friday whose Thursday is in the year before
        [InlineData("2021-01-03", "2020-W53")]
        [InlineData("2024-12-30", "2025-W01")]
        public void WeeksAreIsoWeeksOfTheYearOfTheirThursday(string day, string expected)
        {
            Assert.Equal(expected, PeriodLabel.IsoWeek(DateTime.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));
        }

        [Fact]
        public void DaysAndMonthsAreIsoDates()
        {
            var start = new DateTime(2026, 9, 1);
            Assert.Equal("2026-09-01", PeriodLabel.Format(start, CostGrouping.Day));
            Assert.Equal("2026-09", PeriodLabel.Format(start, CostGrouping.Month));
            Assert.Equal("2026-W36", PeriodLabel.Format(new DateTime(2026, 8, 31), CostGrouping.Week));
        }
    }
}
