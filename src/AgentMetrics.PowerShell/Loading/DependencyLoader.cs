using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AgentMetrics.PowerShell.Loading
{
    /// <summary>
    /// Makes bin/Dependencies reachable for this module only. In PowerShell 7 every third-party assembly
    /// (YamlDotNet, Microsoft.Data.Sqlite, SQLitePCLRaw) and our Core library load into a private
    /// AssemblyLoadContext, so another module's YamlDotNet can neither break us nor be broken by us.
    /// Windows PowerShell has no load contexts: there we resolve from the same folder and preload the
    /// native SQLite library by full path, since .NET Framework has no native-library resolver.
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
                if (IsCoreClr)
                {
                    InstallLoadContext();
                }
                else
                {
                    InstallDesktopResolver();
                }
            }
        }

        private const string LoadContextAssembly = "AgentMetrics.PowerShell.LoadContext.dll";

        // The load context lives in its own .NET 8 assembly (netstandard2.0 has no AssemblyLoadContext).
        // Should it fail to load (an older runtime), the module still works, only without isolation.
        private static void InstallLoadContext()
        {
            try
            {
                Assembly context = Assembly.LoadFrom(Path.Combine(BinFolder, LoadContextAssembly));
                context.GetType("AgentMetrics.PowerShell.Loading.ModuleLoadContext", throwOnError: true)!
                    .GetMethod("Register", BindingFlags.Public | BindingFlags.Static)!
                    .Invoke(null, new object[] { DependencyFolder });
            }
            catch (Exception ex) when (ex is IOException || ex is BadImageFormatException || ex is TypeLoadException || ex is TargetInvocationException)
            {
                InstallResolver();
            }
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
