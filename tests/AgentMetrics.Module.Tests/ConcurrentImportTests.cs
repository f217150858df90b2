using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;
using AgentMetrics.Tests.Shared;
using Xunit;

namespace AgentMetrics.Module.Tests
{
    /// <summary>
    /// Real processes against one real warehouse file: an import killed with SIGKILL part-way, and two
    /// imports started together. Either way the totals must come out exactly as from one clean import.
    /// </summary>
    [Collection("Processes")]
    public sealed class ConcurrentImportTests : IDisposable
    {
        private const int Copies = 36;
        private readonly ScratchFolder _scratch = new ScratchFolder();
        private readonly string _corpus;

        public ConcurrentImportTests()
        {
            _corpus = ReplicateClaude(Path.Combine(Fixtures.AgentHome, ".claude"), _scratch.File("corpus"), Copies);
        }

        /// <summary>
        /// The fixture's projects, copied <paramref name="copies"/> times with fresh message and tool ids,
        /// so every copy is new usage and the expected totals are exactly copies × the truth.
        /// </summary>
        private static string ReplicateClaude(string claudeHome, string target, int copies)
        {
            string projects = Path.Combine(claudeHome, "projects");
            foreach (string file in Directory.GetFiles(projects, "*", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(projects, file);
                string text = File.ReadAllText(file);
                for (int copy = 0; copy < copies; copy++)
                {
                    string destination = Path.Combine(target, "projects", $"copy{copy}-" + relative);
                    Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                    File.WriteAllText(destination, text.Replace("\"msg_", $"\"msg_c{copy}_").Replace("\"toolu_", $"\"toolu_c{copy}_"));
                }
            }

            return target;
        }

        private Process StartImport(string warehouse)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = _scratch.Path,
            };
            start.ArgumentList.Add(BuildPaths.HostExecutable);
            start.ArgumentList.Add("-Command");
            start.ArgumentList.Add($"Import-AgentHistory -LiteralPath '{_corpus}' -Warehouse '{warehouse}' -WarningAction SilentlyContinue | ForEach-Object RequestsAdded");
            start.Environment["AGENTMETRICS_HOME"] = _scratch.Path;
            return Process.Start(start)!;
        }

        private static (long Requests, long Tokens, long Tools) Totals(string warehouse)
        {
            using var ps = new PowerShellSession();
            var total = ps.Run("Get-AgentCost -Warehouse $args[0]", warehouse).ThrowIfFailed().Output.Single();
            var tools = ps.Run("Get-AgentToolUsage -Warehouse $args[0]", warehouse).ThrowIfFailed().Output.Sum(t => (long)t.Properties["Calls"].Value);
            return ((long)total.Properties["Requests"].Value, (long)total.Properties["TotalTokens"].Value, tools);
        }

        private static (long Requests, long Tokens, long Tools) Expected()
        {
            var claude = Truth.Load().Claude;
            var totals = claude.GetProperty("all").GetProperty("totals");
            long tokens = Truth.L(totals, "input") + Truth.L(totals, "output") + Truth.L(totals, "cache_creation") + Truth.L(totals, "cache_read");
            long tools = claude.GetProperty("tool_calls").EnumerateObject().Sum(t => t.Value.GetInt64());
            return (Truth.L(totals, "messages") * Copies, tokens * Copies, tools * Copies);
        }

        private static long FilesImported(string warehouse)
        {
            if (!File.Exists(warehouse))
            {
                return 0;
            }

            using var ps = new PowerShellSession();
            var info = ps.Run("Get-AgentWarehouse -Warehouse $args[0]", warehouse);
            return info.Errors.Count > 0 || info.Terminating is not null ? 0 : (long)info.Output.Single().Properties["Files"].Value;
        }

        [Fact]
        public void AnImportKilledMidwayThenRunAgainGivesExactTotals()
        {
            long totalFiles = Directory.GetFiles(_corpus, "*.jsonl", SearchOption.AllDirectories).Length;
            string warehouse = string.Empty;
            long survived = 0;

            // Kill right after the write-ahead log starts filling, then a little later on each attempt,
            // until a kill leaves a warehouse with some files committed and others not: the hard case.
            for (int attempt = 0; attempt < 6 && (survived == 0 || survived == totalFiles); attempt++)
            {
                warehouse = _scratch.File($"killed-{attempt}.db");
                using Process import = StartImport(warehouse);
                var clock = Stopwatch.StartNew();
                string wal = warehouse + "-wal";
                while (!import.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2) && !(File.Exists(wal) && new FileInfo(wal).Length > 2 * 1024 * 1024))
                {
                    Thread.Sleep(2);
                }

                Thread.Sleep(attempt * 150);
                import.Kill(entireProcessTree: true); // SIGKILL on Unix: no finally blocks, no disposal.
                import.WaitForExit();
                survived = FilesImported(warehouse);
            }

            Assert.InRange(survived, 1, totalFiles - 1);

            using (Process again = StartImport(warehouse))
            {
                Assert.True(again.WaitForExit(120_000));
                Assert.Equal(0, again.ExitCode);
            }

            Assert.Equal(Expected(), Totals(warehouse));
        }

        [Fact]
        public void TwoImportsAtOnceGiveTheSameTotalsAsOne()
        {
            string warehouse = _scratch.File("shared.db");
            using Process first = StartImport(warehouse);
            using Process second = StartImport(warehouse);
            string firstOut = first.StandardOutput.ReadToEnd();
            string secondOut = second.StandardOutput.ReadToEnd();
            Assert.True(first.WaitForExit(180_000) && second.WaitForExit(180_000));
            Assert.Equal(0, first.ExitCode);
            Assert.Equal(0, second.ExitCode);

            // Between them they added every request exactly once (RequestsAdded, like every query, leaves out
            // the <synthetic> error lines).
            long added = long.Parse(firstOut.Trim()) + long.Parse(secondOut.Trim());
            Assert.Equal(Expected().Requests, added);
            Assert.Contains(0L, new[] { long.Parse(firstOut.Trim()), long.Parse(secondOut.Trim()) });
            Assert.Equal(Expected(), Totals(warehouse));
        }

        public void Dispose() => _scratch.Dispose();
    }
}
