using AgentMetrics.Errors;

namespace AgentMetrics.Ingest
{
    /// <summary>An observer that drops everything: for questions asked before any import (FindsHistory).</summary>
    internal sealed class SilentObserver : IImportObserver
    {
        internal static readonly SilentObserver Instance = new SilentObserver();

        public void Progress(ImportProgress progress)
        {
        }

        public void Problem(ItemProblem problem)
        {
        }

        public void Verbose(string message)
        {
        }
    }
}
