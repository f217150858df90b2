namespace AgentMetrics
{
    /// <summary>How cost rows are grouped.</summary>
    public enum CostGrouping
    {
        Day,
        Week,
        Month,
        Model,
        Project,
        Source,
        Session,
        GitBranch,
        Agent,
    }
}
