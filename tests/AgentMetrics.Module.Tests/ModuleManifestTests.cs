using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace AgentMetrics.Module.Tests
{
    public class ModuleManifestTests
    {
        [Fact]
        public void StagedManifestPassesTestModuleManifest()
        {
            using var ps = new PowerShellSession(importModule: false);
            var result = ps.Run("Test-ModuleManifest -Path $args[0]", PowerShellSession.ManifestPath).ThrowIfFailed();
            var info = result.Single<PSModuleInfo>();
            Assert.Equal("AgentMetrics", info.Name);
            Assert.Equal(Path.GetFileName(Path.GetDirectoryName(PowerShellSession.ManifestPath.TrimEnd('/'))), info.Version.ToString());
            Assert.Contains("Desktop", info.CompatiblePSEditions);
            Assert.Contains("Core", info.CompatiblePSEditions);
            Assert.Equal(new Version(5, 1), info.PowerShellVersion);
        }

        [Fact]
        public void ImportRaisesNoWarningAndExportsExactlyTheManifestCmdlets()
        {
            using var ps = new PowerShellSession();
            Assert.Empty(ps.ImportWarnings);

            var module = ps.Run("Get-Module AgentMetrics").ThrowIfFailed().Single<PSModuleInfo>();
            var exported = module.ExportedCmdlets.Keys.OrderBy(n => n, StringComparer.Ordinal).ToArray();

            var manifest = ps.Run("Import-PowerShellDataFile -Path $args[0]", PowerShellSession.ManifestPath);
            string[] declared;
            if (manifest.Terminating is null && manifest.Errors.Count == 0)
            {
                var table = (System.Collections.Hashtable)manifest.Output.Single().BaseObject;
                declared = ((object[])table["CmdletsToExport"]!).Cast<string>().OrderBy(n => n, StringComparer.Ordinal).ToArray();
            }
            else
            {
                // Import-PowerShellDataFile is a Utility cmdlet; the manifest test reads the same list.
                declared = ps.Run("(Test-ModuleManifest -Path $args[0]).ExportedCmdlets.Keys", PowerShellSession.ManifestPath)
                    .ThrowIfFailed().Output.Select(o => o.BaseObject.ToString()!).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            }

            var implemented = module.ImplementingAssembly!.GetTypes()
                .Select(t => t.GetCustomAttributes(typeof(CmdletAttribute), false).Cast<CmdletAttribute>().FirstOrDefault())
                .Where(a => a is not null)
                .Select(a => a!.VerbName + "-" + a.NounName)
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToArray();

            Assert.NotEmpty(implemented);
            Assert.Equal(implemented, exported);
            Assert.Equal(implemented, declared);
            Assert.Empty(module.ExportedFunctions);
            Assert.Empty(module.ExportedAliases);
        }

        [Fact]
        public void EveryCmdletUsesAnApprovedVerbAndTheAgentNounPrefix()
        {
            using var ps = new PowerShellSession();
            var approved = ps.Run("Get-Verb | ForEach-Object Verb").Output.Select(o => o.BaseObject.ToString()).ToHashSet();
            var commands = ps.Run("Get-Command -Module AgentMetrics").ThrowIfFailed().Output.Select(o => (CmdletInfo)o.BaseObject).ToList();
            Assert.NotEmpty(commands);
            foreach (var command in commands)
            {
                if (approved.Count > 0)
                {
                    Assert.Contains(command.Verb, approved);
                }

                Assert.StartsWith("Agent", command.Noun, StringComparison.Ordinal);
            }
        }

        [Fact]
        public void CoreAndItsDependenciesLoadInTheModulesPrivateLoadContext()
        {
            using var scratch = new AgentMetrics.Tests.Shared.ScratchFolder();
            using var ps = new PowerShellSession();
            var names = ps.Run(@"
                $null = Import-AgentHistory -LiteralPath $args[1] -Warehouse $args[0] -WarningAction SilentlyContinue
                $info = Get-AgentWarehouse -Warehouse $args[0]
                [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($info.GetType().Assembly).Name
                $sqlite = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' }
                $sqlite | ForEach-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }", scratch.File("w.db"), AgentMetrics.Tests.Shared.Fixtures.AgentHome).ThrowIfFailed().Output.Select(o => o.BaseObject.ToString()).ToArray();
            Assert.Equal(new[] { "AgentMetrics", "AgentMetrics" }, names);
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
