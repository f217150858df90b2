using System;
using System.IO;
using System.Linq;
using Xunit;

namespace AgentMetrics.Module.Tests
{
    /// <summary>
    /// The staged module's layout and load context on the hosted engine. The manifest itself, its exports
    /// and verbs are checked on real pwsh against the installed module: tests/pester/Module.Tests.ps1.
    /// </summary>
    public class ModuleManifestTests
    {
        [Fact]
        public void TheCmdletsCoreAndTheirDependenciesLoadInTheInstalledCopysOwnLoadContext()
        {
            using var scratch = new AgentMetrics.Tests.Shared.ScratchFolder();
            using var ps = new PowerShellSession();
            // An import first (its reports of the fixture's malformed lines do not matter here): it opens SQLite
            // and makes the warehouse the query then reads.
            var names = ps.Run(@"
                $null = Import-AgentHistory -LiteralPath $args[1] -Warehouse $args[0] -WarningAction SilentlyContinue
                $info = Get-AgentWarehouse -Warehouse $args[0]
                $cmdlets = (Get-Command Get-AgentWarehouse).ImplementingType.Assembly
                $sqlite = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' }
                @($cmdlets, $info.GetType().Assembly) + @($sqlite) | ForEach-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }", scratch.File("w.db"), AgentMetrics.Tests.Shared.Fixtures.AgentHome).ThrowIfFailed().Output.Select(o => o.BaseObject.ToString()).ToArray();
            string context = "AgentMetrics " + Path.Combine(Path.GetFullPath(BuildPaths.StagedModule), "bin");
            Assert.Equal(new[] { context, context, context }, names);
        }

        [Fact]
        public void TheRootModuleIsTheScriptThatLoadsTheCmdletsAndExportsThemUnderAgentMetrics()
        {
            using var ps = new PowerShellSession();
            var rows = ps.Run(@"
                $module = Get-Module AgentMetrics
                ""$($module.ModuleType)|$([System.IO.Path]::GetFileName($module.Path))""
                Get-Command -Module AgentMetrics | ForEach-Object { ""$($_.Name)|$($_.Source)"" }").ThrowIfFailed().Output.Select(o => o.BaseObject.ToString()).ToArray();
            string manifest = File.ReadAllText(PowerShellSession.ManifestPath);
            Assert.Equal("Script|AgentMetrics.psm1", rows[0]);
            string cmdletsToExport = System.Text.RegularExpressions.Regex.Match(manifest, @"CmdletsToExport\s*=\s*@\(([^)]*)\)").Groups[1].Value;
            string[] declared = System.Text.RegularExpressions.Regex.Matches(cmdletsToExport, "'([^']+)'").Select(m => m.Groups[1].Value + "|AgentMetrics").OrderBy(n => n, StringComparer.Ordinal).ToArray();
            Assert.NotEmpty(declared);
            Assert.Equal(declared, rows.Skip(1).OrderBy(n => n, StringComparer.Ordinal).ToArray());
        }

        [Fact]
        public void ThirdPartyAssembliesStayOutOfTheModuleRootAndNativeSqliteShipsForEveryPlatform()
        {
            string bin = Path.Combine(BuildPaths.StagedModule, "bin");
            Assert.Equal(new[] { "AgentMetrics.PowerShell.LoadContext.dll", "AgentMetrics.PowerShell.dll" }, Directory.GetFiles(bin, "*.dll").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray());
            foreach (string dependency in new[] { "YamlDotNet.dll", "Microsoft.Data.Sqlite.dll", "SQLitePCLRaw.core.dll", "AgentMetrics.Core.dll" })
            {
                Assert.True(File.Exists(Path.Combine(bin, "Dependencies", dependency)), dependency);
            }

            Assert.False(File.Exists(Path.Combine(bin, "Dependencies", "System.Management.Automation.dll")));
            foreach (var (rid, file) in new[]
            {
                ("win-x64", "e_sqlite3.dll"), ("win-x86", "e_sqlite3.dll"), ("win-arm64", "e_sqlite3.dll"),
                ("linux-x64", "libe_sqlite3.so"), ("linux-arm64", "libe_sqlite3.so"), ("linux-arm", "libe_sqlite3.so"),
                ("osx-x64", "libe_sqlite3.dylib"), ("osx-arm64", "libe_sqlite3.dylib"),
            })
            {
                Assert.True(File.Exists(Path.Combine(bin, "Dependencies", "native", rid, file)), rid);
            }

            string manifest = File.ReadAllText(PowerShellSession.ManifestPath);
            Assert.DoesNotContain("RequiredAssemblies", manifest);
        }
    }
}
