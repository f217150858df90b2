using System;
using System.IO;
using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace AgentMetrics.PowerShell.Views
{
    /// <summary>CostViewWriter &lt;path&gt;: writes the cost table views to the format file at path.</summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length != 1)
            {
                Console.Error.WriteLine("Usage: CostViewWriter <path of the .ps1xml to write>");
                return 2;
            }

            try
            {
                using var output = new StringWriter(CultureInfo.InvariantCulture);
                CostViewFormatWriter.Write(output);
                string text = output.ToString();
                // Well-formed, or the build stops here rather than Import-Module on a user's machine.
                XDocument.Parse(text);
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(args[0]))!);
                File.WriteAllText(args[0], text, new UTF8Encoding(false));
                return 0;
            }
            catch (InvalidOperationException problem)
            {
                // MSBuild's Exec shows this line as the build error.
                Console.Error.WriteLine("error AM0001: " + problem.Message);
                return 1;
            }
        }
    }
}
