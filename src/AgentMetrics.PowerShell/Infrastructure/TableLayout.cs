using System;
using System.Management.Automation;
using System.Management.Automation.Host;

namespace AgentMetrics.PowerShell.Infrastructure
{
    /// <summary>
    /// Names each object a cmdlet emits for the table view that fits where it is going. PowerShell's table
    /// engine cannot choose columns by width (too many columns and it hides some and cuts the last one left,
    /// numbers included), so the choice is made here, once per command: a wide layout (the type name
    /// &lt;name&gt;#Wide, which the module's format files map to a table laid out for
    /// <see cref="WideColumns"/> columns) only when the objects go straight to a display that wide;
    /// otherwise the 80-column views, which fit any width.
    /// </summary>
    internal sealed class TableLayout
    {
        /// <summary>The width every #Wide view fits with all its numbers whole (Views.Tests.ps1 renders each at it).</summary>
        internal const int WideColumns = 120;

        internal const string WideSuffix = "#Wide";

        /// <summary>
        /// A user's own choice, for objects kept and rendered later at another width than the one they were
        /// made at: 'Narrow' (fits 80 columns wherever it is rendered), 'Wide', or unset / 'Auto'.
        /// </summary>
        internal const string PreferenceVariable = "AgentMetricsTableLayout";

        private readonly bool _wide;

        private TableLayout(bool wide)
        {
            _wide = wide;
        }

        /// <summary>The layout for everything this command emits, chosen once so that one table never mixes views.</summary>
        internal static TableLayout For(PSCmdlet cmdlet) => new TableLayout(GoesToWideDisplay(cmdlet));

        /// <summary>
        /// Our POCO, with the grouping's view type name (CostViews) in front when it has one, and the wide
        /// layout's in front of that when the display is wide. The type's own name stays, so Format-Table
        /// -View Wide and the views of the plain type keep working on every object.
        /// </summary>
        internal PSObject Name(object value, string? view = null)
        {
            PSObject wrapped = PSObject.AsPSObject(value);
            if (view is not null)
            {
                wrapped.TypeNames.Insert(0, value.GetType().FullName + "#" + view);
            }

            if (_wide)
            {
                wrapped.TypeNames.Insert(0, wrapped.TypeNames[0] + WideSuffix);
            }

            return wrapped;
        }

        private static bool GoesToWideDisplay(PSCmdlet cmdlet)
        {
            string? preference = cmdlet.SessionState.PSVariable.GetValue(PreferenceVariable) is object value ? value.ToString() : null;
            if (string.Equals(preference, "Narrow", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            if (string.Equals(preference, "Wide", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            // A command after ours may render at a width of its own (Out-String -Width 80, Format-Table in a
            // narrow Out-File): a wide layout there would lose numbers. Piped on, the narrow views go, and
            // they fit whatever renders them.
            if (cmdlet.MyInvocation.PipelinePosition < cmdlet.MyInvocation.PipelineLength)
            {
                return false;
            }

            PSHost host = cmdlet.Host;

            // pwsh (and the agentmetrics executable, the same console host) writing to a file or a pipe:
            // a scheduled job's report reads the same whichever terminal, if any, started it.
            if (host.Name == "ConsoleHost" && Console.IsOutputRedirected)
            {
                return false;
            }

            try
            {
                PSHostRawUserInterface? raw = host.UI?.RawUI;
                if (raw is null)
                {
                    return false;
                }

                // Tables are laid out at the buffer's width; the window is what the user sees of it.
                return Math.Min(raw.BufferSize.Width, raw.WindowSize.Width) >= WideColumns;
            }
            catch (Exception)
            {
                // A host without a real console (a runspace host, a remote session) may throw here: narrow is safe.
                return false;
            }
        }
    }
}
