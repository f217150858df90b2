using System;

namespace AgentMetrics.Errors
{
    /// <summary>
    /// The one exception type Core lets escape. It carries a stable error id and kind so the PowerShell
    /// layer can build a precise ErrorRecord; dependency exceptions are caught and wrapped at Core's edge.
    /// </summary>
    public sealed class AgentMetricsException : Exception
    {
        public AgentMetricsException(string errorId, ErrorKind kind, string message, object? target = null, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
        }

        public string ErrorId { get; }

        public ErrorKind Kind { get; }

        /// <summary>The file, file:line, model or warehouse the error is about.</summary>
        public object? Target { get; }
    }
}
