# Every example a user can read runs here, on the shared fixture, in a real pwsh: the examples of
# Get-Help <cmdlet> -Examples for every exported cmdlet, the code in about_AgentMetrics (as Get-Help shows
# it) and the PowerShell blocks of README.md. They are extracted from what users read, not copied into this
# file, so a new example is tested as soon as it is written.
#
# What counts as an example:
#   Get-Help        every example's code, with its remarks as its text.
#   about topic     a block indented by exactly 8 spaces whose first line starts with a Verb-Noun command,
#                   an assignment to a $variable, `agentmetrics` or a `#` comment; its text is the prose
#                   paragraph before it. (Paths, YAML and prose lists sit at other indents or start otherwise.)
#   README.md       each line of a ```powershell block (a line ending in | or ` continues on the next); its
#                   text is its trailing comment.
# An example that needs what a test cannot have (the PowerShell Gallery, another machine, a program that is
# not on PATH) carries `# not run in tests: <why>` in its code; it is listed here as skipped with that reason.
#
# Each example runs as a user would run it: in one new pwsh process (the module imported by name) whose
# HOME is a folder in TestDrive holding copies of the fixture's .claude and .codex, a copied laptop home
# (~/old-laptop) and a team warehouse (~/team/warehouse.db); AGENTMETRICS_HOME holds a warehouse imported
# from the fixture. Each example gets a new scope, the environment and location are put back after it.
# An error (non-terminating or terminating) fails its test; warnings are fine. When an example's text says
# what it returns (returns, shows, lists, gives), it must return something, unless its window (-Since 7d)
# lies entirely after the fixture's last day: the fixture covers 2026-09-22..2026-11-20 and is not moved.

BeforeDiscovery {
    Import-Module -Name AgentMetrics -ErrorAction Stop
    $repoRoot = [System.IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../..'))
    $notRunPattern = '#\s*not run in tests:\s*(?<why>.+)$'
    $saysWhatItReturns = '(?i)\b(returns?|shows?|lists?|gives?)\b'

    $examples = [System.Collections.Generic.List[hashtable]]::new()
    function Add-Example([string] $Source, [string] $Title, [string] $Code, [string] $Text) {
        $code = $Code.Trim()
        $why = [regex]::Match($code, $notRunPattern, 'Multiline')
        # Named by the code's first line, without a README line's trailing comment.
        $firstLine = (@($code -split '\r?\n' | Where-Object { $_ -notmatch '^\s*#' })[0] -replace '\s+#.*$').Trim()
        $examples.Add(@{
                Name          = "$Source, $Title`: $firstLine"
                Source        = $Source
                Title         = $Title
                Code          = $code
                Text          = $Text
                NotRunBecause = if ($why.Success) { $why.Groups['why'].Value.Trim() } else { $null }
                SaysReturns   = $Text -match $saysWhatItReturns
                Id            = $examples.Count
            })
    }

    foreach ($cmdlet in Get-Command -Module AgentMetrics -CommandType Cmdlet | Sort-Object Name) {
        $number = 0
        foreach ($example in @((Get-Help -Name $cmdlet.Name -Examples).examples.example)) {
            $number++
            Add-Example "Get-Help $($cmdlet.Name)" "Example $number" $example.code (@($example.remarks.Text) -join ' ')
        }
    }

    # about_AgentMetrics as Get-Help shows it.
    $section = ''
    $paragraph = [System.Collections.Generic.List[string]]::new()
    $block = $null
    $lines = @((Get-Help -Name about_AgentMetrics) -split '\r?\n') + ''
    $number = 0
    foreach ($line in $lines) {
        if ($null -ne $block) {
            if ($line -match '^ {8}' -and $line.Trim()) { $block.Add($line.Substring(8)); continue }
            $number++
            Add-Example 'about_AgentMetrics' "$section #$number" ($block -join "`n") ($paragraph -join ' ')
            $block = $null
        }
        if ($line -match '^[A-Z][A-Z ]+[A-Z]$') { $section = $line.Trim(); $number = 0; $paragraph.Clear(); continue }
        if ($line -match '^ {8}(?! )(?<first>.*)$' -and $Matches.first -cmatch '^([A-Z][a-z]+-[A-Z]\w*(\s|$)|\$\w+(:\w+)?\s*=|agentmetrics\b|#)') {
            $block = [System.Collections.Generic.List[string]]::new()
            $block.Add($line.Substring(8))
            continue
        }
        if ($line -match '^ {4}(?! )\S') { $paragraph.Clear() }
        if ($line.Trim()) { $paragraph.Add($line.Trim()) }
    }

    # README.md: every line of every ```powershell block.
    $heading = ''
    $inBlock = $false
    $pending = ''
    foreach ($line in Get-Content -LiteralPath (Join-Path $repoRoot 'README.md')) {
        if ($line -match '^#+\s+(?<h>.+)$' -and -not $inBlock) { $heading = $Matches.h; continue }
        if ($line -match '^```powershell\s*$') { $inBlock = $true; continue }
        if ($line -match '^```') { $inBlock = $false; continue }
        if (-not $inBlock -or -not $line.Trim()) { continue }
        $pending += $line + "`n"
        if ($line -match '(\||`)\s*$') { continue }
        $comment = [regex]::Match($pending, '(?m)#\s*(?<c>[^#\r\n]*)$')
        Add-Example 'README.md' $heading $pending $(if ($comment.Success) { $comment.Groups['c'].Value } else { '' })
        $pending = ''
    }

    $sources = @($examples | ForEach-Object Source | Sort-Object -Unique)
    $toRun = @($examples | Where-Object { -not $_.NotRunBecause })
    $notRun = @($examples | Where-Object { $_.NotRunBecause })
}

Describe 'Finding the examples' {
    It 'finds examples in <Source>' -ForEach @(
        @(Get-Command -Module AgentMetrics -CommandType Cmdlet | ForEach-Object { "Get-Help $($_.Name)" }) + 'about_AgentMetrics', 'README.md' |
            ForEach-Object { @{ Source = $_; Found = @($examples | Where-Object Source -EQ $_).Count } }
    ) {
        $Found | Should -BeGreaterThan 0
    }

    It 'leaves most examples to run (not run: <Count>)' -ForEach @{ Count = $notRun.Count; Total = $examples.Count } {
        $Count | Should -BeLessThan ($Total / 5)
    }
}

Describe 'Every example runs on the fixture' -ForEach @{ Examples = $toRun } {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

        # The user's home the examples see: the fixture's agents, a copied laptop, a team warehouse.
        $script:ExampleHome = Join-Path $TestDrive 'home'
        $null = New-Item -ItemType Directory -Path (Join-Path $ExampleHome 'projects'), (Join-Path $ExampleHome 'team'), (Join-Path $TestDrive 'work')
        Copy-Item -LiteralPath (Join-Path $FixtureHome '.claude'), (Join-Path $FixtureHome '.codex') -Destination $ExampleHome -Recurse
        Copy-Item -LiteralPath $FixtureHome -Destination (Join-Path $ExampleHome 'old-laptop') -Recurse
        $null = Import-AgentHistory -LiteralPath $FixtureHome -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        # Imported, not copied: a copy of warehouse.db alone can miss what is still in its -wal file.
        $null = Import-AgentHistory -LiteralPath $FixtureHome -Warehouse (Join-Path $ExampleHome 'team/warehouse.db') -WarningAction SilentlyContinue

        # The last moment the fixture has data: a window that starts after it legitimately returns nothing.
        $days = @($FixtureTruth.claude.daily.PSObject.Properties.Name) + @($FixtureTruth.codex.daily.PSObject.Properties.Name)
        # A day early, so that no time zone makes a window that still holds data look empty.
        $fixtureEnd = ([datetime] ($days | Sort-Object | Select-Object -Last 1)).AddDays(-1)

        $examplesFile = Join-Path $TestDrive 'examples.json'
        $resultsFile = Join-Path $TestDrive 'results.json'
        ConvertTo-Json -InputObject @($Examples | ForEach-Object { @{ Id = $_.Id; Code = $_.Code } }) -Depth 3 |
            Set-Content -LiteralPath $examplesFile -Encoding utf8

        # Runs in the new pwsh: every example in its own scope, its streams captured, its changes undone.
        $runner = {
            param($ExamplesFile, $ResultsFile)
            $ErrorActionPreference = 'Continue'
            $ProgressPreference = 'SilentlyContinue'
            Import-Module -Name AgentMetrics -ErrorAction Stop
            $results = foreach ($example in Get-Content -LiteralPath $ExamplesFile -Raw | ConvertFrom-Json) {
                $environment = [Environment]::GetEnvironmentVariables()
                Push-Location
                $captured = @()
                try {
                    $captured = @(& ([scriptblock]::Create($example.Code)) 2>&1 3>$null 4>$null 5>$null 6>$null)
                }
                catch {
                    $captured += $_
                }
                finally {
                    Pop-Location
                    foreach ($name in @([Environment]::GetEnvironmentVariables().Keys)) {
                        if (-not $environment.Contains($name)) { [Environment]::SetEnvironmentVariable($name, $null) }
                    }
                    foreach ($name in $environment.Keys) { [Environment]::SetEnvironmentVariable($name, $environment[$name]) }
                }
                $errors = @($captured | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
                $output = @($captured | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
                @{
                    Id      = $example.Id
                    Errors  = @($errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" })
                    Objects = $output.Count
                    Text    = ($output | Out-String -Width 120)
                }
            }
            ConvertTo-Json -InputObject @($results) -Depth 3 | Set-Content -LiteralPath $ResultsFile -Encoding utf8
        }
        # ~ and $HOME follow HOME (on Windows HOMEDRIVE + HOMEPATH, else USERPROFILE); AgentMetrics reads HOME.
        # The agents' own variables would point away from the example home: empty counts as unset.
        $environment = @{
            HOME              = $ExampleHome
            USERPROFILE       = $ExampleHome
            AGENTMETRICS_HOME = $TestHome
            CLAUDE_CONFIG_DIR = ''
            CODEX_HOME        = ''
            LLM_TELEMETRY_DIR = ''
        }
        if ($env:OS -eq 'Windows_NT') {
            $environment.HOMEDRIVE = Split-Path -Path $ExampleHome -Qualifier
            $environment.HOMEPATH = Split-Path -Path $ExampleHome -NoQualifier
        }
        Push-Location -LiteralPath (Join-Path $TestDrive 'work')
        try {
            $script:Run = Invoke-Pwsh -Script "& { $runner } '$examplesFile' '$resultsFile'" -Environment $environment
        }
        finally {
            Pop-Location
        }
        $script:Results = @{}
        if (Test-Path -LiteralPath $resultsFile) {
            foreach ($result in Get-Content -LiteralPath $resultsFile -Raw | ConvertFrom-Json) { $Results[[int] $result.Id] = $result }
        }

        function Test-WindowAfterFixture([string] $Code) {
            # -Since 7d / -After 24h: a span back from now that starts after the fixture's last day.
            foreach ($match in [regex]::Matches($Code, "-(Since|After)\s+['`"]?(?<n>\d+)(?<unit>[mhdw])\b")) {
                $n = [int] $match.Groups['n'].Value
                $span = switch ($match.Groups['unit'].Value) { 'm' { [timespan]::FromMinutes($n) } 'h' { [timespan]::FromHours($n) } 'd' { [timespan]::FromDays($n) } 'w' { [timespan]::FromDays(7 * $n) } }
                if ([datetime]::Now - $span -gt $fixtureEnd) { return $true }
            }
            # A window computed at run time (this month) cannot be judged here.
            return $Code -match '-(Since|After)\s+\('
        }
    }

    It '<Name>' -ForEach $Examples {
        $Results.ContainsKey($Id) | Should -BeTrue -Because "the runner should report on every example (exit code $($Run.ExitCode), stderr: $($Run.Error))"
        $result = $Results[$Id]
        @($result.Errors) | Should -BeNullOrEmpty -Because "the example`n$Code`nmust run without errors"
        if ($SaysReturns -and -not (Test-WindowAfterFixture $Code)) {
            $result.Objects | Should -BeGreaterThan 0 -Because "its text says what it returns ('$Text')"
        }
    }
}

Describe 'Examples not run in tests' {
    It '<Name> (not run: <NotRunBecause>)' -ForEach $notRun -AllowNullOrEmptyForEach -Skip {
    }
}
