@{
    RootModule           = 'AgentMetrics.psm1'
    # Stamped from Directory.Build.props when the module is staged; keep the two in step.
    ModuleVersion        = '0.1.0'
    GUID                 = '4f0b7a5e-8c61-4a3e-9d2b-6c1f0e7a9b42'
    Author               = 'AgentMetrics contributors'
    CompanyName          = 'AgentMetrics'
    Copyright            = '(c) 2026 AgentMetrics contributors. MIT License.'
    Description          = 'What your AI agents cost and how they work: imports Claude Code, Codex CLI and telemetry histories into a local SQLite warehouse and reports tokens, cost, sessions and tools through the pipeline.'
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    # The second is written at build time from src/AgentMetrics.PowerShell/Views/CostViewCatalog.cs.
    FormatsToProcess     = @('AgentMetrics.Format.ps1xml', 'AgentMetrics.CostViews.Format.ps1xml')
    CmdletsToExport      = @(
        'Get-AgentCost'
        'Get-AgentModelPrice'
        'Get-AgentSession'
        'Get-AgentToolUsage'
        'Get-AgentWarehouse'
        'Import-AgentHistory'
        'Measure-AgentCost'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('AI', 'Agents', 'LLM', 'Claude', 'ClaudeCode', 'Codex', 'OpenAI', 'Anthropic', 'Cost', 'Tokens', 'Usage', 'Telemetry', 'SQLite', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/agentmetrics/AgentMetrics'
            LicenseUri   = 'https://github.com/agentmetrics/AgentMetrics/blob/main/LICENSE'
            ReleaseNotes = 'See CHANGELOG.md in the project repository.'
        }
    }
}
