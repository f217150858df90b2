# Import-AgentHistory as a user meets it: what one import of the fixture reports and stores, incremental
# re-imports, the default places, -Path/-LiteralPath and the pipeline, -Source, -WhatIf, Tab completion
# and help. Malformed lines and other errors: Errors.Tests.ps1; views: Views.Tests.ps1.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'CmdletHelpers.ps1')

    # The rest of the suite's tests do not care about the fixture's malformed lines; neither do these.
    $script:Quiet = @{ ErrorAction = 'SilentlyContinue'; WarningAction = 'SilentlyContinue' }
    $script:TruthRequests = @{ Claude = [long] $FixtureTruth.claude.all.totals.messages; Codex = [long] $FixtureTruth.codex.all.totals.requests }
    $script:TruthFiles = @{ Claude = [long] $FixtureTruth.files.claude.files; Codex = [long] $FixtureTruth.files.codex.files }
    $script:TruthToolCalls = @{
        Claude = [long] ($FixtureTruth.claude.tool_calls.PSObject.Properties.Value | Measure-Object -Sum).Sum
        Codex  = [long] ($FixtureTruth.codex.function_calls.PSObject.Properties.Value | Measure-Object -Sum).Sum
    }

    $script:Warehouse = Join-Path $TestDrive 'first.db'
    $script:First = @(Import-AgentHistory -LiteralPath $FixtureHome -Warehouse $Warehouse @Quiet)
}

Describe 'Import-AgentHistory' {
    Context 'a first import of a home' {
        It 'returns one ImportResult per source it found' {
            $First.Count | Should -Be 2
            $First | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'AgentMetrics.ImportResult' }
            $First.Source | Sort-Object | Should -Be @('Claude', 'Codex')
            (Get-Command Import-AgentHistory).OutputType.Name | Should -Contain 'AgentMetrics.ImportResult'
        }

        It 'reports the requests, files and tool calls of each source as the truth counts them' {
            foreach ($result in $First) {
                $source = "$($result.Source)"
                $result.RequestsAdded | Should -Be $TruthRequests[$source] -Because "$source requests"
                $result.FilesSeen | Should -Be $TruthFiles[$source] -Because "$source files"
                $result.FilesRead | Should -BeLessOrEqual $result.FilesSeen
                $result.ToolCallsAdded | Should -Be $TruthToolCalls[$source] -Because "$source tool calls"
                $result.Warehouse | Should -Be $Warehouse
            }
        }

        It 'stores what it reported' {
            (Get-AgentWarehouse -Warehouse $Warehouse).Requests | Should -Be ($First | Measure-Object RequestsAdded -Sum).Sum
            (Get-AgentCost -Warehouse $Warehouse).Requests | Should -Be ($TruthRequests.Claude + $TruthRequests.Codex)
        }

        It 'reads nothing again when nothing changed' {
            $again = @(Import-AgentHistory -LiteralPath $FixtureHome -Warehouse $Warehouse @Quiet)
            foreach ($result in $again) {
                $result.RequestsAdded | Should -Be 0
                $result.FilesRead | Should -Be 0
                $result.FilesUnchanged | Should -Be $result.FilesSeen
            }
        }

        It 're-reads everything with -Force and still counts each request once' {
            $forced = @(Import-AgentHistory -LiteralPath $FixtureHome -Warehouse $Warehouse -Force @Quiet)
            ($forced | Measure-Object FilesRead -Sum).Sum | Should -BeGreaterThan 0
            (Get-AgentCost -Warehouse $Warehouse).Requests | Should -Be ($TruthRequests.Claude + $TruthRequests.Codex)
        }
    }

    Context 'what to import: -Source, -Path, -LiteralPath, the pipeline, the default places' {
        It 'imports only the sources named by -Source' {
            $path = Join-Path $TestDrive 'codex-only.db'
            $result = @(Import-AgentHistory -LiteralPath $FixtureHome -Source Codex -Warehouse $path @Quiet)
            $result.Source | Should -Be 'Codex'
            (Get-AgentCost -By Source -Warehouse $path).Source | Should -Be 'Codex'
        }

        It 'expands wildcards in -Path' {
            # (PowerShell's wildcards skip hidden items such as ~/.claude, as Get-ChildItem does.)
            $path = Join-Path $TestDrive 'wildcard.db'
            $result = @(Import-AgentHistory -Path (Join-Path $FixturesRoot 'agent-h?me') -Warehouse $path @Quiet)
            $result.Source | Sort-Object | Should -Be @('Claude', 'Codex')
            ($result | Measure-Object RequestsAdded -Sum).Sum | Should -Be ($TruthRequests.Claude + $TruthRequests.Codex)
        }

        It 'takes -Path by position' {
            $path = Join-Path $TestDrive 'positional.db'
            (Import-AgentHistory (Join-Path $FixtureHome '.codex') -Warehouse $path @Quiet).RequestsAdded | Should -Be $TruthRequests.Codex
        }

        It 'takes folders from Get-ChildItem through their PSPath' {
            $path = Join-Path $TestDrive 'piped.db'
            $result = @(Get-ChildItem -LiteralPath $FixtureHome -Directory -Force | Import-AgentHistory -Warehouse $path @Quiet)
            $result.Source | Sort-Object | Should -Be @('Claude', 'Codex')
        }

        It 'takes a path with wildcard characters literally with -LiteralPath' {
            $odd = Join-Path $TestDrive 'home [copy]'
            $null = New-Item -ItemType Directory -Path $odd
            Copy-Item -LiteralPath (Join-Path $FixtureHome '.codex') -Destination $odd -Recurse
            $path = Join-Path $TestDrive 'literal.db'
            (Import-AgentHistory -LiteralPath $odd -Warehouse $path @Quiet).RequestsAdded | Should -Be $TruthRequests.Codex
        }

        It 'reads the default places under the user''s home without -Path' {
            $userHome = Join-Path $TestDrive 'user-home'
            $null = New-Item -ItemType Directory -Path $userHome
            Copy-Item -LiteralPath (Join-Path $FixtureHome '.claude'), (Join-Path $FixtureHome '.codex') -Destination $userHome -Recurse
            $saved = @{}
            foreach ($name in 'HOME', 'USERPROFILE', 'CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'LLM_TELEMETRY_DIR') { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
            try {
                $env:HOME = $userHome
                $env:USERPROFILE = $userHome
                $env:CLAUDE_CONFIG_DIR = $env:CODEX_HOME = $env:LLM_TELEMETRY_DIR = $null
                Push-Location -LiteralPath $TestDrive
                $result = @(Import-AgentHistory @Quiet)
            }
            finally {
                Pop-Location
                foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
            }
            $result.Source | Sort-Object | Should -Be @('Claude', 'Codex')
            $result.Warehouse | Select-Object -Unique | Should -Be (Join-Path $TestHome 'warehouse.db')
            (Get-AgentCost).Requests | Should -Be ($TruthRequests.Claude + $TruthRequests.Codex)
        }

        It 'has the Default, Path and LiteralPath parameter sets' {
            $command = Get-Command Import-AgentHistory
            $command.ParameterSets.Name | Sort-Object | Should -Be @('Default', 'LiteralPath', 'Path')
            $command.DefaultParameterSet | Should -Be 'Default'
        }

        It 'refuses -Path with -LiteralPath' {
            { Import-AgentHistory -Path $FixtureHome -LiteralPath $FixtureHome -Warehouse (Join-Path $TestDrive 'both.db') } |
                Should -Throw -ErrorId 'AmbiguousParameterSet,AgentMetrics.PowerShell.Commands.ImportAgentHistoryCommand'
        }
    }

    Context '-WhatIf' {
        It 'writes no warehouse with -WhatIf' {
            $path = Join-Path $TestDrive 'whatif.db'
            $result = @(Import-AgentHistory -LiteralPath $FixtureHome -Warehouse $path -WhatIf @Quiet)
            $result | Should -BeNullOrEmpty
            Test-Path -LiteralPath $path | Should -BeFalse
        }

        It 'adds nothing to an existing warehouse with -WhatIf' {
            $path = Join-Path $TestDrive 'whatif-codex.db'
            $null = Import-AgentHistory -LiteralPath (Join-Path $FixtureHome '.codex') -Warehouse $path @Quiet
            $null = Import-AgentHistory -LiteralPath (Join-Path $FixtureHome '.claude') -Warehouse $path -WhatIf @Quiet
            (Get-AgentCost -Warehouse $path).Requests | Should -Be $TruthRequests.Codex
        }
    }

    It 'completes -Source with every kind of history' {
        $kinds = [enum]::GetNames((Get-Command Import-AgentHistory).Parameters['Source'].ParameterType.GetElementType())
        Get-CompletionText 'Import-AgentHistory -Source ' | Sort-Object | Should -Be @($kinds | Sort-Object)
        Get-CompletionText 'Import-AgentHistory -Source Co' | Should -Be 'Codex'
    }

    It 'has full help: synopsis, description, every parameter, examples' {
        Get-HelpProblem Import-AgentHistory | Should -BeNullOrEmpty
    }

    It 'renders its results' {
        $text = $First | Out-String -Width 120
        $text | Should -Match 'Claude'
        $text | Should -Match 'Codex'
    }
}
