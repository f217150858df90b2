namespace AgentMetrics.Sources
{
    /// <summary>A reader's per-file state that can be written into <see cref="FileContext.State"/>.</summary>
    internal interface IFileState
    {
        string Serialize();
    }
}
