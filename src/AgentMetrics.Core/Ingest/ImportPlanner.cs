using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AgentMetrics.Errors;
using AgentMetrics.Sources;
using AgentMetrics.Sources.AgentHub;
using AgentMetrics.Sources.Claude;
using AgentMetrics.Sources.Codex;
using AgentMetrics.Sources.LlmTelemetry;

namespace AgentMetrics.Ingest
{
    /// <summary>
    /// Decides which sources an import reads and from where: the paths the caller gave, each matched to the
    /// source that recognises it (a home or a folder of homes stands for the agents' folders inside), or
    /// each wanted source's default places. Touches no warehouse and walks no folder.
    /// </summary>
    internal static class ImportPlanner
    {
        /// <summary>Every source AgentMetrics reads, in the order their results are reported.</summary>
        public static readonly SourceReader[] Readers =
        {
            new ClaudeReader(), new CodexReader(), new AgentHubReader(), new LlmTelemetryReader(),
        };

        public static List<(SourceReader Reader, List<string> Roots)> Plan(ImportOptions options, IImportObserver observer)
        {
            IEnumerable<SourceReader> wanted = options.Sources is { Count: > 0 } sources
                ? Readers.Where(r => sources.Contains(r.Source))
                : Readers;
            var plan = new List<(SourceReader, List<string>)>();
            if (options.Paths is { Count: > 0 } paths)
            {
                var byReader = wanted.ToDictionary(r => r, _ => new List<string>());
                foreach (string path in ExpandHomes(paths, observer))
                {
                    if (!File.Exists(path) && !Directory.Exists(path))
                    {
                        throw new AgentMetricsException("PathNotFound", ErrorKind.ObjectNotFound, $"Cannot find '{path}'.", path);
                    }

                    // Every reader is asked, not only the wanted ones: a path of a kind -Source left out is
                    // skipped (that is what narrowing means), while a path of no known kind is an error.
                    SourceReader? reader = Readers.FirstOrDefault(r => r.Recognises(path));
                    if (reader is null)
                    {
                        string kinds = string.Join(", ", Readers.Select(r => r.Source));
                        throw new AgentMetricsException(
                            "UnrecognisedHistoryPath",
                            ErrorKind.InvalidArgument,
                            $"'{path}' does not look like agent history of a kind AgentMetrics reads ({kinds}). Give a Claude config or projects folder, a Codex home or sessions folder, an agenthub metrics folder, an llm-telemetry folder, or one of their files.",
                            path);
                    }

                    if (!byReader.ContainsKey(reader))
                    {
                        observer.Verbose($"{path} is {reader.Source} history, which -Source leaves out; skipped.");
                        continue;
                    }

                    observer.Verbose($"{path}: {reader.Source} history.");
                    byReader[reader].Add(path);
                }

                plan.AddRange(byReader.Where(pair => pair.Value.Count > 0).Select(pair => (pair.Key, pair.Value)));
            }
            else
            {
                string workingDirectory = options.WorkingDirectory ?? Environment.CurrentDirectory;
                foreach (SourceReader reader in wanted)
                {
                    var roots = reader.DefaultRoots(workingDirectory).Where(r => Directory.Exists(r) || File.Exists(r)).ToList();
                    observer.Verbose(roots.Count == 0
                        ? $"{reader.Source}: no history in its default places ({string.Join(", ", reader.DefaultRoots(workingDirectory))})."
                        : $"{reader.Source}: found {string.Join(", ", roots)}.");
                    if (roots.Count > 0)
                    {
                        plan.Add((reader, roots));
                    }
                }
            }

            return plan;
        }

        // Where each agent keeps its history inside a home folder (a copied laptop home, a backup).
        private static readonly string[] HomeFolders =
        {
            ".claude", Path.Combine(".config", "claude"), ".codex", Path.Combine(".agenthub", "metrics"), ".llm-telemetry",
        };

        /// <summary>
        /// A home folder given as a path stands for the agents' folders inside it; a folder that is no agent's
        /// own and holds homes or agents' folders one level down (a backups folder: laptop/.claude beside
        /// desktop/.codex, or several whole homes) stands for all of them.
        /// </summary>
        private static IEnumerable<string> ExpandHomes(IEnumerable<string> paths, IImportObserver observer)
        {
            foreach (string path in paths)
            {
                List<string> inside = HomeFoldersIn(path);
                if (inside.Count == 0 && Directory.Exists(path))
                {
                    // Homes one level down decide it: the readers themselves would claim the whole folder for
                    // whichever agent's files they find first (Codex looks for rollouts at any depth).
                    var children = SubfoldersOf(path).Select(child => (Folder: child, Homes: HomeFoldersIn(child))).ToList();
                    if (children.Any(c => c.Homes.Count > 0))
                    {
                        foreach (var (child, homes) in children)
                        {
                            if (homes.Count > 0)
                            {
                                inside.AddRange(homes);
                            }
                            else if (Readers.Any(r => r.Recognises(child)))
                            {
                                inside.Add(child);
                            }
                        }
                    }
                }

                if (inside.Count == 0)
                {
                    yield return path;
                    continue;
                }

                observer.Verbose($"{path} holds agent history in {string.Join(", ", inside)}.");
                foreach (string folder in inside)
                {
                    yield return folder;
                }
            }
        }

        private static List<string> HomeFoldersIn(string path) => Directory.Exists(path)
            ? HomeFolders.Select(folder => Path.Combine(path, folder)).Where(Directory.Exists).ToList()
            : new List<string>();

        private static IEnumerable<string> SubfoldersOf(string path)
        {
            try
            {
                return Directory.GetDirectories(path).OrderBy(d => d, StringComparer.Ordinal).ToList();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return Array.Empty<string>();
            }
        }
    }
}
