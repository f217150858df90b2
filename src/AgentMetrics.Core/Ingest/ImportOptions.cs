using System;
using System.Collections.Generic;

namespace AgentMetrics.Ingest
{
    /// <summary>What to import: which sources, from where (null = each source's default places), and whether to re-read everything.</summary>
    public sealed class ImportOptions
    {
        public IReadOnlyList<AgentSource>? Sources { get; set; }

        /// <summary>Folders or files (full paths). Each is matched to the source that recognises it.</summary>
        public IReadOnlyList<string>? Paths { get; set; }

        public bool Force { get; set; }

        /// <summary>
        /// The caller's current folder, for sources that live beside the work (llm-telemetry's default
        /// .llm-telemetry/). Core cannot know PowerShell's location; null means the process's folder.
        /// </summary>
        public string? WorkingDirectory { get; set; }

        public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(10);

        /// <summary>
        /// The price book's long-context thresholds, which the rollup is banded by (see RollupMaintainer). Asked for
        /// only when needed: a first import, or a price book other than the one the warehouse last checked (see
        /// <see cref="PriceBookFingerprint"/>); reading the YAML costs more than an import with nothing new. Null, or
        /// null returned: the rollup keeps the thresholds it has.
        /// </summary>
        public Func<IReadOnlyCollection<long>?>? LongContextThresholds { get; set; }

        /// <summary>Names the price book's files as they are now (Pricing.PriceBook.Fingerprint); null: always ask.</summary>
        public string? PriceBookFingerprint { get; set; }
    }
}
