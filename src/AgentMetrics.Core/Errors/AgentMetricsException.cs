using System;

namespace AgentMetrics.Errors
{
    /// <summary>What went wrong, in the vocabulary PowerShell's ErrorCategory uses; the cmdlets map it 1:1.</summary>
    public enum ErrorKind
    {
        NotSpecified,
        InvalidArgument,
        InvalidData,
        InvalidOperation,
        ObjectNotFound,
        PermissionDenied,
        ResourceBusy,
        ResourceUnavailable,
        ReadError,
        WriteError,
        NotInstalled,
        OperationStopped,
    }

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

    /// <summary>A problem with one item that did not stop the operation (a malformed line, an unreadable file).</summary>
    public sealed class ItemProblem
    {
        public ItemProblem(string errorId, ErrorKind kind, string message, string? file, long? line)
        {
            ErrorId = errorId;
            Kind = kind;
            Message = message;
            File = file;
            Line = line;
        }

        public string ErrorId { get; }

        public ErrorKind Kind { get; }

        public string Message { get; }

        public string? File { get; }

        public long? Line { get; }

        public string Target => Line.HasValue ? $"{File}:{Line}" : File ?? string.Empty;
    }
}
