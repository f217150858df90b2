using AgentMetrics.Errors;

namespace AgentMetrics.Ingest
{
    /// <summary>How the importer talks back: all calls come on the thread that called Import.</summary>
    public interface IImportObserver
    {
        void Progress(ImportProgress progress);

        void Problem(ItemProblem problem);

        void Verbose(string message);

    }
}
