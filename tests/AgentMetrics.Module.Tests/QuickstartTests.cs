using System.Collections.Generic;
using System.IO;
using AgentMetrics.Tests.Shared;
using Xunit;

namespace AgentMetrics.Module.Tests
{
    /// <summary>The README's main command, run as a newcomer would on a machine with no agent history.</summary>
    [Collection("Processes")]
    public sealed class QuickstartTests
    {
        [Fact]
        public void OnAMachineWithoutHistoryItImportsTheSampleAndShowsSevenDaysByDayAndModel()
        {
            using var home = new ScratchFolder();
            var environment = new Dictionary<string, string?>
            {
                ["HOME"] = home.Path,
                ["USERPROFILE"] = home.Path,
                ["CLAUDE_CONFIG_DIR"] = null,
                ["CODEX_HOME"] = null,
                ["LLM_TELEMETRY_DIR"] = null,
            };
            string script = Path.Combine(BuildPaths.RepoRoot, "samples", "quickstart.ps1");
            HostResult run = HostProcess.Run(home, environment, HostProcess.DefaultTimeout, "-File", script);

            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Contains("sample history", run.Stdout);
            Assert.Matches(@"Date\s+Total tokens\s+Cost \(USD\)\s+Unpriced\s+Model", run.Stdout);
            Assert.Contains("claude-sonnet-4-5-20250929", run.Stdout);
            Assert.Contains("2026-11-20", run.Stdout);
            // The sample warehouse goes to the temporary folder, which the script names; nothing is created in the home.
            string sample = Path.Combine(Path.GetTempPath(), "agentmetrics-quickstart", "sample-warehouse.db");
            Assert.Contains(sample, run.Stdout.Replace(System.Environment.NewLine, " "));
            Assert.True(File.Exists(sample));
            Assert.Empty(Directory.GetFileSystemEntries(home.Path, "*.db*", SearchOption.AllDirectories));
        }
    }
}
