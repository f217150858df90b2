using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentMetrics.Module.Tests
{
    /// <summary>
    /// One runspace on the real PowerShell engine with the staged module imported through its manifest.
    /// Everything the host renders (Out-Default through our format views) is captured as plain text.
    /// </summary>
    public sealed class PowerShellSession : IDisposable
    {
        private static readonly Regex Ansi = new Regex(@"\x1B\[[0-?]*[ -/]*[@-~]");
        private readonly CapturingHost _host = new CapturingHost();
        private readonly Runspace _runspace;

        public PowerShellSession(bool importModule = true, IDictionary<string, string>? environment = null)
        {
            _runspace = RunspaceFactory.CreateRunspace(_host, InitialSessionState.CreateDefault2());
            _runspace.Open();
            if (environment is not null)
            {
                foreach (var pair in environment)
                {
                    Run($"$env:{pair.Key} = '{pair.Value.Replace("'", "''")}'");
                }
            }

            if (importModule)
            {
                ImportWarnings = Run("Import-Module $args[0] -PassThru", ManifestPath).Warnings;
            }
        }

        public static string ManifestPath => Path.Combine(BuildPaths.StagedModule, "AgentMetrics.psd1");

        public IReadOnlyList<WarningRecord> ImportWarnings { get; } = Array.Empty<WarningRecord>();

        public string HostText => Ansi.Replace(_host.Text.ToString(), string.Empty);

        public void ClearHostText() => _host.Text.Clear();

        /// <summary>Runs a script; <paramref name="args"/> arrive as $args.</summary>
        public PowerShellResult Run(string script, params object?[] args)
        {
            using var shell = System.Management.Automation.PowerShell.Create();
            shell.Runspace = _runspace;
            shell.AddScript(script);
            foreach (object? arg in args)
            {
                shell.AddArgument(arg);
            }

            Collection<PSObject> output;
            Exception? terminating = null;
            try
            {
                output = shell.Invoke();
            }
            catch (RuntimeException ex)
            {
                output = new Collection<PSObject>();
                terminating = ex;
            }

            return new PowerShellResult(output.Where(o => o is not null).ToList(), shell.Streams.Error.ToList(), shell.Streams.Warning.ToList(), shell.Streams.Verbose.ToList(), terminating);
        }

        /// <summary>Runs a script and pipes its output to Out-Default; returns the rendered text.</summary>
        public string Render(string script, params object?[] args)
        {
            ClearHostText();
            PowerShellResult result = Run(script + " | Out-Default", args);
            result.ThrowIfFailed();
            return HostText;
        }

        public void Dispose()
        {
            _runspace.Dispose();
        }

        private sealed class CapturingHost : PSHost
        {
            private readonly Guid _id = Guid.NewGuid();
            private readonly CapturingUi _ui;

            public CapturingHost()
            {
                _ui = new CapturingUi(Text);
            }

            public StringBuilder Text { get; } = new StringBuilder();

            public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;

            public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

            public override Guid InstanceId => _id;

            public override string Name => "AgentMetricsTestHost";

            public override PSHostUserInterface UI => _ui;

            public override Version Version => new Version(1, 0);

            public override void EnterNestedPrompt() => throw new NotSupportedException();

            public override void ExitNestedPrompt() => throw new NotSupportedException();

            public override void NotifyBeginApplication()
            {
            }

            public override void NotifyEndApplication()
            {
            }

            public override void SetShouldExit(int exitCode)
            {
            }
        }

        private sealed class CapturingUi : PSHostUserInterface
        {
            private readonly StringBuilder _text;
            private readonly CapturingRawUi _raw = new CapturingRawUi();

            public CapturingUi(StringBuilder text)
            {
                _text = text;
            }

            public override PSHostRawUserInterface RawUI => _raw;

            public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new NotSupportedException("prompted: " + message);

            public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => throw new NotSupportedException("prompted: " + message);

            public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();

            public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();

            public override string ReadLine() => throw new NotSupportedException();

            public override SecureString ReadLineAsSecureString() => throw new NotSupportedException();

            public override void Write(string value) => _text.Append(value);

            public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => _text.Append(value);

            public override void WriteLine(string value) => _text.AppendLine(value);

            public override void WriteErrorLine(string value) => _text.AppendLine(value);

            public override void WriteDebugLine(string message) => _text.AppendLine("DEBUG: " + message);

            public override void WriteProgress(long sourceId, ProgressRecord record)
            {
            }

            public override void WriteVerboseLine(string message) => _text.AppendLine("VERBOSE: " + message);

            public override void WriteWarningLine(string message) => _text.AppendLine("WARNING: " + message);
        }

        private sealed class CapturingRawUi : PSHostRawUserInterface
        {
            public override ConsoleColor BackgroundColor { get; set; }

            public override Size BufferSize { get => new Size(200, 9999); set { } }

            public override Coordinates CursorPosition { get; set; }

            public override int CursorSize { get; set; }

            public override ConsoleColor ForegroundColor { get; set; }

            public override bool KeyAvailable => false;

            public override Size MaxPhysicalWindowSize => new Size(200, 9999);

            public override Size MaxWindowSize => new Size(200, 9999);

            public override Coordinates WindowPosition { get; set; }

            public override Size WindowSize { get => new Size(200, 50); set { } }

            public override string WindowTitle { get; set; } = string.Empty;

            public override void FlushInputBuffer()
            {
            }

            public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();

            public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();

            public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) => throw new NotSupportedException();

            public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) => throw new NotSupportedException();

            public override void SetBufferContents(Rectangle rectangle, BufferCell fill) => throw new NotSupportedException();
        }
    }

    public sealed class PowerShellResult
    {
        public PowerShellResult(IReadOnlyList<PSObject> output, IReadOnlyList<ErrorRecord> errors, IReadOnlyList<WarningRecord> warnings, IReadOnlyList<VerboseRecord> verbose, Exception? terminating)
        {
            Output = output;
            Errors = errors;
            Warnings = warnings;
            Verbose = verbose;
            Terminating = terminating;
        }

        public IReadOnlyList<PSObject> Output { get; }

        public IReadOnlyList<ErrorRecord> Errors { get; }

        public IReadOnlyList<WarningRecord> Warnings { get; }

        public IReadOnlyList<VerboseRecord> Verbose { get; }

        public Exception? Terminating { get; }

        /// <summary>The terminating error's record, or the first error record.</summary>
        public ErrorRecord? FirstError => (Terminating as IContainsErrorRecord)?.ErrorRecord ?? Errors.FirstOrDefault();

        public PowerShellResult ThrowIfFailed()
        {
            if (Terminating is not null || Errors.Count > 0)
            {
                string detail = Terminating?.ToString() ?? string.Join(Environment.NewLine, Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}"));
                throw new Xunit.Sdk.XunitException("The script failed: " + detail);
            }

            return this;
        }

        public T Single<T>() => (T)Output.Single().BaseObject;

        public static object? Prop(PSObject obj, string name) => obj.Properties[name]?.Value;
    }
}
