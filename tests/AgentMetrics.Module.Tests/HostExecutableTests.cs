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
        public void TheModuleLoadsIntoOneLoadContextPairThatItsCmdletsRunIn()
        {
            // The executable makes the module's load contexts on a worker while the engine starts; the module's
            // script must find and reuse them (a second pair would mean two copies of every type).
            using var home = new ScratchFolder();
            var result = HostProcess.Run(home, "-Command",
                "@([System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -like 'AgentMetrics*').Count; " +
                "[System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext((Get-Command Get-AgentCost).ImplementingType.Assembly).Name; " +
                "(Get-AgentModelPrice claude-opus-4-5).Model");

            Assert.True(result.ExitCode == 0, result.ToString());
            string[] lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal("2", lines[0]);
            Assert.StartsWith("AgentMetrics ", lines[1]);
            Assert.EndsWith("bin", lines[1]);
            Assert.Equal("claude-opus-4-5", lines[2]);
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
        public void ACmdletsTerminatingErrorGoesToStderrAndExitsWithOne()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                // /proc only refuses new folders on Linux.
                return;
            }

            using var home = new ScratchFolder();
            var result = HostProcess.Run(home, "-Command", "Get-AgentWarehouse -Warehouse /proc/x/y.db");

            Assert.True(result.ExitCode == 1, result.ToString());
            // pwsh's concise error view: the command, then its message with the path.
            Assert.StartsWith("Get-AgentWarehouse: ", result.Stderr);
            Assert.Contains("/proc/x", result.Stderr);
            Assert.DoesNotContain("/proc/x", result.Stdout);
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
    }

    /// <summary>
    /// The same scripts through agentmetrics and through real pwsh 7.6.10 (-NoProfile, the module found by
    /// name on PSModulePath): the same exit code, the same output, the same errors at the same positions.
    /// pwsh runs with NO_COLOR, agentmetrics without: its output into a pipe is plain on its own.
    /// </summary>
    [Collection("Processes")]
    public sealed class HostMatchesPwshTests : IClassFixture<HostMatchesPwshTests.ImportedHome>
    {
        private readonly ImportedHome _imported;

        public HostMatchesPwshTests(ImportedHome imported)
        {
            _imported = imported;
        }

        public static IEnumerable<object[]> Commands() => new[]
        {
            new object[] { "Get-AgentSession | Sort-Object CostUsd -Descending | Select-Object -First 10", 0, "Total tokens" },
            new object[] { "Get-AgentSession | Sort-Object SessionId | Select-Object -First 2 | Format-List", 0, "SessionId" },
            new object[] { "Get-AgentCost -By Day, Model | Export-Csv -Path cost.csv -NoTypeInformation; Get-Content cost.csv", 0, "\"Model\"" },
            new object[] { "Get-AgentCost -By Model | ConvertTo-Json", 0, "\"Model\":" },
            new object[] { "Get-Date -Date '2026-11-20T10:30:00' -Format 'yyyy-MM-dd HH:mm'; (Get-Date).Year -ge 2026", 0, "2026-11-20 10:30" },
            new object[] { "Microsoft.PowerShell.Utility\\Get-Date -Date 2026-01-02 | Select-Object Year, DayOfYear | Format-Table", 0, "2026" },
            new object[] { "'first'; Get-Item -LiteralPath ./missing-file", 1, "missing-file" },
            new object[] { "'never printed'; if (1) { }}", 1, "Unexpected token" },
            new object[] { "'before'; exit 3; 'after'", 3, "before" },
            new object[] { "'before'; throw 'boom'; 'after'", 1, "boom" },
            new object[] { "Get-AgentWarehouse -Warehouse ./no-such-folder/w.db | Out-Null; 'went on'", 0, "went on" },
        };

        [Theory]
        [MemberData(nameof(Commands))]
        public void ACommandGivesWhatPwshGives(string command, int exitCode, string marker)
        {
            var (ours, pwsh) = RunBoth("-Command", command);

            Assert.True(pwsh.ExitCode == exitCode, "pwsh itself: " + pwsh);
            Assert.True((pwsh.Stdout + pwsh.Stderr).Contains(marker, StringComparison.Ordinal), "pwsh itself: " + pwsh);
            AssertSame(pwsh, ours);
        }

        [Fact]
        public void AFileWithArgumentsAndAnErrorOnItsThirdLineGivesWhatPwshGives()
        {
            string script = _imported.Home.File("report.ps1");
            File.WriteAllText(script,
                "param([string] $Name, [int] $Days = 7)\n" +
                "\"Name=[$Name] Days=[$Days] Rest=[$args]\"\n" +
                "Get-Item -LiteralPath ./missing-on-line-3\n" +
                "Get-AgentCost -By Model | Select-Object Model, Requests | Format-Table -AutoSize\n" +
                "Write-Warning 'a warning'\n");

            var (ours, pwsh) = RunBoth("-File", script, "-Name", "two words", "-Days", "30", "it's $HOME");

            Assert.True(pwsh.ExitCode == 0, "pwsh itself: " + pwsh);
            Assert.Contains("Name=[two words] Days=[30] Rest=[it's $HOME]", pwsh.Stdout);
            Assert.Contains("report.ps1:3", pwsh.Stderr);
            AssertSame(pwsh, ours);
        }

        [Fact]
        public void AParseErrorInAFileGivesWhatPwshGives()
        {
            string script = _imported.Home.File("broken.ps1");
            File.WriteAllText(script, "'line one'\nWrite-Output (1 +\n");

            var (ours, pwsh) = RunBoth("-File", script);

            Assert.True(pwsh.ExitCode == 1, "pwsh itself: " + pwsh);
            Assert.Contains("broken.ps1:2", pwsh.Stderr);
            AssertSame(pwsh, ours);
        }

        private static void AssertSame(HostResult pwsh, HostResult ours)
        {
            Assert.True(pwsh.ExitCode == ours.ExitCode, $"exit codes differ\n=== pwsh ===\n{pwsh}\n=== agentmetrics ===\n{ours}");
            Assert.Equal(pwsh.Stdout, ours.Stdout);
            Assert.Equal(pwsh.Stderr, ours.Stderr);
            Assert.DoesNotContain('\x1B', ours.Stdout + ours.Stderr);
        }

        private (HostResult Ours, HostResult Pwsh) RunBoth(params string[] arguments)
        {
            HostResult ours = HostProcess.Run(_imported.Home, new Dictionary<string, string?>(), HostProcess.DefaultTimeout, arguments);
            var pwshEnvironment = new Dictionary<string, string?>
            {
                ["NO_COLOR"] = "1",
                ["PSModulePath"] = ImportedHome.StagedModulesFolder,
            };
            HostResult pwsh = HostProcess.RunPwsh(_imported.Home, pwshEnvironment, new[] { "-NoProfile" }.Concat(arguments).ToArray());
            return (ours, pwsh);
        }

        /// <summary>An AGENTMETRICS_HOME whose default warehouse holds the shared fixture's history.</summary>
        public sealed class ImportedHome : IDisposable
        {
            public ImportedHome()
            {
                Home = new ScratchFolder();
                string claude = Path.Combine(Fixtures.AgentHome, ".claude");
                string codex = Path.Combine(Fixtures.AgentHome, ".codex");
                HostResult import = HostProcess.Run(Home, "-Command", $"Import-AgentHistory -Path '{claude}', '{codex}' -WarningAction SilentlyContinue | Out-Null; (Get-AgentCost).Requests");
                if (import.ExitCode != 0 || !long.TryParse(import.Stdout.Trim(), out long requests) || requests == 0)
                {
                    throw new InvalidOperationException("The fixture's history did not import: " + import);
                }
            }

            /// <summary>The folder that holds the staged AgentMetrics/&lt;version&gt;/, for pwsh's PSModulePath.</summary>
            public static string StagedModulesFolder => Path.GetDirectoryName(Path.GetDirectoryName(BuildPaths.StagedModule.TrimEnd('/', '\\'))!)!;

            public ScratchFolder Home { get; }

            public void Dispose() => Home.Dispose();
        }
    }

    /// <summary>
    /// Progress bars are drawn on a terminal, as pwsh draws them: the host runs inside tmux (a real
    /// terminal) and the screen is read back while the script waits with its bar up.
    /// </summary>
    [Collection("Processes")]
    public sealed class HostProgressOnATerminalTests
    {
        [Fact]
        public void AProgressBarIsDrawnOnTheTerminalLikePwshDrawsIt()
        {
            using var home = new ScratchFolder();
            const string Script = "Write-Progress -Activity 'Reading agent history' -Status 'half of the files' -PercentComplete 50; Start-Sleep -Seconds 30";

            string ours = ScreenWhileRunning(home, $"dotnet '{BuildPaths.HostExecutable}' -Command \"{Script}\"");
            string pwsh = ScreenWhileRunning(home, $"dotnet '{HostProcess.PwshDll}' -NoProfile -Command \"{Script}\"");

            Assert.Contains("Reading agent history", pwsh);
            Assert.Contains("Reading agent history", ours);
            Assert.Contains("half of the files", ours);
            Assert.Equal(ProgressLines(pwsh), ProgressLines(ours));
        }

        private static string[] ProgressLines(string screen) =>
            screen.Split('\n').Select(line => line.TrimEnd()).Where(line => line.Length > 0).ToArray();

        /// <summary>Starts the command in a detached 100x20 tmux session and returns the screen once the bar is up.</summary>
        private static string ScreenWhileRunning(ScratchFolder home, string command)
        {
            string socket = "agentmetrics-test-" + Guid.NewGuid().ToString("N");
            string shellCommand = $"cd '{home.Path}' && AGENTMETRICS_HOME='{home.Path}' POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off {command}";
            Tmux(socket, "new-session", "-d", "-x", "100", "-y", "20", shellCommand);
            try
            {
                string screen = string.Empty;
                var deadline = DateTime.UtcNow.AddSeconds(90);
                while (DateTime.UtcNow < deadline)
                {
                    screen = Tmux(socket, "capture-pane", "-p");
                    if (screen.Contains("half of the files", StringComparison.Ordinal))
                    {
                        // Let the bar finish drawing before reading it for good.
                        System.Threading.Thread.Sleep(500);
                        return Tmux(socket, "capture-pane", "-p");
                    }

                    System.Threading.Thread.Sleep(250);
                }

                return screen;
            }
            finally
            {
                Tmux(socket, "kill-server");
            }
        }

        private static string Tmux(string socket, params string[] arguments)
        {
            var start = new System.Diagnostics.ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-L");
            start.ArgumentList.Add(socket);
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            try
            {
                using var process = System.Diagnostics.Process.Start(start)!;
                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                return output;
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException("This test draws on a real terminal and needs tmux (apt-get install tmux).", ex);
            }
        }
    }
}
