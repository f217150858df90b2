using System;
using System.Collections.Generic;
using System.Management.Automation;
using AgentMetrics.PowerShell.Infrastructure;
using AgentMetrics.Query;

namespace AgentMetrics.PowerShell.Commands
{
    /// <summary>Agent sessions with their timing, requests, tools, tokens and cost over the requests in the window.</summary>
    [Cmdlet(VerbsCommon.Get, "AgentSession")]
    [OutputType(typeof(Session))]
    public sealed class GetAgentSessionCommand : UsageQueryCmdlet
    {
        private readonly List<string> _sessionIds = new List<string>();

        /// <summary>Only these sessions (wildcards); also taken from the pipeline by property name.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(SessionIdCompleter))]
        public string[]? SessionId { get; set; }

        /// <summary>Gaps between requests longer than this count as idle, not active time. Default 5 minutes.</summary>
        [Parameter]
        public TimeSpan IdleThreshold { get; set; } = TimeSpan.FromMinutes(5);

        protected override void Process()
        {
            if (SessionId is not null)
            {
                _sessionIds.AddRange(SessionId);
            }
        }

        protected override void End()
        {
            if (IdleThreshold <= TimeSpan.Zero)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentOutOfRangeException(nameof(IdleThreshold), "The idle threshold must be positive."), "InvalidIdleThreshold", ErrorCategory.InvalidArgument, IdleThreshold));
            }

            var filter = BuildFilter(_sessionIds.Count > 0 ? _sessionIds : null);
            using var warehouse = OpenForQuery(filter);
            var sessions = SessionEngine.Query(warehouse, filter, IdleThreshold, LoadPrices(), out var unpriced);
            VerboseRows(sessions.Count, "sessions");
            WarnUnpriced(unpriced);
            foreach (Session session in sessions)
            {
                WriteObject(ForOutput(session));
            }
        }
    }
}
