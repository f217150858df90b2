namespace AgentMetrics.Rules
{
    /// <summary>
    /// The agent label a Claude request is counted under: the main agent is "claude-code", a subagent
    /// "claude-code/" followed by its type from the subagent's meta file (claude-code/Explore). The reader
    /// labels what it reads; the warehouse relabels, in SQL, requests read before their subagent's type was
    /// known. Both take the label from here (AgentLabelTests runs the SQL form against the C# one).
    /// </summary>
    internal static class AgentLabel
    {
        public const string ClaudeMain = "claude-code";

        /// <summary>A Claude subagent's label: the main agent's, a slash, then the subagent's type.</summary>
        public static string ClaudeSubagent(string type) => ClaudeMain + "/" + type;

        /// <summary>
        /// <see cref="ClaudeSubagent"/> as an SQL expression over <paramref name="typeExpression"/> (a column or
        /// a parameter), for the statements that relabel rows already written.
        /// </summary>
        public static string ClaudeSubagentSql(string typeExpression) => "'" + ClaudeMain + "/' || " + typeExpression;
    }
}
