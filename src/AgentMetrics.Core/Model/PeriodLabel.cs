using System;
using System.Globalization;

namespace AgentMetrics
{
    /// <summary>
    /// How a period reads in views and exports: a day 2026-09-26, an ISO-8601 week 2026-W39 (weeks start on
    /// Monday; week 1 holds the year's first Thursday, so a week belongs to the year of its Thursday), a month 2026-09.
    /// </summary>
    public static class PeriodLabel
    {
        /// <summary>The label of the period that starts at <paramref name="start"/> (a day, a week's Monday or a month's 1st).</summary>
        public static string Format(DateTime start, CostGrouping period) => period switch
        {
            CostGrouping.Week => IsoWeek(start),
            CostGrouping.Month => start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            _ => start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };

        /// <summary>ISO-8601 week label of the week holding <paramref name="date"/> (netstandard2.0 has no ISOWeek).</summary>
        public static string IsoWeek(DateTime date)
        {
            DateTime day = date.Date;
            DateTime thursday = day.AddDays(3 - (((int)day.DayOfWeek + 6) % 7));
            int week = ((thursday.DayOfYear - 1) / 7) + 1;
            return string.Format(CultureInfo.InvariantCulture, "{0:D4}-W{1:D2}", thursday.Year, week);
        }
    }
}
