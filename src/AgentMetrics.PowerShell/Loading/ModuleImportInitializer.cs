using System.Management.Automation;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace AgentMetrics.PowerShell.Loading
{
    /// <summary>
    /// Installs the dependency loader as soon as PowerShell imports the module. The assembly's module
    /// initializer only runs when some of our code runs; until then, on Windows PowerShell (or when the
    /// assembly is imported by path), reflection over the cmdlet classes (Get-Command -Syntax,
    /// CommandInfo.Parameters, Get-Help) meets [OutputType(typeof(Core type))] and cannot resolve
    /// AgentMetrics.Core. Through AgentMetrics.psm1 on PowerShell 7 the module's own load context already does.
    /// </summary>
    public sealed class ModuleImportInitializer : IModuleAssemblyInitializer
    {
        public void OnImport()
        {
            DependencyLoader.Install();
            // Loading native SQLite and its .NET bindings takes 10-15 ms the first time a warehouse opens; a
            // worker does it now, while PowerShell finishes importing and starts the command.
            Task.Run(WarmUpSqlite);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void WarmUpSqlite()
        {
            try
            {
                Infrastructure.AgentMetricsCmdlet.LoadSqlite();
            }
            catch (Errors.AgentMetricsException)
            {
                // Recorded: the first command that opens a warehouse reports it, with what to do.
            }
        }
    }
}
