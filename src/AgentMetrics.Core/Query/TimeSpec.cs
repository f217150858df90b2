using System;
using System.Globalization;
using System.Text.RegularExpressions;
using AgentMetrics.Errors;

namespace AgentMetrics.Query
{
    /// <summary>
    /// The time words every -Since/-Until accepts: a span back from now (90m, 24h, 7d, 2w), an ISO date
    /// (local midnight) or date-time, or a DateTime. Spans are rolling: 7d is exactly 7×24 hours ago.
    /// </summary>
    public static class TimeSpec
    {
        private static readonly Regex Relative = new Regex(@"^\s*(\d+)\s*(m|min|h|d|w)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        public static DateTimeOffset Parse(string text, DateTimeOffset now)
        {
            Match match = Relative.Match(text);
            if (match.Success)
            {
                long amount = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                TimeSpan unit = match.Groups[2].Value.ToLowerInvariant() switch
                {
                    "m" or "min" => TimeSpan.FromMinutes(1),
                    "h" => TimeSpan.FromHours(1),
                    "d" => TimeSpan.FromDays(1),
                    _ => TimeSpan.FromDays(7),
                };
                return now - TimeSpan.FromTicks(unit.Ticks * amount);
            }

            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out DateTimeOffset parsed))
            {
                return parsed;
            }

            throw new AgentMetricsException(
                "InvalidTimeSpecification",
                ErrorKind.InvalidArgument,
                $"'{text}' is not a time AgentMetrics understands. Use a span back from now such as 90m, 24h, 7d or 2w, a date such as 2026-11-01, or a date and time.",
                text);
        }

        /// <summary>A DateTime as an instant: Unspecified kind means local time, as PowerShell's [datetime] casts do.</summary>
        public static DateTimeOffset FromDateTime(DateTime value) =>
            value.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Local)) : new DateTimeOffset(value);
    }
}
