using System;

namespace AgentMetrics.Util
{
    internal static class TimeUtil
    {
        private static readonly DateTimeOffset Epoch = new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public static DateTimeOffset FromUnixMs(long ms) => Epoch.AddMilliseconds(ms);

        public static long ToUnixMs(DateTimeOffset value) => (long)(value.UtcDateTime - Epoch.UtcDateTime).TotalMilliseconds;

        public static long ToUnixMs(DateTime value) => ToUnixMs(value.Kind == DateTimeKind.Unspecified
            ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Local))
            : new DateTimeOffset(value));
    }
}
