using System.Collections.Generic;
using System.IO;
using AgentMetrics.Records;

namespace AgentMetrics.Sources
{
    /// <summary>Everything one kind of agent history needs: where its files are and how to read a line.</summary>
    internal abstract class SourceReader
    {
        public abstract AgentSource Source { get; }

        /// <summary>The places this source lives by default on this machine (existing or not).</summary>
        /// <param name="workingDirectory">The caller's current folder (PowerShell's location, not the process's).</param>
        public abstract IEnumerable<string> DefaultRoots(string workingDirectory);

        /// <summary>True when <paramref name="path"/> (a folder or file) looks like this source's data.</summary>
        public abstract bool Recognises(string path);

        /// <summary>Every data file under a root (a folder or a single file), in a stable order.</summary>
        public abstract IEnumerable<DiscoveredFile> Discover(string root);

        /// <summary>
        /// True for sources whose files are whole JSON documents rewritten by their writer (not appended):
        /// a changed file is parsed whole by <see cref="ParseDocument"/> and recorded as fully consumed.
        /// </summary>
        public virtual bool ReadsWholeFile => false;

        /// <summary>
        /// True for sources whose copies of one record in two files are told apart by which file ended first
        /// (Rules.RequestPrecedence; docs/formats.md#c6-session-of-a-copy): only then is a file's tail read for its end.
        /// </summary>
        public virtual bool ComparesCopiesByFileEnd => false;

        /// <summary>
        /// Files of one group are likely to hold copies of each other's records (a resumed session repeats the one
        /// before it, a transcript mirrors its subagents). An import reads a group's files one after the other, so a
        /// first import that can hold only so many keys in memory meets a record's copies while it still holds the
        /// key. By default each file is a group of its own.
        /// </summary>
        public virtual string GroupOf(string path) => path;

        /// <summary>Parses one line into <paramref name="batch"/> (line-based sources).</summary>
        public virtual LineOutcome ParseLine(RawLine line, FileContext context, ImportBatch batch) =>
            throw new System.NotSupportedException($"{Source} files are read whole, not by line.");

        /// <summary>Parses a whole document into <paramref name="batch"/>; false when it is not a document of this kind.</summary>
        public virtual bool ParseDocument(Stream stream, FileContext context, ImportBatch batch) =>
            throw new System.NotSupportedException($"{Source} files are read by line, not whole.");

        /// <summary>An empty or whitespace-only line: skipped, not malformed.</summary>
        protected static bool IsBlank(System.ReadOnlySpan<byte> span)
        {
            foreach (byte b in span)
            {
                if (b != (byte)' ' && b != (byte)'\t' && b != (byte)'\r')
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The cheap shape check for lines that cannot hold anything counted: an object from brace to brace.
        /// A full parse of every such line would cost most of an import for nothing.
        /// </summary>
        protected static bool LooksLikeObject(System.ReadOnlySpan<byte> span)
        {
            int first = 0;
            while (first < span.Length && (span[first] == (byte)' ' || span[first] == (byte)'\t'))
            {
                first++;
            }

            int last = span.Length - 1;
            while (last > first && (span[last] == (byte)' ' || span[last] == (byte)'\t' || span[last] == (byte)'\r'))
            {
                last--;
            }

            return first < span.Length && span[first] == (byte)'{' && span[last] == (byte)'}';
        }

        /// <summary>Parses one line as JSON; false (and nothing to dispose) when it is not valid JSON.</summary>
        protected static bool TryParse(RawLine line, out System.Text.Json.JsonDocument document)
        {
            try
            {
                document = System.Text.Json.JsonDocument.Parse(line.Bytes);
                return true;
            }
            catch (System.Text.Json.JsonException)
            {
                document = null!;
                return false;
            }
        }

        protected static IEnumerable<string> SafeEnumerateFiles(string folder, string pattern)
        {
            if (!Directory.Exists(folder))
            {
                yield break;
            }

            IEnumerable<string> files;
            try
            {
                files = Directory.EnumerateFiles(folder, pattern, SearchOption.AllDirectories);
            }
            catch (IOException)
            {
                yield break;
            }
            catch (System.UnauthorizedAccessException)
            {
                yield break;
            }

            var sorted = new List<string>(files);
            sorted.Sort(System.StringComparer.Ordinal);
            foreach (string file in sorted)
            {
                yield return file;
            }
        }
    }
}
