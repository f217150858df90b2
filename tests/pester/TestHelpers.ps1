# Dot-sourced by every *.Tests.ps1 in BeforeAll:  BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }
#
# The module under test is imported *by name*, as users do: the runner (build.ps1 -Task Test) packages the
# module, installs the package with Install-PSResource -Scope CurrentUser under a scratch HOME (out/test/)
# and puts that module folder first on $env:PSModulePath before it starts Pester. For a quick run against
# the staged build instead (pwsh: `dotnet tool restore` then `dotnet pwsh`):
#   dotnet build AgentMetrics.PS.sln -c Release
#   $env:PSModulePath = "$PWD/out" + [IO.Path]::PathSeparator + $env:PSModulePath
#   dotnet restore build/TestTools.csproj      # Pester 6.2.0 into the NuGet global-packages folder
#   Import-Module (((dotnet nuget locals global-packages -l) -replace '^global-packages: ', '') + 'pester/6.2.0/tools/Pester.psd1')
#   Invoke-Pester tests/pester/Module.Tests.ps1

Set-StrictMode -Version 3.0

$script:RepoRoot = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
# ../shared/fixtures beside the project root (CI has it too); AGENTMETRICS_FIXTURES overrides.
$script:FixturesRoot = if ($env:AGENTMETRICS_FIXTURES) { $env:AGENTMETRICS_FIXTURES } else {
    [System.IO.Path]::GetFullPath((Join-Path $RepoRoot '../shared/fixtures'))
}
$script:FixtureHome = Join-Path $FixturesRoot 'agent-home'
$script:FixtureTruth = Get-Content -LiteralPath (Join-Path $FixturesRoot 'agent-home.truth.json') -Raw | ConvertFrom-Json

# Never the tester's own ~/.agentmetrics: every test file gets its own AgentMetrics home in TestDrive.
$script:TestHome = Join-Path $TestDrive 'agentmetrics-home'
$env:AGENTMETRICS_HOME = $TestHome

# Objects made in the test process are asserted and rendered at widths of the tests' choosing, so they take
# the 80-column layout whatever terminal runs Pester (in one of 120 columns or more the commands would pick
# the wide one: docs/views.md). Views.Tests.ps1 sets 'Wide' where it tests that layout, and lets commands
# choose for themselves in real terminals of their own.
$script:AgentMetricsTableLayout = 'Narrow'

if (-not (Get-Module -Name AgentMetrics)) {
    Import-Module -Name AgentMetrics -ErrorAction Stop
}

function New-FixtureWarehouse {
    <#
    .SYNOPSIS
    Imports the shared fixture's agent home into a new warehouse in TestDrive; returns the warehouse path.
    #>
    param([string] $Name = 'fixture.db')

    $path = Join-Path $TestDrive $Name
    $null = Import-AgentHistory -LiteralPath $FixtureHome -Warehouse $path -WarningAction SilentlyContinue
    $path
}

function Invoke-Pwsh {
    <#
    .SYNOPSIS
    Runs a script in a new real pwsh process (the same pwsh that runs the tests) with -NoProfile
    -NonInteractive -File, as a scheduled job would, and returns its exit code, standard output and
    standard error. Widths: render with Out-String -Width N in the script.
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{},
        [string[]] $ArgumentList = @()
    )

    $file = Join-Path $TestDrive ("script-" + [guid]::NewGuid().ToString('N') + '.ps1')
    Set-Content -LiteralPath $file -Value $Script -Encoding utf8
    # pwsh as a .NET tool runs as 'dotnet pwsh.dll': the current process is dotnet, so start pwsh.dll.
    $start = [System.Diagnostics.ProcessStartInfo]::new((Get-Process -Id $PID).Path)
    $entry = [Environment]::GetCommandLineArgs()[0]
    if ($entry -like '*.dll') { $start.ArgumentList.Add($entry) }
    foreach ($arg in @('-NoProfile', '-NonInteractive', '-File', $file) + $ArgumentList) { $start.ArgumentList.Add($arg) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.WorkingDirectory = (Get-Location).ProviderPath
    $start.Environment['NO_COLOR'] = '1'
    foreach ($key in $Environment.Keys) { $start.Environment[$key] = [string] $Environment[$key] }
    $process = [System.Diagnostics.Process]::Start($start)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    $process.WaitForExit()
    [pscustomobject] @{
        ExitCode = $process.ExitCode
        Output   = $stdout.Result
        Error    = $stderr.Result
    }
}

function Get-DeclaredModuleVersion {
    <#
    .SYNOPSIS
    AgentMetricsVersion from Directory.Build.props: the one place the module's version is written.
    #>
    $props = [xml] (Get-Content -LiteralPath (Join-Path $RepoRoot 'Directory.Build.props') -Raw)
    @($props.Project.PropertyGroup | ForEach-Object { $_.AgentMetricsVersion } | Where-Object { $_ })[0]
}

function Get-StagedModuleDirectory {
    <#
    .SYNOPSIS
    out/AgentMetrics/<version>/: the module as `dotnet build` staged it, which build.ps1 -Task Package packs.
    #>
    Join-Path $RepoRoot "out/AgentMetrics/$(Get-DeclaredModuleVersion)"
}

function Get-NuGetPackageRoot {
    <#
    .SYNOPSIS
    The NuGet global-packages folder (where build/TestTools.csproj's downloads are), as dotnet reports it.
    #>
    $line = @(& dotnet nuget locals global-packages --list) -match 'global-packages:' | Select-Object -First 1
    if (-not $line) { throw 'dotnet nuget locals did not name the global-packages folder.' }
    ($line -replace '^.*?global-packages:\s*', '').Trim()
}

function Invoke-BuildScript {
    <#
    .SYNOPSIS
    Runs ./build.ps1 with the given arguments in a new pwsh (Invoke-Pwsh): its exit code, output and errors.
    .EXAMPLE
    Invoke-BuildScript -Task Package -NoBuild -OutputPath $folder
    #>
    param(
        [string] $Task,
        [string] $OutputPath,
        [switch] $NoBuild,
        [string] $ScriptPath = (Join-Path $RepoRoot 'build.ps1')
    )

    # Stop: a parameter the script refuses ends the process with a failure, as `pwsh -File build.ps1` does.
    $call = "`$ErrorActionPreference = 'Stop'; & '$($ScriptPath -replace "'", "''")'"
    if ($Task) { $call += " -Task '$Task'" }
    if ($OutputPath) { $call += " -OutputPath '$($OutputPath -replace "'", "''")'" }
    if ($NoBuild) { $call += ' -NoBuild' }
    Invoke-Pwsh -Script $call
}
