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

        public System.DateTime? FirstRequest { get; set; }

        public System.DateTime? LastRequest { get; set; }

        public string SqliteVersion { get; set; } = string.Empty;
    }
}
