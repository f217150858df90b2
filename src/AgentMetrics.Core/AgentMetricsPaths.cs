using System;
using System.IO;

namespace AgentMetrics
{
    /// <summary>Where AgentMetrics keeps its own state: $AGENTMETRICS_HOME, else ~/.agentmetrics.</summary>
    public static class AgentMetricsPaths
    {
        public const string HomeVariable = "AGENTMETRICS_HOME";

        public static string UserHome =>
            Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home
                ? home
                : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        public static string Home
        {
            get
            {
                string? configured = Environment.GetEnvironmentVariable(HomeVariable);
                return string.IsNullOrWhiteSpace(configured)
                    ? Path.Combine(UserHome, ".agentmetrics")
                    : Path.GetFullPath(configured);
            }
        }

        public static string DefaultWarehouse => Path.Combine(Home, "warehouse.db");

        public static string UserPriceBook => Path.Combine(Home, "pricing.yaml");
    }
}
