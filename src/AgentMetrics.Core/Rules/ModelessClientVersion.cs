namespace AgentMetrics.Rules
{
    /// <summary>
    /// A request that names no model (Codex CLIs that wrote no turn_context) is priced as the model the price book
    /// assumes for its source and client version. So sums of requests (the rollup, the query slices) keep the client
    /// version of those requests, and only of those: requests that name a model group as they did.
    /// </summary>
    internal static class ModelessClientVersion
    {
        public static string? Of(string? model, string? clientVersion) => model is null ? clientVersion : null;

        /// <summary><see cref="Of"/> over a requests row (columns prefixed by <paramref name="alias"/>).</summary>
        public static string Sql(string alias = "") => $"CASE WHEN {alias}model IS NULL THEN {alias}client_version END";
    }
}
