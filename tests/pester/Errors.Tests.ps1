# Commands that read never write, and errors users can act on: ids, categories, targets, files left as they were.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $script:Warehouse = New-FixtureWarehouse
    $script:Queries = 'Get-AgentCost', 'Get-AgentSession', 'Get-AgentToolUsage', 'Get-AgentWarehouse'

    # A second real process for SQLite files that are not ours and for holding locks: python3's sqlite3.
    $script:Python = Get-Command -Name python3, python -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    # Read-only folders: root ignores file permissions, so as root on Linux a read-only tmpfs mount stands in.
    # $IsWindows does not exist in Windows PowerShell 5.1: ask the file system.
    $script:OnWindows = [System.IO.Path]::DirectorySeparatorChar -eq '\'
    $script:IsRoot = -not $OnWindows -and (& id -u) -eq '0'
    $script:CanMount = $IsRoot -and (Test-Path -LiteralPath '/proc/mounts')

    function Invoke-Python([string] $Code) {
        & $Python.Source -c $Code
        if ($LASTEXITCODE -ne 0) { throw "python3 failed ($LASTEXITCODE)" }
    }

    # Every file in a folder with a hash of its bytes: what "left untouched" means.
    function Get-FolderState([string] $Folder) {
        Get-ChildItem -LiteralPath $Folder -File -Force | Sort-Object Name | ForEach-Object {
            '{0}:{1}' -f $_.Name, (Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash
        }
    }

    # A folder nobody can write to, filled by $Fill first; Remove-ReadOnlyFolder undoes it.
    function New-ReadOnlyFolder([string] $Name, [scriptblock] $Fill) {
        $folder = Join-Path $TestDrive $Name
        $null = New-Item -ItemType Directory -Path $folder
        if ($CanMount) {
            & mount -t tmpfs -o size=16m tmpfs $folder
            & $Fill $folder
            & mount -o remount,ro $folder
        }
        else {
            & $Fill $folder
            & chmod a-w $folder
        }
        $folder
    }

    function Remove-ReadOnlyFolder([string] $Folder) {
        if ($CanMount) { & umount $Folder } else { & chmod u+w $Folder }
    }
}

Describe 'A query never creates a warehouse' {
    It '<Command> on a missing file is WarehouseNotFound with the path, and creates nothing' -TestCases @(
        @{ Command = 'Get-AgentCost' }, @{ Command = 'Get-AgentSession' }, @{ Command = 'Get-AgentToolUsage' }, @{ Command = 'Get-AgentWarehouse' }
    ) {
        $path = Join-Path $TestDrive "missing-$Command/warehouse.db"
        $err = { & $Command -Warehouse $path -ErrorAction Stop } | Should -Throw -PassThru

        $err.FullyQualifiedErrorId | Should -Be "WarehouseNotFound,AgentMetrics.PowerShell.Commands.$($Command -replace '-')Command"
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be $path
        $err.Exception.Message | Should -BeLike '*Import-AgentHistory*'
        Split-Path $path | Should -Not -Exist
    }

    It 'leaves the default AgentMetrics home uncreated, and completion offers nothing' {
        $env:AGENTMETRICS_HOME = Join-Path $TestDrive 'never-created'
        try {
            { Get-AgentCost -ErrorAction Stop } | Should -Throw -ErrorId 'WarehouseNotFound,AgentMetrics.PowerShell.Commands.GetAgentCostCommand'
            (TabExpansion2 -inputScript 'Get-AgentCost -Model ' -cursorColumn 21).CompletionMatches | Should -BeNullOrEmpty
            $env:AGENTMETRICS_HOME | Should -Not -Exist
        }
        finally { $env:AGENTMETRICS_HOME = $TestHome }
    }

    It 'changes no byte of a warehouse and leaves no -wal or -shm beside it' {
        $folder = Join-Path $TestDrive 'quiet'
        $null = New-Item -ItemType Directory $folder
        $path = Join-Path $folder 'w.db'
        # Imported by another process, which has finished writing when it exits.
        $import = Invoke-Pwsh -Script "Import-AgentHistory -LiteralPath '$FixtureHome' -Warehouse '$path' -WarningAction SilentlyContinue | Out-Null"
        $import.ExitCode | Should -Be 0
        $before = Get-FolderState $folder

        $null = Get-AgentCost -By Day, Model -Warehouse $path
        $null = Get-AgentSession -Warehouse $path
        $null = Get-AgentToolUsage -Warehouse $path
        $null = Get-AgentWarehouse -Warehouse $path
        $line = "Get-AgentCost -Warehouse '$path' -Model "
        $null = TabExpansion2 -inputScript $line -cursorColumn $line.Length

        Get-FolderState $folder | Should -Be $before
    }
}

Describe 'A file that is not an AgentMetrics warehouse is refused untouched' {
    BeforeDiscovery {
        $script:Kinds = @(
            @{ Kind = 'text' }
            @{ Kind = 'sqlite' }
            @{ Kind = 'sqlite-wal' }
        )
    }

    It 'refuses a <Kind> file in every query and in Import-AgentHistory' -TestCases $Kinds {
        $folder = Join-Path $TestDrive "foreign-$Kind"
        $null = New-Item -ItemType Directory $folder
        $path = Join-Path $folder 'notes.db'
        switch ($Kind) {
            'text' { Set-Content -LiteralPath $path -Value 'my notes, not a database' }
            default {
                if (-not $Python) { Set-ItResult -Skipped -Because 'python3 makes the other program''s SQLite file'; return }
                $mode = if ($Kind -eq 'sqlite-wal') { 'wal' } else { 'delete' }
                Invoke-Python "import sqlite3; c = sqlite3.connect(r'$path'); c.execute('pragma journal_mode=$mode'); c.execute('create table notes(body)'); c.execute(""insert into notes values ('mine')""); c.commit(); c.close()"
            }
        }
        $before = Get-FolderState $folder

        foreach ($command in $Queries + 'Import-AgentHistory') {
            $arguments = @{ Warehouse = $path; ErrorAction = 'Stop' }
            if ($command -eq 'Import-AgentHistory') { $arguments.LiteralPath = $FixtureHome }
            $err = { & $command @arguments } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'NotAWarehouse,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidData'
            $err.TargetObject | Should -Be $path
        }

        Get-FolderState $folder | Should -Be $before
    }
}

Describe 'A warehouse in a read-only folder (a copy on a share)' {
    BeforeAll {
        $script:Expected = Get-AgentCost -By Model -Warehouse $Warehouse | ForEach-Object { '{0}={1}' -f $_.Model, $_.CostUsd }
        $script:ExpectedInfo = Get-AgentWarehouse -Warehouse $Warehouse
    }

    It 'is read without a -shm, and nothing is written there' {
        if ($OnWindows) { Set-ItResult -Skipped -Because 'a read-only folder is set up with chmod or a mount'; return }
        $folder = New-ReadOnlyFolder 'share' { param($f) Copy-Item -LiteralPath $Warehouse -Destination (Join-Path $f 'w.db') }
        try {
            $copy = Join-Path $folder 'w.db'
            $verbose = Get-AgentCost -By Model -Warehouse $copy -Verbose 4>&1
            $verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Select-Object -First 1 |
                Should -BeLike "*'$copy'*read-only*"
            $verbose | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] } | ForEach-Object { '{0}={1}' -f $_.Model, $_.CostUsd } |
                Should -Be $Expected
            @(Get-ChildItem -LiteralPath $folder -Force).Name | Should -Be 'w.db'
        }
        finally { Remove-ReadOnlyFolder $folder }
    }

    It 'reads the pages of a -wal copied beside it' {
        if ($OnWindows -or -not $Python) { Set-ItResult -Skipped -Because 'needs a read-only folder and python3 to write a log'; return }
        # A log whose pages are not yet in the main file: one manifest row fewer when read through the log.
        $source = Join-Path $TestDrive 'with-log'
        $null = New-Item -ItemType Directory $source
        Copy-Item -LiteralPath $Warehouse -Destination (Join-Path $source 'w.db')
        $db = Join-Path $source 'w.db'
        Invoke-Python "import sqlite3, shutil; c = sqlite3.connect(r'$db'); c.execute('pragma wal_autocheckpoint=0'); c.execute('delete from source_files where rowid = (select min(rowid) from source_files)'); c.commit(); shutil.copy(r'$db', r'$db.copy'); shutil.copy(r'$db-wal', r'$db.copy-wal')"
        $folder = New-ReadOnlyFolder 'share-with-log' {
            param($f)
            Copy-Item -LiteralPath "$db.copy" -Destination (Join-Path $f 'w.db')
            Copy-Item -LiteralPath "$db.copy-wal" -Destination (Join-Path $f 'w.db-wal')
        }
        try {
            (Get-Item -LiteralPath (Join-Path $folder 'w.db-wal')).Length | Should -BeGreaterThan 0
            $info = Get-AgentWarehouse -Warehouse (Join-Path $folder 'w.db')
            $info.Files | Should -Be ($ExpectedInfo.Files - 1)
            $info.Requests | Should -Be $ExpectedInfo.Requests
            @(Get-ChildItem -LiteralPath $folder -Force).Name | Should -Be 'w.db', 'w.db-wal'
        }
        finally { Remove-ReadOnlyFolder $folder }
    }
}

Describe 'SQLite failures reach the user as AgentMetrics errors' {
    It 'a warehouse with garbage written into it is WarehouseCorrupt' {
        $path = Join-Path $TestDrive 'corrupt.db'
        Copy-Item -LiteralPath $Warehouse -Destination $path
        $stream = [System.IO.File]::OpenWrite($path)
        try {
            $null = $stream.Seek(4096, 'Begin')
            $garbage = [byte[]]::new($stream.Length - 4096)
            [System.Random]::new(12).NextBytes($garbage)
            $stream.Write($garbage, 0, $garbage.Length)
        }
        finally { $stream.Dispose() }

        foreach ($command in 'Get-AgentCost', 'Get-AgentSession', 'Get-AgentToolUsage') {
            $err = { & $command -Warehouse $path -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'WarehouseCorrupt,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidData'
            $err.TargetObject | Should -Be $path
            $err.Exception.GetType().FullName | Should -Be 'AgentMetrics.Errors.AgentMetricsException'
            $err.Exception.Message | Should -BeLike '*Import-AgentHistory*'
        }
    }

    It 'a full disk is WarehouseDiskFull and the import says so once' {
        if (-not $CanMount) { Set-ItResult -Skipped -Because 'a small tmpfs needs root on Linux'; return }
        $folder = Join-Path $TestDrive 'full'
        $null = New-Item -ItemType Directory $folder
        & mount -t tmpfs -o size=256k tmpfs $folder
        try {
            $path = Join-Path $folder 'w.db'
            $err = { Import-AgentHistory -LiteralPath $FixtureHome -Warehouse $path -WarningAction SilentlyContinue -ErrorAction Stop } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -Be 'WarehouseDiskFull,AgentMetrics.PowerShell.Commands.ImportAgentHistoryCommand'
            $err.CategoryInfo.Category | Should -Be 'WriteError'
            $err.TargetObject | Should -Be $path
        }
        finally { & umount $folder }
    }

    It 'a warehouse another process holds locked is WarehouseBusy once the wait is over' {
        if (-not $Python) { Set-ItResult -Skipped -Because 'python3 holds the lock'; return }
        $path = Join-Path $TestDrive 'locked.db'
        Copy-Item -LiteralPath $Warehouse -Destination $path
        $start = [System.Diagnostics.ProcessStartInfo]::new($Python.Source)
        $start.ArgumentList.Add('-c')
        $start.ArgumentList.Add("import sqlite3, sys; c = sqlite3.connect(r'$path', isolation_level=None); c.execute('pragma locking_mode=exclusive'); c.execute('begin exclusive'); c.execute('create table held(x)'); print('locked', flush=True); sys.stdin.read()")
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $holder = [System.Diagnostics.Process]::Start($start)
        $env:AGENTMETRICS_BUSY_TIMEOUT = '1'
        try {
            $holder.StandardOutput.ReadLine() | Should -Be 'locked'
            foreach ($command in 'Get-AgentCost', 'Import-AgentHistory') {
                $arguments = @{ Warehouse = $path; ErrorAction = 'Stop' }
                if ($command -eq 'Import-AgentHistory') { $arguments.LiteralPath = $FixtureHome }
                $err = { & $command @arguments } | Should -Throw -PassThru
                $err.FullyQualifiedErrorId | Should -BeLike 'WarehouseBusy,*'
                $err.CategoryInfo.Category | Should -Be 'ResourceBusy'
                $err.TargetObject | Should -Be $path
            }
        }
        finally {
            Remove-Item Env:AGENTMETRICS_BUSY_TIMEOUT
            $holder.StandardInput.Close()
            $holder.WaitForExit()
        }
    }
}

Describe 'Malformed lines are the agents'' doing, not a failed import' {
    It 'a nightly script with $ErrorActionPreference = Stop imports everything and goes on, with one warning' {
        $path = Join-Path $TestDrive 'nightly.db'
        $run = Invoke-Pwsh -Script @"
`$ErrorActionPreference = 'Stop'
`$results = Import-AgentHistory -LiteralPath '$FixtureHome' -Warehouse '$path' 3>&1
`$warnings = @(`$results | Where-Object { `$_ -is [System.Management.Automation.WarningRecord] })
"warnings=`$(`$warnings.Count)"
"warning=`$(`$warnings[0].Message)"
`$results | Where-Object { `$_ -isnot [System.Management.Automation.WarningRecord] } | ForEach-Object { "`$(`$_.Source)=`$(`$_.MalformedLines)/`$(`$_.MalformedFiles)/`$(`$_.FirstMalformedLine)" }
'went on'
"@
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $run.Error | Should -BeNullOrEmpty
        $lines = $run.Output -split "`r?`n"
        $lines | Should -Contain 'warnings=1'
        $lines | Should -Contain 'went on'
        $claude = $FixtureTruth.claude.pitfalls.malformed_partial_line
        $codex = $FixtureTruth.codex.pitfalls.malformed_line
        $lines | Where-Object { $_ -like 'warning=*' } | Should -BeLike "*Skipped $($claude + $codex) malformed line(s)*"
        $lines | Where-Object { $_ -like 'Claude=*' } | Should -BeLike "Claude=$claude/*/*.jsonl:*"
        $lines | Where-Object { $_ -like 'Codex=*' } | Should -BeLike "Codex=$codex/*/*.jsonl:*"
    }

    It 'lists every malformed line under -Verbose' {
        $verbose = Import-AgentHistory -LiteralPath $FixtureHome -Warehouse (Join-Path $TestDrive 'verbose.db') -Force -Verbose -WarningAction SilentlyContinue 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*not valid JSON*' }
        @($verbose).Count | Should -Be ($FixtureTruth.claude.pitfalls.malformed_partial_line + $FixtureTruth.codex.pitfalls.malformed_line)
    }

    It 'keeps errors for what the user can act on: a path that does not exist' {
        $missing = Join-Path $TestDrive 'no-such-history'
        $err = { Import-AgentHistory -LiteralPath $missing -Warehouse (Join-Path $TestDrive 'unused.db') -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'PathNotFound,AgentMetrics.PowerShell.Commands.ImportAgentHistoryCommand'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Join-Path $TestDrive 'unused.db' | Should -Not -Exist
    }
}

Describe 'Import-AgentHistory -WhatIf, -Confirm and folders of homes' {
    It '-WhatIf names the sources, their folders and the warehouse, and creates nothing' {
        $path = Join-Path $TestDrive 'whatif/w.db'
        $run = Invoke-Pwsh -Script "Import-AgentHistory -LiteralPath '$FixtureHome' -Warehouse '$path' -WhatIf"
        $run.ExitCode | Should -Be 0 -Because $run.Error
        $run.Output | Should -BeLike "*Claude history in $(Join-Path $FixtureHome '.claude')*"
        $run.Output | Should -BeLike "*Codex history in $(Join-Path $FixtureHome '.codex')*"
        $run.Output | Should -BeLike "*$path*"
        Split-Path $path | Should -Not -Exist
    }

    It 'supports -Confirm (declared, and -Confirm:$false imports)' {
        (Get-Command Import-AgentHistory).Parameters.Keys | Should -Contain 'Confirm'
        $path = Join-Path $TestDrive 'confirmed.db'
        $results = Import-AgentHistory -LiteralPath $FixtureHome -Warehouse $path -Confirm:$false -WarningAction SilentlyContinue
        @($results).Count | Should -Be 2
        $path | Should -Exist
    }

    It 'imports every agent from a folder of homes (backups/laptop/.claude beside backups/desktop/.codex)' {
        $backups = Join-Path $TestDrive 'backups'
        Copy-Item -LiteralPath (Join-Path $FixtureHome '.claude') -Destination (Join-Path $backups 'laptop/.claude') -Recurse
        Copy-Item -LiteralPath (Join-Path $FixtureHome '.codex') -Destination (Join-Path $backups 'desktop/.codex') -Recurse
        $results = Import-AgentHistory -LiteralPath $backups -Warehouse (Join-Path $TestDrive 'backups.db') -WarningAction SilentlyContinue
        $results.Source | Sort-Object | Should -Be 'Claude', 'Codex'

        $fromBackups = Get-AgentCost -By Source -Warehouse (Join-Path $TestDrive 'backups.db') | ForEach-Object { "$($_.Source)=$($_.Requests)/$($_.CostUsd)" }
        $fromHome = Get-AgentCost -By Source -Warehouse $Warehouse | ForEach-Object { "$($_.Source)=$($_.Requests)/$($_.CostUsd)" }
        $fromBackups | Should -Be $fromHome
    }

    It 'creates no warehouse on a machine without history, and the quickstart leaves the home alone' {
        $fresh = Join-Path $TestDrive 'fresh-home'
        $null = New-Item -ItemType Directory $fresh
        $environment = @{ HOME = $fresh; USERPROFILE = $fresh; AGENTMETRICS_HOME = ''; CLAUDE_CONFIG_DIR = ''; CODEX_HOME = ''; LLM_TELEMETRY_DIR = '' }
        $import = Invoke-Pwsh -Environment $environment -Script 'Import-AgentHistory 3>&1 | ForEach-Object { "$_" }'
        $import.ExitCode | Should -Be 0 -Because $import.Error
        $import.Output | Should -BeLike '*No agent history was found*'

        $quickstart = Invoke-Pwsh -Environment $environment -Script ". '$(Join-Path $RepoRoot 'samples/quickstart.ps1')'"
        $quickstart.ExitCode | Should -Be 0 -Because $quickstart.Error
        $quickstart.Output | Should -BeLike "*$([System.IO.Path]::GetTempPath())*sample-warehouse.db*"
        # pwsh keeps its own caches in a home; AgentMetrics must add nothing there.
        Join-Path $fresh '.agentmetrics' | Should -Not -Exist
        @(Get-ChildItem -LiteralPath $fresh -Force -Recurse -Filter '*.db*') | Should -BeNullOrEmpty
    }
}

Describe 'Names that match nothing, windows that hold nothing, wrong input' {
    It '<Command> -<Parameter> <Name> is <Id> (ObjectNotFound, target the name), once per name' -TestCases @(
        @{ Command = 'Get-AgentCost'; Parameter = 'SessionId'; Name = 'x'; Id = 'SessionNotFound' }
        @{ Command = 'Get-AgentSession'; Parameter = 'SessionId'; Name = 'x'; Id = 'SessionNotFound' }
        @{ Command = 'Get-AgentToolUsage'; Parameter = 'SessionId'; Name = 'x'; Id = 'SessionNotFound' }
        @{ Command = 'Get-AgentCost'; Parameter = 'Model'; Name = 'gpt-4o'; Id = 'ModelNotFound' }
        @{ Command = 'Get-AgentSession'; Parameter = 'Project'; Name = 'no-such-project'; Id = 'ProjectNotFound' }
        @{ Command = 'Get-AgentCost'; Parameter = 'Source'; Name = 'Gemini'; Id = 'SourceNotFound' }
    ) {
        $arguments = @{ Warehouse = $Warehouse; $Parameter = @($Name, 'also-missing', 'wild*') }
        $errors = @()
        $null = & $Command @arguments -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 2
        $errors[0].FullyQualifiedErrorId | Should -Be "$Id,AgentMetrics.PowerShell.Commands.$($Command -replace '-')Command"
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errors.TargetObject | Should -Be $Name, 'also-missing'
    }

    It 'a name that exists and a wildcard matching nothing are silent' {
        $errors = @()
        $rows = Get-AgentCost -By Model -Model 'gpt-5', 'nothing*' -Warehouse $Warehouse -ErrorVariable errors
        $errors | Should -BeNullOrEmpty
        $rows.Model | Should -Be 'gpt-5'
    }

    It '-Since after -Until is InvalidTimeWindow' {
        $err = { Get-AgentCost -Since 2d -Until 5d -Warehouse $Warehouse -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'InvalidTimeWindow,AgentMetrics.PowerShell.Commands.GetAgentCostCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'wrong objects piped into Measure-AgentCost give one error, not one per object' {
        $errors = @()
        $rows = 1..50 | Measure-AgentCost -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'UnsupportedMeasureInput,AgentMetrics.PowerShell.Commands.MeasureAgentCostCommand'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidType'
        $errors[0].Exception.Message | Should -BeLike '*50 input object(s) of type System.Int32*'
        $rows | Should -BeNullOrEmpty
    }

    It 'query cmdlets say under -Verbose what they read: the warehouse, filters, window and rows' {
        $messages = Get-AgentSession -Model 'claude*' -Since '2026-09-01' -Warehouse $Warehouse -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $sessions = @(Get-AgentSession -Model 'claude*' -Since '2026-09-01' -Warehouse $Warehouse)
        $messages | Should -Contain "Reading the warehouse '$Warehouse'."
        $messages | Where-Object { $_ -like 'Filters:*' } | Should -BeLike '*window 2026-09-01*Model claude`**'
        $messages | Should -Contain "$($sessions.Count) sessions."
    }
}
