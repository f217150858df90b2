# Get-AgentModelPrice as a user meets it: the prices it shows are the ones the fixture's costs were
# computed with, aliases, -At and -All, copies that cannot be edited in place, and help.
# Views: Views.Tests.ps1; errors (ModelNotPriced): Errors.Tests.ps1.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'CmdletHelpers.ps1')
    # In effect in the middle of the fixture's 60 days.
    $script:FixtureTime = [datetime] '2026-10-20'
}

Describe 'Get-AgentModelPrice' {
    Context 'the prices it returns' {
        It 'returns ModelPrice objects' {
            $prices = @(Get-AgentModelPrice)
            $prices.Count | Should -BeGreaterThan 1
            $prices | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'AgentMetrics.ModelPrice' }
            (Get-Command Get-AgentModelPrice).OutputType.Name | Should -Contain 'AgentMetrics.ModelPrice'
        }

        It 'prices every Claude model of the fixture at the truth''s cost' {
            foreach ($model in $FixtureTruth.claude.all.models.PSObject.Properties) {
                $price = Get-AgentModelPrice $model.Name -At $FixtureTime
                $t = $model.Value
                # No request of the fixture passes a long-context threshold: list prices apply throughout.
                $cost = ($t.input * $price.InputPerMTok + $t.output * $price.OutputPerMTok + $t.cache_creation_5m * $price.CacheWrite5mPerMTok +
                    $t.cache_creation_1h * $price.CacheWrite1hPerMTok + $t.cache_read * $price.CacheReadPerMTok) / 1000000
                [math]::Abs($cost - [decimal] $FixtureTruth.claude.all.cost_usd_whole_request_rule.($model.Name)) | Should -BeLessThan $CostTolerance -Because $model.Name
            }
        }

        It 'prices every Codex model of the fixture at the truth''s cost' {
            foreach ($model in $FixtureTruth.codex.all.models.PSObject.Properties) {
                $price = Get-AgentModelPrice $model.Name -At $FixtureTime
                $t = $model.Value
                $cost = ($t.non_cached_input_tokens * $price.InputPerMTok + $t.cached_input_tokens * $price.CacheReadPerMTok + $t.output_tokens * $price.OutputPerMTok) / 1000000
                [math]::Abs($cost - [decimal] $FixtureTruth.codex.all.cost_usd_whole_request_rule.($model.Name)) | Should -BeLessThan $CostTolerance -Because $model.Name
            }
        }

        It 'finds a model by the dated id in transcripts and shows its canonical name' {
            $price = Get-AgentModelPrice claude-sonnet-4-5-20250929
            $price.Model | Should -Be 'claude-sonnet-4-5'
            $price.Aliases | Should -Match 'claude-sonnet-4-5-20250929'
        }

        It 'matches models and aliases with wildcards' {
            $prices = @(Get-AgentModelPrice 'claude-*')
            $prices.Count | Should -BeGreaterThan 1
            $prices | ForEach-Object { $_.Model | Should -BeLike 'claude-*' }
            @(Get-AgentModelPrice '*-20250929').Model | Should -Contain 'claude-sonnet-4-5'
        }

        It 'hands out copies: editing a returned price changes no later result' {
            $price = Get-AgentModelPrice claude-sonnet-4-5
            $original = $price.InputPerMTok
            $price.InputPerMTok = 1234
            (Get-AgentModelPrice claude-sonnet-4-5).InputPerMTok | Should -Be $original
        }
    }

    Context 'parameter sets: -At (default) and -All' {
        It 'shows the prices in effect at -At, each in effect then' {
            $at = [datetime] '2025-09-01'
            $prices = @(Get-AgentModelPrice -At $at)
            $prices.Count | Should -BeGreaterThan 0
            foreach ($price in $prices) {
                if ($price.EffectiveFrom) { $price.EffectiveFrom | Should -BeLessOrEqual $at }
                if ($price.EffectiveTo) { $price.EffectiveTo | Should -BeGreaterThan $at }
            }
        }

        It 'shows every price period with -All, the ones in effect among them' {
            $all = @(Get-AgentModelPrice -All | ForEach-Object { "$($_.Model) $($_.EffectiveFrom)" })
            $now = @(Get-AgentModelPrice | ForEach-Object { "$($_.Model) $($_.EffectiveFrom)" })
            $all.Count | Should -BeGreaterOrEqual $now.Count
            $now | ForEach-Object { $all | Should -Contain $_ }
        }

        It 'has the two parameter sets, -At by default' {
            $command = Get-Command Get-AgentModelPrice
            $command.ParameterSets.Name | Sort-Object | Should -Be @('All', 'At')
            $command.DefaultParameterSet | Should -Be 'At'
        }

        It 'refuses -At with -All' {
            { Get-AgentModelPrice -All -At $FixtureTime } | Should -Throw -ErrorId 'AmbiguousParameterSet,AgentMetrics.PowerShell.Commands.GetAgentModelPriceCommand'
        }
    }

    It 'has full help: synopsis, description, every parameter, examples' {
        Get-HelpProblem Get-AgentModelPrice | Should -BeNullOrEmpty
    }

    It 'renders its prices as a table' {
        Get-AgentModelPrice claude-sonnet-4-5 | Out-String -Width 120 | Should -Match 'claude-sonnet-4-5'
    }
}
