using System;
using System.Collections.Generic;
using System.Management.Automation;
using AgentMetrics.Pricing;
using AgentMetrics.Query;

namespace AgentMetrics.PowerShell.Infrastructure
{
    /// <summary>The time window and filters every query cmdlet shares.</summary>
    public abstract class UsageQueryCmdlet : AgentMetricsCmdlet
    {
        /// <summary>Requests at or after this time: 7d, 24h, 2w, 90m, a date or a DateTime.</summary>
        [Parameter]
        [Alias("After")]
        [TimeSpecTransformation]
        public DateTime? Since { get; set; }

        /// <summary>Requests before this time (exclusive).</summary>
        [Parameter]
        [Alias("Before")]
        [TimeSpecTransformation]
        public DateTime? Until { get; set; }

        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string[]? Model { get; set; }

        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ProjectCompleter))]
        public string[]? Project { get; set; }

        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(SourceCompleter))]
        public string[]? Source { get; set; }

        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(GitBranchCompleter))]
        public string[]? GitBranch { get; set; }

        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(AgentCompleter))]
        public string[]? Agent { get; set; }

        /// <summary>The warehouse file; default $env:AGENTMETRICS_HOME/warehouse.db (~/.agentmetrics/warehouse.db).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Warehouse { get; set; }

        internal UsageFilter BuildFilter(IReadOnlyList<string>? sessionIds = null) => new UsageFilter
        {
            Since = Since.HasValue ? TimeSpec.FromDateTime(Since.Value) : (DateTimeOffset?)null,
            Until = Until.HasValue ? TimeSpec.FromDateTime(Until.Value) : (DateTimeOffset?)null,
            Model = Model,
            Project = Project,
            Source = Source,
            GitBranch = GitBranch,
            Agent = Agent,
            SessionId = sessionIds,
        };

        /// <summary>
        /// Checks the window, opens the warehouse for reading and reports each exact name that matches nothing in
        /// it as ObjectNotFound (like Get-Process -Name), then says under -Verbose what the query covers.
        /// </summary>
        internal Warehousing.Warehouse OpenForQuery(UsageFilter filter)
        {
            if (Since.HasValue && Until.HasValue && filter.Since >= filter.Until)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new PSArgumentException($"-Since ({Since.Value:yyyy-MM-dd HH:mm}) is not before -Until ({Until.Value:yyyy-MM-dd HH:mm}): the window holds nothing. Swap them, or give -Since an earlier time."),
                    "InvalidTimeWindow",
                    ErrorCategory.InvalidArgument,
                    Since.Value));
            }

            Warehousing.Warehouse warehouse = OpenWarehouseForReading(Warehouse);
            try
            {
                WriteVerbose($"Filters: {filter.Describe()}.");
                foreach (var (parameter, name) in filter.UnmatchedNames(warehouse))
                {
                    WriteError(new ErrorRecord(
                        new ItemNotFoundException($"No {Noun(parameter)} named '{name}' in the warehouse '{warehouse.Path}'. Check the name (tab completion offers those the warehouse holds), or use a wildcard such as '{name}*' to match part of one."),
                        (parameter == "SessionId" ? "Session" : parameter) + "NotFound",
                        ErrorCategory.ObjectNotFound,
                        name));
                }
            }
            catch
            {
                warehouse.Dispose();
                throw;
            }

            return warehouse;
        }

        private static string Noun(string parameter) => parameter switch
        {
            "SessionId" => "session",
            "GitBranch" => "git branch",
            _ => parameter.ToLowerInvariant(),
        };

        internal void VerboseRows(int rows, string what) => WriteVerbose($"{rows} {what}.");

        internal static PriceBook LoadPrices() => PriceBook.LoadDefault(ShippedPricingFolder);

        /// <summary>
        /// Reads the price book on a worker while the caller queries the warehouse (parsing the YAML is a good
        /// part of a first query in a fresh process). GetAwaiter().GetResult() rethrows a bad price book as itself.
        /// </summary>
        internal static System.Threading.Tasks.Task<PriceBook> LoadPricesMeanwhile() => System.Threading.Tasks.Task.Run(LoadPrices);

        internal void WarnUnpriced(IReadOnlyCollection<string> models)
        {
            if (models.Count > 0)
            {
                WriteWarning($"No price for {string.Join(", ", models)}: their requests are counted with no cost (UnpricedRequests). Add them to {AgentMetricsPaths.UserPriceBook} to price them.");
            }
        }
    }
}
