using System.Collections.Generic;

namespace AgentMetrics.Pricing
{
    /// <summary>One model as one price book file declares it: its names and every price period.</summary>
    internal sealed class PriceBookModel
    {
        public PriceBookModel(string id, IReadOnlyList<string> aliases, IReadOnlyList<ModelPrice> periods)
        {
            Id = id;
            Aliases = aliases;
            Periods = periods;
        }

        public string Id { get; }

        public IReadOnlyList<string> Aliases { get; }

        public IReadOnlyList<ModelPrice> Periods { get; }
    }
}
