namespace AgentMetrics.Warehousing
{
    /// <summary>What a file named as a warehouse turned out to be, decided before anything can write to it.</summary>
    internal enum WarehouseIdentity
    {
        /// <summary>No file: an import creates it, a query reports WarehouseNotFound.</summary>
        Missing,

        /// <summary>A zero-byte file or a SQLite file with no tables: an import may fill it, a query has nothing to read.</summary>
        Empty,

        Ours,

        Foreign,
    }
}
