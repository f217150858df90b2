<#
.SYNOPSIS
Builds, tests and packages the AgentMetrics module.

.DESCRIPTION
Clean    Removes out/ (the staged module, packages and the test install).
Build    dotnet build of AgentMetrics.PS.sln, which stages the module at out/AgentMetrics/<version>/.
Test     Build; the xUnit tests of every test project; Package; installs the package with
         Install-PSResource from a local repository into a fresh module folder (out/test/); then the whole
         Pester suite (tests/pester/*.Tests.ps1, Pester restored from NuGet by build/TestTools.csproj) on
         pwsh with that folder first on PSModulePath. Ends with one line the CI reads:
         'Pester: N passed, N failed, N skipped'.
Package  Build (unless -NoBuild), then out/packages/AgentMetrics.<version>.nupkg from the staged module,
         the package Install-Module and Install-PSResource install.

Runs on PowerShell 7 and Windows PowerShell 5.1. The Test task runs its installs and Pester on pwsh: this
one when it is pwsh, otherwise the repository's pinned tool (`dotnet tool restore` first).

.EXAMPLE
dotnet tool restore; dotnet pwsh -NoProfile -File ./build.ps1 -Task Test

.EXAMPLE
./build.ps1 -Task Package -OutputPath ~/packages
#>
[CmdletBinding()]
param(
    [ValidateSet('Clean', 'Build', 'Test', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    # Where Package writes the .nupkg; default out/packages.
    [string] $OutputPath,

    # Package what is already staged (a build that just ran, or one still in use) without rebuilding.
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$RepoRoot = $PSScriptRoot
$OutRoot = Join-Path $RepoRoot 'out'
$Solution = Join-Path $RepoRoot 'AgentMetrics.PS.sln'
$ModuleProject = Join-Path $RepoRoot 'src/AgentMetrics.PowerShell/AgentMetrics.PowerShell.csproj'
$PackageProject = Join-Path $RepoRoot 'build/AgentMetrics.Package.csproj'
$TestToolsProject = Join-Path $RepoRoot 'build/TestTools.csproj'

function Write-Step([string] $Message) {
    Write-Host "==> $Message"
}

function Invoke-Dotnet([string[]] $Arguments) {
    Write-Step ("dotnet " + ($Arguments -join ' '))
    # Out-Host keeps dotnet's lines off this script's output, so callers' return values stay clean.
    & dotnet @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE."
    }
}

function Get-MSBuildProperty([string] $Project, [string[]] $Name) {
    # Ask MSBuild rather than re-deriving values: Directory.Build.props (AgentMetricsVersion) and the
    # projects stay the only places versions and folders are defined.
    $arguments = @('msbuild', $Project, '-nologo', "-p:Configuration=$Configuration") + ($Name | ForEach-Object { "-getProperty:$_" })
    $value = (& dotnet @arguments) -join "`n"
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet msbuild could not evaluate $($Name -join ', ') of '$Project' (exit code $LASTEXITCODE): $value"
    }

    if ($Name.Count -eq 1) {
        return $value.Trim()
    }

    # Several properties come back as JSON: {"Properties": {"A": "...", "B": "..."}}.
    ($value | ConvertFrom-Json).Properties
}

function Get-StagedModuleDirectory {
    [System.IO.Path]::GetFullPath((Get-MSBuildProperty $ModuleProject 'StagedModuleDir'))
}

function Get-PackageTag([hashtable] $Manifest) {
    # The tags Publish-Module derives from a manifest; PowerShellGet's Find-Command and the gallery's
    # search read the PSCmdlet_/PSCommand_ ones, Install-Module's edition check the PSEdition_ ones.
    $tags = @('PSModule') + @($Manifest.PrivateData.PSData.Tags) +
        @($Manifest.CompatiblePSEditions | ForEach-Object { "PSEdition_$_" })

    $cmdlets = @($Manifest.CmdletsToExport | Where-Object { $_ -and $_ -notmatch '[*?]' })
    if ($cmdlets.Count -gt 0) { $tags += 'PSIncludes_Cmdlet' }
    foreach ($name in $cmdlets) { $tags += "PSCmdlet_$name", "PSCommand_$name" }

    $functions = @($Manifest.FunctionsToExport | Where-Object { $_ -and $_ -notmatch '[*?]' })
    if ($functions.Count -gt 0) { $tags += 'PSIncludes_Function' }
    foreach ($name in $functions) { $tags += "PSFunction_$name", "PSCommand_$name" }

    # NuGet splits tags on spaces; keep the first spelling of each.
    (@($tags | Where-Object { $_ } | ForEach-Object { $_ -replace '\s', '' } | Select-Object -Unique)) -join ' '
}

function Write-Nuspec([string] $Path, [string] $StagedDirectory, [hashtable] $Manifest) {
    $psData = $Manifest.PrivateData.PSData
    $settings = New-Object System.Xml.XmlWriterSettings
    $settings.Indent = $true
    $settings.Encoding = New-Object System.Text.UTF8Encoding $false
    $xml = [System.Xml.XmlWriter]::Create($Path, $settings)
    try {
        $ns = 'http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd'
        $xml.WriteStartElement('package', $ns)
        $xml.WriteStartElement('metadata', $ns)
        $metadata = [ordered] @{
            id                       = 'AgentMetrics'
            version                  = [string] $Manifest.ModuleVersion
            authors                  = [string] $Manifest.Author
            owners                   = [string] $Manifest.CompanyName
            requireLicenseAcceptance = 'false'
            licenseUrl               = [string] $psData.LicenseUri
            projectUrl               = [string] $psData.ProjectUri
            description              = [string] $Manifest.Description
            releaseNotes             = [string] $psData.ReleaseNotes
            copyright                = [string] $Manifest.Copyright
            tags                     = Get-PackageTag $Manifest
        }
        foreach ($key in $metadata.Keys) {
            if ($metadata[$key]) { $xml.WriteElementString($key, $ns, $metadata[$key]) }
        }
        $xml.WriteEndElement()

        # Everything staged, at the package root: Install-Module extracts the package as the module folder.
        $xml.WriteStartElement('files', $ns)
        $xml.WriteStartElement('file', $ns)
        $xml.WriteAttributeString('src', (Join-Path $StagedDirectory '**'))
        $xml.WriteAttributeString('target', '')
        $xml.WriteEndElement()
        $xml.WriteEndElement()
        $xml.WriteEndElement()
    }
    finally {
        $xml.Dispose()
    }
}

function Invoke-Clean {
    if (Test-Path -LiteralPath $OutRoot) {
        Write-Step "Remove $OutRoot"
        Remove-Item -LiteralPath $OutRoot -Recurse -Force
    }
}

function Invoke-Build {
    Invoke-Dotnet @('build', $Solution, '-c', $Configuration, '-nologo')
}

function Invoke-Package([switch] $Built) {
    if (-not ($NoBuild -or $Built)) {
        Invoke-Build
    }

    $staged = Get-StagedModuleDirectory
    $manifestPath = Join-Path $staged 'AgentMetrics.psd1'
    if (-not (Test-Path -LiteralPath $manifestPath)) {
        throw "No staged module at '$staged'. Run build.ps1 -Task Build first (or drop -NoBuild)."
    }

    $manifest = Import-PowerShellDataFile -LiteralPath $manifestPath
    $version = [string] $manifest.ModuleVersion
    $stagedAs = Split-Path -Leaf $staged.TrimEnd('/', '\')
    if ($version -ne $stagedAs) {
        throw "The staged manifest says ModuleVersion '$version' but was staged as '$stagedAs'; rebuild."
    }

    $packageFolder = if ($OutputPath) {
        # Relative to the PowerShell location, which the process's working directory need not be.
        $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)
    }
    else {
        Join-Path $OutRoot 'packages'
    }
    $null = New-Item -ItemType Directory -Path $packageFolder -Force

    $work = Join-Path ([System.IO.Path]::GetTempPath()) ('agentmetrics-package-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $work
    try {
        $nuspec = Join-Path $work 'AgentMetrics.nuspec'
        Write-Nuspec -Path $nuspec -StagedDirectory $staged -Manifest $manifest
        $package = Join-Path $packageFolder "AgentMetrics.$version.nupkg"
        Remove-Item -LiteralPath $package -ErrorAction Ignore

        # No node reuse: a lingering MSBuild node keeps inherited stdout open and stalls whoever reads it.
        Invoke-Dotnet @('pack', $PackageProject, '-nologo', '-nodeReuse:false', '-c', $Configuration,
            "-p:NuspecFile=$nuspec", "-p:PackageOutputPath=$packageFolder")
        if (-not (Test-Path -LiteralPath $package)) {
            throw "dotnet pack succeeded but '$package' is missing."
        }

        Write-Step "Package: $package"
        $package
    }
    finally {
        Remove-Item -LiteralPath $work -Recurse -Force
    }
}

function Get-PwshCommand {
    # The suite is about real pwsh. On pwsh, the same one (a .NET tool runs as 'dotnet pwsh.dll', so the
    # entry assembly comes along); on Windows PowerShell, the pinned tool from .config/dotnet-tools.json.
    if ($PSVersionTable.PSEdition -eq 'Core') {
        $prefix = @([Environment]::GetCommandLineArgs()[0]) | Where-Object { $_ -like '*.dll' }
        return @((Get-Process -Id $PID).Path) + @($prefix)
    }

    @('dotnet', 'tool', 'run', 'pwsh', '--')
}

function Invoke-Pwsh([string[]] $Arguments) {
    $pwsh = @(Get-PwshCommand)
    $command = $pwsh[0]
    $rest = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive') + $Arguments
    & $command @rest | Out-Host
    $LASTEXITCODE
}

function Install-TestModule([string] $Package) {
    # Installed as users do, by Install-PSResource -Scope CurrentUser from a registered repository, with
    # HOME and the XDG folders in out/test/home: the repository registration and the CurrentUser module
    # folder land there, never in the tester's own profile.
    $testRoot = Join-Path $OutRoot 'test'
    $testHome = Join-Path $testRoot 'home'
    if (Test-Path -LiteralPath $testRoot) { Remove-Item -LiteralPath $testRoot -Recurse -Force }
    # The XDG folders (and macOS's Library/Application Support) must exist: .NET reports a missing one as
    # '', and PSResourceGet then keeps its repository list in ./PSResourceGet under the working directory.
    foreach ($folder in '.local/share', '.config', '.cache', 'Library/Application Support') {
        $null = New-Item -ItemType Directory -Path (Join-Path $testHome $folder) -Force
    }
    # Where pwsh puts CurrentUser modules on Linux and macOS, given XDG_DATA_HOME below; Windows keeps its
    # profile folders whatever the environment says, so there the install script saves to this folder.
    $modules = Join-Path $testHome '.local/share/powershell/Modules'
    # A repository holding this package alone: out/packages may keep other versions from earlier builds.
    $repository = Join-Path $testRoot 'repository'
    $null = New-Item -ItemType Directory -Path $repository
    Copy-Item -LiteralPath $Package -Destination $repository

    $script = Join-Path $RepoRoot 'build/Install-TestModule.ps1'
    $saved = @{}
    foreach ($name in 'HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    try {
        $env:HOME = $testHome
        $env:XDG_DATA_HOME = Join-Path $testHome '.local/share'
        $env:XDG_CONFIG_HOME = Join-Path $testHome '.config'
        $env:XDG_CACHE_HOME = Join-Path $testHome '.cache'
        Write-Step "Install-PSResource AgentMetrics from $repository into $modules"
        $exit = Invoke-Pwsh @('-File', $script, '-PackageFolder', $repository, '-ModulePath', $modules)
    }
    finally {
        foreach ($name in @($saved.Keys)) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }

    if ($exit -ne 0) {
        throw "Installing the package failed (exit code $exit)."
    }
    $modules
}

function Get-PesterModulePath {
    Invoke-Dotnet @('restore', $TestToolsProject, '-nologo')
    # After restore, NuGetPackageRoot is the global-packages folder (NUGET_PACKAGES, nuget.config or the
    # default), which is where PackageDownload put Pester.
    $properties = Get-MSBuildProperty $TestToolsProject @('NuGetPackageRoot', 'PesterVersion')
    $path = Join-Path $properties.NuGetPackageRoot "pester/$($properties.PesterVersion)/tools/Pester.psd1"
    if (-not (Test-Path -LiteralPath $path)) {
        throw "Pester $($properties.PesterVersion) is not at '$path' after restore."
    }
    $path
}

function Invoke-Test {
    $pester = Get-PesterModulePath
    Invoke-Build

    # Every step runs even when an earlier one had failures, so one run reports every count.
    $failures = @()
    Write-Step "dotnet test $Solution"
    & dotnet test $Solution -c $Configuration --no-build -nologo | Out-Host
    if ($LASTEXITCODE -ne 0) { $failures += "dotnet test (exit code $LASTEXITCODE)" }

    $package = Invoke-Package -Built
    $modules = Install-TestModule $package

    $saved = $env:PSModulePath
    try {
        # The installed module first; the pwsh's own modules (Pester's dependencies, Utility...) after it.
        $env:PSModulePath = $modules + [System.IO.Path]::PathSeparator + $env:PSModulePath
        $runner = Join-Path $RepoRoot 'build/Invoke-PesterSuite.ps1'
        Write-Step "Invoke-Pester $(Join-Path $RepoRoot 'tests/pester')"
        $exit = Invoke-Pwsh @('-File', $runner, '-PesterPath', $pester, '-TestPath', (Join-Path $RepoRoot 'tests/pester'))
        if ($exit -ne 0) { $failures += "Pester (exit code $exit)" }
    }
    finally {
        $env:PSModulePath = $saved
    }

    if ($failures.Count -gt 0) {
        throw "Tests failed: $($failures -join '; ')."
    }
}

switch ($Task) {
    'Clean' { Invoke-Clean }
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Package' { Invoke-Package }
}
