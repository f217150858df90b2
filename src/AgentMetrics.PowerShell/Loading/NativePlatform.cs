using System;
using System.IO;
using System.Runtime.InteropServices;

namespace AgentMetrics.PowerShell.Loading
{
    /// <summary>Where this module keeps the native SQLite build for the running process.</summary>
    internal static class NativePlatform
    {
        public static string Rid
        {
            get
            {
                string os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win"
                    : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx"
                    : "linux";
                // The process architecture, not the OS's: 32-bit PowerShell on 64-bit Windows needs win-x86.
                string arch = RuntimeInformation.ProcessArchitecture switch
                {
                    Architecture.X64 => "x64",
                    Architecture.X86 => "x86",
                    Architecture.Arm64 => "arm64",
                    Architecture.Arm => "arm",
                    var other => other.ToString().ToLowerInvariant(),
                };
                return os + "-" + arch;
            }
        }

        public static string SqliteFileName =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "e_sqlite3.dll"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "libe_sqlite3.dylib"
            : "libe_sqlite3.so";

        public static string SqlitePath(string dependencyFolder) =>
            Path.Combine(Path.Combine(Path.Combine(dependencyFolder, "native"), Rid), SqliteFileName);
    }
}
