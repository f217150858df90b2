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
}
