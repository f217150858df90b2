using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace AgentMetrics.PowerShell.Loading
{
    /// <summary>The private load context that holds AgentMetrics.Core and its third-party dependencies.</summary>
    public sealed class ModuleLoadContext : AssemblyLoadContext
    {
        private static ModuleLoadContext? _instance;
        private readonly string _folder;
        private readonly HashSet<string> _privateAssemblies;

        private ModuleLoadContext(string folder)
            : base("AgentMetrics")
        {
            _folder = folder;
            _privateAssemblies = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (string file in Directory.GetFiles(folder, "*.dll"))
            {
                _privateAssemblies.Add(Path.GetFileNameWithoutExtension(file));
            }
        }

        /// <summary>Called once by the cmdlet assembly's loader, through reflection.</summary>
        public static void Register(string folder)
        {
            _instance = new ModuleLoadContext(folder);
            // The cmdlet assembly lives in the default context; its reference to AgentMetrics.Core is
            // answered from here, and everything Core needs then resolves inside this context.
            Default.Resolving += (_, name) =>
                string.Equals(name.Name, "AgentMetrics.Core", StringComparison.OrdinalIgnoreCase)
                    ? _instance.LoadFromAssemblyName(name)
                    : null;
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            string? name = assemblyName.Name;
            if (name is null || !_privateAssemblies.Contains(name))
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

            return LoadFromAssemblyPath(Path.Combine(_folder, name + ".dll"));
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            if (unmanagedDllName.IndexOf("e_sqlite3", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                string path = NativePlatform.SqlitePath(_folder);
                if (File.Exists(path))
                {
                    return LoadUnmanagedDllFromPath(path);
                }
            }

            return IntPtr.Zero;
        }
    }
}
