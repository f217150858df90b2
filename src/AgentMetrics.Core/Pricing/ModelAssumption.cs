namespace AgentMetrics.Pricing
{
    /// <summary>
    /// A price book's "assume" entry: requests of <see cref="Source"/> that name no model (Codex CLIs before
    /// turn_context was written), optionally only from clients in a version range, are priced as
    /// <see cref="Model"/>. Rows priced so say it (AssumedModel, AssumedRequests).
    /// </summary>
    public sealed class ModelAssumption
    {
        public ModelAssumption(AgentSource source, ClientVersionRange? clientVersion, string model, string priceBookFile, long line)
        {
            Source = source;
            ClientVersion = clientVersion;
            Model = model;
            PriceBookFile = priceBookFile;
            Line = line;
        }

        public AgentSource Source { get; }

        /// <summary>The client versions it applies to; null: every version, and clients that reported none.</summary>
        public ClientVersionRange? ClientVersion { get; }

        public string Model { get; }

        public string PriceBookFile { get; }

        public long Line { get; }

        public bool AppliesTo(string? source, string? clientVersion) =>
            string.Equals(source, Source.ToString(), System.StringComparison.Ordinal)
            && (ClientVersion is null || ClientVersion.Contains(clientVersion));

        /// <summary>How Get-AgentModelPrice shows it beside the model's price, e.g. "Codex requests without a model, client &lt;0.30".</summary>
        public string Describe() =>
            $"{Source} requests without a model" + (ClientVersion is null ? string.Empty : $", client {ClientVersion.Text}");

        public override string ToString() => Describe() + " -> " + Model;
    }
}
