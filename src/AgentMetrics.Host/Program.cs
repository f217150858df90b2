using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;

namespace AgentMetrics.Host
{
    /// <summary>
    /// agentmetrics: the PowerShell 7 engine with the AgentMetrics module imported, for machines without
    /// pwsh (servers, cron). Output goes through Out-Default so the module's format views render.
    /// </summary>
    public static class Program
    {
        private const string Usage = @"agentmetrics - AgentMetrics on an embedded PowerShell 7 engine

Usage:
  agentmetrics -Command '<script>'        Run a PowerShell script text (alias -c).
  agentmetrics -File <script.ps1> [args]  Run a script file with arguments (alias -f).
  agentmetrics -Version                   Show the AgentMetrics and PowerShell versions.
  agentmetrics -Help                      Show this help.

The AgentMetrics module is already imported; every core PowerShell command is available.
Output renders through the module's format views; no colour when stdout is redirected or NO_COLOR is set.
Errors go to stderr; the exit code is 1 after a terminating error, or the script's own 'exit N'.

Examples:
  agentmetrics -Command 'Import-AgentHistory; Get-AgentCost -By Day, Model -Since 7d'
  agentmetrics -Command 'Get-Help Get-AgentCost -Full'
";

        public static int Main(string[] args)
        {
            Console.OutputEncoding = new UTF8Encoding(false);
            if (args.Length == 0 || IsSwitch(args[0], "help", "h", "?"))
            {
                Console.Out.Write(Usage);
                return args.Length == 0 ? 2 : 0;
            }

            string? moduleManifest = FindModuleManifest();
            if (IsSwitch(args[0], "version", "v"))
            {
                string moduleVersion = moduleManifest is null ? "(module not found)" : Path.GetFileName(Path.GetDirectoryName(moduleManifest)!);
                Console.Out.WriteLine($"AgentMetrics {moduleVersion}");
                Console.Out.WriteLine($"PowerShell {typeof(PSObject).Assembly.GetName().Version} on {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
                return 0;
            }

            string script;
            if (IsSwitch(args[0], "command", "c"))
            {
                if (args.Length < 2)
                {
                    return Fail("-Command needs a script text.");
                }

                script = string.Join(" ", args.Skip(1));
            }
            else if (IsSwitch(args[0], "file", "f"))
            {
                if (args.Length < 2)
                {
                    return Fail("-File needs a script path.");
                }

                string path = Path.GetFullPath(args[1]);
                if (!File.Exists(path))
                {
                    return Fail($"The script '{args[1]}' does not exist.");
                }

                script = "& " + Quote(path) + " " + string.Join(" ", args.Skip(2).Select(QuoteArgument));
            }
            else
            {
                return Fail($"Unknown option '{args[0]}'. Run 'agentmetrics -Help'.");
            }

            if (moduleManifest is null)
            {
                return Fail($"The AgentMetrics module was not found under '{Path.Combine(AppContext.BaseDirectory, "Modules")}'.");
            }

            return Run(script, moduleManifest);
        }

        private static int Run(string script, string moduleManifest)
        {
            bool plain = Console.IsOutputRedirected || Environment.GetEnvironmentVariable("NO_COLOR") is not null;
            int width = 160;
            if (!Console.IsOutputRedirected)
            {
                try
                {
                    width = Math.Max(80, Console.WindowWidth);
                }
                catch (IOException)
                {
                }
            }

            var host = new ConsoleHost(width, plain);
            var state = InitialSessionState.CreateDefault2();
            state.ImportPSModule(new[] { moduleManifest });
            using Runspace runspace = RunspaceFactory.CreateRunspace(host, state);
            runspace.Open();
            using var shell = System.Management.Automation.PowerShell.Create();
            shell.Runspace = runspace;
            // The try block makes the first terminating error end the run (exit 1), as a scheduled job
            // needs; non-terminating errors (a malformed line) are reported and the run goes on.
            string rendering = plain ? "$PSStyle.OutputRendering = 'PlainText'\n" : string.Empty;
            // Catching (rather than rethrowing) keeps the pipeline alive, so Out-Default still renders what
            // the script wrote before the failure; the error is reported after it.
            shell.AddScript(rendering + "try {\n" + script + "\n} catch { $global:" + FailureVariable + " = $_ }");
            // Non-terminating errors are written by the host as they happen. Merged into the output, each went
            // through the format engine's error view, a script: milliseconds apiece, a second for an import
            // that reports a few hundred files with torn lines.
            shell.Streams.Error.DataAdded += (sender, e) => host.UI.WriteErrorLine(ConciseError(((PSDataCollection<ErrorRecord>)sender!)[e.Index]));
            shell.AddCommand("Out-Default");
            try
            {
                shell.Invoke();
            }
            catch (RuntimeException ex)
            {
                return host.ExitCode ?? Report(ex.ErrorRecord);
            }

            if (host.ExitCode.HasValue)
            {
                return host.ExitCode.Value;
            }

            return runspace.SessionStateProxy.GetVariable(FailureVariable) is PSObject { BaseObject: ErrorRecord failure } ? Report(failure)
                : runspace.SessionStateProxy.GetVariable(FailureVariable) is ErrorRecord direct ? Report(direct)
                : 0;
        }

        private const string FailureVariable = "__AgentMetricsHostFailure";

        /// <summary>
        /// One error as PowerShell's concise view shows it: "Command: message" for a command's error, the
        /// message and its script position otherwise; then the category and id a log reader filters on.
        /// </summary>
        internal static string ConciseError(ErrorRecord record)
        {
            string message = record.ErrorDetails?.Message is { Length: > 0 } details ? details : record.Exception?.Message ?? record.ToString();
            string tag = $" [{record.CategoryInfo.Category}: {record.FullyQualifiedErrorId}]";
            CommandInfo? command = record.InvocationInfo?.MyCommand;
            if (command is CmdletInfo || command is FunctionInfo)
            {
                return command.Name + ": " + message + tag;
            }

            string? position = record.InvocationInfo?.PositionMessage;
            return string.IsNullOrEmpty(position) ? message + tag : message + tag + Environment.NewLine + position;
        }

        private static int Report(ErrorRecord record)
        {
            {
                Console.Error.WriteLine(record.ToString());
                if (record.InvocationInfo?.PositionMessage is { Length: > 0 } position)
                {
                    Console.Error.WriteLine(position);
                }

                Console.Error.WriteLine($"    + CategoryInfo          : {record.CategoryInfo}");
                Console.Error.WriteLine($"    + FullyQualifiedErrorId : {record.FullyQualifiedErrorId}");
                return 1;
            }
        }

        /// <summary>The module ships beside the executable as Modules/AgentMetrics/&lt;version&gt;/.</summary>
        private static string? FindModuleManifest()
        {
            string root = Path.Combine(AppContext.BaseDirectory, "Modules", "AgentMetrics");
            if (!Directory.Exists(root))
            {
                return null;
            }

            return Directory.GetDirectories(root)
                .Select(folder => (folder, version: Version.TryParse(Path.GetFileName(folder), out Version? v) ? v : null))
                .Where(candidate => candidate.version is not null && File.Exists(Path.Combine(candidate.folder, "AgentMetrics.psd1")))
                .OrderByDescending(candidate => candidate.version)
                .Select(candidate => Path.Combine(candidate.folder, "AgentMetrics.psd1"))
                .FirstOrDefault();
        }

        private static bool IsSwitch(string arg, params string[] names)
        {
            string trimmed = arg.TrimStart('-', '/');
            return (arg.StartsWith("-", StringComparison.Ordinal) || arg.StartsWith("/", StringComparison.Ordinal))
                && names.Any(name => string.Equals(trimmed, name, StringComparison.OrdinalIgnoreCase));
        }

        private static string Quote(string value) => "'" + value.Replace("'", "''") + "'";

        // Like pwsh -File: '-Name' stays a parameter name, everything else is a literal string argument.
        private static string QuoteArgument(string arg) =>
            arg.Length > 1 && arg[0] == '-' && arg.Skip(1).All(ch => char.IsLetterOrDigit(ch) || ch == '_' || ch == ':')
                ? arg
                : Quote(arg);

        private static int Fail(string message)
        {
            Console.Error.WriteLine("agentmetrics: " + message);
            return 2;
        }
    }
}
