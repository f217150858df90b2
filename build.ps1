<#
.SYNOPSIS
Builds, tests and packages the AgentMetrics module.

.DESCRIPTION
Build    dotnet build of AgentMetrics.PS.sln, which stages the module at out/AgentMetrics/<version>/.
Test     Build, then dotnet test --no-build; then the Pester tests in tests/pester when Pester 5 is installed.
Package  Build (unless -NoBuild), then out/packages/AgentMetrics.<version>.nupkg from the staged module,
         in the layout Publish-Module and Install-Module use.

Runs on PowerShell 7, Windows PowerShell 5.1 and the agentmetrics host's embedded engine, which has only
the core commands: so this script uses the language, dotnet and .NET APIs, and no Utility or Management
cmdlets (Write-Output, Test-Path, Join-Path...).

.EXAMPLE
./build.ps1 -Task Package
dotnet src/AgentMetrics.Host/bin/Release/net10.0/agentmetrics.dll -File build.ps1 -Task Package -NoBuild
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
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
$Solution = [System.IO.Path]::Combine($RepoRoot, 'AgentMetrics.PS.sln')
$ModuleProject = [System.IO.Path]::Combine($RepoRoot, 'src', 'AgentMetrics.PowerShell', 'AgentMetrics.PowerShell.csproj')
$PackageProject = [System.IO.Path]::Combine($RepoRoot, 'build', 'AgentMetrics.Package.csproj')

function Write-Step([string] $Message) {
    # Host output rather than pipeline output: Write-Output does not exist in the embedded engine.
    [Console]::Out.WriteLine("==> $Message")
}

function Invoke-Dotnet([string[]] $Arguments) {
    Write-Step ("dotnet " + ($Arguments -join ' '))
    # Out-Host keeps dotnet's lines off this script's output, so callers' return values stay clean.
    & dotnet @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE."
    }
}

function Get-StagedModuleDirectory {
    # Ask MSBuild rather than re-deriving the path: Directory.Build.props (AgentMetricsVersion) stays the
    # only place the version and the staging folder are defined.
    $value = & dotnet msbuild $ModuleProject -nologo "-getProperty:StagedModuleDir" "-p:Configuration=$Configuration"
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet msbuild could not evaluate StagedModuleDir (exit code $LASTEXITCODE): $value"
    }

    [System.IO.Path]::GetFullPath((@($value) -join '').Trim())
}

function Read-ModuleManifest([string] $Path) {
    if (Get-Command -Name Import-PowerShellDataFile -CommandType Cmdlet -ErrorAction Ignore) {
        return Import-PowerShellDataFile -LiteralPath $Path
    }

    # The embedded engine has no Import-PowerShellDataFile; SafeGetValue evaluates the same restricted
    # language (literals, arrays, hashtables) without running anything.
    $tokens = $null
    $parseErrors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref] $tokens, [ref] $parseErrors)
    if ($parseErrors.Count -gt 0) {
        throw "The manifest '$Path' does not parse: $($parseErrors[0].Message)"
    }

    $table = $ast.Find({ param($node) $node -is [System.Management.Automation.Language.HashtableAst] }, $false)
    if ($null -eq $table) {
        throw "The manifest '$Path' holds no hashtable."
    }

    $table.SafeGetValue()
}

function Get-ManifestValue($Table, [string] $Key) {
    if ($null -ne $Table -and $Table.ContainsKey($Key)) { $Table[$Key] } else { $null }
}

function Get-PackageTag($Manifest) {
    # The tags Publish-Module derives from a manifest; PowerShellGet's Find-Command and the gallery's
    # search read the PSCmdlet_/PSCommand_ ones, Install-Module's edition check the PSEdition_ ones.
    $psData = Get-ManifestValue (Get-ManifestValue $Manifest 'PrivateData') 'PSData'
    $tags = [System.Collections.Generic.List[string]]::new()
    $tags.Add('PSModule')
    foreach ($tag in @(Get-ManifestValue $psData 'Tags')) { if ($tag) { $tags.Add([string] $tag) } }
    foreach ($edition in @(Get-ManifestValue $Manifest 'CompatiblePSEditions')) { if ($edition) { $tags.Add("PSEdition_$edition") } }

    $cmdlets = @(Get-ManifestValue $Manifest 'CmdletsToExport') | Where-Object { $_ -and $_ -notmatch '[*?]' }
    if (@($cmdlets).Count -gt 0) { $tags.Add('PSIncludes_Cmdlet') }
    foreach ($name in $cmdlets) { $tags.Add("PSCmdlet_$name"); $tags.Add("PSCommand_$name") }

    $functions = @(Get-ManifestValue $Manifest 'FunctionsToExport') | Where-Object { $_ -and $_ -notmatch '[*?]' }
    if (@($functions).Count -gt 0) { $tags.Add('PSIncludes_Function') }
    foreach ($name in $functions) { $tags.Add("PSFunction_$name"); $tags.Add("PSCommand_$name") }

    # NuGet splits tags on spaces; keep the first spelling of each.
    $unique = [System.Collections.Generic.List[string]]::new()
    foreach ($tag in $tags) {
        $clean = $tag -replace '\s', ''
        if ($clean -and -not ($unique -contains $clean)) { $unique.Add($clean) }
    }
    $unique -join ' '
}

function Write-Nuspec([string] $Path, [string] $StagedDirectory, $Manifest) {
    $psData = Get-ManifestValue (Get-ManifestValue $Manifest 'PrivateData') 'PSData'
    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $xml = [System.Xml.XmlWriter]::Create($Path, $settings)
    try {
        $ns = 'http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd'
        $xml.WriteStartElement('package', $ns)
        $xml.WriteStartElement('metadata', $ns)
        $metadata = [ordered] @{
            id                       = 'AgentMetrics'
            version                  = [string] (Get-ManifestValue $Manifest 'ModuleVersion')
            authors                  = [string] (Get-ManifestValue $Manifest 'Author')
            owners                   = [string] (Get-ManifestValue $Manifest 'CompanyName')
            requireLicenseAcceptance = 'false'
            licenseUrl               = [string] (Get-ManifestValue $psData 'LicenseUri')
            projectUrl               = [string] (Get-ManifestValue $psData 'ProjectUri')
            description              = [string] (Get-ManifestValue $Manifest 'Description')
            releaseNotes             = [string] (Get-ManifestValue $psData 'ReleaseNotes')
            copyright                = [string] (Get-ManifestValue $Manifest 'Copyright')
            tags                     = Get-PackageTag $Manifest
        }
        foreach ($key in $metadata.Keys) {
            if ($metadata[$key]) { $xml.WriteElementString($key, $ns, $metadata[$key]) }
        }
        $xml.WriteEndElement()

        # Everything staged, at the package root: Install-Module extracts the package as the module folder.
        $xml.WriteStartElement('files', $ns)
        $xml.WriteStartElement('file', $ns)
        $xml.WriteAttributeString('src', [System.IO.Path]::Combine($StagedDirectory, '**'))
        $xml.WriteAttributeString('target', '')
        $xml.WriteEndElement()
        $xml.WriteEndElement()
        $xml.WriteEndElement()
    }
    finally {
        $xml.Dispose()
    }
}

function Invoke-Build {
    Invoke-Dotnet @('build', $Solution, '-c', $Configuration, '-nologo')
}

function Invoke-Test {
    Invoke-Build
    Invoke-Dotnet @('test', $Solution, '-c', $Configuration, '--no-build', '-nologo')

    $pester = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version.Major -ge 5 }
    if (-not $pester) {
        Write-Step 'Pester 5 is not installed: skipping tests/pester.'
        return
    }

    # A child process, so the module's assemblies are not left loaded (and locked, on Windows) in the
    # session that runs the next build.
    $shell = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $pesterTests = [System.IO.Path]::Combine($RepoRoot, 'tests', 'pester')
    $command = "Import-Module Pester -MinimumVersion 5.0; " +
        "`$result = Invoke-Pester -Path '$($pesterTests -replace "'", "''")' -Output Detailed -PassThru; " +
        "exit [int](`$result.FailedCount + `$result.FailedBlocksCount + `$result.FailedContainersCount)"
    Write-Step "Invoke-Pester $pesterTests"
    & $shell -NoProfile -NonInteractive -Command $command | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "Pester reported $LASTEXITCODE failure(s)."
    }
}

function Invoke-Package {
    if (-not $NoBuild) {
        Invoke-Build
    }

    $staged = Get-StagedModuleDirectory
    $manifestPath = [System.IO.Path]::Combine($staged, 'AgentMetrics.psd1')
    if (-not [System.IO.File]::Exists($manifestPath)) {
        throw "No staged module at '$staged'. Run build.ps1 -Task Build first (or drop -NoBuild)."
    }

    $manifest = Read-ModuleManifest $manifestPath
    $version = [string] (Get-ManifestValue $manifest 'ModuleVersion')
    $expectedVersion = [System.IO.Path]::GetFileName($staged.TrimEnd('/', '\'))
    if ($version -ne $expectedVersion) {
        throw "The staged manifest says ModuleVersion '$version' but was staged as '$expectedVersion'; rebuild."
    }

    $packageFolder = if ($OutputPath) {
        # Relative to the PowerShell location, which the process's working directory need not be.
        $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)
    }
    else {
        [System.IO.Path]::Combine($RepoRoot, 'out', 'packages')
    }
    [void] [System.IO.Directory]::CreateDirectory($packageFolder)

    $work = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'agentmetrics-package-' + [guid]::NewGuid().ToString('N'))
    [void] [System.IO.Directory]::CreateDirectory($work)
    try {
        $nuspec = [System.IO.Path]::Combine($work, 'AgentMetrics.nuspec')
        Write-Nuspec -Path $nuspec -StagedDirectory $staged -Manifest $manifest
        $package = [System.IO.Path]::Combine($packageFolder, "AgentMetrics.$version.nupkg")
        if ([System.IO.File]::Exists($package)) {
            [System.IO.File]::Delete($package)
        }

        # No node reuse: a lingering MSBuild node keeps inherited stdout open and stalls whoever reads it.
        Invoke-Dotnet @('pack', $PackageProject, '-nologo', '-nodeReuse:false', '-c', $Configuration,
            "-p:NuspecFile=$nuspec", "-p:PackageOutputPath=$packageFolder")
        if (-not [System.IO.File]::Exists($package)) {
            throw "dotnet pack succeeded but '$package' is missing."
        }

        Write-Step "Package: $package"
    }
    finally {
        [System.IO.Directory]::Delete($work, $true)
    }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Package' { Invoke-Package }
}
