using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace AgentMetrics.PowerShell.Loading
{
    /// <summary>
    /// One installed copy of the module in its own load context: the cmdlet assembly, AgentMetrics.Core and
    /// the third-party dependencies all come from that copy's bin/ folder, so another module's YamlDotNet
    /// cannot break us, and after Update-Module a Remove-Module + Import-Module in the same session runs the
    /// newer copy beside the older one (.NET refuses a second AgentMetrics.PowerShell of another version in
    /// one context). PowerShell's and the framework's assemblies come from the default context, shared.
    /// </summary>
    public sealed class ModuleLoadContext : AssemblyLoadContext
    {
        private const string CmdletAssemblyName = "AgentMetrics.PowerShell";

        private static readonly object Gate = new object();
        private static readonly Dictionary<string, ModuleLoadContext> ByFolder = new Dictionary<string, ModuleLoadContext>(StringComparer.Ordinal);

        private readonly string _dependencyFolder;
        private readonly Dictionary<string, string> _privateAssemblies = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        private ModuleLoadContext(string binFolder)
            : base("AgentMetrics " + binFolder)
        {
            _dependencyFolder = Path.Combine(binFolder, "Dependencies");
            foreach (string file in Directory.GetFiles(_dependencyFolder, "*.dll"))
            {
                _privateAssemblies[Path.GetFileNameWithoutExtension(file)] = file;
            }

            _privateAssemblies[CmdletAssemblyName] = Path.Combine(binFolder, CmdletAssemblyName + ".dll");
        }

        /// <summary>
        /// Called by AgentMetrics.psm1 on PowerShell 7: the cmdlet assembly of the module in
        /// <paramref name="binFolder"/>, for Import-Module -Assembly. A second import of the same copy
        /// (Remove-Module, then Import-Module) gets the same assembly back, so its types stay the same.
        /// </summary>
        public static Assembly LoadCmdletAssembly(string binFolder)
        {
            string folder = Path.GetFullPath(binFolder);
            ModuleLoadContext? context;
            lock (Gate)
            {
                if (!ByFolder.TryGetValue(folder, out context))
                {
                    context = new ModuleLoadContext(folder);
                    ByFolder.Add(folder, context);
                }
            }

            return context.LoadFromAssemblyName(new AssemblyName(CmdletAssemblyName));
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            string? name = assemblyName.Name;
            if (name is null || !_privateAssemblies.TryGetValue(name, out string? path))
            {
                return null;
            }

            // Framework contracts (System.Memory, System.Text.Json, ...) ship beside us only for Windows
            // PowerShell; PowerShell 7's own copies are newer and shared with every other module.
            if (name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.Bcl.", StringComparison.Ordinal))
            {
                try
                {
                    return Default.LoadFromAssemblyName(assemblyName);
                }
                catch (FileNotFoundException)
                {
                }
                catch (FileLoadException)
                {
                }
            }

            return LoadFromAssemblyPath(path);
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            if (unmanagedDllName.IndexOf("e_sqlite3", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                string path = NativePlatform.SqlitePath(_dependencyFolder);
                if (File.Exists(path))
                {
                    return LoadUnmanagedDllFromPath(path);
                }
            }

            return IntPtr.Zero;
        }
    }
}
