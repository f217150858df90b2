# Dot-sourced after TestHelpers.ps1 by the <Cmdlet>.Tests.ps1 files: the fixture's truth in the cmdlets'
# terms, and the help and completion a user gets, read the way a user reads them.

# The truth's costs are JSON floats of 8 decimals; the cmdlets' are exact decimals.
$script:CostTolerance = [decimal] 0.000001

function Get-TruthUsage {
    <#
    .SYNOPSIS
    One row per UTC day, source and model from agent-home.truth.json, with the cmdlets' property names.
    Codex's input_tokens include the cached part; the cmdlets keep that under CacheReadTokens.
    #>
    foreach ($day in $FixtureTruth.claude.daily.PSObject.Properties) {
        foreach ($model in $day.Value.models.PSObject.Properties) {
            $t = $model.Value
            [pscustomobject] @{
                Day              = $day.Name
                Source           = 'Claude'
                Model            = $model.Name
                Requests         = [long] $t.messages
                InputTokens      = [long] $t.input
                OutputTokens     = [long] $t.output
                CacheWriteTokens = [long] $t.cache_creation
                CacheReadTokens  = [long] $t.cache_read
                CostUsd          = [decimal] $day.Value.cost_usd_whole_request_rule.($model.Name)
            }
        }
    }
    foreach ($day in $FixtureTruth.codex.daily.PSObject.Properties) {
        foreach ($model in $day.Value.models.PSObject.Properties) {
            $t = $model.Value
            [pscustomobject] @{
                Day              = $day.Name
                Source           = 'Codex'
                Model            = $model.Name
                Requests         = [long] $t.requests
                InputTokens      = [long] $t.non_cached_input_tokens
                OutputTokens     = [long] $t.output_tokens
                CacheWriteTokens = [long] 0
                CacheReadTokens  = [long] $t.cached_input_tokens
                CostUsd          = [decimal] $day.Value.cost_usd_whole_request_rule.($model.Name)
            }
        }
    }
}

function Group-TruthUsage {
    <#
    .SYNOPSIS
    The truth rows summed per distinct value of the given properties (none: one total row), keyed by
    those values joined with '|'.
    #>
    param([string[]] $By = @(), [Parameter(ValueFromPipeline)] $Row)

    begin { $groups = [ordered] @{} }
    process {
        $key = ($By | ForEach-Object { $Row.$_ }) -join '|'
        if (-not $groups.Contains($key)) {
            $groups[$key] = [pscustomobject] @{ Key = $key; Requests = 0L; InputTokens = 0L; OutputTokens = 0L; CacheWriteTokens = 0L; CacheReadTokens = 0L; CostUsd = [decimal] 0 }
        }
        $sum = $groups[$key]
        foreach ($name in 'Requests', 'InputTokens', 'OutputTokens', 'CacheWriteTokens', 'CacheReadTokens', 'CostUsd') {
            $sum.$name += $Row.$name
        }
    }
    end { $groups.Values }
}

function Assert-SameUsage {
    <#
    .SYNOPSIS
    A cmdlet's row holds the truth's tokens and requests exactly, and its cost within the truth's rounding.
    #>
    param($Actual, $Expected, [string] $Because)

    $Actual | Should -Not -BeNullOrEmpty -Because "$Because has a row"
    @($Actual).Count | Should -Be 1 -Because "$Because has one row"
    foreach ($name in 'Requests', 'InputTokens', 'OutputTokens', 'CacheWriteTokens', 'CacheReadTokens') {
        $Actual.$name | Should -Be $Expected.$name -Because "$Because, $name"
    }
    $Actual.TotalTokens | Should -Be ($Expected.InputTokens + $Expected.OutputTokens + $Expected.CacheWriteTokens + $Expected.CacheReadTokens) -Because "$Because, TotalTokens"
    [math]::Abs($Actual.CostUsd - $Expected.CostUsd) | Should -BeLessThan $CostTolerance -Because "$Because, CostUsd $($Actual.CostUsd) vs $($Expected.CostUsd)"
}

function Get-TruthSession {
    <#
    .SYNOPSIS
    Every session of the truth with its source, requests and tokens in the cmdlets' terms.
    #>
    foreach ($session in $FixtureTruth.claude.sessions.PSObject.Properties) {
        $t = $session.Value.totals
        [pscustomobject] @{
            SessionId = $session.Name; Source = 'Claude'; Requests = [long] $t.messages
            InputTokens = [long] $t.input; OutputTokens = [long] $t.output; CacheWriteTokens = [long] $t.cache_creation; CacheReadTokens = [long] $t.cache_read
        }
    }
    foreach ($session in $FixtureTruth.codex.sessions.PSObject.Properties) {
        $t = $session.Value.totals
        [pscustomobject] @{
            SessionId = $session.Name; Source = 'Codex'; Requests = [long] $t.requests
            InputTokens = [long] $t.non_cached_input_tokens; OutputTokens = [long] $t.output_tokens; CacheWriteTokens = 0L; CacheReadTokens = [long] $t.cached_input_tokens
        }
    }
}

function New-SettledFixtureWarehouse {
    <#
    .SYNOPSIS
    Imports the fixture into a new warehouse from another pwsh process and returns its path. An import
    leaves its write-ahead log to a background checkpoint that its process waits for at exit, so once that
    process is gone the warehouse's files no longer change under a test that measures or copies them.
    #>
    param([string] $Name = 'settled.db')

    $path = Join-Path $TestDrive $Name
    $run = Invoke-Pwsh -Script "`$null = Import-AgentHistory -LiteralPath '$FixtureHome' -Warehouse '$path' -ErrorAction SilentlyContinue -WarningAction SilentlyContinue" -Environment @{ AGENTMETRICS_HOME = $TestHome }
    if ($run.ExitCode -ne 0 -or -not (Test-Path -LiteralPath $path)) { throw "The fixture import failed (exit $($run.ExitCode)): $($run.Error)" }
    $path
}

function Get-CompletionText {
    <#
    .SYNOPSIS
    What Tab offers at the end of a command line, as TabExpansion2 gives it to PSReadLine and editors.
    #>
    param([Parameter(Mandatory)] [string] $InputScript)

    @((TabExpansion2 -inputScript $InputScript -cursorColumn $InputScript.Length).CompletionMatches | ForEach-Object CompletionText)
}

function Get-HelpProblem {
    <#
    .SYNOPSIS
    What a user would miss in Get-Help <cmdlet> -Full: a written synopsis and description, every parameter
    the cmdlet has (common parameters aside) described, and examples with code and remarks.
    #>
    param([Parameter(Mandatory)] [string] $Name)

    $help = Get-Help -Name $Name -Full
    $command = Get-Command -Name $Name
    if ("$($help.Synopsis)".Trim().Length -lt 20 -or "$($help.Synopsis)".Trim().StartsWith($Name)) {
        "no written synopsis: '$($help.Synopsis)'"
    }
    if ((@($help.description | ForEach-Object Text) -join ' ').Length -lt 40) { 'no description' }

    $documented = @{}
    foreach ($parameter in @($help.parameters.parameter)) {
        $documented[$parameter.name] = (@($parameter.description | ForEach-Object Text) -join ' ').Trim()
    }
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
        if (-not $documented.ContainsKey($parameter)) { "-$parameter is not in the help" }
        elseif ($documented[$parameter].Length -lt 20) { "-$parameter has no description" }
    }

    $examples = @($help.examples.example)
    if ($examples.Count -lt 2) { "$($examples.Count) example(s)" }
    foreach ($example in $examples) {
        if (-not "$($example.code)".Trim() -or -not (@($example.remarks | ForEach-Object Text) -join '').Trim()) {
            "$($example.title.Trim(' -')) has no code or no remarks"
        }
    }
}
