using System;

namespace AgentMetrics.Query
{
    /// <summary>How periods are cut: in a time zone (local by default) or UTC.</summary>
    public sealed class PeriodOptions
    {
        public bool Utc { get; set; }

        public TimeZoneInfo Zone { get; set; } = TimeZoneInfo.Local;
    }
}
