using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AgentMetrics.PowerShell.Loading
{
    /// <summary>
    /// Makes bin/Dependencies reachable for this module. In PowerShell 7, AgentMetrics.psm1 loads this
    /// assembly into the installed copy's own AssemblyLoadContext (AgentMetrics.PowerShell.LoadContext),
    /// which already answers for AgentMetrics.Core, the third-party assemblies and native SQLite: nothing
    /// to do here. Windows PowerShell has no load contexts: there we resolve from the same folder and
    /// preload the native SQLite library by full path, since .NET Framework has no native-library resolver.
    /// </summary>
    internal static class DependencyLoader
    {
        private static readonly object Gate = new object();
        private static bool _installed;

        public static string BinFolder { get; } = Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location) ?? ".";

        public static string DependencyFolder { get; } = Path.Combine(BinFolder, "Dependencies");

        public static bool IsCoreClr { get; } = !RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        [ModuleInitializer]
        internal static void Install()
        {
            lock (Gate)
            {
                if (_installed)
                {
                    return;
                }

                _installed = true;
                if (!IsCoreClr)
                {
                    InstallDesktopResolver();
                }
                else if (IsInDefaultLoadContext())
                {
                    // Imported by path, around the manifest: the dependencies still resolve, only without
                    // isolation from other modules' copies.
                    InstallResolver();
                }
            }
        }

        // netstandard2.0 cannot name AssemblyLoadContext; CoreCLR always has it.
        private static bool IsInDefaultLoadContext()
        {
            Type? contextType = Type.GetType("System.Runtime.Loader.AssemblyLoadContext, System.Runtime.Loader", throwOnError: false);
            object? defaultContext = contextType?.GetProperty("Default", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
            object? ours = contextType?.GetMethod("GetLoadContext", BindingFlags.Public | BindingFlags.Static)?.Invoke(null, new object[] { typeof(DependencyLoader).Assembly });
            return ours is null || ReferenceEquals(ours, defaultContext);
        }

        private static void InstallResolver()
        {
            AppDomain.CurrentDomain.AssemblyResolve += (_, args) =>
            {
                string candidate = Path.Combine(DependencyFolder, new AssemblyName(args.Name).Name + ".dll");
                return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
            };
        }

        private static void InstallDesktopResolver()
        {
            InstallResolver();

            string native = NativePlatform.SqlitePath(DependencyFolder);
            if (File.Exists(native))
            {
                // Once a module named e_sqlite3.dll is in the process, SQLitePCLRaw's DllImport binds to it.
                LoadLibraryW(native);
            }
        }

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibraryW(string path);
    }
}
