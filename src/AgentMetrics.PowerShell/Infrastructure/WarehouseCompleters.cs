using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using AgentMetrics.Query;
using AgentMetrics.Warehousing;

namespace AgentMetrics.PowerShell.Infrastructure
{
    /// <summary>Completes a filter parameter from the values actually in the warehouse.</summary>
    public abstract class WarehouseValueCompleter : IArgumentCompleter
    {
        protected abstract string Column { get; }

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string? path = fakeBoundParameters["Warehouse"] as string;
            IReadOnlyList<string> values;
            try
            {
                // Read-only like every query: completing never creates or changes a warehouse.
                using Warehouse warehouse = Warehouse.OpenForReading(string.IsNullOrEmpty(path) ? null : path);
                values = UsageFilter.DistinctValues(warehouse, Column);
            }
            catch (Exception)
            {
                // Completion must never throw at the user: no warehouse simply means no suggestions.
                return Array.Empty<CompletionResult>();
            }

            string typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var pattern = WildcardPattern.Get(typed + "*", WildcardOptions.IgnoreCase);
            return values.Where(v => pattern.IsMatch(v)).Select(v =>
            {
                string text = v.IndexOfAny(new[] { ' ', '\'', '$', '`', ',', ';', '(', ')', '{', '}', '@', '#' }) >= 0 ? "'" + v.Replace("'", "''") + "'" : v;
                return new CompletionResult(text, v, CompletionResultType.ParameterValue, v);
            }).ToList();
        }
    }

    public sealed class ModelCompleter : WarehouseValueCompleter
    {
        protected override string Column => "model";
    }

    public sealed class ProjectCompleter : WarehouseValueCompleter
    {
        protected override string Column => "project";
    }

    public sealed class SourceCompleter : WarehouseValueCompleter
    {
        protected override string Column => "source";
    }

    public sealed class SessionIdCompleter : WarehouseValueCompleter
    {
        protected override string Column => "session_id";
    }

    public sealed class GitBranchCompleter : WarehouseValueCompleter
    {
        protected override string Column => "git_branch";
    }

    public sealed class AgentCompleter : WarehouseValueCompleter
    {
        protected override string Column => "agent";
    }
}
