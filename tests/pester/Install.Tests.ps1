# Install as users do: the package build.ps1 makes, a local folder registered as a repository, Install-Module
# (PowerShellGet 2) and Install-PSResource (PSResourceGet) into a fresh CurrentUser module folder, then new
# pwsh sessions that import the module by name, query a recent history, export it, and update it.
#
# Every pwsh here runs with HOME (and the XDG folders) in TestDrive: its CurrentUser modules, its registered
# repositories and its ~/.claude and ~/.agentmetrics are scratch folders, never the tester's own.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $script:Version = Get-DeclaredModuleVersion
    $declared = [version] $Version
    $script:NewerVersion = '{0}.{1}.{2}' -f $declared.Major, $declared.Minor, ($declared.Build + 1)

    # The release: build.ps1 -Task Package, as a maintainer makes it.
    $script:ReleasePackages = Join-Path $TestDrive 'release'
    $package = Invoke-BuildScript -Task Package -NoBuild -OutputPath $ReleasePackages
    if ($package.ExitCode -ne 0) { throw "build.ps1 -Task Package failed: $($package.Error)" }
    $script:ReleasePackage = Join-Path $ReleasePackages "AgentMetrics.$Version.nupkg"

    # The next release, built from these sources with the version bumped, as a maintainer releases it: its
    # assemblies carry the newer version too, so a session that updates must load a second
    # AgentMetrics.PowerShell beside the first. Built in a copy of the sources (bin/ and obj/ left out), so
    # nothing of the build under test changes; published with Publish-PSResource.
    $source = Join-Path $TestDrive 'newer-source'
    $sourceFiles = @('src/AgentMetrics.Core', 'src/AgentMetrics.PowerShell', 'src/AgentMetrics.PowerShell.LoadContext', 'build/CostViewWriter', 'formats', 'pricing', 'module' |
            ForEach-Object { Get-ChildItem -LiteralPath (Join-Path $RepoRoot $_) -File -Recurse } |
            Where-Object { $_.FullName.Substring($RepoRoot.Length) -notmatch '[\\/](bin|obj)[\\/]' }) +
        @('AgentMetrics.psd1', 'Directory.Build.props', 'Directory.Packages.props' | ForEach-Object { Get-Item -LiteralPath (Join-Path $RepoRoot $_) })
    foreach ($file in $sourceFiles) {
        $destination = Join-Path $source $file.FullName.Substring($RepoRoot.Length)
        $null = New-Item -ItemType Directory -Path (Split-Path $destination) -Force
        Copy-Item -LiteralPath $file.FullName -Destination $destination
    }
    $build = & dotnet build (Join-Path $source 'src/AgentMetrics.PowerShell/AgentMetrics.PowerShell.csproj') -c Release "-p:AgentMetricsVersion=$NewerVersion" 2>&1
    if ($LASTEXITCODE -ne 0) { throw "Building version $NewerVersion failed:`n$($build -join "`n")" }
    $script:NewerPackages = Join-Path $TestDrive 'newer'
    $stage = Join-Path $TestDrive 'newer-stage/AgentMetrics'
    $null = New-Item -ItemType Directory -Path $stage, $NewerPackages -Force
    Copy-Item -Path (Join-Path $source "out/AgentMetrics/$NewerVersion/*") -Destination $stage -Recurse

    function New-ScratchHome([string] $Name) {
        $path = Join-Path $TestDrive $Name
        # The XDG folders (and macOS's Library/Application Support) exist, as on a machine that has been
        # used: .NET reports a missing one as '', and PSResourceGet (and PackageManagement) then keep their
        # settings in ./PSResourceGet (./NuGet) under the working directory.
        foreach ($folder in '.local/share', '.config', '.cache', 'Library/Application Support') {
            $null = New-Item -ItemType Directory -Path (Join-Path $path $folder) -Force
        }
        $path
    }

    function Get-ScratchEnvironment([string] $HomePath) {
        # pwsh puts CurrentUser modules under XDG_DATA_HOME and adds its own $PSHOME/Modules after
        # PSModulePath: nothing the test runner installed is visible here.
        @{
            HOME              = $HomePath
            XDG_DATA_HOME     = Join-Path $HomePath '.local/share'
            XDG_CONFIG_HOME   = Join-Path $HomePath '.config'
            XDG_CACHE_HOME    = Join-Path $HomePath '.cache'
            PSModulePath      = Join-Path $HomePath '.local/share/powershell/Modules'
            AGENTMETRICS_HOME = Join-Path $HomePath '.agentmetrics'
            CLAUDE_CONFIG_DIR = Join-Path $HomePath '.claude'
            CODEX_HOME        = Join-Path $HomePath '.codex'
        }
    }

    function Invoke-ScratchPwsh([string] $HomePath, [string] $Script, [string[]] $ArgumentList = @()) {
        # Started in the scratch home too, so nothing relative lands in the repository.
        Push-Location -LiteralPath $HomePath
        try {
            $run = Invoke-Pwsh -Script $Script -Environment (Get-ScratchEnvironment $HomePath) -ArgumentList $ArgumentList
        }
        finally {
            Pop-Location
        }
        if ($run.ExitCode -ne 0) {
            throw "pwsh failed with exit code $($run.ExitCode):`n$($run.Error)`n$($run.Output)"
        }
        $run
    }

    $publisher = New-ScratchHome 'publisher-home'
    $null = Invoke-ScratchPwsh $publisher -ArgumentList $NewerPackages, (Split-Path $stage) -Script @'
param($Repository, $Stage)
$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name Next -Uri $Repository -Trusted
Publish-PSResource -Path (Join-Path $Stage 'AgentMetrics') -Repository Next
'@
    $script:NewerPackage = Join-Path $NewerPackages "AgentMetrics.$NewerVersion.nupkg"

    function Write-RecentClaudeHistory([string] $HomePath) {
        <#
        A tiny Claude Code history in ~/.claude: two sessions from the last two days and one from 20 days
        ago, which -Since 7d must leave out. Returns the responses written, to compare totals against.
        #>
        $now = [DateTime]::UtcNow
        $responses = @(
            [pscustomobject] @{ Session = 'a1111111-1111-4111-8111-111111111111'; Age = [TimeSpan]::FromHours(26); Input = 120; Output = 450; CacheWrite = 2000; CacheRead = 15000 }
            [pscustomobject] @{ Session = 'a1111111-1111-4111-8111-111111111111'; Age = [TimeSpan]::FromHours(25.9); Input = 30; Output = 800; CacheWrite = 0; CacheRead = 17000 }
            [pscustomobject] @{ Session = 'b2222222-2222-4222-8222-222222222222'; Age = [TimeSpan]::FromHours(50); Input = 9; Output = 61; CacheWrite = 500; CacheRead = 0 }
            [pscustomobject] @{ Session = 'c3333333-3333-4333-8333-333333333333'; Age = [TimeSpan]::FromDays(20); Input = 7777; Output = 7777; CacheWrite = 0; CacheRead = 0 }
        )
        $folder = Join-Path $HomePath '.claude/projects/-home-user-work-demo'
        $null = New-Item -ItemType Directory -Path $folder -Force
        $number = 0
        foreach ($response in $responses) {
            $number++
            $time = $now - $response.Age
            $prompt = [ordered] @{
                parentUuid = $null; isSidechain = $false; userType = 'external'; cwd = '/home/user/work/demo'
                sessionId = $response.Session; version = '2.0.13'; gitBranch = 'main'; type = 'user'
                message = @{ role = 'user'; content = "question $number" }
                uuid = "00000000-0000-4000-8000-00000000000$number"; timestamp = $time.AddSeconds(-2).ToString('yyyy-MM-ddTHH:mm:ss.fffZ')
            }
            $answer = [ordered] @{
                parentUuid = $prompt.uuid; isSidechain = $false; userType = 'external'; cwd = '/home/user/work/demo'
                sessionId = $response.Session; version = '2.0.13'; gitBranch = 'main'; type = 'assistant'
                requestId = "req_install_$number"
                message = [ordered] @{
                    model = 'claude-sonnet-4-5-20250929'; id = "msg_install_$number"; type = 'message'; role = 'assistant'
                    content = @(@{ type = 'text'; text = "answer $number" })
                    stop_reason = 'end_turn'
                    usage = [ordered] @{
                        input_tokens = $response.Input; output_tokens = $response.Output
                        cache_creation_input_tokens = $response.CacheWrite; cache_read_input_tokens = $response.CacheRead
                        cache_creation = @{ ephemeral_5m_input_tokens = $response.CacheWrite; ephemeral_1h_input_tokens = 0 }
                        service_tier = 'standard'
                    }
                }
                uuid = "10000000-0000-4000-8000-00000000000$number"; timestamp = $time.ToString('yyyy-MM-ddTHH:mm:ss.fffZ')
            }
            $file = Join-Path $folder "$($response.Session).jsonl"
            Add-Content -LiteralPath $file -Value ($prompt | ConvertTo-Json -Compress -Depth 10), ($answer | ConvertTo-Json -Compress -Depth 10)
        }
        $responses
    }
}

# Windows keeps CurrentUser modules in Documents whatever HOME says: there this would install into the
# tester's own profile, so it runs on Linux and macOS (CI is Linux).
Describe 'Installed with <Installer>' -Skip:$IsWindows -ForEach @(
    @{
        Installer = 'Install-Module (PowerShellGet 2)'
        Register  = 'Register-PSRepository -Name Local -SourceLocation $Repository -InstallationPolicy Trusted'
        Install   = 'Install-Module -Name AgentMetrics -Repository Local -Scope CurrentUser'
        Update    = 'Update-Module -Name AgentMetrics'
        Installed = 'Get-InstalledModule -Name AgentMetrics -AllVersions | ForEach-Object { "$($_.Version)|$($_.InstalledLocation)" }'
    }
    @{
        Installer = 'Install-PSResource (PSResourceGet)'
        Register  = 'Register-PSResourceRepository -Name Local -Uri $Repository -Trusted'
        Install   = 'Install-PSResource -Name AgentMetrics -Repository Local -Scope CurrentUser'
        Update    = 'Update-PSResource -Name AgentMetrics'
        Installed = 'Get-InstalledPSResource -Name AgentMetrics | ForEach-Object { "$($_.Version)|$($_.InstalledLocation)" }'
    }
) {
    BeforeAll {
        $script:UserHome = New-ScratchHome ("home-" + ($Installer -split ' ')[0])
        $script:ModulePath = Join-Path $UserHome '.local/share/powershell/Modules'
        $script:Repository = Join-Path $UserHome 'repository'
        $null = New-Item -ItemType Directory -Path $Repository
        Copy-Item -LiteralPath $ReleasePackage -Destination $Repository
        $script:Responses = Write-RecentClaudeHistory $UserHome
        $script:Recent = @($Responses | Where-Object { $_.Age -lt [TimeSpan]::FromDays(7) })
        $script:RecentSessions = @($Recent.Session | Sort-Object -Unique)
        $script:Output = Join-Path $UserHome 'output'
        $null = New-Item -ItemType Directory -Path $Output

        # 1. Install.
        $script:InstallRun = Invoke-ScratchPwsh $UserHome -ArgumentList $Repository -Script @"
param(`$Repository)
`$ErrorActionPreference = 'Stop'
$Register
$Install
$Installed
"@

        # 2. A new session, as a user opens one: import by name, import history, query, export.
        $script:UseRun = Invoke-ScratchPwsh $UserHome -ArgumentList $Output -Script @'
param($Output)
$ErrorActionPreference = 'Stop'
Import-Module AgentMetrics
$module = Get-Module AgentMetrics
$imported = @(Import-AgentHistory)
$measured = @(Get-AgentSession -Since 7d | Measure-AgentCost)
$direct = @(Get-AgentCost -Since 7d)
Get-AgentSession -Since 7d | Export-Csv -LiteralPath (Join-Path $Output 'sessions.csv') -NoTypeInformation
Get-AgentSession -Since 7d | ConvertTo-Json | Set-Content -LiteralPath (Join-Path $Output 'sessions.json')
[pscustomobject] @{
    Version       = $module.Version.ToString()
    ModuleBase    = $module.ModuleBase
    RequestsAdded = ($imported | Measure-Object RequestsAdded -Sum).Sum
    Measured      = $measured
    Direct        = $direct
} | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath (Join-Path $Output 'use.json')
'@
        $script:Use = Get-Content -LiteralPath (Join-Path $Output 'use.json') -Raw | ConvertFrom-Json

        # 3. In one session: Remove-Module and Import-Module again (as after changing a setting), then a
        #    newer release reaches the repository, the user updates, removes the module and imports the newer
        #    one, whose cmdlets import into a warehouse of their own and query it.
        Copy-Item -LiteralPath $NewerPackage -Destination $Repository
        $script:UpdateRun = Invoke-ScratchPwsh $UserHome -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module AgentMetrics
"before=`$((Get-Module AgentMetrics).Version)"
"sessionsBefore=`$(@(Get-AgentSession -Since 7d).Count)"
Remove-Module AgentMetrics
"removed=`$(@(Get-Module AgentMetrics).Count)"
Import-Module AgentMetrics
"reimported=`$((Get-Module AgentMetrics).Version)|`$((Get-Module AgentMetrics).ModuleBase)"
"loaded=`$(@(Get-Module AgentMetrics).Count)"
"sessionsAfter=`$(@(Get-AgentSession -Since 7d).Count)"
$Update
$Installed | ForEach-Object { "installed=`$_" }
"available=`$((Get-Module AgentMetrics -ListAvailable | Sort-Object Version -Descending | Select-Object -First 1).Version)"
Remove-Module AgentMetrics
Import-Module AgentMetrics
"updated=`$((Get-Module AgentMetrics).Version)|`$((Get-Module AgentMetrics).ModuleBase)"
"loadedAfterUpdate=`$(@(Get-Module AgentMetrics).Count)"
`$running = (Get-Command Get-AgentSession).ImplementingType.Assembly
"runningCmdlets=`$(`$running.GetName().Version)|`$(`$running.Location)"
`$warehouse = Join-Path `$HOME 'updated.db'
"updatedImported=`$((@(Import-AgentHistory -Warehouse `$warehouse) | Measure-Object RequestsAdded -Sum).Sum)"
"updatedSessions=`$(@(Get-AgentSession -Since 7d -Warehouse `$warehouse).Count)"
"updatedDefaultSessions=`$(@(Get-AgentSession -Since 7d).Count)"
"@

        # 4. The next new session gets the newer version by name.
        $script:NextRun = Invoke-ScratchPwsh $UserHome -Script @'
Import-Module AgentMetrics -ErrorAction Stop
"version=$((Get-Module AgentMetrics).Version)|$((Get-Module AgentMetrics).ModuleBase)"
"sessions=$(@(Get-AgentSession -Since 7d).Count)"
'@
    }

    It 'installs the release into the fresh CurrentUser module folder' {
        # InstalledLocation: the module's folder for PowerShellGet, the Modules folder for PSResourceGet.
        $InstallRun.Output | Should -Match ("(?m)^{0}\|{1}" -f [regex]::Escape($Version), [regex]::Escape($ModulePath))
        Join-Path $ModulePath "AgentMetrics/$Version/AgentMetrics.psd1" | Should -Exist
    }

    It 'imports by name from the install path in a new session' {
        $Use.Version | Should -Be $Version
        $Use.ModuleBase | Should -Be (Join-Path $ModulePath "AgentMetrics/$Version")
        $UseRun.Error | Should -BeNullOrEmpty
    }

    It 'imports the recent history from ~/.claude and measures the last 7 days exactly' {
        $Use.RequestsAdded | Should -Be $Responses.Count
        $Use.Measured.Count | Should -Be 1
        $row = $Use.Measured[0]
        $row.Requests | Should -Be $Recent.Count
        $row.InputTokens | Should -Be ($Recent | Measure-Object Input -Sum).Sum
        $row.OutputTokens | Should -Be ($Recent | Measure-Object Output -Sum).Sum
        $row.CacheWriteTokens | Should -Be ($Recent | Measure-Object CacheWrite -Sum).Sum
        $row.CacheReadTokens | Should -Be ($Recent | Measure-Object CacheRead -Sum).Sum
        # The same window through the other path: priced, and priced the same.
        $row.CostUsd | Should -BeGreaterThan 0
        $row.CostUsd | Should -Be $Use.Direct[0].CostUsd
        $row.TotalTokens | Should -Be $Use.Direct[0].TotalTokens
    }

    It 'exports the sessions to CSV with a header of their properties and one row each' {
        $lines = Get-Content -LiteralPath (Join-Path $Output 'sessions.csv')
        $header = $lines[0] -split ',' | ForEach-Object { $_.Trim('"') }
        $header | Should -Contain 'SessionId'
        $header | Should -Contain 'CostUsd'
        $header | Should -Contain 'TotalTokens'
        $header | Should -Not -Contain 'PSComputerName'

        $rows = @(Import-Csv -LiteralPath (Join-Path $Output 'sessions.csv'))
        $rows.SessionId | Sort-Object | Should -Be $RecentSessions
        $first = $rows | Where-Object SessionId -eq $Recent[0].Session
        [long] $first.InputTokens | Should -Be (($Recent | Where-Object Session -eq $Recent[0].Session | Measure-Object Input -Sum).Sum)
        $first.Project | Should -Be 'demo'
    }

    It 'converts the sessions to JSON with their fields' {
        $sessions = @(Get-Content -LiteralPath (Join-Path $Output 'sessions.json') -Raw | ConvertFrom-Json)
        $sessions.Count | Should -Be $RecentSessions.Count
        foreach ($session in $sessions) {
            $expected = @($Recent | Where-Object Session -eq $session.SessionId)
            $session.Requests | Should -Be $expected.Count
            $session.OutputTokens | Should -Be (($expected | Measure-Object Output -Sum).Sum)
            $session.CostUsd | Should -BeGreaterThan 0
            $session.Source | Should -Not -BeNullOrEmpty
        }
    }

    It 'removes and imports the module again in the same session, and the cmdlets still work' {
        $UpdateRun.Output | Should -Match "(?m)^before=$([regex]::Escape($Version))\s*$"
        $UpdateRun.Output | Should -Match '(?m)^removed=0\s*$'
        $UpdateRun.Output | Should -Match ("(?m)^reimported={0}\|{1}\s*$" -f [regex]::Escape($Version), [regex]::Escape((Join-Path $ModulePath "AgentMetrics/$Version")))
        $UpdateRun.Output | Should -Match '(?m)^loaded=1\s*$'
        $UpdateRun.Output | Should -Match "(?m)^sessionsBefore=$($RecentSessions.Count)\s*$"
        $UpdateRun.Output | Should -Match "(?m)^sessionsAfter=$($RecentSessions.Count)\s*$"
    }

    It 'updates to the newer release, installed beside the first' {
        $UpdateRun.Output | Should -Match "(?m)^installed=$([regex]::Escape($Version))\|"
        $UpdateRun.Output | Should -Match "(?m)^installed=$([regex]::Escape($NewerVersion))\|"
        $UpdateRun.Output | Should -Match "(?m)^available=$([regex]::Escape($NewerVersion))\s*$"
        Join-Path $ModulePath "AgentMetrics/$NewerVersion/AgentMetrics.psd1" | Should -Exist
    }

    It 'runs the newer version after Update-Module, Remove-Module and Import-Module in the same session' {
        $newerBase = Join-Path $ModulePath "AgentMetrics/$NewerVersion"
        $UpdateRun.Output | Should -Match ("(?m)^updated={0}\|{1}\s*$" -f [regex]::Escape($NewerVersion), [regex]::Escape($newerBase))
        $UpdateRun.Output | Should -Match '(?m)^loadedAfterUpdate=1\s*$'
        # The cmdlets that run are the newer build's own, from the newer copy's folder.
        $UpdateRun.Output | Should -Match ("(?m)^runningCmdlets={0}\|{1}\s*$" -f [regex]::Escape(([version] "$NewerVersion.0").ToString()), [regex]::Escape((Join-Path $newerBase 'bin/AgentMetrics.PowerShell.dll')))
        # And they work: a new warehouse from ~/.claude, then the one the older version filled.
        $UpdateRun.Output | Should -Match "(?m)^updatedImported=$($Responses.Count)\s*$"
        $UpdateRun.Output | Should -Match "(?m)^updatedSessions=$($RecentSessions.Count)\s*$"
        $UpdateRun.Output | Should -Match "(?m)^updatedDefaultSessions=$($RecentSessions.Count)\s*$"
    }

    It 'gives a new session the newer version by name, with the same warehouse' {
        $NextRun.Output | Should -Match ("(?m)^version={0}\|{1}\s*$" -f [regex]::Escape($NewerVersion), [regex]::Escape((Join-Path $ModulePath "AgentMetrics/$NewerVersion")))
        $NextRun.Output | Should -Match "(?m)^sessions=$($RecentSessions.Count)\s*$"
    }
}
