<#
.SYNOPSIS
Writes how every cost table renders today (CostViewRendering.ps1) into tests/pester/CostViewSnapshots/, from
the AgentMetrics module first on PSModulePath. Views.Tests.ps1 demands the same renderings of every build.

.DESCRIPTION
The snapshots were written by the build whose views were kept by hand (commit 66b4583), before the views
were generated from one definition; the generated views reproduce them byte for byte. Run this again only to
change a view on purpose, and read the diff it makes: it is what users will see change.

.EXAMPLE
dotnet build AgentMetrics.PS.sln -c Release
$env:PSModulePath = "$PWD/out" + [IO.Path]::PathSeparator + $env:PSModulePath
dotnet pwsh -NoProfile -File tests/pester/Save-CostViewSnapshots.ps1
#>
[CmdletBinding()]
param(
    # The shared fixture's agent home; default ../shared/fixtures beside the repository, as the tests use.
    [string] $FixtureHome
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$repoRoot = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
if (-not $FixtureHome) {
    $fixtures = if ($env:AGENTMETRICS_FIXTURES) { $env:AGENTMETRICS_FIXTURES } else { Join-Path $repoRoot '../shared/fixtures' }
    $FixtureHome = Join-Path $fixtures 'agent-home'
}

$work = Join-Path ([System.IO.Path]::GetTempPath()) ('agentmetrics-snapshots-' + [guid]::NewGuid().ToString('N'))
$null = New-Item -ItemType Directory -Path $work
$env:AGENTMETRICS_HOME = Join-Path $work 'agentmetrics-home'
try {
    Import-Module AgentMetrics
    . (Join-Path $PSScriptRoot 'CostViewRendering.ps1')
    $warehouse = New-CostViewWarehouse -Path (Join-Path $work 'views.db') -FixtureHome $FixtureHome -WorkFolder $work
    $folder = Join-Path $PSScriptRoot 'CostViewSnapshots'
    $null = New-Item -ItemType Directory -Path $folder -Force
    foreach ($by in Get-CostViewGrouping) {
        $path = Join-Path $folder "$(Get-CostViewGroupingName $by).txt"
        [System.IO.File]::WriteAllText($path, (Get-CostViewRendering -By $by -Warehouse $warehouse), [System.Text.UTF8Encoding]::new($false))
        Write-Host "Wrote $path"
    }
}
finally {
    Remove-Module AgentMetrics -ErrorAction Ignore
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Ignore
}
