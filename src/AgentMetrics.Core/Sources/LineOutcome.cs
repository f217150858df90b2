namespace AgentMetrics.Sources
{
    internal enum LineOutcome
    {
        /// <summary>Parsed (whether or not it held usage).</summary>
        Parsed,

        /// <summary>Empty or whitespace.</summary>
        Empty,

        /// <summary>Not valid JSON.</summary>
        Malformed,
    }
}
