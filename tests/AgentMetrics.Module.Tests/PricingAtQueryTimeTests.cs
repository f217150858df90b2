using System.IO;
using System.Linq;
using System.Management.Automation;
using AgentMetrics.Tests.Shared;
using Xunit;

namespace AgentMetrics.Module.Tests
{
    public sealed class PricingAtQueryTimeTests
    {
        private static string Line(string id, string model, int input, int output) =>
            "{\"type\":\"assistant\",\"sessionId\":\"s-1\",\"cwd\":\"/w/p\",\"timestamp\":\"2026-11-10T10:00:00Z\",\"message\":{\"id\":\"" + id + "\",\"model\":\"" + model +
            "\",\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":" + output + "}}}";

        [Fact]
        public void AnUnknownModelIsCountedUnpricedAndNamedOnceInAWarning()
        {
            using var scratch = new ScratchFolder();
            string folder = Path.Combine(scratch.Path, "projects", "-w-p");
            Directory.CreateDirectory(folder);
            File.WriteAllLines(Path.Combine(folder, "s-1.jsonl"), new[]
            {
                Line("m1", "claude-mystery-9", 100, 10),
                Line("m2", "claude-mystery-9", 200, 20),
                Line("m3", "claude-sonnet-4-5-20250929", 150_000, 0),
                // A substring of a known id is not that model.
                Line("m4", "claude-sonnet-4-5", 10, 0).Replace("claude-sonnet-4-5\"", "sonnet-4-5-preview\""),
            });

            using var ps = new PowerShellSession();
            string warehouse = scratch.File("w.db");
            ps.Run("Import-AgentHistory -Path $args[0] -Warehouse $args[1]", scratch.Path, warehouse).ThrowIfFailed();
            PowerShellResult byModel = ps.Run("Get-AgentCost -By Model -Warehouse $args[0]", warehouse);
            Assert.Empty(byModel.Errors);
            WarningRecord warning = Assert.Single(byModel.Warnings);
            Assert.Contains("claude-mystery-9", warning.Message);
            Assert.Contains("sonnet-4-5-preview", warning.Message);

            PSObject mystery = byModel.Output.Single(r => (string)r.Properties["Model"].Value == "claude-mystery-9");
            Assert.Null(mystery.Properties["CostUsd"].Value);
            Assert.Equal(2L, mystery.Properties["UnpricedRequests"].Value);
            PSObject sonnet = byModel.Output.Single(r => (string)r.Properties["Model"].Value == "claude-sonnet-4-5-20250929");
            Assert.Equal(0.45m, sonnet.Properties["CostUsd"].Value);

            PSObject total = Assert.Single(ps.Run("Get-AgentCost -Warehouse $args[0] -WarningAction SilentlyContinue", warehouse).Output);
            Assert.Equal(0.45m, total.Properties["CostUsd"].Value);
            Assert.Equal(3L, total.Properties["UnpricedRequests"].Value);
        }
    }
}
