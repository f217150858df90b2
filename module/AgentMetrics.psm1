# The module's root: loads the cmdlet assembly from this copy's bin/ and re-exports its cmdlets, which the
# manifest's CmdletsToExport then lists. The assembly is not the RootModule itself because PowerShell would
# load it into the default load context, where .NET refuses a second AgentMetrics.PowerShell of another
# version: after Update-Module, Remove-Module + Import-Module in the same session would fail.

# .NET calls and language keywords only: Join-Path, Where-Object or Select-Object would load the
# Management and Utility modules on every import and add a third to its time.
$bin = [System.IO.Path]::Combine($PSScriptRoot, 'bin')
$cmdletAssemblyPath = [System.IO.Path]::Combine($bin, 'AgentMetrics.PowerShell.dll')

if ($PSEdition -eq 'Core' -and [Environment]::Version.Major -ge 8) {
    # PowerShell 7.4+: each installed copy gets its own AssemblyLoadContext (see ModuleLoadContext). Its
    # code is loaded once per copy into a context named for that copy, so the loader of one version never
    # answers for another; a re-import of the same copy finds both contexts again and gets the same types.
    # src/AgentMetrics.Host makes the same pair on a worker while its engine starts: keep this name and the
    # lock below as they are there.
    $loaderName = "AgentMetrics loader $bin"
    # Runspaces can import at once (ForEach-Object -Parallel, a host's runspace pool): they must all find
    # one loader, or each would get its own copy of every type and objects could not pass between them.
    # The interned name is one object in the whole process, so it serves as this copy's gate.
    $gate = [string]::Intern($loaderName)
    [System.Threading.Monitor]::Enter($gate)
    try {
        $loader = $null
        foreach ($context in [System.Runtime.Loader.AssemblyLoadContext]::All) {
            if ($context.Name -eq $loaderName) { $loader = $context; break }
        }
        if (-not $loader) {
            $loader = [System.Runtime.Loader.AssemblyLoadContext]::new($loaderName)
            $null = $loader.LoadFromAssemblyPath([System.IO.Path]::Combine($bin, 'AgentMetrics.PowerShell.LoadContext.dll'))
        }
    }
    finally {
        [System.Threading.Monitor]::Exit($gate)
    }
    $contextType = @($loader.Assemblies)[0].GetType('AgentMetrics.PowerShell.Loading.ModuleLoadContext', $true)
    $cmdletAssembly = $contextType::LoadCmdletAssembly($bin)
}
else {
    # Windows PowerShell (and PowerShell before 7.4) loads everything into one context: a second version
    # cannot join the first there, so say so instead of failing on a .NET message.
    $loaded = $null
    foreach ($assembly in [AppDomain]::CurrentDomain.GetAssemblies()) {
        if ($assembly.GetName().Name -eq 'AgentMetrics.PowerShell' -and $assembly.Location -ne $cmdletAssemblyPath) { $loaded = $assembly; break }
    }
    if ($loaded) {
        $message = "AgentMetrics from '$([System.IO.Path]::GetDirectoryName([System.IO.Path]::GetDirectoryName($loaded.Location)))' is already loaded in this session, and PowerShell $($PSVersionTable.PSVersion) cannot load a second copy of the module beside it. Start a new PowerShell session and import AgentMetrics there."
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
