using System.Management.Automation;

namespace AgentMetrics.PowerShell.Loading
{
    /// <summary>
    /// Installs the dependency loader as soon as PowerShell imports the module. The assembly's module
    /// initializer only runs when some of our code runs; until then, reflection over the cmdlet classes
    /// (Get-Command -Syntax, CommandInfo.Parameters, Get-Help) meets [OutputType(typeof(Core type))] and
    /// cannot resolve AgentMetrics.Core from PowerShell's own load context.
    /// </summary>
    public sealed class ModuleImportInitializer : IModuleAssemblyInitializer
    {
        public void OnImport() => DependencyLoader.Install();
    }
}
