using System;
using System.IO;

namespace AgentMetrics.Tests.Shared
{
    /// <summary>Locates ../shared/fixtures and makes scratch folders that clean themselves up.</summary>
    public static class Fixtures
    {
        public static string RepoRoot
        {
            get
            {
                string? dir = AppContext.BaseDirectory;
                while (dir is not null && !File.Exists(Path.Combine(dir, "AgentMetrics.PS.sln")))
                {
                    dir = Path.GetDirectoryName(dir);
                }

                return dir ?? throw new InvalidOperationException("Cannot find the repository root from " + AppContext.BaseDirectory);
            }
        }

        /// <summary>The shared fixtures folder beside the project root (CI has it too).</summary>
        public static string SharedFixtures => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures"));

        public static string AgentHome => Path.Combine(SharedFixtures, "agent-home");

        public static string Truth => Path.Combine(SharedFixtures, "agent-home.truth.json");

        public static string PricingFolder => Path.Combine(RepoRoot, "pricing");
    }

    public sealed class ScratchFolder : IDisposable
    {
        public ScratchFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "agentmetrics-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        /// <summary>Copies a folder tree into the scratch folder (fixtures are read-only).</summary>
        public string CopyTree(string source, string name)
        {
            string target = System.IO.Path.Combine(Path, name);
            foreach (string dir in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
            {
                Directory.CreateDirectory(dir.Replace(source, target));
            }

            Directory.CreateDirectory(target);
            foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                string destination = file.Replace(source, target);
                System.IO.File.Copy(file, destination, true);
                System.IO.File.SetAttributes(destination, FileAttributes.Normal);
                System.IO.File.SetLastWriteTimeUtc(destination, System.IO.File.GetLastWriteTimeUtc(file));
            }

            return target;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
