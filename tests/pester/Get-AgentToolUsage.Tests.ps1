# Get-AgentToolUsage as a user meets it: tool calls against the fixture's truth, by source, per session,
# Tab completion and help. Views: Views.Tests.ps1; errors: Errors.Tests.ps1.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'CmdletHelpers.ps1')
    $script:Warehouse = New-FixtureWarehouse
    # Tool calls by name: Claude Code's tool_use blocks and Codex's function calls.
    $script:TruthCalls = @{}
    foreach ($tool in $FixtureTruth.claude.tool_calls.PSObject.Properties) { $TruthCalls[$tool.Name] = @{ Source = 'Claude'; Calls = [long] $tool.Value } }
    foreach ($tool in $FixtureTruth.codex.function_calls.PSObject.Properties) { $TruthCalls[$tool.Name] = @{ Source = 'Codex'; Calls = [long] $tool.Value } }
    $script:Usage = @(Get-AgentToolUsage -Warehouse $Warehouse)
}

Describe 'Get-AgentToolUsage' {
    Context 'the rows it returns' {
        It 'returns ToolUsage objects' {
            $Usage.Count | Should -BeGreaterThan 1
            $Usage | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'AgentMetrics.ToolUsage' }
            (Get-Command Get-AgentToolUsage).OutputType.Name | Should -Contain 'AgentMetrics.ToolUsage'
        }

        It 'counts every tool''s calls as the truth does, and no other tool' {
            $Usage.Name | Sort-Object | Should -Be @($TruthCalls.Keys | Sort-Object)
            foreach ($row in $Usage) {
                $row.Calls | Should -Be $TruthCalls[$row.Name].Calls -Because $row.Name
            }
        }

        It 'counts the calls subagents made' {
            foreach ($row in $Usage) {
                $expected = $FixtureTruth.claude.tool_calls_sidechain.PSObject.Properties[$row.Name]
                $row.SubagentCalls | Should -Be ([long] $(if ($expected) { $expected.Value } else { 0 })) -Because $row.Name
            }
        }

        It 'lists the most used tools first' {
            $Usage.Calls | Should -Be @($Usage.Calls | Sort-Object -Descending)
        }

        It 'gives one row per tool and source with -BySource' {
            $bySource = @(Get-AgentToolUsage -BySource -Warehouse $Warehouse)
            $bySource.Count | Should -Be $TruthCalls.Count
            foreach ($row in $bySource) {
                $row.Source | Should -Be $TruthCalls[$row.Name].Source -Because $row.Name
                $row.Calls | Should -Be $TruthCalls[$row.Name].Calls -Because $row.Name
            }
        }
    }

    Context 'filters' {
        It 'filters -Source' {
            (Get-AgentToolUsage -Source Codex -Warehouse $Warehouse).Name | Sort-Object |
                Should -Be @($FixtureTruth.codex.function_calls.PSObject.Properties.Name | Sort-Object)
        }

        It 'counts one session''s calls as Get-AgentSession does' {
            $session = Get-AgentSession -Warehouse $Warehouse | Sort-Object ToolCalls -Descending | Select-Object -First 1
            $session.ToolCalls | Should -BeGreaterThan 0
            (Get-AgentToolUsage -SessionId $session.SessionId -Warehouse $Warehouse | Measure-Object Calls -Sum).Sum | Should -Be $session.ToolCalls
        }

        It 'counts all sessions'' calls as the whole warehouse' {
            (Get-AgentSession -Warehouse $Warehouse | Measure-Object ToolCalls -Sum).Sum | Should -Be ($Usage | Measure-Object Calls -Sum).Sum
        }
    }

    Context 'Tab completion' {
        It 'completes -Source, -Model and -Project from the warehouse' {
            Get-CompletionText "Get-AgentToolUsage -Warehouse '$Warehouse' -Source " | Should -Be @('Claude', 'Codex')
            Get-CompletionText "Get-AgentToolUsage -Warehouse '$Warehouse' -Model gpt" | Should -Be @('gpt-5', 'gpt-5-codex')
            Get-CompletionText "Get-AgentToolUsage -Warehouse '$Warehouse' -Project " | Should -Be @(Get-AgentSession -Warehouse $Warehouse | ForEach-Object Project | Sort-Object -Unique)
        }
    }

    It 'has full help: synopsis, description, every parameter, examples' {
        Get-HelpProblem Get-AgentToolUsage | Should -BeNullOrEmpty
    }

    It 'renders its rows as a table' {
        $text = $Usage | Out-String -Width 120
        foreach ($name in $TruthCalls.Keys) { $text | Should -Match ([regex]::Escape($name)) }
    }
}
