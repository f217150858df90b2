using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Globalization;

namespace AgentMetrics.PowerShell.Views
{
    /// <summary>Writes <see cref="CostViewCatalog"/> as a PowerShell format file (ps1xml) of table views.</summary>
    internal static class CostViewFormatWriter
    {
        private const string Header = @"
  GENERATED at build time by build/CostViewWriter from src/AgentMetrics.PowerShell/Views/CostViewCatalog.cs:
  edit that file, not this one (docs/views.md says how). The rules every view keeps, and why, are in
  formats/AgentMetrics.Format.ps1xml and docs/views.md: fixed widths for every number, at most 79 columns
  in all (119 for the #Wide views), and at most one free text column, the last.
";

        /// <summary>
        /// Every view of the catalog, in the order PowerShell should meet them: the generic view first (the
        /// default of a cost row without a view of its own), then each grouping's 80-column and wide views,
        /// then the generic wide view, which Format-Table -View Wide finds by name on every cost row.
        /// </summary>
        internal static void Write(TextWriter output)
        {
            string typeName = CostViewCatalog.TypeName;
            var views = new List<(string Name, string[] SelectedBy, IReadOnlyList<TableColumn> Columns, int Limit)>
            {
                (typeName, [typeName], CostViewCatalog.OtherNarrow, CostViewCatalog.NarrowLimit),
            };
            foreach (CostTable table in CostViewCatalog.Tables)
            {
                string name = typeName + "#" + table.Name;
                views.Add((name, [name], table.Narrow, CostViewCatalog.NarrowLimit));
            }

            foreach (CostTable table in CostViewCatalog.Tables)
            {
                string name = typeName + "#" + table.Name + "#Wide";
                views.Add((name, [name], table.Wide, CostViewCatalog.WideLimit));
            }

            views.Add(("Wide", [typeName, typeName + "#Wide"], CostViewCatalog.OtherWide, CostViewCatalog.WideLimit));

            foreach (var view in views)
            {
                CheckFits(view.Name, view.Columns, view.Limit);
            }

            // Written line by line in the layout of the hand-written format file (a header or a cell per line),
            // which PowerShell reads the same as any other and a reader can scan.
            output.NewLine = "\n";
            output.WriteLine("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            output.WriteLine("<!--" + Header + "-->");
            output.WriteLine("<Configuration>");
            output.WriteLine("  <ViewDefinitions>");
            foreach (var view in views)
            {
                WriteView(output, view.Name, view.SelectedBy, view.Columns);
            }

            output.WriteLine("  </ViewDefinitions>");
            output.WriteLine("</Configuration>");
        }

        /// <summary>
        /// Refuses a view the table engine would cut: PowerShell hides and shrinks columns, numbers included,
        /// when fixed widths and the free column's header do not fit the line (docs/views.md "Why").
        /// </summary>
        internal static void CheckFits(string name, IReadOnlyList<TableColumn> columns, int limit)
        {
            List<TableColumn> free = columns.Where(column => column.Width is null).ToList();
            if (free.Count > 1 || (free.Count == 1 && !ReferenceEquals(free[0], columns[columns.Count - 1])))
            {
                throw new InvalidOperationException($"View {name}: only its last column may go without a width (it has {free.Count}).");
            }

            int needed = columns.Sum(column => column.Width ?? column.Label.Length) + columns.Count - 1;
            if (needed > limit)
            {
                throw new InvalidOperationException($"View {name}: its columns need {needed} characters, more than the {limit} it may use.");
            }
        }

        private static void WriteView(TextWriter output, string name, string[] selectedBy, IReadOnlyList<TableColumn> columns)
        {
            output.WriteLine("    <View>");
            output.WriteLine($"      <Name>{Escape(name)}</Name>");
            output.WriteLine($"      <ViewSelectedBy>{string.Concat(selectedBy.Select(typeName => $"<TypeName>{Escape(typeName)}</TypeName>"))}</ViewSelectedBy>");
            output.WriteLine("      <TableControl>");
            output.WriteLine("        <TableHeaders>");
            foreach (TableColumn column in columns)
            {
                string width = column.Width is int fixedWidth ? $"<Width>{fixedWidth.ToString(CultureInfo.InvariantCulture)}</Width>" : "";
                string alignment = column.AlignRight ? "<Alignment>Right</Alignment>" : "";
                output.WriteLine($"          <TableColumnHeader><Label>{Escape(column.Label)}</Label>{width}{alignment}</TableColumnHeader>");
            }

            output.WriteLine("        </TableHeaders>");
            output.WriteLine("        <TableRowEntries>");
            output.WriteLine("          <TableRowEntry>");
            output.WriteLine("            <TableColumnItems>");
            foreach (TableColumn column in columns)
            {
                string cell = column.ScriptBlock is string script
                    ? $"<ScriptBlock>{Escape(script)}</ScriptBlock>"
                    : $"<PropertyName>{Escape(column.PropertyName!)}</PropertyName>" + (column.FormatString is string format ? $"<FormatString>{Escape(format)}</FormatString>" : "");
                output.WriteLine($"              <TableColumnItem>{cell}</TableColumnItem>");
            }

            output.WriteLine("            </TableColumnItems>");
            output.WriteLine("          </TableRowEntry>");
            output.WriteLine("        </TableRowEntries>");
            output.WriteLine("      </TableControl>");
            output.WriteLine("    </View>");
        }

        private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
