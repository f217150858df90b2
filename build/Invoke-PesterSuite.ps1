<#
.SYNOPSIS
Runs the Pester suite and prints one count line that CI sums: 'Pester: N passed, N failed, N skipped'.
Failed blocks and containers (a BeforeAll that threw, a file that does not parse) count as failures, so a
broken file cannot hide its tests. Exits non-zero on any failure or when nothing passed.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string[]] $TestPath
)

$ErrorActionPreference = 'Stop'
Import-Module -Name $PesterPath -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = $TestPath
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $configuration

$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
Write-Host "Pester: $($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped"
if ($failed -gt 0 -or $result.PassedCount -eq 0) { exit 1 }
exit 0
