# The module's root: loads the cmdlet assembly from this copy's bin/ and re-exports its cmdlets, which the
# manifest's CmdletsToExport then lists. The assembly is not the RootModule itself because PowerShell would
# load it into the default load context, where .NET refuses a second AgentMetrics.PowerShell of another
# version: after Update-Module, Remove-Module + Import-Module in the same session would fail.

$bin = Join-Path $PSScriptRoot 'bin'
$cmdletAssemblyPath = Join-Path $bin 'AgentMetrics.PowerShell.dll'

if ($PSVersionTable.PSEdition -eq 'Core' -and [Environment]::Version.Major -ge 8) {
    # PowerShell 7.4+: each installed copy gets its own AssemblyLoadContext (see ModuleLoadContext). Its
    # code is loaded once per copy into a context named for that copy, so the loader of one version never
    # answers for another; a re-import of the same copy finds both contexts again and gets the same types.
    $loaderName = "AgentMetrics loader $bin"
    $loader = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ $loaderName | Select-Object -First 1
    if (-not $loader) {
        $loader = [System.Runtime.Loader.AssemblyLoadContext]::new($loaderName)
        $null = $loader.LoadFromAssemblyPath((Join-Path $bin 'AgentMetrics.PowerShell.LoadContext.dll'))
    }
    $contextType = @($loader.Assemblies)[0].GetType('AgentMetrics.PowerShell.Loading.ModuleLoadContext', $true)
    $cmdletAssembly = $contextType::LoadCmdletAssembly($bin)
}
else {
    # Windows PowerShell (and PowerShell before 7.4) loads everything into one context: a second version
    # cannot join the first there, so say so instead of failing on a .NET message.
    $loaded = [AppDomain]::CurrentDomain.GetAssemblies() |
        Where-Object { $_.GetName().Name -eq 'AgentMetrics.PowerShell' -and $_.Location -ne $cmdletAssemblyPath } |
        Select-Object -First 1
    if ($loaded) {
        $message = "AgentMetrics from '$(Split-Path (Split-Path $loaded.Location))' is already loaded in this session, and PowerShell $($PSVersionTable.PSVersion) cannot load a second copy of the module beside it. Start a new PowerShell session and import AgentMetrics there."
        throw [System.Management.Automation.ErrorRecord]::new(
            [System.InvalidOperationException]::new($message),
            'AgentMetricsOtherVersionLoaded',
            [System.Management.Automation.ErrorCategory]::ResourceExists,
            $loaded.Location)
    }
    $cmdletAssembly = [System.Reflection.Assembly]::LoadFrom($cmdletAssemblyPath)
}

Import-Module -Assembly $cmdletAssembly
Export-ModuleMember -Cmdlet *
