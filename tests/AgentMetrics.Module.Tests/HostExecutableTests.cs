using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using AgentMetrics.Tests.Shared;
using Xunit;

namespace AgentMetrics.Module.Tests
{
    /// <summary>The agentmetrics executable, run as a child process the way scripts and cron jobs run it.</summary>
    public class HostExecutableTests
    {
        private const char Escape = '\x1B';

        internal static string ModuleVersion => Path.GetFileName(BuildPaths.StagedModule.TrimEnd('/', '\\'));

        [Fact]
        public void VersionPrintsTheModuleAndPowerShellVersions()
        {
            using var home = new ScratchFolder();
            var result = HostProcess.Run(home, "-Version");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains($"AgentMetrics {ModuleVersion}", result.Stdout);
            Assert.Contains("PowerShell 7.6", result.Stdout);
            Assert.Equal(string.Empty, result.Stderr);
        }

        [Fact]
        public void HelpPrintsUsageAndSucceeds()
        {
            using var home = new ScratchFolder();
            var result = HostProcess.Run(home, "-Help");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("Usage:", result.Stdout);
            Assert.Contains("-Command", result.Stdout);
            Assert.Contains("-File", result.Stdout);
        }

        [Fact]
        public void NoArgumentsPrintsUsageAndExitsWithTwo()
        {
            using var home = new ScratchFolder();
            var result = HostProcess.Run(home);

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains("Usage:", result.Stdout);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void WarehouseInfoRendersItsListViewAsPlainText(bool noColor)
        {
            using var home = new ScratchFolder();
            var environment = new Dictionary<string, string?> { ["NO_COLOR"] = noColor ? "1" : null };
            string warehouse = home.File("w.db");

            var result = HostProcess.Run(home, environment, HostProcess.DefaultTimeout, "-Command", $"$null = Import-AgentHistory -LiteralPath '{Fixtures.AgentHome}' -Warehouse '{warehouse}' -WarningAction SilentlyContinue; Get-AgentWarehouse -Warehouse '{warehouse}'");

            Assert.True(result.ExitCode == 0, result.ToString());
            foreach (string label in new[] { "Path", "SchemaVersion", "Size (MB)", "Files", "Requests", "Sessions", "FirstRequest", "LastRequest", "SqliteVersion" })
            {
                Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(label)}\s+:", result.Stdout);
            }

            Assert.Contains(warehouse, result.Stdout);
            Assert.DoesNotContain(Escape, result.Stdout);
            Assert.Equal(string.Empty, result.Stderr);
        }

        [Fact]
        public void AThrownErrorGoesToStderrAndExitsWithOne()
        {
            using var home = new ScratchFolder();
            var result = HostProcess.Run(home, "-Command", "'before'; throw 'boom'; 'after'");

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Contains("boom", result.Stderr);
            Assert.DoesNotContain("boom", result.Stdout);
            Assert.Contains("before", result.Stdout);
            Assert.DoesNotContain("after", result.Stdout);
        }

        [Fact]
        public void ACmdletsTerminatingErrorGoesToStderrWithItsIdAndExitsWithOne()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                // /proc only refuses new folders on Linux.
                return;
            }

            using var home = new ScratchFolder();
            var result = HostProcess.Run(home, "-Command", "Get-AgentWarehouse -Warehouse /proc/x/y.db");

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Contains("WarehouseNotFound", result.Stderr);
            Assert.Contains("/proc/x", result.Stderr);
            Assert.DoesNotContain("WarehouseNotFound", result.Stdout);
        }

        [Fact]
        public void ExitSetsTheExitCode()
        {
            using var home = new ScratchFolder();
            var result = HostProcess.Run(home, "-Command", "exit 7");

            Assert.True(result.ExitCode == 7, result.ToString());
        }

        [Fact]
        public void FilePassesNamedAndPositionalArguments()
        {
            using var home = new ScratchFolder();
            string script = home.File("script.ps1");
            File.WriteAllText(script, "param([string] $Name, [string] $Rest)\n\"Name=[$Name]\"\n\"Rest=[$Rest]\"\n\"Count=[$($args.Count)]\"\n");

            var result = HostProcess.Run(home, "-File", script, "-Name", "two words", "it's $HOME");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("Name=[two words]", result.Stdout);
            // A literal, as pwsh -File passes it: no expansion, no broken quoting.
            Assert.Contains("Rest=[it's $HOME]", result.Stdout);
            Assert.Contains("Count=[0]", result.Stdout);
        }

        [Fact]
        public void VerboseAndWarningGoToStderrAndResultsToStdout()
        {
            using var home = new ScratchFolder();
            string script = home.File("streams.ps1");
            File.WriteAllText(script, "[CmdletBinding()]\nparam()\n$PSCmdlet.WriteVerbose('verbose-line')\n$PSCmdlet.WriteWarning('warning-line')\n'result-line'\n");

            var result = HostProcess.Run(home, "-File", script, "-Verbose");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("VERBOSE: verbose-line", result.Stderr);
            Assert.Contains("WARNING: warning-line", result.Stderr);
            Assert.DoesNotContain("verbose-line", result.Stdout);
            Assert.DoesNotContain("warning-line", result.Stdout);
            Assert.Contains("result-line", result.Stdout);
        }

        [Fact]
        public void ANonTerminatingErrorGoesToStderrAndTheRunGoesOn()
        {
            using var home = new ScratchFolder();
            string script = home.File("partial.ps1");
            File.WriteAllText(script, "[CmdletBinding()]\nparam()\n$PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new([Exception]::new('bad-line'), 'BadLine', 'InvalidData', $null))\n'still-running'\n");

            var result = HostProcess.Run(home, "-File", script);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("bad-line", result.Stderr);
            Assert.Contains("still-running", result.Stdout);
        }

        [Fact]
        public void EachNonTerminatingErrorIsOneConciseLineWithItsCategoryAndId()
        {
            using var home = new ScratchFolder();
            string script = home.File("errors.ps1");
            File.WriteAllText(script,
                "function Test-Lines { [CmdletBinding()] param() foreach ($n in 1..3) { $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new([Exception]::new(\"bad line $n\"), 'BadLine', 'InvalidData', $n)) } }\n" +
                "Test-Lines\n'after-errors'\n");

            var result = HostProcess.Run(home, "-File", script);

            Assert.True(result.ExitCode == 0, result.ToString());
            var lines = result.Stderr.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
            Assert.Equal(new[] { 1, 2, 3 }.Select(n => $"Test-Lines: bad line {n} [InvalidData: BadLine,Test-Lines]"), lines);
            Assert.Contains("after-errors", result.Stdout);
        }

        [Fact]
        public void AnImportsLogIsInTheWarehouseFileWhenTheProcessHasExited()
        {
            // Enough requests that writing the log back takes longer than the process takes to end.
            using var home = new ScratchFolder();
            const int Responses = 60_000;
            string transcript = home.File(Path.Combine(".claude", "projects", "-work-big", "session-big.jsonl"));
            Directory.CreateDirectory(Path.GetDirectoryName(transcript)!);
            using (var writer = new StreamWriter(transcript))
            {
                for (int i = 0; i < Responses; i++)
                {
                    writer.WriteLine(
                        "{\"type\":\"assistant\",\"sessionId\":\"session-big\",\"cwd\":\"/work/big\",\"timestamp\":\"2026-11-20T10:" + (i / 1000 % 60).ToString("00") + ":00.000Z\"," +
                        "\"requestId\":\"req_" + i + "\",\"message\":{\"id\":\"msg_" + i + "\",\"model\":\"claude-sonnet-4-5-20250929\",\"role\":\"assistant\"," +
                        "\"usage\":{\"input_tokens\":3,\"output_tokens\":5}}}");
                }
            }

            string warehouse = home.File("w.db");
            // The import is the script's last command: the process ends while the log is being written back.
            var import = HostProcess.Run(home, "-Command", $"Import-AgentHistory -Path '{Path.Combine(home.Path, ".claude")}' -Warehouse '{warehouse}' | Out-Null");

            Assert.True(import.ExitCode == 0, import.ToString());
            Assert.False(File.Exists(warehouse + "-wal"), "the write-ahead log is still there: the process did not wait for its write-back");
            var report = HostProcess.Run(home, "-Command", $"(Get-AgentCost -Warehouse '{warehouse}').Requests");
            Assert.Equal(Responses.ToString(System.Globalization.CultureInfo.InvariantCulture), report.Stdout.Trim());
        }

        [Fact]
        public void AnUnknownOptionIsAUsageError()
        {
            using var home = new ScratchFolder();
            var result = HostProcess.Run(home, "-Bogus");

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains("Unknown option '-Bogus'", result.Stderr);
        }
    }
}
