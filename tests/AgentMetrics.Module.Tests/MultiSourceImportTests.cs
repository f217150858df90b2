using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using AgentMetrics.Tests.Shared;
using Xunit;

namespace AgentMetrics.Module.Tests
{
    /// <summary>Claude and Codex history imported by the staged module into one warehouse, read back by source and model.</summary>
    public sealed class MultiSourceImportTests : IDisposable
    {
        private readonly ScratchFolder _scratch = new ScratchFolder();

        private static string ClaudeFixture => Path.Combine(Fixtures.AgentHome, ".claude");

        private static string CodexFixture => Path.Combine(Fixtures.AgentHome, ".codex");

        private static object? Prop(PSObject row, string name) => PowerShellResult.Prop(row, name);

        private static long Long(PSObject row, string name) => Convert.ToInt64(Prop(row, name));

        [Fact]
        public void ImportingClaudeAndCodexThenCostBySourceAndModelGivesBothTruths()
        {
            string warehouse = _scratch.File("w.db");
            using var ps = new PowerShellSession();
            var import = ps.Run("Import-AgentHistory -Path $args[0], $args[1] -Warehouse $args[2] -Verbose", ClaudeFixture, CodexFixture, warehouse);
            Assert.Null(import.Terminating);
            Assert.Equal(new[] { "Claude", "Codex" }, import.Output.Select(o => Prop(o, "Source")!.ToString()));
            Assert.Contains(import.Verbose, v => v.Message.Contains("Codex history"));

            var rows = ps.Run("Get-AgentCost -By Source, Model -Utc -Warehouse $args[0]", warehouse).ThrowIfFailed().Output;
            var truth = Truth.Load();
            foreach (var model in truth.Codex.GetProperty("all").GetProperty("models").EnumerateObject())
            {
                var row = Assert.Single(rows, r => (string?)Prop(r, "Source") == "Codex" && (string?)Prop(r, "Model") == model.Name);
                Assert.Equal(Truth.L(model.Value, "requests"), Long(row, "Requests"));
                Assert.Equal(Truth.L(model.Value, "non_cached_input_tokens"), Long(row, "InputTokens"));
                Assert.Equal(Truth.L(model.Value, "cached_input_tokens"), Long(row, "CacheReadTokens"));
                Assert.Equal(Truth.L(model.Value, "output_tokens"), Long(row, "OutputTokens"));
                Assert.Equal(Truth.L(model.Value, "reasoning_output_tokens"), Long(row, "ReasoningTokens"));
                Assert.Equal(Truth.L(model.Value, "total_tokens"), Long(row, "TotalTokens"));
            }

            foreach (var model in truth.Claude.GetProperty("all").GetProperty("models").EnumerateObject())
            {
                var row = Assert.Single(rows, r => (string?)Prop(r, "Source") == "Claude" && (string?)Prop(r, "Model") == model.Name);
                Assert.Equal(Truth.L(model.Value, "messages"), Long(row, "Requests"));
                Assert.Equal(Truth.L(model.Value, "input"), Long(row, "InputTokens"));
                Assert.Equal(Truth.L(model.Value, "output"), Long(row, "OutputTokens"));
                Assert.Equal(Truth.L(model.Value, "cache_creation"), Long(row, "CacheWriteTokens"));
                Assert.Equal(Truth.L(model.Value, "cache_read"), Long(row, "CacheReadTokens"));
            }

            Assert.Equal(truth.Codex.GetProperty("all").GetProperty("models").EnumerateObject().Count() + truth.Claude.GetProperty("all").GetProperty("models").EnumerateObject().Count(), rows.Count);
        }

        [Fact]
        public void SourceNarrowsWhatIsImported()
        {
            string warehouse = _scratch.File("w.db");
            using var ps = new PowerShellSession();
            var import = ps.Run("Import-AgentHistory -Path $args[0], $args[1] -Source Codex -Warehouse $args[2]", ClaudeFixture, CodexFixture, warehouse);
            Assert.Null(import.Terminating);
            Assert.Equal("Codex", Prop(Assert.Single(import.Output), "Source")!.ToString());

            var rows = ps.Run("Get-AgentCost -By Source -Warehouse $args[0]", warehouse).ThrowIfFailed().Output;
            Assert.Equal("Codex", Prop(Assert.Single(rows), "Source"));
            Assert.Equal(Truth.L(Truth.Load().Codex.GetProperty("all").GetProperty("totals"), "requests"), Long(rows.Single(), "Requests"));
        }

        public void Dispose() => _scratch.Dispose();
    }
}
