using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace AgentMetrics.Module.Tests
{
    /// <summary>
    /// The help a user gets from Get-Help in the real engine: every exported cmdlet and every parameter it has
    /// is documented (a parameter added without help fails here), the MAML agrees with the cmdlet's metadata,
    /// and the about topic is found.
    /// </summary>
    public class HelpTests
    {
        private static readonly HashSet<string> CommonParameters =
            new HashSet<string>(Cmdlet.CommonParameters.Concat(Cmdlet.OptionalCommonParameters), StringComparer.OrdinalIgnoreCase);

        [Fact]
        public void EveryCmdletHasFullHelpForExactlyTheParametersItHas()
        {
            using var ps = new PowerShellSession();
            List<CmdletInfo> cmdlets = ExportedCmdlets(ps);
            Assert.NotEmpty(cmdlets);

            var problems = new List<string>();
            foreach (CmdletInfo cmdlet in cmdlets)
            {
                problems.AddRange(HelpProblems(ps, cmdlet).Select(p => $"{cmdlet.Name}: {p}"));
            }

            Assert.True(problems.Count == 0, "Help problems:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }

        [Fact]
        public void HelpFileIsStagedInTheModuleBaseCultureFolder()
        {
            // PowerShell looks for <assembly>.dll-Help.xml under the module base (en-US/ or the base itself),
            // not beside the assembly in bin/: a copy under bin/ is never read.
            using var ps = new PowerShellSession();
            var module = ps.Run("Get-Module AgentMetrics").ThrowIfFailed().Single<PSModuleInfo>();
            foreach (CmdletInfo cmdlet in ExportedCmdlets(ps))
            {
                Assert.Equal("AgentMetrics.PowerShell.dll-Help.xml", cmdlet.HelpFile);
            }

            Assert.True(File.Exists(Path.Combine(module.ModuleBase, "en-US", "AgentMetrics.PowerShell.dll-Help.xml")));
            Assert.True(File.Exists(Path.Combine(module.ModuleBase, "en-US", "about_AgentMetrics.help.txt")));
        }

        [Fact]
        public void SyntaxAndParameterMetadataResolveBeforeAnyCmdletHasRun()
        {
            // The cmdlet classes name Core types in [OutputType]; reflecting over them must not depend on a
            // cmdlet having run first (which is what installs the private load context otherwise).
            using var ps = new PowerShellSession();
            var result = ps.Run("Get-Command -Module AgentMetrics | ForEach-Object { Get-Command $_.Name -Syntax }").ThrowIfFailed();
            Assert.Equal(ExportedCmdlets(ps).Count, result.Output.Count(o => o.BaseObject is string text && text.Trim().Length > 0));
        }

        [Fact]
        public void AboutTopicIsFound()
        {
            using var ps = new PowerShellSession();
            var result = ps.Run("Get-Help about_AgentMetrics").ThrowIfFailed();
            string text = string.Join(Environment.NewLine, result.Output.Select(o => o.BaseObject.ToString()));

            Assert.Contains("about_AgentMetrics", text);
            Assert.Contains("SHORT DESCRIPTION", text);
            Assert.Contains("warehouse.db", text);
            Assert.Contains("pricing.yaml", text);
            foreach (string source in new[] { "Claude", "Codex", "AgentHub", "LlmTelemetry" })
            {
                Assert.Contains(source, text);
            }

            foreach (CmdletInfo cmdlet in ExportedCmdlets(ps))
            {
                Assert.Contains(cmdlet.Name, text);
            }
        }

        private static List<CmdletInfo> ExportedCmdlets(PowerShellSession ps) =>
            ps.Run("Get-Command -Module AgentMetrics -CommandType Cmdlet").ThrowIfFailed()
                .Output.Select(o => (CmdletInfo)o.BaseObject).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();

        private static IEnumerable<string> HelpProblems(PowerShellSession ps, CmdletInfo cmdlet)
        {
            var result = ps.Run("Get-Help -Name $args[0] -Full", cmdlet.Name);
            if (result.Terminating is not null || result.Errors.Count > 0 || result.Output.Count != 1)
            {
                yield return $"Get-Help -Full failed or was ambiguous: {result.FirstError}";
                yield break;
            }

            PSObject help = result.Output[0];
            string synopsis = (Prop(help, "Synopsis") as string ?? string.Empty).Trim();
            if (synopsis.Length < 20 || synopsis.StartsWith(cmdlet.Name, StringComparison.OrdinalIgnoreCase) || synopsis.Contains("<CommonParameters>"))
            {
                yield return $"no written synopsis (got '{synopsis}'); is the MAML file found?";
                yield break;
            }

            if (Paragraphs(Prop(help, "description")).Length < 40)
            {
                yield return "no description";
            }

            var examples = Items(Prop(Prop(help, "examples"), "example")).ToList();
            if (examples.Count < 2)
            {
                yield return $"{examples.Count} example(s), at least 2 expected";
            }

            foreach (PSObject example in examples)
            {
                if (string.IsNullOrWhiteSpace(Prop(example, "code") as string) || Paragraphs(Prop(example, "remarks")).Trim().Length == 0)
                {
                    yield return $"an example without code or remarks: {Prop(example, "title")}";
                }
            }

            if (!Items(Prop(Prop(help, "returnValues"), "returnValue")).Any(r => Prop(Prop(r, "type"), "name") is string t && t.Trim().Length > 0))
            {
                yield return "no output type";
            }

            if (Items(Prop(Prop(help, "inputTypes"), "inputType")).Count() == 0)
            {
                yield return "no input type";
            }

            var actual = cmdlet.Parameters.Values.Where(p => !CommonParameters.Contains(p.Name)).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
            var documented = Items(Prop(Prop(help, "parameters"), "parameter")).ToList();
            var documentedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (PSObject parameter in documented)
            {
                string name = Prop(parameter, "name") as string ?? string.Empty;
                if (!documentedNames.Add(name))
                {
                    yield return $"-{name} is documented twice";
                }

                if (!actual.TryGetValue(name, out ParameterMetadata? metadata))
                {
                    yield return $"help documents -{name}, which the cmdlet does not have";
                    continue;
                }

                foreach (string problem in ParameterProblems(parameter, metadata))
                {
                    yield return $"-{name}: {problem}";
                }
            }

            foreach (string missing in actual.Keys.Where(n => !documentedNames.Contains(n)))
            {
                yield return $"-{missing} has no help";
            }

            // One syntax block per parameter set, each listing exactly that set's parameters.
            var helpSets = Items(Prop(Prop(help, "syntax"), "syntaxItem"))
                .Select(item => string.Join(",", Items(Prop(item, "parameter")).Select(p => (string)Prop(p, "name")!).OrderBy(n => n, StringComparer.OrdinalIgnoreCase)))
                .OrderBy(s => s, StringComparer.OrdinalIgnoreCase).ToList();
            var realSets = cmdlet.ParameterSets
                .Select(set => string.Join(",", set.Parameters.Select(p => p.Name).Where(n => !CommonParameters.Contains(n)).OrderBy(n => n, StringComparer.OrdinalIgnoreCase)))
                .OrderBy(s => s, StringComparer.OrdinalIgnoreCase).ToList();
            if (!helpSets.SequenceEqual(realSets, StringComparer.OrdinalIgnoreCase))
            {
                yield return $"syntax sets [{string.Join(" | ", helpSets)}] differ from the parameter sets [{string.Join(" | ", realSets)}]";
            }
        }

        private static IEnumerable<string> ParameterProblems(PSObject parameter, ParameterMetadata metadata)
        {
            if (Paragraphs(Prop(parameter, "description")).Trim().Length < 20)
            {
                yield return "no description";
            }

            var sets = metadata.ParameterSets.Values.ToList();
            string required = sets.All(s => s.IsMandatory) ? "true" : "false";
            if (!string.Equals(Prop(parameter, "required") as string, required, StringComparison.OrdinalIgnoreCase))
            {
                yield return $"required is '{Prop(parameter, "required")}', the cmdlet says {required}";
            }

            int position = sets.Select(s => s.Position).DefaultIfEmpty(int.MinValue).Max();
            string expectedPosition = position >= 0 ? position.ToString(System.Globalization.CultureInfo.InvariantCulture) : "named";
            if (!string.Equals(Prop(parameter, "position") as string, expectedPosition, StringComparison.OrdinalIgnoreCase))
            {
                yield return $"position is '{Prop(parameter, "position")}', the cmdlet says {expectedPosition}";
            }

            bool byValue = sets.Any(s => s.ValueFromPipeline);
            bool byName = sets.Any(s => s.ValueFromPipelineByPropertyName);
            string pipeline = byValue && byName ? "True (ByValue, ByPropertyName)" : byValue ? "True (ByValue)" : byName ? "True (ByPropertyName)" : "False";
            if (!string.Equals(Prop(parameter, "pipelineInput") as string, pipeline, StringComparison.OrdinalIgnoreCase))
            {
                yield return $"pipeline input is '{Prop(parameter, "pipelineInput")}', the cmdlet says {pipeline}";
            }

            string globbing = metadata.Attributes.OfType<SupportsWildcardsAttribute>().Any() ? "true" : "false";
            if (!string.Equals(Prop(parameter, "globbing") as string, globbing, StringComparison.OrdinalIgnoreCase))
            {
                yield return $"wildcards is '{Prop(parameter, "globbing")}', the cmdlet says {globbing}";
            }

            Type type = Nullable.GetUnderlyingType(metadata.ParameterType) ?? metadata.ParameterType;
            string? helpType = Prop(Prop(parameter, "type"), "name") as string;
            if (!string.Equals(helpType, type.FullName, StringComparison.Ordinal))
            {
                yield return $"type is '{helpType}', the cmdlet says {type.FullName}";
            }

            string aliases = metadata.Aliases.Count == 0 ? "none" : string.Join(", ", metadata.Aliases);
            string helpAliases = Prop(parameter, "aliases") as string ?? "none";
            if (!string.Equals(helpAliases, aliases, StringComparison.OrdinalIgnoreCase))
            {
                yield return $"aliases are '{helpAliases}', the cmdlet says {aliases}";
            }
        }

        private static object? Prop(object? value, string name) =>
            value is null ? null : PSObject.AsPSObject(value).Properties[name]?.Value is { } found ? (found is PSObject wrapped && wrapped.BaseObject is string s ? s : found) : null;

        /// <summary>Help nodes that may be one object or an array of them.</summary>
        private static IEnumerable<PSObject> Items(object? value) => value switch
        {
            null => Enumerable.Empty<PSObject>(),
            PSObject { BaseObject: IEnumerable list } when list is not string => list.Cast<object>().Select(PSObject.AsPSObject),
            IEnumerable list when list is not string => list.Cast<object>().Select(PSObject.AsPSObject),
            _ => new[] { PSObject.AsPSObject(value) },
        };

        /// <summary>The text of a description: a string, or paragraphs with a Text property.</summary>
        private static string Paragraphs(object? value) => value switch
        {
            null => string.Empty,
            string text => text,
            _ => string.Join(Environment.NewLine, Items(value).Select(p => Prop(p, "Text") as string ?? (p.BaseObject as string) ?? string.Empty)),
        };
    }
}
