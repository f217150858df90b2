# Get-AgentWarehouse as a user meets it: what it says about a warehouse imported from the fixture, the
# default warehouse, paths, and help. Views: Views.Tests.ps1; errors (WarehouseNotFound, ...): Errors.Tests.ps1.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'CmdletHelpers.ps1')
    $script:Warehouse = New-SettledFixtureWarehouse
    $script:Info = Get-AgentWarehouse -Warehouse $Warehouse
    $script:TruthDays = @($FixtureTruth.claude.daily.PSObject.Properties.Name) + @($FixtureTruth.codex.daily.PSObject.Properties.Name) | Sort-Object
}

Describe 'Get-AgentWarehouse' {
    It 'returns one WarehouseInfo' {
        @($Info).Count | Should -Be 1
        $Info.PSObject.TypeNames[0] | Should -Be 'AgentMetrics.WarehouseInfo'
        (Get-Command Get-AgentWarehouse).OutputType.Name | Should -Contain 'AgentMetrics.WarehouseInfo'
    }

    It 'says where the warehouse is and how big it is' {
        $Info.Path | Should -Be $Warehouse
        $Info.SizeBytes | Should -Be (Get-Item -LiteralPath $Warehouse, "$Warehouse-wal" -ErrorAction Ignore | Measure-Object Length -Sum).Sum
        $Info.SchemaVersion | Should -BeGreaterThan 0
        $Info.SqliteVersion | Should -Match '^3\.\d+'
    }

    It 'counts the requests, sessions and files of the fixture' {
        $Info.Requests | Should -Be ($FixtureTruth.claude.all.totals.messages + $FixtureTruth.codex.all.totals.requests)
        $Info.Sessions | Should -Be (@($FixtureTruth.claude.sessions.PSObject.Properties).Count + @($FixtureTruth.codex.sessions.PSObject.Properties).Count)
        $Info.Files | Should -Be ($FixtureTruth.files.claude.files + $FixtureTruth.files.codex.files)
    }

    It 'gives the range of requests the fixture holds' {
        $Info.FirstRequest.ToUniversalTime().ToString('yyyy-MM-dd') | Should -Be $TruthDays[0]
        $Info.LastRequest.ToUniversalTime().ToString('yyyy-MM-dd') | Should -Be $TruthDays[-1]
    }

    It 'describes the warehouse in $env:AGENTMETRICS_HOME by default' {
        $null = Import-AgentHistory -LiteralPath $FixtureHome -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $default = Get-AgentWarehouse
        $default.Path | Should -Be (Join-Path $TestHome 'warehouse.db')
        $default.Requests | Should -Be $Info.Requests
    }

    It 'takes the warehouse by position' {
        (Get-AgentWarehouse $Warehouse).Path | Should -Be $Warehouse
    }

    It 'resolves a relative -Warehouse against the current location' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'relative')
        Push-Location -LiteralPath $folder
        try {
            $null = Import-AgentHistory -LiteralPath $FixtureHome -Warehouse 'relative.db' -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $relative = Get-AgentWarehouse -Warehouse 'relative.db'
            $relative.Path | Should -Be (Join-Path $folder 'relative.db')
            $relative.Requests | Should -Be $Info.Requests
        }
        finally {
            Pop-Location
        }
    }

    It 'has full help: synopsis, description, every parameter, examples' {
        Get-HelpProblem Get-AgentWarehouse | Should -BeNullOrEmpty
    }

    It 'renders' {
        $text = $Info | Out-String -Width 120
        $text | Should -Match 'SchemaVersion'
        $text | Should -Match ([regex]::Escape($Warehouse))
    }
}
