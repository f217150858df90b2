# The table and list views (formats/AgentMetrics.Format.ps1xml) as a user sees them: rendered by this real
# pwsh at 80 and 120 columns over the shared fixture, plus one Claude session with a model the price book
# does not know. What a user would check: the table fits, no header is broken, every number is whole and
# is the object's own value, dates read ISO, periods read 2026-09-26 / 2026-W39 / 2026-09, and a partly
# priced row says so.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'CostViewRendering.ps1')
    # Every grouping with a cost table in the module (and one without): a grouping added to
    # src/AgentMetrics.PowerShell/Views/CostViewCatalog.cs is tested here with no edit to this file.
    Import-Module -Name AgentMetrics -ErrorAction Stop
    $script:CostGroupings = @(Get-CostViewGrouping)
    # Every default view: what produces the objects, and the numbers each row must show whole.
    $costNumbers = {
        param($row)
        '{0:N0}' -f $row.TotalTokens
        if ($null -eq $row.CostUsd) { 'unpriced' } elseif ($row.UnpricedRequests -gt 0) { '{0:N2}*' -f $row.CostUsd } else { '{0:N2}' -f $row.CostUsd }
        if ($row.UnpricedRequests -gt 0) { '{0:N0}' -f $row.UnpricedRequests }
    }
    $script:Views = @(
        foreach ($grouping in $CostGroupings) {
            @{
                Name    = "Get-AgentCost -By $(if ($grouping) { $grouping -join ',' } else { 'Total' })"
                Get     = [scriptblock]::Create("Get-AgentCost -By $(if ($grouping) { $grouping -join ',' } else { '@()' }) -Warehouse `$Warehouse -WarningAction SilentlyContinue")
                Numbers = $costNumbers
            }
        }
        @{
            Name    = 'Get-AgentSession'
            Get     = { Get-AgentSession -Warehouse $Warehouse -WarningAction SilentlyContinue }
            Numbers = { param($row) $row.Start.ToString('yyyy-MM-dd HH:mm'); & $costNumbers $row }.GetNewClosure()
        }
        @{
            Name    = 'Get-AgentSession | Measure-AgentCost'
            Get     = { Get-AgentSession -Warehouse $Warehouse -WarningAction SilentlyContinue | Measure-AgentCost -WarningAction SilentlyContinue }
            Numbers = $costNumbers
        }
        @{
            Name    = 'Import-AgentHistory'
            Get     = { Import-AgentHistory -LiteralPath $FixtureHome -Warehouse (Join-Path $TestDrive "again-$([guid]::NewGuid().ToString('N')).db") -WarningAction SilentlyContinue -ErrorAction SilentlyContinue }
            Numbers = { param($row) '{0:N0}' -f $row.LinesRead; '{0:N0}' -f $row.RequestsAdded; '{0:N0}' -f $row.DuplicatesDropped }
        }
        @{
            Name    = 'Get-AgentToolUsage'
            Get     = { Get-AgentToolUsage -Warehouse $Warehouse }
            Numbers = { param($row) $row.Name; '{0:N0}' -f $row.Calls; '{0:N0}' -f $row.Errors }
        }
        @{
            Name    = 'Get-AgentModelPrice'
            Get     = { Get-AgentModelPrice }
            Numbers = { param($row) $row.Model; [string] $row.InputPerMTok; [string] $row.OutputPerMTok }
        }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    . (Join-Path $PSScriptRoot 'CostViewRendering.ps1')

    # The fixture, plus one Claude session on a fixture day: a request from a model the price book does not
    # know ($UnknownModel), and one from a known model, so that day's row is partly priced and the unknown
    # model's row not at all.
    $script:Warehouse = New-CostViewWarehouse -Path (Join-Path $TestDrive 'fixture.db') -FixtureHome $FixtureHome -WorkFolder $TestDrive

    function Read-Table {
        <# Splits one rendered table into its header lines, its dash line's columns and its data lines. #>
        param([string] $Text)
        $lines = $Text -split '\r?\n'
        $dash = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^ *-+( +-+)*\s*$' })
        if ($dash -lt 1) { throw "No table in:`n$Text" }
        $top = $dash - 1
        while ($top -gt 0 -and $lines[$top - 1].Trim()) { $top-- }
        $header = $lines[$dash - 1]
        $columns = @([regex]::Matches($lines[$dash], '-+') | ForEach-Object {
                [pscustomobject] @{ Start = $_.Index; Label = $header.Substring($_.Index, [Math]::Min($_.Length, $header.Length - $_.Index)).Trim() }
            })
        [pscustomobject] @{
            HeaderLines = @($lines[$top..($dash - 1)])
            Columns     = $columns
            Rows        = @($lines[($dash + 1)..($lines.Count - 1)] | Where-Object { $_.Trim() })
        }
    }

    function Assert-Whole {
        <# The value appears in the line as a whole cell: not a piece of a longer number, not cut. #>
        param([string] $Line, [string] $Value)
        $pattern = '(?<![\w.,…])' + [regex]::Escape($Value) + '(?![\w.,*])'
        $Line | Should -Match $pattern -Because "'$Value' must appear whole in: $Line"
    }

    # Columns that may be cut with '…' when the window is narrow: text, never a number.
    $script:TextLabels = 'Model', 'Project', 'SessionId', 'Group', 'Agent', 'Branch'
}

Describe '<Name>' -ForEach $Views {
    It 'fits <Width> columns, with whole headers and every number whole' -ForEach @(@{ Width = 80 }, @{ Width = 120 }) {
        $objects = @(& $Get)
        $objects.Count | Should -BeGreaterThan 0
        $text = $objects | Out-String -Width $Width
        $table = Read-Table $text

        foreach ($line in $text -split '\r?\n') {
            $line.Length | Should -BeLessOrEqual $Width -Because "no line may pass $Width columns: '$line'"
        }
        $table.HeaderLines.Count | Should -Be 1 -Because "no header may wrap:`n$($table.HeaderLines -join "`n")"
        $table.Rows.Count | Should -Be $objects.Count -Because 'one line per object: no column wrapped'

        # Only the last column, a text column, may be cut ("…" then the end of the line).
        $last = $table.Columns[-1]
        for ($i = 0; $i -lt $objects.Count; $i++) {
            $row = $table.Rows[$i]
            $cut = $row.IndexOf([char] 0x2026)
            if ($cut -ge 0) {
                $cut | Should -Be ($row.Length - 1) -Because "only the last column may be cut: $row"
                $last.Label | Should -BeIn $TextLabels
            }
            foreach ($value in & $Numbers $objects[$i]) {
                Assert-Whole -Line $row -Value $value
            }
        }
    }

    It 'has a wide default that fits 120 columns, shows more than at 80 and keeps every number whole' {
        $narrow = Read-Table (@(& $Get) | Out-String -Width 80)
        $AgentMetricsTableLayout = 'Wide'
        $objects = @(& $Get)
        $objects[0].PSObject.TypeNames[0] | Should -BeLike '*#Wide'
        $text = $objects | Out-String -Width 120
        $table = Read-Table $text
        foreach ($line in $text -split '\r?\n') {
            $line.Length | Should -BeLessOrEqual 120 -Because "no line may pass 120 columns: '$line'"
        }
        $table.HeaderLines.Count | Should -Be 1 -Because "no header may wrap:`n$($table.HeaderLines -join "`n")"
        $table.Rows.Count | Should -Be $objects.Count
        $table.Columns.Count | Should -BeGreaterThan $narrow.Columns.Count
        for ($i = 0; $i -lt $objects.Count; $i++) {
            $row = $table.Rows[$i]
            $cut = $row.IndexOf([char] 0x2026)
            if ($cut -ge 0) {
                $cut | Should -Be ($row.Length - 1) -Because "only the last column may be cut: $row"
                $table.Columns[-1].Label | Should -BeIn $TextLabels
            }
            foreach ($value in & $Numbers $objects[$i]) { Assert-Whole -Line $row -Value $value }
            foreach ($column in @{ Input = 'InputTokens'; Output = 'OutputTokens'; 'Cache write' = 'CacheWriteTokens'; 'Cache read' = 'CacheReadTokens' }.GetEnumerator()) {
                if ($table.Columns.Label -contains $column.Key -and $objects[$i].PSObject.Properties[$column.Value]) { Assert-Whole -Line $row -Value ('{0:N0}' -f $objects[$i].($column.Value)) }
            }
        }
    }
}

Describe 'Cost tables as they rendered when written by hand' {
    # CostViewSnapshots/ holds each grouping's renderings (real and heavy rows, 80-column and wide views, at 80
    # and 120 columns) written by Save-CostViewSnapshots.ps1 from the build whose views were kept by hand:
    # the views generated from src/AgentMetrics.PowerShell/Views/CostViewCatalog.cs must draw the same bytes.
    It 'draws -By <Name> as before' -ForEach @(
        foreach ($by in $CostGroupings) { @{ By = $by; Name = if ($by.Count) { $by -join ', ' } else { '(none)' } } }
    ) {
        $snapshot = Join-Path $PSScriptRoot "CostViewSnapshots/$(Get-CostViewGroupingName $By).txt"
        Test-Path -LiteralPath $snapshot | Should -BeTrue -Because 'a new cost table is drawn once by Save-CostViewSnapshots.ps1 and its snapshot read and committed'
        $expected = [System.IO.File]::ReadAllText($snapshot) -replace '\r\n', "`n"
        Get-CostViewRendering -By $By -Warehouse $Warehouse | Should -BeExactly $expected
    }

    It 'still has a table for every grouping that had one' {
        $snapshots = @(Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot 'CostViewSnapshots') -Filter *.txt | ForEach-Object BaseName | Sort-Object)
        $groupings = @(foreach ($by in Get-CostViewGrouping) { Get-CostViewGroupingName $by }) | Sort-Object
        $groupings | Should -Be $snapshots
    }
}

Describe 'Narrow and wide' {
    It 'shows a free text column whole at 120 that 80 cuts' {
        $rows = Get-AgentCost -By Session, Model -Warehouse $Warehouse -WarningAction SilentlyContinue
        $narrow = Read-Table ($rows | Out-String -Width 80)
        $wide = Read-Table ($rows | Out-String -Width 120)
        $narrow.Columns[-1].Label | Should -Be 'SessionId'
        ($narrow.Rows -join "`n") | Should -Not -Match ([regex]::Escape($rows[0].SessionId))
        for ($i = 0; $i -lt $rows.Count; $i++) {
            Assert-Whole -Line $wide.Rows[$i] -Value $rows[$i].SessionId
        }
    }

    It 'shows more columns in -View Wide at 120 than the default at 80, all of them whole (<Name>)' -ForEach @(
        @{ Name = 'cost'; Get = { Get-AgentCost -By Day -Warehouse $Warehouse -WarningAction SilentlyContinue }; Numbers = { param($r) foreach ($n in 'InputTokens', 'OutputTokens', 'CacheWriteTokens', 'CacheReadTokens', 'TotalTokens') { '{0:N0}' -f $r.$n } } }
        @{ Name = 'sessions'; Get = { Get-AgentSession -Warehouse $Warehouse -WarningAction SilentlyContinue }; Numbers = { param($r) $r.SessionId; '{0:N0}' -f $r.TotalTokens } }
        @{ Name = 'imports'; Get = { Import-AgentHistory -LiteralPath $FixtureHome -Warehouse (Join-Path $TestDrive "wide-$([guid]::NewGuid().ToString('N')).db") -WarningAction SilentlyContinue -ErrorAction SilentlyContinue }; Numbers = { param($r) '{0:N0}' -f $r.FilesUnchanged; '{0:N0}' -f $r.ToolCallsAdded } }
        @{ Name = 'tools'; Get = { Get-AgentToolUsage -Warehouse $Warehouse }; Numbers = { param($r) $r.Name; '{0:N0}' -f $r.Calls } }
        @{ Name = 'prices'; Get = { Get-AgentModelPrice }; Numbers = {
                param($r) $r.Model; $r.Provider
                # A long-context threshold other than the column's 200k is shown beside the rate.
                if ($null -ne $r.LongContextThreshold -and $r.LongContextThreshold -ne 200000) { '{0} (>{1}k)' -f $r.LongContextInputPerMTok, ($r.LongContextThreshold / 1000) }
            }
        }
    ) {
        $objects = @(& $Get)
        $default = Read-Table ($objects | Out-String -Width 80)
        $wideText = $objects | Format-Table -View Wide | Out-String -Width 120
        $wide = Read-Table $wideText
        $wide.Columns.Count | Should -BeGreaterThan $default.Columns.Count
        $wide.HeaderLines.Count | Should -Be 1
        foreach ($line in $wideText -split '\r?\n') { $line.Length | Should -BeLessOrEqual 120 }
        ($wide.Rows -join "`n") | Should -Not -Match ([char] 0x2026)
        for ($i = 0; $i -lt $objects.Count; $i++) {
            foreach ($value in & $Numbers $objects[$i]) { Assert-Whole -Line $wide.Rows[$i] -Value $value }
        }
    }

    It 'lists every property with Format-List' {
        $row = Get-AgentCost -By Day -Warehouse $Warehouse -WarningAction SilentlyContinue | Select-Object -First 1
        $text = $row | Format-List * | Out-String -Width 80
        foreach ($name in $row.PSObject.Properties.Name) { $text | Should -Match "(?m)^$name\s+:" }
    }
}

Describe 'A heavy history' {
    # The fixture's numbers are small. These rows carry what heavy use reaches (a day of 1.6 billion tokens
    # and $1,234.56; a month of 50 billion and $38,271; a year of 594 billion), under every cost view's type
    # name: still whole at 80. The widths in the format file are chosen for these.
    BeforeAll {
        # The module loads its assemblies in a private load context: take the types from real objects.
        $script:CostSummaryType = (Get-AgentCost -Warehouse $Warehouse -WarningAction SilentlyContinue).GetType()
        $script:SessionType = (Get-AgentSession -Warehouse $Warehouse -WarningAction SilentlyContinue)[0].GetType()
        $script:ImportResultType = (Import-AgentHistory -LiteralPath $FixtureHome -Warehouse $Warehouse -WarningAction SilentlyContinue -ErrorAction SilentlyContinue)[0].GetType()
    }

    It 'keeps every number whole at <Width> columns under <TypeName>' -ForEach @(
        # Each grouping with a table of its own (the last grouping has none).
        foreach ($view in @(foreach ($by in $CostGroupings[0..($CostGroupings.Count - 2)]) { Get-CostViewGroupingName $by })) {
            # The 80-column default, and the wide default the cmdlets pick on a display of 120 columns.
            @{ View = $view; Names = @("AgentMetrics.CostSummary#$view"); TypeName = "AgentMetrics.CostSummary#$view"; Width = 80 }
            @{ View = $view; Names = @("AgentMetrics.CostSummary#$view", "AgentMetrics.CostSummary#$view#Wide"); TypeName = "AgentMetrics.CostSummary#$view#Wide"; Width = 120 }
        }
        # Groupings without a view of their own (-By Project, GitBranch) take the generic wide view.
        @{ View = 'Other'; Names = @('AgentMetrics.CostSummary#Wide'); TypeName = 'AgentMetrics.CostSummary#Wide'; Width = 120 }
    ) {
        # A heavy day, scaled to the period the view usually covers: a week, a month (and any query by key), a year.
        $scale = switch -Regex ($View) { '^Day' { 1 } '^Week' { 7 } '^Total$' { 365 } default { 31 } }
        $rows = foreach ($days in 1, $scale) {
            $row = $CostSummaryType::new()
            $row.Source = 'LlmTelemetry'; $row.Project = 'payments-service'; $row.GitBranch = 'main'; $row.Agent = 'claude-code/subagent'
            $row.SessionId = '60e9895a-3b18-4c44-bf5b-ecbfb45fdbd5'; $row.Model = 'claude-sonnet-4-5-20250929'
            $row.Requests = 20000 * $days
            $row.InputTokens = 130000000L * $days
            $row.OutputTokens = 8000000L * $days
            $row.CacheWriteTokens = 90000000L * $days
            $row.CacheReadTokens = 1400000000L * $days
            $row.TotalTokens = $row.InputTokens + $row.OutputTokens + $row.CacheWriteTokens + $row.CacheReadTokens
            $row.CostUsd = 1234.56 * $days
            $row.UnpricedRequests = 12345
            $row.ReportedCostUsd = $row.CostUsd
            $wrapped = [psobject]::AsPSObject($row)
            foreach ($name in $Names) { $wrapped.PSObject.TypeNames.Insert(0, $name) }
            $wrapped
        }
        $text = $rows | Out-String -Width $Width
        $table = Read-Table $text
        foreach ($line in $text -split '\r?\n') { $line.Length | Should -BeLessOrEqual $Width }
        $table.HeaderLines.Count | Should -Be 1
        for ($i = 0; $i -lt $rows.Count; $i++) {
            Assert-Whole -Line $table.Rows[$i] -Value ('{0:N0}' -f $rows[$i].TotalTokens)
            Assert-Whole -Line $table.Rows[$i] -Value ('{0:N2}*' -f $rows[$i].CostUsd)
            Assert-Whole -Line $table.Rows[$i] -Value ('{0:N0}' -f $rows[$i].UnpricedRequests)
            foreach ($column in @{ Requests = 'Requests'; Input = 'InputTokens'; Output = 'OutputTokens'; 'Cache write' = 'CacheWriteTokens'; 'Cache read' = 'CacheReadTokens' }.GetEnumerator()) {
                if ($table.Columns.Label -contains $column.Key) { Assert-Whole -Line $table.Rows[$i] -Value ('{0:N0}' -f $rows[$i].($column.Value)) }
            }
        }
    }

    It 'keeps a heavy import and a long session whole at <Width> columns' -ForEach @(@{ Width = 80; Suffix = $null }, @{ Width = 120; Suffix = '#Wide' }) {
        # From the Type objects: AgentMetrics.Core lives in the module's own load context, where a type name
        # (New-Object -TypeName) does not reach.
        $import = $ImportResultType::new()
        foreach ($pair in @{ Source = 'LlmTelemetry'; FilesSeen = 48000; FilesRead = 47000; LinesRead = 95000000; RequestsAdded = 8500000; DuplicatesDropped = 3200000; MalformedLines = 1200; Elapsed = [timespan]::FromSeconds(1234.5) }.GetEnumerator()) { $import.($pair.Key) = $pair.Value }
        $session = $SessionType::new()
        foreach ($pair in @{ Start = [datetime] '2026-11-02 09:15'; Requests = 45000; TotalTokens = 9800000000; CostUsd = 8765.43; UnpricedRequests = 120; Project = 'payments-service' }.GetEnumerator()) { $session.($pair.Key) = $pair.Value }
        foreach ($case in @{ Object = $import; Values = '48,000', '95,000,000', '8,500,000', '3,200,000', '1,200' }, @{ Object = $session; Values = '45,000', '9,800,000,000', ('{0:N2}*' -f 8765.43), '120' }) {
            # At 120 under the wide default's type name, as the cmdlets name them for a display that wide.
            if ($Suffix) { $case.Object.PSObject.TypeNames.Insert(0, $case.Object.GetType().FullName + $Suffix) }
            $text = $case.Object | Out-String -Width $Width
            $table = Read-Table $text
            foreach ($line in $text -split '\r?\n') { $line.Length | Should -BeLessOrEqual $Width }
            foreach ($value in $case.Values) { Assert-Whole -Line $table.Rows[0] -Value $value }
        }
    }
}

Describe 'Partly priced rows' {
    It 'marks the cost of a day that holds an unknown model and shows its Unpriced count' {
        $rows = Get-AgentCost -By Day -Warehouse $Warehouse -WarningAction SilentlyContinue
        $day = $rows | Where-Object Period -EQ $MysteryDay
        $day.UnpricedRequests | Should -Be 1
        $day.CostUsd | Should -BeGreaterThan 0
        $table = Read-Table ($rows | Out-String -Width 80)
        $line = $table.Rows | Where-Object { $_.StartsWith($MysteryDay) }
        Assert-Whole -Line $line -Value ('{0:N2}*' -f $day.CostUsd)
        $line | Should -Match '\s1$'
        # Every fully priced row carries no marker.
        @($table.Rows | Where-Object { $_ -match '\*' }).Count | Should -Be 1
    }

    It 'says unpriced for the unknown model itself' {
        $rows = Get-AgentCost -By Model -Warehouse $Warehouse -WarningAction SilentlyContinue
        $mystery = $rows | Where-Object Model -EQ $UnknownModel
        $mystery.CostUsd | Should -BeNullOrEmpty
        $line = (Read-Table ($rows | Out-String -Width 80)).Rows | Where-Object { $_.EndsWith($UnknownModel) }
        $line | Should -Match "^\s+1\s+[\d,]+\s+unpriced\s+1 $([regex]::Escape($UnknownModel))$"
    }

    It 'still warns once, naming the model' {
        $null = Get-AgentCost -Warehouse $Warehouse -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings.Count | Should -Be 1
        $warnings[0].Message | Should -Match ([regex]::Escape($UnknownModel))
    }
}

Describe 'Dates and periods' {
    It 'labels weeks as ISO-8601 weeks starting on Monday' {
        $rows = Get-AgentCost -By Week -Warehouse $Warehouse -WarningAction SilentlyContinue
        $lines = (Read-Table ($rows | Out-String -Width 80)).Rows
        for ($i = 0; $i -lt $rows.Count; $i++) {
            $monday = $rows[$i].Date
            $monday.DayOfWeek | Should -Be 'Monday'
            # .NET's own ISO week (pwsh 7), not the module's arithmetic.
            $label = '{0}-W{1:D2}' -f [System.Globalization.ISOWeek]::GetYear($monday), [System.Globalization.ISOWeek]::GetWeekOfYear($monday)
            $rows[$i].Period | Should -Be $label
            $lines[$i] | Should -Match "^$label "
        }
        $rows[0].Period | Should -Be '2026-W39'
    }

    It 'labels months yyyy-MM and days yyyy-MM-dd, in local time unless -Utc' {
        $months = Get-AgentCost -By Month -Warehouse $Warehouse -WarningAction SilentlyContinue
        $months.Period | Should -Be @($months | ForEach-Object { $_.Date.ToString('yyyy-MM') })
        (Read-Table ($months | Out-String -Width 80)).Rows[0] | Should -Match '^2026-09 '
        $months[0].Date.Kind | Should -Be 'Local'
        $utc = Get-AgentCost -By Day -Utc -Warehouse $Warehouse -WarningAction SilentlyContinue
        $utc[0].Date.Kind | Should -Be 'Utc'
        $utc.Period | Should -Be @($utc | ForEach-Object { $_.Date.ToString('yyyy-MM-dd') })
    }

    It 'shows the warehouse span in local time, ISO, like the sessions' {
        $info = Get-AgentWarehouse -Warehouse $Warehouse
        $info.FirstRequest.Kind | Should -Be 'Local'
        $info.FirstRequest | Should -Be (Get-AgentSession -Warehouse $Warehouse -WarningAction SilentlyContinue | Sort-Object Start | Select-Object -First 1).Start
        $text = $info | Out-String -Width 80
        $text | Should -Match "FirstRequest\s+: $([regex]::Escape($info.FirstRequest.ToString('yyyy-MM-dd HH:mm')))\s*$([Environment]::NewLine)"
        $text | Should -Match "LastRequest\s+: $([regex]::Escape($info.LastRequest.ToString('yyyy-MM-dd HH:mm')))\s*$([Environment]::NewLine)"
    }
}

Describe 'The layout each command picks for the width it has' {
    # No $AgentMetricsTableLayout here: each command runs in a pwsh of its own, as users run it, and picks.
    It 'uses the 80-column views under Out-String -Width 80 in a redirected pwsh, piped or kept in a variable' {
        $result = Invoke-Pwsh -Script @"
Import-Module AgentMetrics
Get-AgentCost -By Day, Model -Warehouse '$Warehouse' -WarningAction SilentlyContinue | Out-String -Width 80
`$rows = Get-AgentCost -By Day, Model -Warehouse '$Warehouse' -WarningAction SilentlyContinue
`$rows[0].PSObject.TypeNames[0]
`$rows | Out-String -Width 80
"@
        $result.Error | Should -BeNullOrEmpty
        $rows = Get-AgentCost -By Day, Model -Warehouse $Warehouse -WarningAction SilentlyContinue
        $tables = $result.Output -split '(?m)^AgentMetrics\.CostSummary#DayModel\r?$'
        $tables.Count | Should -Be 2 -Because 'the kept rows carry the 80-column view type name first'
        foreach ($text in $tables) {
            $table = Read-Table $text
            $table.Columns.Label | Should -Be @('Date', 'Total tokens', 'Cost (USD)', 'Unpriced', 'Model')
            foreach ($line in $text -split '\r?\n') { $line.Length | Should -BeLessOrEqual 80 }
            for ($i = 0; $i -lt $rows.Count; $i++) { Assert-Whole -Line $table.Rows[$i] -Value ('{0:N0}' -f $rows[$i].TotalTokens) }
        }
    }
}

Describe 'In a real terminal' -Skip:(-not (Get-Command tmux -ErrorAction Ignore)) {
    # tmux (Debian package 'tmux') gives pwsh a real terminal: Out-Default takes its width from the
    # console, and the cmdlets pick their layout from it.
    BeforeAll {
        function Invoke-InTerminal {
            <#
            .SYNOPSIS
            Runs each script in a pwsh of its own in a tmux pane $Width columns wide, one after the other, and
            returns what the pane shows for each (or, with ToFile, what it wrote with its stdout redirected).
            #>
            param([int] $Width, [hashtable[]] $Run)
            $name = "terminal-$Width-$([guid]::NewGuid().ToString('N'))"
            $socket = Join-Path $TestDrive "$name.sock"
            $done = Join-Path $TestDrive "$name.done"
            $pwsh = (Get-Process -Id $PID).Path
            $entry = [Environment]::GetCommandLineArgs()[0]
            $command = (@($pwsh) + @(if ($entry -like '*.dll') { $entry }) + @('-NoProfile', '-File') | ForEach-Object { "'$_'" }) -join ' '
            $shell = @(
                "export PSModulePath='$env:PSModulePath' AGENTMETRICS_HOME='$env:AGENTMETRICS_HOME' NO_COLOR=1"
                for ($i = 0; $i -lt $Run.Count; $i++) {
                    $script = Join-Path $TestDrive "$name-$i.ps1"
                    Set-Content -LiteralPath $script -Encoding utf8 -Value "Import-Module AgentMetrics`n$($Run[$i].Script)"
                    if ($Run[$i]['ToFile']) { "$command '$script' > '$script.out'" } else { "$command '$script'" }
                    "echo '@@ end $i'"
                }
                "touch '$done'"
                'sleep 600'
            )
            $shellFile = Join-Path $TestDrive "$name.sh"
            Set-Content -LiteralPath $shellFile -Value $shell -Encoding utf8
            & tmux -S $socket new-session -d -x $Width -y 50 "sh '$shellFile'"
            try {
                $deadline = [DateTime]::UtcNow.AddMinutes(3)
                while (-not (Test-Path -LiteralPath $done) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
                Test-Path -LiteralPath $done | Should -BeTrue -Because 'pwsh in the pane finished'
                (& tmux -S $socket display -p '#{pane_width}') | Should -Be $Width
                # -J joins lines the terminal wrapped: a wrapped line would come back longer than the pane.
                $screen = (& tmux -S $socket capture-pane -p -J -S - -E -) -join "`n"
            }
            finally {
                & tmux -S $socket kill-server 2>$null
            }
            $shown = $screen -split '(?m)^@@ end \d+$'
            for ($i = 0; $i -lt $Run.Count; $i++) {
                if ($Run[$i]['ToFile']) { Get-Content -LiteralPath (Join-Path $TestDrive "$name-$i.ps1.out") -Raw } else { $shown[$i] }
            }
        }

        $script:CostCommand = "Get-AgentCost -By Day, Model -Warehouse '$Warehouse' -WarningAction SilentlyContinue"
        $script:SessionCommand = "Get-AgentSession -Warehouse '$Warehouse' -WarningAction SilentlyContinue"
        $script:CostRows = Get-AgentCost -By Day, Model -Warehouse $Warehouse -WarningAction SilentlyContinue
        $script:Sessions = Get-AgentSession -Warehouse $Warehouse -WarningAction SilentlyContinue
        $runs = @{ Script = $CostCommand }, @{ Script = $SessionCommand }
        $script:At80 = Invoke-InTerminal -Width 80 -Run $runs
        $script:At120 = Invoke-InTerminal -Width 120 -Run ($runs + @(
                @{ Script = "$CostCommand | Out-String -Width 80" }
                @{ Script = $CostCommand; ToFile = $true }))

        function Assert-Screen {
            <# The table fits the pane, its header is one line, and every row shows its object's values whole. #>
            param([string] $Text, [int] $Width, [object[]] $Objects, [scriptblock] $Values)
            foreach ($line in $Text -split '\n') { $line.Length | Should -BeLessOrEqual $Width -Because "no line may pass $Width columns: '$line'" }
            $table = Read-Table $Text
            $table.HeaderLines.Count | Should -Be 1
            $table.Rows.Count | Should -Be $Objects.Count -Because 'one line per object'
            for ($i = 0; $i -lt $Objects.Count; $i++) {
                foreach ($value in & $Values $Objects[$i] $table.Columns.Label) { Assert-Whole -Line $table.Rows[$i] -Value $value }
            }
            $table
        }
        $script:CostValues = {
            param($row, $labels)
            '{0:N0}' -f $row.TotalTokens
            if ($null -eq $row.CostUsd) { 'unpriced' } elseif ($row.UnpricedRequests -gt 0) { '{0:N2}*' -f $row.CostUsd } else { '{0:N2}' -f $row.CostUsd }
            $row.Model
            foreach ($column in @{ Requests = 'Requests'; Input = 'InputTokens'; Output = 'OutputTokens' }.GetEnumerator()) {
                if ($labels -contains $column.Key) { '{0:N0}' -f $row.($column.Value) }
            }
        }
        $script:SessionValues = {
            param($session, $labels)
            $session.Start.ToString('yyyy-MM-dd HH:mm')
            '{0:N0}' -f $session.Requests
            '{0:N0}' -f $session.TotalTokens
            if ($null -eq $session.CostUsd) { 'unpriced' } elseif ($session.UnpricedRequests -gt 0) { '{0:N2}*' -f $session.CostUsd } else { '{0:N2}' -f $session.CostUsd }
            $session.Project
            if ($labels -contains 'SessionId') { $session.SessionId }
        }
    }

    It 'draws the cost table by day and model within 80 columns' {
        $table = Assert-Screen -Text $At80[0] -Width 80 -Objects $CostRows -Values $CostValues
        $table.Columns.Label | Should -Be @('Date', 'Total tokens', 'Cost (USD)', 'Unpriced', 'Model')
    }

    It 'shows more of the cost table by day and model at 120 columns, every number whole' {
        $narrow = Read-Table $At80[0]
        $table = Assert-Screen -Text $At120[0] -Width 120 -Objects $CostRows -Values $CostValues
        $table.Columns.Count | Should -BeGreaterThan $narrow.Columns.Count
        $table.Columns.Label | Should -Be @('Date', 'Requests', 'Input', 'Output', 'Total tokens', 'Cost (USD)', 'Unpriced', 'Model')
    }

    It 'shows more of the sessions at 120 columns than at 80, every number whole' {
        $narrow = Assert-Screen -Text $At80[1] -Width 80 -Objects $Sessions -Values $SessionValues
        $wide = Assert-Screen -Text $At120[1] -Width 120 -Objects $Sessions -Values $SessionValues
        $narrow.Columns.Label | Should -Not -Contain 'SessionId'
        $wide.Columns.Label | Should -Contain 'SessionId'
        $wide.Columns.Count | Should -BeGreaterThan $narrow.Columns.Count
    }

    It 'keeps the 80-column view for Out-String -Width 80 in a 120-column terminal' {
        $table = Assert-Screen -Text $At120[2] -Width 80 -Objects $CostRows -Values $CostValues
        $table.Columns.Label | Should -Be @('Date', 'Total tokens', 'Cost (USD)', 'Unpriced', 'Model')
    }

    It 'writes the 80-column view when stdout goes to a file, even from a 120-column terminal' {
        $table = Read-Table $At120[3]
        $table.Columns.Label | Should -Be @('Date', 'Total tokens', 'Cost (USD)', 'Unpriced', 'Model')
        for ($i = 0; $i -lt $CostRows.Count; $i++) { Assert-Whole -Line $table.Rows[$i] -Value ('{0:N0}' -f $CostRows[$i].TotalTokens) }
    }
}
