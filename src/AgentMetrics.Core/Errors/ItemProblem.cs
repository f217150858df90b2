namespace AgentMetrics.Errors
{
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
