namespace AgentMetrics.PowerShell.Views
{
    /// <summary>
    /// One column of a generated table view: its header, its width, and what its cells show. A column
    /// without a width takes what the others leave (a view has at most one, and it is the last: docs/views.md).
    /// </summary>
    internal sealed class TableColumn
    {
        private TableColumn(string label, int? width, bool alignRight, string? propertyName, string? formatString, string? scriptBlock)
        {
            Label = label;
            Width = width;
            AlignRight = alignRight;
            PropertyName = propertyName;
            FormatString = formatString;
            ScriptBlock = scriptBlock;
        }

        internal string Label { get; }

        /// <summary>Characters the column keeps; null for the free column that takes the rest of the line.</summary>
        internal int? Width { get; }

        internal bool AlignRight { get; }

        /// <summary>The property the cell shows (with <see cref="FormatString"/>); null when a script block computes it.</summary>
        internal string? PropertyName { get; }

        internal string? FormatString { get; }

        /// <summary>PowerShell that computes the cell from $_; null when the cell is a property.</summary>
        internal string? ScriptBlock { get; }

        /// <summary>A text property, left-aligned, <paramref name="width"/> wide where it leads a table.</summary>
        internal static TableColumn Text(string label, int width, string? propertyName = null) =>
            new TableColumn(label, width, alignRight: false, propertyName ?? label, formatString: null, scriptBlock: null);

        /// <summary>A count, right-aligned, with thousands separators.</summary>
        internal static TableColumn Count(string label, string propertyName, int width) =>
            new TableColumn(label, width, alignRight: true, propertyName, "{0:N0}", scriptBlock: null);

        /// <summary>A cell computed by PowerShell from the row ($_).</summary>
        internal static TableColumn Computed(string label, int? width, bool alignRight, string scriptBlock) =>
            new TableColumn(label, width, alignRight, propertyName: null, formatString: null, scriptBlock);

        /// <summary>The same column at another width.</summary>
        internal TableColumn With(int width) => new TableColumn(Label, width, AlignRight, PropertyName, FormatString, ScriptBlock);

        /// <summary>The same column as a table's last, free column: no width, whatever the line has left.</summary>
        internal TableColumn Fill() => new TableColumn(Label, width: null, AlignRight, PropertyName, FormatString, ScriptBlock);
    }
}
