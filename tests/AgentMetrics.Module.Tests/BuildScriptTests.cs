using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using AgentMetrics.Tests.Shared;
using Xunit;

namespace AgentMetrics.Module.Tests
{
    /// <summary>
    /// build.ps1 run by the agentmetrics host's embedded engine (only core commands), packaging the module
    /// this test run already staged. -NoBuild matters: the solution is in use by the test run itself.
    /// </summary>
    public class BuildScriptTests
    {
        private static readonly string BuildScript = Path.Combine(BuildPaths.RepoRoot, "build.ps1");

        // Written by NuGet itself, not part of the module.
        private static readonly string[] PackagingParts = { "[Content_Types].xml", "_rels/", "package/", "AgentMetrics.nuspec" };

        [Fact]
        public void PackageLaysTheStagedModuleAtThePackageRootWithPowerShellGetMetadata()
        {
            using var scratch = new ScratchFolder();
            string packages = scratch.File("packages");

            var result = HostProcess.Run(scratch, new Dictionary<string, string?>(), TimeSpan.FromMinutes(4),
                "-File", BuildScript, "-Task", "Package", "-NoBuild", "-Configuration", BuildPaths.Configuration, "-OutputPath", packages);

            Assert.True(result.ExitCode == 0, result.ToString());
            string version = HostExecutableTests.ModuleVersion;
            Assert.Equal(DeclaredVersion(), version);
            string package = Path.Combine(packages, $"AgentMetrics.{version}.nupkg");
            Assert.True(File.Exists(package), result.ToString());

            using ZipArchive zip = ZipFile.OpenRead(package);
            string[] entries = zip.Entries.Select(e => e.FullName.Replace('\\', '/')).ToArray();

            ZipArchiveEntry nuspecEntry = zip.GetEntry("AgentMetrics.nuspec") ?? throw new Xunit.Sdk.XunitException("No AgentMetrics.nuspec at the package root: " + string.Join(", ", entries));
            XDocument nuspec;
            using (Stream stream = nuspecEntry.Open())
            {
                nuspec = XDocument.Load(stream);
            }

            string Metadata(string name) => nuspec.Descendants().Single(e => e.Name.LocalName == name && e.Parent?.Name.LocalName == "metadata").Value;
            Assert.Equal("AgentMetrics", Metadata("id"));
            Assert.Equal(version, Metadata("version"));
            Assert.False(string.IsNullOrWhiteSpace(Metadata("authors")));
            Assert.False(string.IsNullOrWhiteSpace(Metadata("description")));
            Assert.StartsWith("https://", Metadata("projectUrl"));
            Assert.StartsWith("https://", Metadata("licenseUrl"));
            string[] tags = Metadata("tags").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (string tag in new[] { "PSModule", "PSIncludes_Cmdlet", "PSCmdlet_Get-AgentWarehouse", "PSCommand_Get-AgentWarehouse", "PSEdition_Core", "PSEdition_Desktop" })
            {
                Assert.Contains(tag, tags);
            }

            foreach (string required in new[] { "AgentMetrics.psd1", "AgentMetrics.Format.ps1xml", "bin/AgentMetrics.PowerShell.dll", "bin/Dependencies/native/linux-x64/libe_sqlite3.so" })
            {
                Assert.Contains(required, entries);
            }

            // Exactly the staged module: no build leftovers (bin/Release, obj/, pdbs), nothing missing.
            string[] moduleEntries = entries.Where(e => !PackagingParts.Any(part => e.StartsWith(part, StringComparison.Ordinal))).OrderBy(e => e, StringComparer.Ordinal).ToArray();
            string[] stagedFiles = Directory.GetFiles(BuildPaths.StagedModule, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(BuildPaths.StagedModule, f).Replace('\\', '/'))
                .OrderBy(e => e, StringComparer.Ordinal)
                .ToArray();
            Assert.Equal(stagedFiles, moduleEntries);
            Assert.DoesNotContain(entries, e => e.Split('/').Contains("obj") || e.Contains("/Release/") || e.Contains("/Debug/") || e.EndsWith(".pdb", StringComparison.Ordinal));
        }

        [Fact]
        public void AnUnknownTaskFailsWithTheValidTasksNamed()
        {
            using var scratch = new ScratchFolder();
            var result = HostProcess.Run(scratch, "-File", BuildScript, "-Task", "Deploy");

            Assert.True(result.ExitCode != 0, result.ToString());
            Assert.Contains("Deploy", result.Stderr);
            Assert.Contains("Build,Test,Package", result.Stderr);
            Assert.DoesNotContain("dotnet", result.Stdout);
        }

        /// <summary>AgentMetricsVersion in Directory.Build.props: the one place the version is written.</summary>
        private static string DeclaredVersion() =>
            XDocument.Load(Path.Combine(BuildPaths.RepoRoot, "Directory.Build.props"))
                .Descendants("AgentMetricsVersion").Single().Value;
    }
}
