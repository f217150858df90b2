<#
.SYNOPSIS
Installs AgentMetrics from a folder of packages the way users install it: a registered repository and
Install-PSResource -Scope CurrentUser. build.ps1 -Task Test runs it in a pwsh whose HOME is a scratch folder.
#>
param(
    # The folder holding AgentMetrics.<version>.nupkg (build.ps1 -Task Package writes it).
    [Parameter(Mandatory)] [string] $PackageFolder,

    # The CurrentUser module folder this pwsh uses; the module must land under it.
    [Parameter(Mandatory)] [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$repository = 'AgentMetricsBuild'
Register-PSResourceRepository -Name $repository -Uri $PackageFolder -Trusted
try {
    if ($IsWindows) {
        # Windows profile folders ignore HOME: save to the scratch folder instead of the real profile.
        Save-PSResource -Name AgentMetrics -Repository $repository -Path $ModulePath -IncludeXml -Quiet
    }
    else {
        Install-PSResource -Name AgentMetrics -Repository $repository -Scope CurrentUser -Reinstall -Quiet
    }
}
finally {
    Unregister-PSResourceRepository -Name $repository
}

$installed = @(Get-Module -ListAvailable -Name (Join-Path $ModulePath 'AgentMetrics'))
if ($installed.Count -ne 1) {
    throw "Expected one AgentMetrics under '$ModulePath', found $($installed.Count)."
}
Write-Host "Installed AgentMetrics $($installed[0].Version) at $($installed[0].ModuleBase)"
