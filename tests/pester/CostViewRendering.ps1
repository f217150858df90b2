# How every cost table renders, as text: what Views.Tests.ps1 compares with the renderings in
# tests/pester/CostViewSnapshots/, and what Save-CostViewSnapshots.ps1 wrote there from the build the views
# were hand-written in. Dot-source it with the AgentMetrics module imported.
#
# Each grouping (Get-CostViewGrouping) is rendered from real rows (the shared fixture, plus one session with a model the price book
# does not know, so a row is partly priced and one is not priced at all) and from heavy rows (what heavy use
# reaches: the widths are chosen for them), under the 80-column views and the wide ones, at 80 and 120
# columns. Rendering depends on nothing but the views and the rows: UTC periods (-Utc), en-US digits, no
# colour.

function Get-CostViewGrouping {
    <#
    .SYNOPSIS
    Every -By grouping the imported module has a cost table for, read from its format files (the generated
    one: src/AgentMetrics.PowerShell/Views/CostViewCatalog.cs), then one grouping without a table of its own.
    Each is a string array of keys; the total's is empty.
    #>
    $keys = [enum]::GetNames((Get-Command Get-AgentCost).Parameters['By'].ParameterType.GetElementType())
    $pattern = '^AgentMetrics\.CostSummary#(Total|(?:' + ($keys -join '|') + ')+)$'
    foreach ($file in (Get-Module AgentMetrics).ExportedFormatFiles) {
        foreach ($name in ([xml] (Get-Content -LiteralPath $file -Raw)).Configuration.ViewDefinitions.View.Name) {
            if ($name -match $pattern) {
                if ($Matches[1] -eq 'Total') { , [string[]] @() }
                else { , [string[]] @([regex]::Matches($Matches[1], ($keys -join '|')).Value) }
            }
        }
    }
    , [string[]] @('Project', 'GitBranch')
}

# The session New-CostViewWarehouse adds: its day, and the model the price book does not know.
$script:UnknownModel = 'claude-mystery-9'
$script:MysteryDay = '2026-10-12'

function Get-CostViewGroupingName {
    <# The name a grouping's renderings go by: Total for no -By, else the keys joined (DayModel). #>
    param([string[]] $By)
    if ($By.Count -eq 0) { 'Total' } else { $By -join '' }
}

function New-CostViewWarehouse {
    <#
    .SYNOPSIS
    The shared fixture imported into a new warehouse at $Path, plus one Claude session on a fixture day with
    a request from a model the price book does not know and one from a known model.
    #>
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $FixtureHome, [Parameter(Mandatory)] [string] $WorkFolder)

    $null = Import-AgentHistory -LiteralPath $FixtureHome -Warehouse $Path -WarningAction SilentlyContinue
    $mysteryHome = Join-Path $WorkFolder 'mystery-home'
    $project = New-Item -ItemType Directory -Path (Join-Path $mysteryHome '.claude/projects/-home-dev-work-acme-api') -Force
    $session = '9d0e5a1c-0000-4000-8000-00000000abcd'
    $lines = foreach ($request in @(
            @{ Id = 'msg_mystery_1'; Model = $UnknownModel; At = "$($MysteryDay)T12:00:00.000Z" },
            @{ Id = 'msg_mystery_2'; Model = 'claude-sonnet-4-5-20250929'; At = "$($MysteryDay)T12:05:00.000Z" })) {
        [ordered] @{
            type = 'assistant'; uuid = [guid]::NewGuid().ToString(); parentUuid = $null; sessionId = $session
            cwd = '/home/dev/work/acme-api'; gitBranch = 'main'; version = '2.0.0'; timestamp = $request.At; requestId = "req_$($request.Id)"
            message = [ordered] @{
                id = $request.Id; type = 'message'; role = 'assistant'; model = $request.Model
                content = @(@{ type = 'text'; text = 'done' })
                usage = [ordered] @{ input_tokens = 1200; output_tokens = 340; cache_creation_input_tokens = 0; cache_read_input_tokens = 5000 }
            }
        } | ConvertTo-Json -Depth 6 -Compress
    }
    Set-Content -LiteralPath (Join-Path $project "$session.jsonl") -Value $lines -Encoding utf8
    $null = Import-AgentHistory -LiteralPath $mysteryHome -Warehouse $Path -WarningAction SilentlyContinue
    $Path
}

function New-HeavyCostRow {
    <# Two rows of heavy use (a day, and the period the grouping usually covers), every key filled. #>
    param([Parameter(Mandatory)] [type] $CostSummaryType, [Parameter(Mandatory)] [string] $GroupingName)

    $scale = switch -Regex ($GroupingName) { '^Day' { 1 } '^Week' { 7 } '^Total$' { 365 } default { 31 } }
    foreach ($days in 1, $scale) {
        $row = $CostSummaryType::new()
        $row.Source = 'LlmTelemetry'; $row.Project = 'payments-service'; $row.GitBranch = 'main'
        $row.Agent = 'claude-code/subagent'; $row.SessionId = '60e9895a-3b18-4c44-bf5b-ecbfb45fdbd5'; $row.Model = 'claude-sonnet-4-5-20250929'
        $row.Requests = 20000 * $days
        $row.InputTokens = 130000000L * $days
        $row.OutputTokens = 8000000L * $days
        $row.CacheWriteTokens = 90000000L * $days
        $row.CacheReadTokens = 1400000000L * $days
        $row.TotalTokens = $row.InputTokens + $row.OutputTokens + $row.CacheWriteTokens + $row.CacheReadTokens
        $row.CostUsd = 1234.56 * $days
        $row.UnpricedRequests = 12345
        $row.ReportedCostUsd = $row.CostUsd
        $row
    }
}

function Get-CostViewRendering {
    <#
    .SYNOPSIS
    Every rendering of one grouping's cost table, as one text: sections headed '### <what> at <width>'.
    #>
    param([Parameter(Mandatory)] [AllowEmptyCollection()] [string[]] $By, [Parameter(Mandatory)] [string] $Warehouse)

    $name = Get-CostViewGroupingName $By
    $savedCulture = [cultureinfo]::CurrentCulture
    $savedRendering = $PSStyle.OutputRendering
    try {
        [cultureinfo]::CurrentCulture = [cultureinfo]::GetCultureInfo('en-US')
        $PSStyle.OutputRendering = 'PlainText'
        $sections = [ordered] @{}
        foreach ($layout in 'Narrow', 'Wide') {
            # The cmdlets read the preference through the caller's scopes: this function's shadows the test file's.
            $AgentMetricsTableLayout = $layout
            $rows = @(Get-AgentCost -By $By -Utc -Warehouse $Warehouse -WarningAction SilentlyContinue)
            $sections["$layout type names"] = $rows[0].PSObject.TypeNames -join "`n"
            foreach ($width in @(if ($layout -eq 'Narrow') { 80 }) + 120) {
                $sections["fixture, $layout, at $width"] = $rows | Out-String -Width $width
            }
            # Heavy rows named as the cmdlet named the fixture's rows: the same view, numbers at their widest.
            $heavy = foreach ($row in New-HeavyCostRow -CostSummaryType $rows[0].GetType() -GroupingName $name) {
                $wrapped = [psobject]::AsPSObject($row)
                $viewNames = @($rows[0].PSObject.TypeNames | Where-Object { $_ -like '*#*' })
                [array]::Reverse($viewNames)
                foreach ($typeName in $viewNames) { $wrapped.PSObject.TypeNames.Insert(0, $typeName) }
                $wrapped
            }
            foreach ($width in @(if ($layout -eq 'Narrow') { 80 }) + 120) {
                $sections["heavy, $layout, at $width"] = $heavy | Out-String -Width $width
            }
        }
        $AgentMetricsTableLayout = 'Narrow'
        $rows = @(Get-AgentCost -By $By -Utc -Warehouse $Warehouse -WarningAction SilentlyContinue)
        $sections['fixture, Format-Table -View Wide, at 120'] = $rows | Format-Table -View Wide | Out-String -Width 120

        (@(foreach ($key in $sections.Keys) { "### $key"; $sections[$key] -replace '\r\n', "`n" }) -join "`n")
    }
    finally {
        [cultureinfo]::CurrentCulture = $savedCulture
        $PSStyle.OutputRendering = $savedRendering
    }
}
