using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AgentMetrics.PowerShell.Infrastructure;
using AgentMetrics.Pricing;

namespace AgentMetrics.PowerShell.Commands
{
    /// <summary>Shows the prices AgentMetrics uses: the shipped price book plus the user's override.</summary>
    [Cmdlet(VerbsCommon.Get, "AgentModelPrice", DefaultParameterSetName = AtParameterSet)]
    [OutputType(typeof(ModelPrice))]
    public sealed class GetAgentModelPriceCommand : AgentMetricsCmdlet
    {
        private const string AtParameterSet = "At";
        private const string AllParameterSet = "All";

        /// <summary>Model ids or aliases; wildcards allowed. Default: every model.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[]? Model { get; set; }

        /// <summary>Only prices in effect at this moment (default: now).</summary>
        [Parameter(ParameterSetName = AtParameterSet)]
        public DateTime At { get; set; } = DateTime.Now;

        /// <summary>Every price period, history included.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AllParameterSet)]
        public SwitchParameter All { get; set; }

        protected override void End()
        {
            PriceBook book = PriceBook.LoadDefault(ShippedPricingFolder);
            var at = new DateTimeOffset(At);
            IReadOnlyList<ModelPrice> candidates = All ? book.Models : book.InEffectAt(at);

            if (Model is null)
            {
                WriteCopies(candidates);
                return;
            }

            var selected = new HashSet<ModelPrice>();
            foreach (string name in Model)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                var matches = candidates.Where(p => pattern.IsMatch(p.Model) || p.AliasList.Any(pattern.IsMatch)).ToList();
                selected.UnionWith(matches);

                // A wildcard that matches nothing is an empty filter; a plain name that matches nothing is a
                // model the user expected to be priced.
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    WriteError(NotPriced(name, book, at));
                }
            }

            WriteCopies(candidates.Where(selected.Contains));
        }

        private ErrorRecord NotPriced(string name, PriceBook book, DateTimeOffset at)
        {
            bool known = book.Models.Any(p => string.Equals(p.Model, name, StringComparison.OrdinalIgnoreCase)
                || p.AliasList.Contains(name, StringComparer.OrdinalIgnoreCase));
            string message = known && !All
                ? $"The model '{name}' has no price in effect at {at:yyyy-MM-dd HH:mm:ss zzz}. Use -All to see its price history."
                : $"The model '{name}' is not in the price book. Its usage shows as unpriced; add it to {AgentMetricsPaths.UserPriceBook} to price it.";
            return new ErrorRecord(new ItemNotFoundException(message), "ModelNotPriced", ErrorCategory.ObjectNotFound, name);
        }

        // The price book is cached and shared between calls: hand out copies so a user editing a
        // returned object cannot change the prices the next command uses.
        private void WriteCopies(IEnumerable<ModelPrice> prices)
        {
            foreach (ModelPrice price in prices)
            {
                WriteObject(ForOutput(price.Copy()));
            }
        }
    }
}
