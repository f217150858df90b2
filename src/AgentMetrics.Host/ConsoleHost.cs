using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text.RegularExpressions;

namespace AgentMetrics.Host
{
    /// <summary>
    /// A minimal non-interactive PowerShell host: formatted output to stdout, errors, warnings and
    /// diagnostics to stderr, no prompts (a cron job has nobody to answer them).
    /// </summary>
    internal sealed class ConsoleHost : PSHost
    {
        private readonly ConsoleHostUserInterface _ui;
        private readonly Guid _id = Guid.NewGuid();

        public ConsoleHost(int width, bool plain)
        {
            _ui = new ConsoleHostUserInterface(width, plain);
        }

        public int? ExitCode { get; private set; }

        public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;

        public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

        public override Guid InstanceId => _id;

        public override string Name => "AgentMetricsHost";

        public override PSHostUserInterface UI => _ui;

        public override Version Version => typeof(ConsoleHost).Assembly.GetName().Version ?? new Version(0, 0);

        public override void EnterNestedPrompt() => throw new NotSupportedException("agentmetrics is not interactive.");

        public override void ExitNestedPrompt() => throw new NotSupportedException("agentmetrics is not interactive.");

        public override void NotifyBeginApplication()
        {
        }

        public override void NotifyEndApplication()
        {
        }

        public override void SetShouldExit(int exitCode) => ExitCode = exitCode;
    }

    internal sealed class ConsoleHostUserInterface : PSHostUserInterface
    {
        // CSI and OSC sequences: the format engine styles headers itself, whatever OutputRendering says.
        private static readonly Regex EscapeSequence = new Regex(@"\x1B(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1B]*(\x07|\x1B\\))", RegexOptions.Compiled);
        private readonly ConsoleRawUserInterface _raw;
        private readonly bool _plain;

        public ConsoleHostUserInterface(int width, bool plain)
        {
            _raw = new ConsoleRawUserInterface(width);
            _plain = plain;
        }

        public override PSHostRawUserInterface RawUI => _raw;

        private string Render(string value) => _plain ? EscapeSequence.Replace(value, string.Empty) : value;

        public override bool SupportsVirtualTerminal => !_plain;

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new PSInvalidOperationException("agentmetrics cannot prompt; pass the value as a parameter (for confirmations: -Confirm:$false).");

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) =>
            throw new PSInvalidOperationException($"agentmetrics cannot ask '{message}'; pass -Confirm:$false or -Force.");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new PSInvalidOperationException("agentmetrics cannot prompt for credentials.");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new PSInvalidOperationException("agentmetrics cannot prompt for credentials.");

        public override string ReadLine() => Console.ReadLine() ?? string.Empty;

        public override SecureString ReadLineAsSecureString() => throw new PSInvalidOperationException("agentmetrics cannot read secrets.");

        public override void Write(string value) => Console.Out.Write(Render(value));

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Console.Out.Write(Render(value));

        public override void WriteLine(string value) => Console.Out.WriteLine(Render(value));

        public override void WriteErrorLine(string value) => Console.Error.WriteLine(Render(value));

        public override void WriteDebugLine(string message) => Console.Error.WriteLine("DEBUG: " + message);

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
            // Progress bars belong to interactive consoles; a log or pipe only wants the results.
        }

        public override void WriteVerboseLine(string message) => Console.Error.WriteLine("VERBOSE: " + message);

        public override void WriteWarningLine(string message) => Console.Error.WriteLine("WARNING: " + message);

        public override void WriteInformation(InformationRecord record) => Console.Out.WriteLine(record.MessageData?.ToString());
    }

    internal sealed class ConsoleRawUserInterface : PSHostRawUserInterface
    {
        private readonly int _width;

        public ConsoleRawUserInterface(int width)
        {
            _width = width;
        }

        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

        public override Size BufferSize { get => new Size(_width, 9999); set { } }

        public override Coordinates CursorPosition { get; set; }

        public override int CursorSize { get; set; }

        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

        public override bool KeyAvailable => false;

        public override Size MaxPhysicalWindowSize => new Size(_width, 9999);

        public override Size MaxWindowSize => new Size(_width, 9999);

        public override Coordinates WindowPosition { get; set; }

        public override Size WindowSize { get => new Size(_width, 50); set { } }

        public override string WindowTitle { get; set; } = "agentmetrics";

        public override void FlushInputBuffer()
        {
        }

        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();

        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException("agentmetrics is not interactive.");

        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) => throw new NotSupportedException();

        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) => throw new NotSupportedException();

        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) => throw new NotSupportedException();
    }
}
