#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The public surface of the staged module on a real pwsh / Windows PowerShell (build.ps1 -Task Test runs
# this when Pester 5 is installed). The xUnit module tests cover the same ground on the embedded engine.

BeforeAll {
    $repoRoot = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    # Directory.Build.props holds the one version; the build stages the module under it.
    $props = [xml] (Get-Content -LiteralPath (Join-Path $repoRoot 'Directory.Build.props') -Raw)
    $script:ModuleVersion = @($props.Project.PropertyGroup.AgentMetricsVersion | Where-Object { $_ })[0]
    $script:ManifestPath = Join-Path $repoRoot "out/AgentMetrics/$ModuleVersion/AgentMetrics.psd1"
    if (-not (Test-Path -LiteralPath $ManifestPath)) {
        throw "No staged module at '$ManifestPath': run ./build.ps1 first."
    }

    $script:Module = Import-Module -Name $ManifestPath -Force -PassThru
}

AfterAll {
    Remove-Module -Name AgentMetrics -Force -ErrorAction Ignore
}

Describe 'The AgentMetrics manifest' {
    It 'passes Test-ModuleManifest with the version from Directory.Build.props' {
        $info = Test-ModuleManifest -Path $ManifestPath
        $info.Name | Should -Be 'AgentMetrics'
        $info.Version | Should -Be ([version] $ModuleVersion)
        $info.CompatiblePSEditions | Should -Contain 'Core'
        $info.CompatiblePSEditions | Should -Contain 'Desktop'
    }

    It 'exports exactly the cmdlets it declares, and nothing else' {
        $declared = @((Import-PowerShellDataFile -LiteralPath $ManifestPath).CmdletsToExport | Sort-Object)
        $exported = @((Get-Command -Module AgentMetrics).Name | Sort-Object)
        $declared | Should -Not -BeNullOrEmpty
        $exported | Should -Be $declared
        $Module.ExportedFunctions.Count | Should -Be 0
        $Module.ExportedAliases.Count | Should -Be 0
    }
}

Describe 'Get-AgentWarehouse' {
    BeforeAll {
        # Keep the real ~/.agentmetrics out of the test.
        $script:SavedHome = $env:AGENTMETRICS_HOME
        $env:AGENTMETRICS_HOME = Join-Path $TestDrive 'home'
        $script:Fixture = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../../shared/fixtures'))
        # Only Import-AgentHistory creates a warehouse; Get-AgentWarehouse reads one.
        $script:Imported = Join-Path $TestDrive 'imported.db'
        $null = Import-AgentHistory -LiteralPath (Join-Path $Fixture 'agent-home') -Warehouse $Imported -WarningAction SilentlyContinue
    }

    AfterAll {
        $env:AGENTMETRICS_HOME = $SavedHome
    }

    It 'describes a warehouse Import-AgentHistory made' {
        $info = Get-AgentWarehouse -Warehouse $Imported

        $info.PSObject.TypeNames | Should -Contain 'AgentMetrics.WarehouseInfo'
        $info.Path | Should -Be $Imported
        $info.SchemaVersion | Should -BeGreaterThan 0
        $info.Requests | Should -BeGreaterThan 0
        $info.Sessions | Should -BeGreaterThan 0
        $info.SqliteVersion | Should -Match '^3\.'
    }

    It 'does not create a missing warehouse: WarehouseNotFound' {
        $path = Join-Path $TestDrive 'w.db'
        { Get-AgentWarehouse -Warehouse $path -ErrorAction Stop } | Should -Throw -ErrorId 'WarehouseNotFound,AgentMetrics.PowerShell.Commands.GetAgentWarehouseCommand'
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'resolves a relative -Warehouse against the current location' {
        Copy-Item -LiteralPath $Imported -Destination (Join-Path $TestDrive 'relative.db')
        Push-Location -LiteralPath $TestDrive
        try {
            (Get-AgentWarehouse -Warehouse 'relative.db').Path | Should -Be (Join-Path $TestDrive 'relative.db')
        }
        finally {
            Pop-Location
        }
    }

    It 'fails to import with WarehouseOpenFailed when the folder cannot be created' {
        $blocker = Join-Path $TestDrive 'blocker'
        Set-Content -LiteralPath $blocker -Value 'a file, not a folder'

        { Import-AgentHistory -LiteralPath (Join-Path $Fixture 'agent-home') -Warehouse (Join-Path $blocker 'w.db') -ErrorAction Stop } |
            Should -Throw -ErrorId 'WarehouseOpenFailed,AgentMetrics.PowerShell.Commands.ImportAgentHistoryCommand'
    }

    It 'renders through its list view' {
        $text = Get-AgentWarehouse -Warehouse $Imported | Out-String
        $text | Should -Match 'SchemaVersion\s+:'
        $text | Should -Match 'Size \(MB\)\s+:'
    }
}

Describe 'Importing and querying the shared fixture' {
    BeforeAll {
        $script:Fixture = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../../shared/fixtures'))
        $script:Truth = Get-Content -LiteralPath (Join-Path $Fixture 'agent-home.truth.json') -Raw | ConvertFrom-Json
        $script:Warehouse = Join-Path $TestDrive 'fixture.db'
        $script:Result = Import-AgentHistory -Path (Join-Path $Fixture 'agent-home/.claude') -Warehouse $Warehouse -ErrorAction SilentlyContinue
    }

    It 'emits one ImportResult for Claude' {
        $Result.PSObject.TypeNames | Should -Contain 'AgentMetrics.ImportResult'
        $Result.Source | Should -Be 'Claude'
        $Result.RequestsAdded | Should -BeGreaterThan 0
    }

    It 'gives every UTC day and model exactly the truth' {
        $rows = Get-AgentCost -By Day, Model -Utc -Warehouse $Warehouse
        foreach ($day in $Truth.claude.daily.PSObject.Properties) {
            foreach ($model in $day.Value.models.PSObject.Properties) {
                $row = $rows | Where-Object { $_.Date.ToString('yyyy-MM-dd') -eq $day.Name -and $_.Model -eq $model.Name }
                $row.InputTokens | Should -Be $model.Value.input
                $row.OutputTokens | Should -Be $model.Value.output
                $row.CacheReadTokens | Should -Be $model.Value.cache_read
                $row.Requests | Should -Be $model.Value.messages
            }
        }
    }

    It 'measures sessions to exactly what Get-AgentCost gives' {
        $direct = Get-AgentCost -By Model -Since 2026-10-01 -Warehouse $Warehouse
        $measured = Get-AgentSession -Since 2026-10-01 -Warehouse $Warehouse | Measure-AgentCost -By Model
        ($measured | ForEach-Object { "$($_.Model) $($_.TotalTokens) $($_.CostUsd)" }) |
            Should -Be ($direct | ForEach-Object { "$($_.Model) $($_.TotalTokens) $($_.CostUsd)" })
    }

    It 'adds nothing on a second import' {
        $again = Import-AgentHistory -Path (Join-Path $Fixture 'agent-home/.claude') -Warehouse $Warehouse -ErrorAction SilentlyContinue
        $again.RequestsAdded | Should -Be 0
        $again.FilesRead | Should -Be 0
    }

    It 'renders the cost table through its view' {
        $text = Get-AgentCost -By Day, Model -Utc -Warehouse $Warehouse | Out-String
        $text | Should -Match 'Date\s+Total tokens\s+Cost \(USD\)\s+Unpriced\s+Model'
    }
}
