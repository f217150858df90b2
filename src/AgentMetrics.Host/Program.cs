using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Threading.Tasks;
using Microsoft.PowerShell;

namespace AgentMetrics.Host
{
    /// <summary>
    /// agentmetrics: pwsh 7.6's own console host (Microsoft.PowerShell.ConsoleHost) with the standard Utility,
    /// Management and Security cmdlets and the AgentMetrics module imported, for machines without pwsh
    /// (servers, cron). Being pwsh's host, it parses the same options and gives the same output, errors,
    /// progress and exit codes as `pwsh -Command` / `pwsh -File`.
    /// </summary>
    public static class Program
    {
        private const string Usage = @"agentmetrics - PowerShell 7.6 with the AgentMetrics module imported

Usage:
  agentmetrics -Command '<script>'        Run a PowerShell script text (alias -c).
  agentmetrics -File <script.ps1> [args]  Run a script file with arguments (alias -f).
  agentmetrics                            Start an interactive session.
  agentmetrics -Version                   Show the AgentMetrics and PowerShell versions.
  agentmetrics -Help                      Show this help.

This is pwsh's own console host: every pwsh option works the same way (-NoExit, -NonInteractive,
-OutputFormat, -WorkingDirectory, -ExecutionPolicy...; see 'Get-Help about_Pwsh' in pwsh or
https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_pwsh), and so do
the exit codes: 'exit N' gives N, a terminating error or a failed last command gives 1.

Besides AgentMetrics it carries the standard cmdlets (Microsoft.PowerShell.Utility, .Management and
.Security: Select-Object, Sort-Object, Format-List, Export-Csv, ConvertTo-Json, Get-Date...).
Your pwsh profile is not run (as if -NoProfile were given): a scheduled job should not depend on it.
To use it anyway: agentmetrics -Command '. $PROFILE.CurrentUserAllHosts; ...'.
Output is plain text when redirected to a file or pipe, or when NO_COLOR is set.

Examples:
  agentmetrics -Command 'Import-AgentHistory; Get-AgentCost -By Day, Model -Since 7d'
  agentmetrics -Command 'Get-AgentSession -Since 7d | Export-Csv sessions.csv'
  agentmetrics -Command 'Get-Help Get-AgentCost -Full'
";

        public static int Main(string[] args)
        {
            if (args.Length > 0 && IsSwitch(args[0], "help", "h", "?"))
            {
                Console.Out.Write(Usage);
                return 0;
            }

            string? moduleManifest = FindModuleManifest();
            string moduleVersion = moduleManifest is null ? "(module not found)" : Path.GetFileName(Path.GetDirectoryName(moduleManifest)!);
            if (args.Length > 0 && IsSwitch(args[0], "version", "v"))
            {
                Console.Out.WriteLine($"AgentMetrics {moduleVersion}");
                Console.Out.WriteLine($"PowerShell {PowerShellVersion} on {RuntimeInformation.FrameworkDescription}");
                return 0;
            }

            if (moduleManifest is null)
            {
                Console.Error.WriteLine($"agentmetrics: the AgentMetrics module was not found under '{Path.Combine(AppContext.BaseDirectory, "Modules")}'.");
                return 1;
            }

            // pwsh's console host reports every start to Microsoft and looks for PowerShell updates online
            // (https://aka.ms/pwsh-telemetry). This tool is not pwsh: it sends nothing and checks for nothing
            // unless the user has said otherwise for pwsh itself.
            SetUnlessSet("POWERSHELL_TELEMETRY_OPTOUT", "1");
            SetUnlessSet("POWERSHELL_UPDATECHECK", "Off");

            // pwsh colours its tables and errors even into a file or a pipe; a log or a script reading our output
            // wants the text alone (as with NO_COLOR, which pwsh itself honours).
            if (Console.IsOutputRedirected)
            {
                PSStyle.Instance.OutputRendering = OutputRendering.PlainText;
            }

            // The module's load contexts are made on a worker while the engine starts (PreloadModule).
            Task.Run(() => PreloadModule(Path.GetDirectoryName(moduleManifest)!));

            var state = InitialSessionState.CreateDefault2();
            // The engine alone has the Core cmdlets; pwsh finds the rest as modules in $PSHOME/Modules. We carry
            // their assemblies, with manifests of pwsh's module names (written by the build), and import them
            // up front with AgentMetrics, so the executable needs no pwsh.
            state.ImportPSModule(StandardModules.Select(ModuleManifest).Append(moduleManifest).ToArray());
            // On Windows an engine with no powershell.config.json beside it starts Restricted, which refuses module
            // scripts (our AgentMetrics.psm1) and format files; pwsh's installers ship RemoteSigned, and so do we.
            // Elsewhere the engine refuses to set one (not supported). -ExecutionPolicy and Group Policy still win.
            if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
            {
                state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.RemoteSigned;
            }

            // A cron job must not depend on whoever's profile happens to be there, nor pay for loading it.
            string[] shellArgs = new[] { "-NoProfile" }.Concat(args).ToArray();
            return ConsoleShell.Start(state, $"AgentMetrics {moduleVersion} on PowerShell {PowerShellVersion}", Usage, shellArgs);
        }

        /// <summary>
        /// AgentMetrics.psm1 gives each installed copy of the module a load context of its own and loads the
        /// cmdlet assembly into it (so that Update-Module works within a session): 0.1-0.15 s of start-up, after
        /// the engine's own. Done here on a worker, it overlaps the engine's start; the script then finds the
        /// contexts by name under the same lock and reuses them. The loader context's name and the lock must stay
        /// as AgentMetrics.psm1 has them (HostExecutableTests checks that no second pair is made). Failures are
        /// left to the script, which reports them as the module's import errors.
        /// </summary>
        private static void PreloadModule(string moduleFolder)
        {
            try
            {
                string bin = Path.Combine(moduleFolder, "bin");
                string loaderName = "AgentMetrics loader " + bin;
                AssemblyLoadContext loader;
                lock (string.Intern(loaderName))
                {
                    loader = AssemblyLoadContext.All.FirstOrDefault(context => context.Name == loaderName)
                        ?? new AssemblyLoadContext(loaderName);
                    if (!loader.Assemblies.Any())
                    {
                        loader.LoadFromAssemblyPath(Path.Combine(bin, "AgentMetrics.PowerShell.LoadContext.dll"));
                    }
                }

                Assembly cmdlets = (Assembly)loader.Assemblies.First()
                    .GetType("AgentMetrics.PowerShell.Loading.ModuleLoadContext", throwOnError: true)!
                    .GetMethod("LoadCmdletAssembly", BindingFlags.Public | BindingFlags.Static)!
                    .Invoke(null, new object[] { bin })!;
                // PowerShell reads every exported type when it imports the assembly, Core's through the cmdlets'
                // [OutputType]s: resolving them now loads Core and its dependencies meanwhile too.
                _ = cmdlets.GetExportedTypes();
            }
            catch (Exception)
            {
                // Whatever failed here fails again, and is reported, when the engine imports the module.
            }
        }

        private static readonly string[] StandardModules = { "Microsoft.PowerShell.Utility", "Microsoft.PowerShell.Management", "Microsoft.PowerShell.Security" };

        private static string ModuleManifest(string name) => Path.Combine(AppContext.BaseDirectory, "Modules", name, name + ".psd1");

        private static string PowerShellVersion =>
            typeof(PSObject).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                .OfType<System.Reflection.AssemblyInformationalVersionAttribute>()
                .Select(attribute => attribute.InformationalVersion.Split('+', ' ')[0])
                .FirstOrDefault() ?? typeof(PSObject).Assembly.GetName().Version!.ToString();

        private static void SetUnlessSet(string name, string value)
        {
            if (Environment.GetEnvironmentVariable(name) is null)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        /// <summary>The module ships beside the executable as Modules/AgentMetrics/&lt;version&gt;/.</summary>
        private static string? FindModuleManifest()
        {
            string root = Path.Combine(AppContext.BaseDirectory, "Modules", "AgentMetrics");
            if (!Directory.Exists(root))
            {
                return null;
            }

            return Directory.GetDirectories(root)
                .Select(folder => (folder, version: Version.TryParse(Path.GetFileName(folder), out Version? v) ? v : null))
                .Where(candidate => candidate.version is not null && File.Exists(Path.Combine(candidate.folder, "AgentMetrics.psd1")))
                .OrderByDescending(candidate => candidate.version)
                .Select(candidate => Path.Combine(candidate.folder, "AgentMetrics.psd1"))
                .FirstOrDefault();
        }

        private static bool IsSwitch(string arg, params string[] names)
        {
            string trimmed = arg.TrimStart('-');
            return arg.StartsWith("-", StringComparison.Ordinal)
                && names.Any(name => string.Equals(trimmed, name, StringComparison.OrdinalIgnoreCase));
        }
    }
}
