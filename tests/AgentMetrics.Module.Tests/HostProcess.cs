using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using AgentMetrics.Tests.Shared;

namespace AgentMetrics.Module.Tests
{
    /// <summary>
    /// Runs the built agentmetrics executable as a child process, exactly as a user or a cron job would:
    /// `dotnet agentmetrics.dll ...`, stdout and stderr redirected (so the host sees no console), and
    /// AGENTMETRICS_HOME pointed at a scratch folder so nothing touches the real home. Real pwsh (the pinned
    /// .NET tool) runs the same way, for comparisons.
    /// </summary>
    public static class HostProcess
    {
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

        public static HostResult Run(ScratchFolder home, params string[] arguments) =>
            Run(home, new Dictionary<string, string?>(), DefaultTimeout, arguments);

        public static HostResult Run(ScratchFolder home, IDictionary<string, string?> environment, TimeSpan timeout, params string[] arguments)
        {
            if (!File.Exists(BuildPaths.HostExecutable))
            {
                throw new FileNotFoundException("The host executable is not built.", BuildPaths.HostExecutable);
            }

            return RunDotnet(BuildPaths.HostExecutable, home, environment, timeout, arguments);
        }

        /// <summary>
        /// Real pwsh 7.6.10, the .NET tool pinned in .config/dotnet-tools.json (restored by `dotnet tool
        /// restore`), started from its package folder so that it runs in any working directory.
        /// </summary>
        public static HostResult RunPwsh(ScratchFolder home, IDictionary<string, string?> environment, params string[] arguments)
        {
            var quiet = new Dictionary<string, string?>(environment)
            {
                ["POWERSHELL_TELEMETRY_OPTOUT"] = "1",
                ["POWERSHELL_UPDATECHECK"] = "Off",
            };
            return RunDotnet(PwshDll, home, quiet, DefaultTimeout, arguments);
        }

        public static string PwshDll
        {
            get
            {
                using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(BuildPaths.RepoRoot, ".config", "dotnet-tools.json")));
                string version = manifest.RootElement.GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString()!;
                string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                    ? configured
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
                string platform = OperatingSystem.IsWindows() ? "win" : "unix";
                string dll = Path.Combine(packages, "powershell", version, "tools", "net10.0", "any", platform, "pwsh.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"pwsh {version} is not restored: run 'dotnet tool restore' in the repository.", dll);
            }
        }

        private static HostResult RunDotnet(string dll, ScratchFolder home, IDictionary<string, string?> environment, TimeSpan timeout, string[] arguments)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = home.Path,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
            start.ArgumentList.Add(dll);
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            // `dotnet test` exports MSBuild's own locations for its in-process build; a child that runs
            // dotnet again (build.ps1) must find its SDK from scratch, as on a developer's machine.
            foreach (string inherited in start.Environment.Keys.Where(key => key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                start.Environment.Remove(inherited);
            }

            start.Environment.Remove("NO_COLOR");
            start.Environment["AGENTMETRICS_HOME"] = home.Path;
            // Lingering MSBuild nodes would inherit the redirected pipes and hold them open past exit.
            start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            foreach (var pair in environment)
            {
                if (pair.Value is null)
                {
                    start.Environment.Remove(pair.Key);
                }
                else
                {
                    start.Environment[pair.Key] = pair.Value;
                }
            }

            using var process = new Process { StartInfo = start };
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
            process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
            process.Start();
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{Path.GetFileName(dll)} {string.Join(" ", arguments)} did not finish within {timeout}. Output so far:\n{stdout}\n{stderr}");
            }

            // The parameterless wait drains the asynchronous readers.
            process.WaitForExit();
            return new HostResult(process.ExitCode, stdout.ToString(), stderr.ToString());
        }

        private static void Append(StringBuilder target, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (target)
            {
                target.Append(line).Append('\n');
            }
        }
    }

    public sealed class HostResult
    {
        public HostResult(int exitCode, string stdout, string stderr)
        {
            ExitCode = exitCode;
            Stdout = stdout;
            Stderr = stderr;
        }

        public int ExitCode { get; }

        public string Stdout { get; }

        public string Stderr { get; }

        public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
    }
}
