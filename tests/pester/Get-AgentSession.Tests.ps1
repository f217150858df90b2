# Get-AgentSession as a user meets it: its sessions against the fixture's truth, SessionId from the
# pipeline, windows, Tab completion and help. Views: Views.Tests.ps1; errors: Errors.Tests.ps1.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'CmdletHelpers.ps1')
    $script:Warehouse = New-FixtureWarehouse
    $script:TruthSessions = @(Get-TruthSession)
    $script:Sessions = @(Get-AgentSession -Warehouse $Warehouse)
}

Describe 'Get-AgentSession' {
    Context 'the sessions it returns' {
        It 'returns Session objects with the same properties in the same order on every row' {
            $Sessions.Count | Should -BeGreaterThan 1
            foreach ($session in $Sessions) {
                $session.PSObject.TypeNames[0] | Should -Be 'AgentMetrics.Session'
                ($session.PSObject.Properties.Name -join ',') | Should -Be ($Sessions[0].PSObject.Properties.Name -join ',')
            }
            (Get-Command Get-AgentSession).OutputType.Name | Should -Contain 'AgentMetrics.Session'
        }

        It 'returns exactly the sessions of the truth' {
            $Sessions.SessionId | Sort-Object | Should -Be @($TruthSessions.SessionId | Sort-Object)
        }

        It 'gives every session its source, requests and tokens from the truth' {
            foreach ($want in $TruthSessions) {
                $session = $Sessions | Where-Object SessionId -EQ $want.SessionId
                $session.Source | Should -Be $want.Source -Because $want.SessionId
                foreach ($name in 'Requests', 'InputTokens', 'OutputTokens', 'CacheWriteTokens', 'CacheReadTokens') {
                    $session.$name | Should -Be $want.$name -Because "$($want.SessionId) $name"
                }
            }
        }

        It 'costs each session what its requests cost' {
            $bySession = @(Get-AgentCost -By Session -Warehouse $Warehouse)
            foreach ($session in $Sessions) {
                ($bySession | Where-Object SessionId -EQ $session.SessionId).CostUsd | Should -Be $session.CostUsd -Because $session.SessionId
            }
            ($Sessions | Measure-Object CostUsd -Sum).Sum | Should -Be (Get-AgentCost -Warehouse $Warehouse).CostUsd
        }

        It 'keeps Start before End, and active time within wall time' {
            foreach ($session in $Sessions) {
                $session.Start | Should -BeLessOrEqual $session.End
                $session.WallDuration | Should -Be ($session.End - $session.Start)
                $session.ActiveDuration | Should -BeLessOrEqual $session.WallDuration
            }
        }

        It 'counts more active time with a longer -IdleThreshold' {
            $short = Get-AgentSession -IdleThreshold '00:01:00' -Warehouse $Warehouse
            $long = Get-AgentSession -IdleThreshold '01:00:00' -Warehouse $Warehouse
            ($long | Measure-Object { $_.ActiveDuration.Ticks } -Sum).Sum | Should -BeGreaterThan ($short | Measure-Object { $_.ActiveDuration.Ticks } -Sum).Sum
        }
    }

    Context 'SessionId: by position, wildcards and the pipeline' {
        It 'takes a session id with wildcards by position' {
            $id = $TruthSessions[0].SessionId
            (Get-AgentSession ($id.Substring(0, 8) + '*') -Warehouse $Warehouse).SessionId | Should -Be $id
        }

        It 'binds SessionId by property name from any object' {
            $ids = $TruthSessions.SessionId | Select-Object -First 3
            $found = $ids | ForEach-Object { [pscustomobject] @{ SessionId = $_ } } | Get-AgentSession -Warehouse $Warehouse
            $found.SessionId | Sort-Object | Should -Be @($ids | Sort-Object)
        }

        It 'takes the sessions of Get-AgentCost -By Session from the pipeline' {
            $costliest = Get-AgentCost -By Session -Warehouse $Warehouse | Sort-Object CostUsd -Descending | Select-Object -First 3
            $sessions = $costliest | Get-AgentSession -Warehouse $Warehouse
            $sessions.SessionId | Sort-Object | Should -Be @($costliest.SessionId | Sort-Object)
        }
    }

    Context 'windows and filters' {
        It 'counts only the requests inside the window' {
            $since = [datetime]::SpecifyKind([datetime] '2026-10-15', 'Utc')
            $until = [datetime]::SpecifyKind([datetime] '2026-11-01', 'Utc')
            $inWindow = @(Get-AgentSession -Since $since -Until $until -Warehouse $Warehouse)
            $inWindow.Count | Should -BeLessThan $Sessions.Count
            ($inWindow | Measure-Object Requests -Sum).Sum | Should -Be (Get-AgentCost -Since $since -Until $until -Warehouse $Warehouse).Requests
            foreach ($session in $inWindow) {
                $session.Start | Should -BeGreaterOrEqual $since.ToLocalTime()
                $session.End | Should -BeLessThan $until.ToLocalTime()
            }
        }

        It 'filters -Source' {
            $codex = @(Get-AgentSession -Source Codex -Warehouse $Warehouse)
            $codex.SessionId | Sort-Object | Should -Be @($TruthSessions | Where-Object Source -EQ 'Codex' | ForEach-Object SessionId | Sort-Object)
        }

        It 'filters -Project with wildcards' {
            $project = $Sessions[0].Project
            $filtered = @(Get-AgentSession -Project ($project.Substring(0, 3) + '*') -Warehouse $Warehouse)
            $filtered.SessionId | Sort-Object | Should -Be @($Sessions | Where-Object Project -Like ($project.Substring(0, 3) + '*') | ForEach-Object SessionId | Sort-Object)
        }
    }

    Context 'Tab completion' {
        It 'completes -SessionId from the sessions in the warehouse' {
            $id = $TruthSessions[0].SessionId
            Get-CompletionText "Get-AgentSession -Warehouse '$Warehouse' -SessionId $($id.Substring(0, 6))" | Should -Be @($TruthSessions.SessionId | Where-Object { $_.StartsWith($id.Substring(0, 6)) } | Sort-Object)
        }

        It 'completes -Model, -Project and -Source from the warehouse' {
            Get-CompletionText "Get-AgentSession -Warehouse '$Warehouse' -Model gpt" | Should -Be @('gpt-5', 'gpt-5-codex')
            Get-CompletionText "Get-AgentSession -Warehouse '$Warehouse' -Project " | Should -Be @($Sessions.Project | Sort-Object -Unique)
            Get-CompletionText "Get-AgentSession -Warehouse '$Warehouse' -Source " | Should -Be @('Claude', 'Codex')
        }
    }

    It 'has full help: synopsis, description, every parameter, examples' {
        Get-HelpProblem Get-AgentSession | Should -BeNullOrEmpty
    }

    It 'renders its sessions as a table' {
        $text = Get-AgentSession -Warehouse $Warehouse | Out-String -Width 120
        $text | Should -Match 'Project'
        $text | Should -Match ([regex]::Escape($Sessions[0].Project))
    }
}
