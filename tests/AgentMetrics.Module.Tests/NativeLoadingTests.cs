using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;
using AgentMetrics.Tests.Shared;
using Xunit;

namespace AgentMetrics.Module.Tests
{
    [Collection("Processes")]
    public sealed class NativeLoadingTests
    {
        private static string Rid =>
            (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win" : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx" : "linux")
            + "-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

        [Fact]
        public void NativeSqliteLoadsFromTheStagedModulesOwnFolder()
        {
            using var scratch = new ScratchFolder();
            using var ps = new PowerShellSession();
            // Only an import creates a warehouse; Get-AgentWarehouse then reads it through the native library.
            PSObject info = ps.Run("$null = Import-AgentHistory -LiteralPath $args[1] -Warehouse $args[0] -WarningAction SilentlyContinue; Get-AgentWarehouse -Warehouse $args[0]", scratch.File("w.db"), Fixtures.AgentHome).ThrowIfFailed().Output[0];
            Assert.Matches(@"^3\.\d+\.\d+$", (string)info.Properties["SqliteVersion"].Value);

            // The process has the module's own copy mapped, not some system libsqlite3.
            string expected = Path.Combine(BuildPaths.StagedModule, "bin", "Dependencies", "native", Rid);
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                string maps = File.ReadAllText("/proc/self/maps");
                Assert.Contains(Path.GetFullPath(expected), maps);
            }
        }

        [Fact]
        public void AMissingNativeLibraryIsOneClearTerminatingError()
        {
            // A copy of the built host whose staged module lacks this platform's native SQLite.
            using var scratch = new ScratchFolder();
            string hostFolder = Path.GetDirectoryName(BuildPaths.HostExecutable)!;
            string copy = scratch.CopyTree(hostFolder, "host");
            foreach (string native in Directory.GetDirectories(Path.Combine(copy, "Modules"), Rid, SearchOption.AllDirectories))
            {
                Directory.Delete(native, true);
            }

            var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(copy, Path.GetFileName(BuildPaths.HostExecutable)));
            start.ArgumentList.Add("-Command");
            // The executable is pwsh's console host: its concise error view shows the message only; the
            // normal view adds the category and the id, as in pwsh.
            start.ArgumentList.Add($"$ErrorView = 'NormalView'; Get-AgentWarehouse -Warehouse '{scratch.File("w.db")}'");
            start.Environment["AGENTMETRICS_HOME"] = scratch.Path;
            using var process = System.Diagnostics.Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();

            Assert.Equal(1, process.ExitCode);
            Assert.Contains("SqliteNativeLibraryNotLoaded", stderr);
            Assert.Contains(Path.Combine("native", Rid), stderr);
            Assert.Contains("NotInstalled", stderr);
        }
    }
}
