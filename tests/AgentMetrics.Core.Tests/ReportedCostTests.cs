using System;
using System.IO;
using System.Linq;
using System.Threading;
using AgentMetrics.Ingest;
using AgentMetrics.Pricing;
using AgentMetrics.Query;
using AgentMetrics.Tests.Shared;
using AgentMetrics.Warehousing;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    public sealed class ReportedCostTests : IDisposable
    {
        private readonly ScratchFolder _scratch = new ScratchFolder();

        private static string Line(string id, string ts, int input, int output) =>
            "{\"type\":\"assistant\",\"sessionId\":\"s-rep\",\"cwd\":\"/w/rep\",\"timestamp\":\"" + ts + "\",\"message\":{\"id\":\"" + id +
            "\",\"model\":\"claude-haiku-4-5-20251001\",\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":" + output + "}}}";

        [Fact]
        public void ClaudeCodesReportedSessionCostIsSpreadOverItsRequestsForEveryGrouping()
        {
            string folder = Path.Combine(_scratch.Path, "projects", "-w-rep");
            Directory.CreateDirectory(folder);
            string file = Path.Combine(folder, "s-rep.jsonl");
            File.WriteAllLines(file, new[]
            {
                Line("m1", "2026-11-10T10:00:00Z", 50, 50),
                Line("m2", "2026-11-11T10:00:00Z", 100, 200),
                "{\"type\":\"cost-state\",\"sessionId\":\"s-rep\",\"totalCostUSD\":0.2}",
                "{\"type\":\"cost-state\",\"sessionId\":\"s-rep\",\"totalCostUSD\":0.4}",
            });

            using var warehouse = Warehouse.Open(_scratch.File("w.db"));
            var importer = new HistoryImporter(warehouse);
            importer.Import(new ImportOptions { Paths = new[] { _scratch.Path } }, new RecordingObserver(), CancellationToken.None);
            PriceBook prices = PriceBook.LoadDefault(Fixtures.PricingFolder);
            var utc = new PeriodOptions { Utc = true };

            var byDay = CostEngine.Summarise(warehouse, new UsageFilter(), new[] { CostGrouping.Day }, utc, prices).Rows;
            Assert.Equal(new decimal?[] { 0.1m, 0.3m }, byDay.Select(r => r.ReportedCostUsd.HasValue ? Math.Round(r.ReportedCostUsd.Value, 9) : (decimal?)null).ToArray());
            var session = Assert.Single(SessionEngine.Query(warehouse, new UsageFilter(), TimeSpan.FromMinutes(5), prices, out _));
            Assert.Equal(0.4m, session.ReportedCostUsd);

            // A later report (the session went on) re-spreads the new total over all of its requests.
            File.AppendAllLines(file, new[] { Line("m3", "2026-11-12T10:00:00Z", 100, 0), "{\"type\":\"cost-state\",\"sessionId\":\"s-rep\",\"totalCostUSD\":0.5}" });
            importer.Import(new ImportOptions { Paths = new[] { _scratch.Path } }, new RecordingObserver(), CancellationToken.None);
            var total = Assert.Single(CostEngine.Summarise(warehouse, new UsageFilter(), Array.Empty<CostGrouping>(), utc, prices).Rows);
            Assert.Equal(0.5m, Math.Round(total.ReportedCostUsd!.Value, 9));
            var days = CostEngine.Summarise(warehouse, new UsageFilter(), new[] { CostGrouping.Day }, utc, prices).Rows;
            Assert.Equal(new[] { 0.1m, 0.3m, 0.1m }, days.Select(r => Math.Round(r.ReportedCostUsd!.Value, 9)).ToArray());
        }

        public void Dispose() => _scratch.Dispose();
    }
}
