<#
.SYNOPSIS
    The README's main job: import your agent history, then show the last 7 days' cost by day and model.
.DESCRIPTION
    Runs in pwsh, Windows PowerShell 5.1 or the agentmetrics executable (so it sticks to the language and
    core commands). On a machine with no agent history nothing is created in your home: it imports the
    sample history shipped beside this script into a sample warehouse in the temporary folder, says where,
    and shows the sample's last 7 days instead.
#>
[CmdletBinding()]
param(
    # The warehouse to use; default $env:AGENTMETRICS_HOME/warehouse.db (~/.agentmetrics/warehouse.db).
    [string] $Warehouse
)

$ErrorActionPreference = 'Stop'
$target = @{}
if ($Warehouse) { $target.Warehouse = $Warehouse }

# With no history found, Import-AgentHistory returns nothing and creates no warehouse.
$imported = @(Import-AgentHistory @target -WarningAction SilentlyContinue -ErrorAction Continue)
$since = [datetime]::Now.AddDays(-7)

if ($imported.Count -eq 0) {
    $sample = [System.IO.Path]::Combine($PSScriptRoot, 'agent-home')
    $target.Warehouse = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'agentmetrics-quickstart', 'sample-warehouse.db')
    "No Claude Code, Codex or telemetry history was found on this machine, so this run imports the sample history"
    "in $sample into a sample warehouse in the temporary folder ($($target.Warehouse)); nothing was created in your home."
    ''
    $imported = @(Import-AgentHistory -LiteralPath $sample @target)
    # The sample is a fixed week in November 2026: show its last 7 days rather than the calendar's.
    $last = (Get-AgentWarehouse @target).LastRequest.ToLocalTime()
    $since = $last.Date.AddDays(-6)
}

$imported | Out-Default
"Cost by day and model since $($since.ToString('yyyy-MM-dd HH:mm')):"
Get-AgentCost -By Day, Model -Since $since @target | Out-Default
