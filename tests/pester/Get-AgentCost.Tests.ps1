# Get-AgentCost as a user meets it: its rows against the fixture's truth, its filters and windows, Tab
# completion and help. Views: Views.Tests.ps1; errors: Errors.Tests.ps1.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'CmdletHelpers.ps1')
    $script:Warehouse = New-FixtureWarehouse
    $script:Truth = @(Get-TruthUsage)
}

Describe 'Get-AgentCost' {
    Context 'the rows it returns' {
        It 'returns CostSummary objects, a view name first, with the same properties in the same order on every row' {
            $rows = @(Get-AgentCost -By Day, Model -Utc -Warehouse $Warehouse)
            $rows.Count | Should -BeGreaterThan 1
            foreach ($row in $rows) {
                $row.PSObject.TypeNames[0] | Should -Be 'AgentMetrics.CostSummary#DayModel'
                $row.PSObject.TypeNames | Should -Contain 'AgentMetrics.CostSummary'
                ($row.PSObject.Properties.Name -join ',') | Should -Be ($rows[0].PSObject.Properties.Name -join ',')
            }
            (Get-Command Get-AgentCost).OutputType.Name | Should -Contain 'AgentMetrics.CostSummary'
        }

        It 'gives every UTC day and model exactly the truth, and no other row' {
            $rows = @(Get-AgentCost -By Day, Model -Utc -Warehouse $Warehouse)
            $expected = @($Truth | Group-TruthUsage -By Day, Model)
            $rows.Count | Should -Be $expected.Count
            foreach ($want in $expected) {
                $day, $model = $want.Key -split '\|'
                $row = $rows | Where-Object { $_.Date.ToString('yyyy-MM-dd') -eq $day -and $_.Model -eq $model }
                Assert-SameUsage $row $want -Because "$day $model"
            }
        }

        It 'gives one total row equal to the whole truth when not grouped' {
            $row = Get-AgentCost -Warehouse $Warehouse
            Assert-SameUsage $row @($Truth | Group-TruthUsage)[0] -Because 'the total'
            $row.PSObject.TypeNames[0] | Should -Be 'AgentMetrics.CostSummary#Total'
            $row.UnpricedRequests | Should -Be 0
        }

        It 'groups by model (the truth per model)' {
            $rows = @(Get-AgentCost -By Model -Warehouse $Warehouse)
            $expected = @($Truth | Group-TruthUsage -By Model)
            $rows.Count | Should -Be $expected.Count
            foreach ($want in $expected) {
                Assert-SameUsage ($rows | Where-Object Model -EQ $want.Key) $want -Because $want.Key
            }
        }

        It 'groups by source and model (Claude Code beside Codex)' {
            $rows = @(Get-AgentCost -By Source, Model -Warehouse $Warehouse)
            foreach ($want in $Truth | Group-TruthUsage -By Source, Model) {
                $source, $model = $want.Key -split '\|'
                Assert-SameUsage ($rows | Where-Object { $_.Source -eq $source -and $_.Model -eq $model }) $want -Because $want.Key
            }
        }

        It 'takes -By by position' {
            $positional = Get-AgentCost Source -Warehouse $Warehouse | ForEach-Object { "$($_.Source) $($_.Requests)" }
            $named = Get-AgentCost -By Source -Warehouse $Warehouse | ForEach-Object { "$($_.Source) $($_.Requests)" }
            $positional | Should -Be $named
            @($positional).Count | Should -Be 2
        }
    }

    Context 'windows and filters' {
        It 'counts -Since inclusive and -Until exclusive (October 2026 in UTC)' {
            $since = [datetime]::SpecifyKind([datetime] '2026-10-01', 'Utc')
            $until = [datetime]::SpecifyKind([datetime] '2026-11-01', 'Utc')
            $rows = @(Get-AgentCost -By Day -Utc -Since $since -Until $until -Warehouse $Warehouse)
            $expected = @($Truth | Where-Object { $_.Day -ge '2026-10-01' -and $_.Day -lt '2026-11-01' } | Group-TruthUsage -By Day)
            $rows.Count | Should -Be $expected.Count
            foreach ($want in $expected) {
                Assert-SameUsage ($rows | Where-Object { $_.Date.ToString('yyyy-MM-dd') -eq $want.Key }) $want -Because $want.Key
            }
        }

        It 'takes -After and -Before as the same window' {
            $since = [datetime]::SpecifyKind([datetime] '2026-10-01', 'Utc')
            $until = [datetime]::SpecifyKind([datetime] '2026-11-01', 'Utc')
            (Get-AgentCost -After $since -Before $until -Warehouse $Warehouse).TotalTokens |
                Should -Be (Get-AgentCost -Since $since -Until $until -Warehouse $Warehouse).TotalTokens
        }

        It 'returns nothing for a window after the last request, without an error' {
            $rows = @(Get-AgentCost -By Day -Since 7d -Warehouse $Warehouse -ErrorVariable problems)
            if ([datetime]::UtcNow.AddDays(-7) -gt [datetime] '2026-11-21') { $rows.Count | Should -Be 0 }
            $problems | Should -BeNullOrEmpty
        }

        It 'filters -Model with wildcards' {
            $rows = @(Get-AgentCost -By Model -Model '*opus*', 'gpt-5-codex' -Warehouse $Warehouse)
            $rows.Model | Sort-Object | Should -Be @($Truth.Model | Where-Object { $_ -like '*opus*' -or $_ -eq 'gpt-5-codex' } | Sort-Object -Unique)
        }

        It 'filters -Source' {
            Assert-SameUsage (Get-AgentCost -Source Codex -Warehouse $Warehouse) @($Truth | Where-Object Source -EQ 'Codex' | Group-TruthUsage)[0] -Because 'Codex'
        }

        It 'filters -SessionId with wildcards' {
            $session = Get-AgentSession -Warehouse $Warehouse | Select-Object -First 1
            $row = Get-AgentCost -SessionId ($session.SessionId.Substring(0, 8) + '*') -Warehouse $Warehouse
            $row.Requests | Should -Be $session.Requests
            $row.TotalTokens | Should -Be $session.TotalTokens
        }
    }

    Context 'a model the price book assumes' {
        BeforeAll {
            # An old Codex CLI wrote no turn_context: its requests name no model.
            $id = '0c0c0c0c-0c0c-4c0c-8c0c-0c0c0c0c0c0c'
            $day = Join-Path $TestDrive 'old-codex/sessions/2026/11/12'
            $null = New-Item -ItemType Directory -Path $day -Force
            @(
                '{"timestamp":"2026-11-12T10:00:00.000Z","type":"session_meta","payload":{"id":"' + $id + '","timestamp":"2026-11-12T10:00:00.000Z","cwd":"/w/old","cli_version":"0.20.0"}}'
                '{"timestamp":"2026-11-12T10:00:10.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":1000,"cached_input_tokens":400,"output_tokens":300,"reasoning_output_tokens":0,"total_tokens":1300},"last_token_usage":{"input_tokens":1000,"cached_input_tokens":400,"output_tokens":300,"reasoning_output_tokens":0,"total_tokens":1300}}}}'
            ) | Set-Content -LiteralPath (Join-Path $day "rollout-2026-11-12T10-00-00-$id.jsonl")
            $script:OldCodex = Join-Path $TestDrive 'old-codex.db'
            $null = Import-AgentHistory -LiteralPath (Join-Path $TestDrive 'old-codex') -Warehouse $OldCodex
            $script:UserPriceBook = Join-Path $TestHome 'pricing.yaml'
        }

        AfterEach { Remove-Item -LiteralPath $UserPriceBook -ErrorAction SilentlyContinue }

        It 'prices requests without a model as the model pricing.yaml assumes, and marks them' {
            (Get-AgentCost -Warehouse $OldCodex -WarningAction SilentlyContinue).CostUsd | Should -BeNullOrEmpty

            $null = New-Item -ItemType Directory -Path $TestHome -Force
            "schema_version: 1`nassume:`n  - source: codex`n    client_version: `"<0.30`"`n    model: gpt-5-codex`n" | Set-Content -LiteralPath $UserPriceBook
            $row = Get-AgentCost -Warehouse $OldCodex -WarningVariable warnings
            $price = Get-AgentModelPrice gpt-5-codex
            $price.AssumedFor | Should -Be 'Codex requests without a model, client <0.30'
            $expected = ((1000 - 400) * $price.InputPerMTok + 400 * $price.CacheReadPerMTok + 300 * $price.OutputPerMTok) / 1000000
            $row.CostUsd | Should -Be $expected
            $row.UnpricedRequests | Should -Be 0
            $row.AssumedModel | Should -Be 'gpt-5-codex'
            $row.AssumedRequests | Should -Be 1
            $warnings | Should -BeNullOrEmpty
            ($row | Out-String -Width 80) | Should -Match ('{0:N2}~' -f $expected)
            (Get-AgentSession -Warehouse $OldCodex).AssumedModel | Should -Be 'gpt-5-codex'
        }
    }

    Context 'Tab completion' {
        It 'completes -Model from the models in the warehouse' {
            Get-CompletionText "Get-AgentCost -Warehouse '$Warehouse' -Model " | Should -Be @($Truth.Model | Sort-Object -Unique)
        }

        It 'completes a partly typed -Model' {
            Get-CompletionText "Get-AgentCost -Warehouse '$Warehouse' -Model claude-o" | Should -Be @($Truth.Model | Where-Object { $_ -like 'claude-o*' } | Sort-Object -Unique)
        }

        It 'completes -Project from the projects in the warehouse' {
            $projects = @(Get-AgentSession -Warehouse $Warehouse | ForEach-Object Project | Sort-Object -Unique)
            $projects.Count | Should -BeGreaterThan 1
            Get-CompletionText "Get-AgentCost -Warehouse '$Warehouse' -Project " | Should -Be $projects
        }

        It 'completes -Source from the sources in the warehouse' {
            Get-CompletionText "Get-AgentCost -Warehouse '$Warehouse' -Source " | Should -Be @($Truth.Source | Sort-Object -Unique)
        }

        It 'completes -By with every grouping' {
            $groupings = [enum]::GetNames((Get-Command Get-AgentCost).Parameters['By'].ParameterType.GetElementType())
            Get-CompletionText 'Get-AgentCost -By ' | Sort-Object | Should -Be @($groupings | Sort-Object)
            Get-CompletionText 'Get-AgentCost -By Day, Mo' | Should -Be @('Model', 'Month')
        }

        It 'completes from the default warehouse when -Warehouse is not given' {
            $null = Import-AgentHistory -LiteralPath $FixtureHome -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            Get-CompletionText 'Get-AgentCost -Source ' | Should -Be @($Truth.Source | Sort-Object -Unique)
        }
    }

    It 'has full help: synopsis, description, every parameter, examples' {
        Get-HelpProblem Get-AgentCost | Should -BeNullOrEmpty
    }

    It 'renders its rows as a table' {
        $text = Get-AgentCost -By Model -Warehouse $Warehouse | Out-String -Width 120
        $text | Should -Match 'Model'
        foreach ($model in $Truth.Model | Sort-Object -Unique) { $text | Should -Match ([regex]::Escape($model)) }
    }
}
