using System;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace AgentMetrics.Module.Tests
{
    public class ModelPriceCmdletTests
    {
        private const string ModelPriceType = "AgentMetrics.ModelPrice";

        private static string? Text(PSObject obj, string name) => PowerShellResult.Prop(obj, name)?.ToString();

        [Fact]
        public void ReturnsTypedFlatObjectsSortedByProviderThenModel()
        {
            using var ps = new PowerShellSession();
            var result = ps.Run("Get-AgentModelPrice").ThrowIfFailed();

            Assert.NotEmpty(result.Output);
            // The test host reports 200 columns: the wide layout's name leads, the type's own follows.
            Assert.All(result.Output, o => Assert.Equal(new[] { ModelPriceType + "#Wide", ModelPriceType }, o.TypeNames.Take(2)));
            var keys = result.Output.Select(o => (Text(o, "Provider")!, Text(o, "Model")!)).ToList();
            var sorted = keys.OrderBy(k => k.Item1, StringComparer.OrdinalIgnoreCase).ThenBy(k => k.Item2, StringComparer.OrdinalIgnoreCase).ToList();
            Assert.Equal(sorted, keys);
            Assert.Contains(keys, k => k == ("anthropic", "claude-sonnet-4-5"));
            Assert.Contains(keys, k => k == ("openai", "gpt-5-codex"));

            PSObject sonnet = result.Output.Single(o => Text(o, "Model") == "claude-sonnet-4-5");
            Assert.Equal(3m, PowerShellResult.Prop(sonnet, "InputPerMTok"));
            Assert.Equal(6m, PowerShellResult.Prop(sonnet, "LongContextInputPerMTok"));
            Assert.Equal(200000L, PowerShellResult.Prop(sonnet, "LongContextThreshold"));
            Assert.Equal("claude-sonnet-4-5-20250929", Text(sonnet, "Aliases"));
            Assert.EndsWith("anthropic.yaml", Text(sonnet, "PriceBookFile"));
        }

        [Fact]
        public void WildcardsMatchIdsAndAliasesAndPlainNamesFindAliases()
        {
            using var ps = new PowerShellSession();
            var haiku = ps.Run("Get-AgentModelPrice -Model '*haiku*'").ThrowIfFailed();
            Assert.Contains(haiku.Output, o => Text(o, "Model") == "claude-haiku-4-5");
            Assert.Contains(haiku.Output, o => Text(o, "Model") == "claude-3-5-haiku");
            Assert.All(haiku.Output, o => Assert.Contains("haiku", Text(o, "Model")));

            var dated = ps.Run("Get-AgentModelPrice *20250929").ThrowIfFailed();
            Assert.Equal("claude-sonnet-4-5", Text(Assert.Single(dated.Output), "Model"));

            var alias = ps.Run("Get-AgentModelPrice CLAUDE-OPUS-4-5-20251101, gpt-5").ThrowIfFailed();
            Assert.Equal(new[] { "claude-opus-4-5", "gpt-5" }, alias.Output.Select(o => Text(o, "Model")).ToArray());

            Assert.Empty(ps.Run("Get-AgentModelPrice 'nothing-like-this*'").ThrowIfFailed().Output);
        }

        [Fact]
        public void APlainNameThatIsNotPricedIsANonTerminatingModelNotPricedError()
        {
            using var ps = new PowerShellSession();
            var result = ps.Run("Get-AgentModelPrice -Model claude-sonnet-4-5-foo, sonnet, gpt-5");
            Assert.Null(result.Terminating);
            Assert.Equal(new[] { "gpt-5" }, result.Output.Select(o => Text(o, "Model")).ToArray());
            Assert.Equal(2, result.Errors.Count);
            foreach (ErrorRecord error in result.Errors)
            {
                Assert.StartsWith("ModelNotPriced,", error.FullyQualifiedErrorId);
                Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            }

            Assert.Equal(new object[] { "claude-sonnet-4-5-foo", "sonnet" }, result.Errors.Select(e => e.TargetObject).ToArray());
        }

        [Fact]
        public void AtSelectsPricesInEffectAndAllShowsEveryPeriod()
        {
            using var ps = new PowerShellSession();
            var before = ps.Run("Get-AgentModelPrice -Model claude-haiku-4-5 -At ([datetime]'2025-01-01')");
            Assert.Empty(before.Output);
            Assert.Equal("ModelNotPriced", Assert.Single(before.Errors).FullyQualifiedErrorId.Split(',')[0]);

            var after = ps.Run("Get-AgentModelPrice -Model claude-haiku-4-5 -At ([datetime]'2026-11-01')").ThrowIfFailed();
            Assert.Single(after.Output);

            var all = ps.Run("Get-AgentModelPrice -All").ThrowIfFailed();
            var now = ps.Run("Get-AgentModelPrice").ThrowIfFailed();
            Assert.True(all.Output.Count >= now.Output.Count);
        }

        [Fact]
        public void TheTableViewRendersThroughOutDefault()
        {
            using var ps = new PowerShellSession();
            string text = ps.Render("Get-AgentModelPrice -Model claude-sonnet-4-5, gpt-5.4");
            Assert.Matches(@"Model\s+Input\s+Output\s+Write 5m\s+Write 1h\s+Cache read\s+From", text);
            string sonnetRow = text.Split('\n').Single(l => l.StartsWith("claude-sonnet-4-5", StringComparison.Ordinal));
            Assert.Contains("2025-09-29", sonnetRow);
            Assert.Contains("3.75", sonnetRow);

            // Provider and long-context rates live in the Wide view (Format-Table -View Wide), which
            // tests/pester/Views.Tests.ps1 renders on real pwsh: this hosted engine has no Format-Table.
            Assert.DoesNotContain("PriceBookFile", text);
        }

        [Fact]
        public void StillWorksWithAnotherYamlDotNetLoadedFirst()
        {
            using var ps = new PowerShellSession(importModule: false);
            ps.Run("[void][System.Reflection.Assembly]::LoadFrom($args[0])", BuildPaths.OldYamlDotNet).ThrowIfFailed();
            ps.Run("Import-Module $args[0]", PowerShellSession.ManifestPath).ThrowIfFailed();

            var prices = ps.Run("Get-AgentModelPrice -Model claude-opus-4-5").ThrowIfFailed();
            Assert.Equal(5m, PowerShellResult.Prop(Assert.Single(prices.Output), "InputPerMTok"));

            var versions = ps.Run("[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'YamlDotNet' } | ForEach-Object { $_.GetName().Version.Major }")
                .ThrowIfFailed().Output.Select(o => (int)o.BaseObject).Distinct().OrderBy(v => v).ToArray();
            Assert.Contains(13, versions);
            Assert.Contains(16, versions);
        }
    }

    /// <summary>$env:AGENTMETRICS_HOME is process-wide: tests that set it must not run beside others.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class ProcessEnvironmentCollection
    {
        public const string Name = "Process environment";
    }

    [Collection(ProcessEnvironmentCollection.Name)]
    public class ModelPriceOverrideTests
    {
        [Fact]
        public void ABrokenUserOverrideIsATerminatingPriceBookInvalidError()
        {
            string? previous = Environment.GetEnvironmentVariable("AGENTMETRICS_HOME");
            string home = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "agentmetrics-tests", Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(home);
            try
            {
                string overrideFile = System.IO.Path.Combine(home, "pricing.yaml");
                System.IO.File.WriteAllText(overrideFile, "schema_version: 1\nprovider: x\nmodels:\n  - id: m\n    prices:\n      - input: 1\n        outptu: 2\n");
                using var ps = new PowerShellSession(environment: new System.Collections.Generic.Dictionary<string, string> { ["AGENTMETRICS_HOME"] = home });

                // catch only sees terminating errors: reaching it proves the error stopped the command.
                var result = ps.Run("try { Get-AgentModelPrice; 'not stopped' } catch { $_ }");
                ErrorRecord error = Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
                Assert.StartsWith("PriceBookInvalid,", error.FullyQualifiedErrorId);
                Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
                Assert.Equal(overrideFile, error.TargetObject);
                Assert.Contains("line 7, column 9", error.Exception.Message);
                Assert.Contains("unknown key 'outptu'", error.Exception.Message);
            }
            finally
            {
                Environment.SetEnvironmentVariable("AGENTMETRICS_HOME", previous);
                System.IO.Directory.Delete(home, true);
            }
        }
    }
}
