namespace AgentMetrics
{
    /// <summary>What Get-AgentWarehouse reports about one warehouse file.</summary>
    public sealed class WarehouseInfo
    {
        public string Path { get; set; } = string.Empty;

        public int SchemaVersion { get; set; }

        public long SizeBytes { get; set; }

        public long Files { get; set; }

        public long Requests { get; set; }

        public long Sessions { get; set; }

        /// <summary>The earliest request, in local time (Kind Local).</summary>
        public System.DateTime? FirstRequest { get; set; }

        /// <summary>The latest request, in local time (Kind Local).</summary>
        public System.DateTime? LastRequest { get; set; }

        public string SqliteVersion { get; set; } = string.Empty;
    }
}
