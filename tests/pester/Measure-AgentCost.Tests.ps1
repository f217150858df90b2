# Measure-AgentCost as a user meets it: sessions and cost rows from the pipeline give exactly the rows
# Get-AgentCost gives for the same window and grouping; -By by position; Tab completion and help.
# Views: Views.Tests.ps1; errors (a wrong object piped in): Errors.Tests.ps1.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'CmdletHelpers.ps1')
    $script:Warehouse = New-FixtureWarehouse

    function ConvertTo-RowText {
        # Every property of every row, in order: two results are the same when these lines are.
        param([Parameter(ValueFromPipeline)] $Row)
        process { ($Row.PSObject.Properties | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join '; ' }
    }
}

Describe 'Measure-AgentCost' {
    Context 'sessions from Get-AgentSession equal Get-AgentCost for the same window' {
        It 'groups -By <By> over <Window>' -ForEach @(
            @{ By = @(); Window = 'all history'; Since = $null; Until = $null }
            @{ By = @('Model'); Window = 'all history'; Since = $null; Until = $null }
            @{ By = @('Day', 'Model'); Window = 'all history'; Since = $null; Until = $null }
            @{ By = @('Project'); Window = '2026-10-10..2026-11-05 UTC'; Since = '2026-10-10'; Until = '2026-11-05' }
            @{ By = @('Source', 'Model'); Window = '2026-10-10..2026-11-05 UTC'; Since = '2026-10-10'; Until = '2026-11-05' }
            @{ By = @('Week'); Window = 'from 2026-10-20 UTC'; Since = '2026-10-20'; Until = $null }
        ) {
            $window = @{}
            if ($Since) { $window.Since = [datetime]::SpecifyKind([datetime] $Since, 'Utc') }
            if ($Until) { $window.Until = [datetime]::SpecifyKind([datetime] $Until, 'Utc') }
            $direct = @(Get-AgentCost -By $By -Utc @window -Warehouse $Warehouse)
            $measured = @(Get-AgentSession @window -Warehouse $Warehouse | Measure-AgentCost -By $By -Utc)
            $direct.Count | Should -BeGreaterThan 0
            $measured | ConvertTo-RowText | Should -Be @($direct | ConvertTo-RowText)
            $measured[0].PSObject.TypeNames[0] | Should -Be $direct[0].PSObject.TypeNames[0]
        }

        It 'measures a filtered set of sessions as Get-AgentCost filters the requests' {
            $direct = @(Get-AgentCost -By Project -Model '*opus*' -Warehouse $Warehouse)
            $measured = @(Get-AgentSession -Model '*opus*' -Warehouse $Warehouse | Measure-AgentCost -By Project)
            $measured | ConvertTo-RowText | Should -Be @($direct | ConvertTo-RowText)
        }

        It 'gives the truth''s total for all sessions' {
            Assert-SameUsage (Get-AgentSession -Warehouse $Warehouse | Measure-AgentCost) @(Get-TruthUsage | Group-TruthUsage)[0] -Because 'the total'
        }
    }

    Context 'cost rows from Get-AgentCost regroup into coarser rows' {
        It 'regroups daily rows by <By>' -ForEach @(
            @{ By = @('Model') }
            @{ By = @('Week') }
            @{ By = @('Month', 'Model') }
            @{ By = @() }
        ) {
            $measured = @(Get-AgentCost -By Day, Model -Utc -Warehouse $Warehouse | Measure-AgentCost -By $By -Utc)
            $measured | ConvertTo-RowText | Should -Be @(Get-AgentCost -By $By -Utc -Warehouse $Warehouse | ConvertTo-RowText)
        }
    }

    It 'returns CostSummary objects' {
        $rows = @(Get-AgentSession -Warehouse $Warehouse | Measure-AgentCost -By Model)
        $rows | ForEach-Object { $_.PSObject.TypeNames | Should -Contain 'AgentMetrics.CostSummary' }
        (Get-Command Measure-AgentCost).OutputType.Name | Should -Contain 'AgentMetrics.CostSummary'
    }

    It 'takes -By by position' {
        (Get-AgentSession -Warehouse $Warehouse | Measure-AgentCost Source | ConvertTo-RowText) |
            Should -Be @(Get-AgentSession -Warehouse $Warehouse | Measure-AgentCost -By Source | ConvertTo-RowText)
    }

    It 'completes -By with every grouping' {
        $groupings = [enum]::GetNames((Get-Command Measure-AgentCost).Parameters['By'].ParameterType.GetElementType())
        Get-CompletionText 'Get-AgentSession | Measure-AgentCost -By ' | Sort-Object | Should -Be @($groupings | Sort-Object)
    }

    It 'has full help: synopsis, description, every parameter, examples' {
        Get-HelpProblem Measure-AgentCost | Should -BeNullOrEmpty
    }

    It 'renders its rows as a table' {
        Get-AgentSession -Warehouse $Warehouse | Measure-AgentCost -By Model | Out-String -Width 120 | Should -Match 'gpt-5-codex'
    }
}
