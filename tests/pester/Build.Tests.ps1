# build.ps1 on real pwsh, run the way contributors run it: a new pwsh process per call.
# Packaging uses -NoBuild: the module under test is already built and staged (build.ps1 -Task Test built it).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Add-Type -AssemblyName System.IO.Compression.FileSystem

    $script:BuildScript = Join-Path $RepoRoot 'build.ps1'
    $script:Version = Get-DeclaredModuleVersion
    $script:Staged = Get-StagedModuleDirectory
    if (-not (Test-Path -LiteralPath (Join-Path $Staged 'AgentMetrics.psd1'))) {
        throw "No staged module at '$Staged': run 'dotnet build AgentMetrics.PS.sln -c Release' first."
    }
}

Describe 'build.ps1 -Task Package' {
    BeforeAll {
        $script:Packages = Join-Path $TestDrive 'packages'
        $script:Run = Invoke-BuildScript -Task Package -NoBuild -OutputPath $Packages
        $script:Package = Join-Path $Packages "AgentMetrics.$Version.nupkg"

        $zip = [System.IO.Compression.ZipFile]::OpenRead($Package)
        try {
            $script:Entries = @($zip.Entries | ForEach-Object { $_.FullName.Replace('\', '/') })
            $reader = New-Object System.IO.StreamReader ($zip.GetEntry('AgentMetrics.nuspec').Open())
            try { $script:Nuspec = [xml] $reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally {
            $zip.Dispose()
        }
    }

    It 'writes out AgentMetrics.<version>.nupkg and returns its path' {
        $Run.ExitCode | Should -Be 0 -Because $Run.Error
        $Package | Should -Exist
        ($Run.Output -split "`r?`n") | Should -Contain $Package
    }

    It 'carries the metadata PowerShellGet reads, taken from the manifest' {
        $metadata = $Nuspec.package.metadata
        $metadata.id | Should -Be 'AgentMetrics'
        $metadata.version | Should -Be $Version
        $metadata.authors | Should -Not -BeNullOrEmpty
        $metadata.description | Should -Not -BeNullOrEmpty
        $metadata.projectUrl | Should -BeLike 'https://*'
        $metadata.licenseUrl | Should -BeLike 'https://*'

        $tags = $metadata.tags -split ' '
        foreach ($tag in 'PSModule', 'PSIncludes_Cmdlet', 'PSEdition_Core', 'PSEdition_Desktop') {
            $tags | Should -Contain $tag
        }
        $declared = (Import-PowerShellDataFile -LiteralPath (Join-Path $Staged 'AgentMetrics.psd1')).CmdletsToExport
        foreach ($name in $declared) {
            $tags | Should -Contain "PSCmdlet_$name"
            $tags | Should -Contain "PSCommand_$name"
        }
    }

    It 'holds exactly the staged module at its root, no build leftovers' {
        # Written by NuGet itself, not part of the module.
        $packaging = '^(\[Content_Types\]\.xml|_rels/|package/|AgentMetrics\.nuspec$)'
        $moduleEntries = @($Entries | Where-Object { $_ -notmatch $packaging } | Sort-Object)
        $stagedFiles = @(Get-ChildItem -LiteralPath $Staged -Recurse -File | ForEach-Object {
                $_.FullName.Substring($Staged.TrimEnd('/', '\').Length + 1).Replace('\', '/')
            } | Sort-Object)

        $moduleEntries | Should -Be $stagedFiles
        $moduleEntries | Should -Contain 'AgentMetrics.psd1'
        $moduleEntries | Should -Contain 'bin/AgentMetrics.PowerShell.dll'
        $moduleEntries | Should -Contain 'bin/Dependencies/native/linux-x64/libe_sqlite3.so'
        $moduleEntries | Should -Contain 'bin/Dependencies/native/win-x64/e_sqlite3.dll'
        $moduleEntries | Where-Object { $_ -match '(^|/)obj/|/(Release|Debug)/|\.pdb$' } | Should -BeNullOrEmpty
    }
}

Describe 'build.ps1 tasks' {
    It 'refuses an unknown task, naming the valid ones, before running anything' {
        $run = Invoke-BuildScript -Task Deploy

        $run.ExitCode | Should -Not -Be 0
        $run.Error | Should -Match 'Deploy'
        $run.Error | Should -Match 'Clean,Build,Test,Package'
        $run.Output | Should -Not -Match 'dotnet'
    }

    It 'Clean removes the out folder beside the script' {
        # A copy of the script in a scratch repository: cleaning the real out/ would remove the module under test.
        $repo = Join-Path $TestDrive 'clean-repo'
        $null = New-Item -ItemType Directory -Path (Join-Path $repo 'out/AgentMetrics/0.0.1') -Force
        Set-Content -LiteralPath (Join-Path $repo 'out/AgentMetrics/0.0.1/AgentMetrics.psd1') -Value '@{}'
        Set-Content -LiteralPath (Join-Path $repo 'keep.txt') -Value 'not build output'
        Copy-Item -LiteralPath $BuildScript -Destination $repo

        $run = Invoke-BuildScript -Task Clean -ScriptPath (Join-Path $repo 'build.ps1')

        $run.ExitCode | Should -Be 0 -Because $run.Error
        Join-Path $repo 'out' | Should -Not -Exist
        Join-Path $repo 'keep.txt' | Should -Exist
    }

    It 'is written for Windows PowerShell 5.1 too: no pwsh 7-only syntax' {
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($BuildScript, [ref] $tokens, [ref] $errors)
        $errors | Should -BeNullOrEmpty

        $pwsh7Only = $ast.FindAll({
                param($node)
                $node -is [System.Management.Automation.Language.TernaryExpressionAst] -or
                $node -is [System.Management.Automation.Language.PipelineChainAst] -or
                ($node -is [System.Management.Automation.Language.BinaryExpressionAst] -and $node.Operator -eq 'QuestionQuestion') -or
                ($node -is [System.Management.Automation.Language.AssignmentStatementAst] -and $node.Operator -eq 'QuestionQuestionEquals') -or
                ($node -is [System.Management.Automation.Language.MemberExpressionAst] -and $node.NullConditional) -or
                ($node -is [System.Management.Automation.Language.IndexExpressionAst] -and $node.NullConditional)
            }, $true)
        @($pwsh7Only | ForEach-Object { "line $($_.Extent.StartLineNumber): $($_.Extent.Text)" }) | Should -BeNullOrEmpty
        # ::new() is PowerShell 5.0+, fine; '-Parallel', '$IsWindows' and friends are not.
        @($tokens | Where-Object { $_.Text -in '$IsWindows', '$IsLinux', '$IsMacOS', '$IsCoreCLR' }) | Should -BeNullOrEmpty
    }
}
