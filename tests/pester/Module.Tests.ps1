# The module as a whole, as imported by name (build.ps1 -Task Test: the copy Install-PSResource installed):
# its manifest, what it exports, and that it lives beside other modules' copies of its dependencies.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Module = Get-Module -Name AgentMetrics
    $script:ManifestPath = Join-Path $Module.ModuleBase 'AgentMetrics.psd1'
    $script:Manifest = Import-PowerShellDataFile -LiteralPath $ManifestPath
}

Describe 'The AgentMetrics manifest' {
    It 'passes Test-ModuleManifest with the version from Directory.Build.props' {
        $info = Test-ModuleManifest -Path $ManifestPath

        $info.Name | Should -Be 'AgentMetrics'
        $info.Version | Should -Be ([version] (Get-DeclaredModuleVersion))
        $Module.Version | Should -Be $info.Version
        # Installed modules live in <name>/<version>/.
        Split-Path -Leaf $Module.ModuleBase | Should -Be $info.Version.ToString()
    }

    It 'runs on Windows PowerShell 5.1 and PowerShell 7 alike' {
        $Manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $Manifest.PowerShellVersion | Should -Be '5.1'
        # A script root module: it loads the cmdlet assembly into this copy's own load context (PowerShell 7)
        # or directly (Windows PowerShell), and re-exports the cmdlets under AgentMetrics.
        $Manifest.RootModule | Should -Be 'AgentMetrics.psm1'
        # Dependencies load privately on import; RequiredAssemblies would load them into the shared context.
        $Manifest.ContainsKey('RequiredAssemblies') | Should -BeFalse
    }

    It 'has the gallery metadata Install-Module and Find-Module show' {
        $Manifest.Description | Should -Not -BeNullOrEmpty
        $Manifest.Author | Should -Not -BeNullOrEmpty
        $Manifest.PrivateData.PSData.ProjectUri | Should -BeLike 'https://*'
        $Manifest.PrivateData.PSData.LicenseUri | Should -BeLike 'https://*'
        $Manifest.PrivateData.PSData.Tags | Should -Not -BeNullOrEmpty
    }
}

Describe 'What the module exports' {
    It 'exports exactly CmdletsToExport, which are exactly its [Cmdlet] classes' {
        $declared = @($Manifest.CmdletsToExport | Sort-Object)
        $exported = @(Get-Command -Module AgentMetrics | ForEach-Object Name | Sort-Object)
        # Found under the module users imported, not under the nested assembly module's name.
        @(Get-Command -Module AgentMetrics | Where-Object Source -NE 'AgentMetrics') | Should -BeNullOrEmpty
        $cmdletAssembly = @($Module.NestedModules | Where-Object ModuleType -EQ 'Binary')[0].ImplementingAssembly
        $cmdletAssembly.Location | Should -Be (Join-Path $Module.ModuleBase 'bin/AgentMetrics.PowerShell.dll')
        $implemented = @($cmdletAssembly.GetTypes() |
                ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
                ForEach-Object { "$($_.VerbName)-$($_.NounName)" } | Sort-Object)

        $implemented | Should -Not -BeNullOrEmpty
        $exported | Should -Be $implemented
        $declared | Should -Be $implemented
    }

    It 'exports no functions, aliases or variables' {
        $Module.ExportedFunctions.Count | Should -Be 0
        $Module.ExportedAliases.Count | Should -Be 0
        $Module.ExportedVariables.Count | Should -Be 0
    }

    It 'uses approved verbs and the Agent noun prefix on every cmdlet' {
        $approved = @(Get-Verb | ForEach-Object Verb)
        foreach ($command in Get-Command -Module AgentMetrics) {
            $approved | Should -Contain $command.Verb
            $command.Noun | Should -BeLike 'Agent*'
        }
    }

    It 'imports by name in a new pwsh without a warning or an error' {
        $run = Invoke-Pwsh -Script @'
Import-Module AgentMetrics -WarningVariable warnings -ErrorAction Stop
"warnings=$($warnings.Count)"
"version=$((Get-Module AgentMetrics).Version)"
'@
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $run.Error | Should -BeNullOrEmpty
        $run.Output | Should -Match 'warnings=0'
        $run.Output | Should -Match "version=$([regex]::Escape($Module.Version.ToString()))"
    }
}

Describe 'Living beside other modules' {
    It 'works with another YamlDotNet version loaded first, and keeps its own private copy' {
        # An older YamlDotNet that build/TestTools.csproj downloads, as another module would bring it.
        $oldYaml = Join-Path (Get-NuGetPackageRoot) 'yamldotnet/13.7.1/lib/netstandard2.0/YamlDotNet.dll'
        $oldYaml | Should -Exist -Because 'build/TestTools.csproj downloads it (dotnet restore build/TestTools.csproj)'

        $run = Invoke-Pwsh -ArgumentList $oldYaml -Script @'
param($OldYaml)
$ErrorActionPreference = 'Stop'
$null = [System.Reflection.Assembly]::LoadFrom($OldYaml)
Import-Module AgentMetrics
# Reading the price book parses YAML: it must use the module's own YamlDotNet, not the one loaded first.
$prices = @(Get-AgentModelPrice 'claude-*')
"prices=$($prices.Count)"
$versions = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'YamlDotNet' } |
    ForEach-Object { $_.GetName().Version.Major } | Sort-Object
"yaml=$($versions -join ',')"
'@
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $run.Output | Should -Match 'prices=[1-9]'
        # Both copies loaded side by side: the other module's 13.x and ours.
        $ours = [System.Reflection.AssemblyName]::GetAssemblyName((Join-Path $Module.ModuleBase 'bin/Dependencies/YamlDotNet.dll')).Version.Major
        $run.Output | Should -Match "yaml=13,$ours"
    }

    It 'gives runspaces that import at once one copy of its types, loaded from its own folder' {
        # ForEach-Object -Parallel imports in several runspaces at the same moment; objects pass between them.
        $run = Invoke-Pwsh -Script @'
$ErrorActionPreference = 'Stop'
$types = 1..6 | ForEach-Object -ThrottleLimit 6 -Parallel { Import-Module AgentMetrics; (Get-Command Get-AgentSession).ImplementingType }
"types=$($types.Count)"
"same=$(@($types | Where-Object { [object]::ReferenceEquals($_, $types[0]) }).Count)"
"location=$($types[0].Assembly.Location)"
"contexts=$(@([System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -Like 'AgentMetrics *').Count)"
'@
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $run.Output | Should -Match '(?m)^types=6\s*$'
        $run.Output | Should -Match '(?m)^same=6\s*$'
        $run.Output | Should -Match ("(?m)^location={0}\s*$" -f [regex]::Escape((Join-Path $Module.ModuleBase 'bin/AgentMetrics.PowerShell.dll')))
        # The loader and the module's own context, once.
        $run.Output | Should -Match '(?m)^contexts=2\s*$'
    }
}
