using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using AgentMetrics.Tests.Shared;
using Xunit;

namespace AgentMetrics.Core.Tests
{
    /// <summary>
    /// Code comments cite the rules they implement by the heading anchors of docs/formats.md; a renamed heading must not leave a
    /// citation pointing nowhere, and nothing may cite a file outside the repository instead.
    /// </summary>
    public sealed class FormatsDocTests
    {
        private static string Root => Fixtures.RepoRoot;

        [Fact]
        public void EveryCitationOfDocsFormatsNamesAHeadingThatExists()
        {
            string doc = File.ReadAllText(Path.Combine(Root, "docs", "formats.md"));
            var anchors = Regex.Matches(doc, @"^#+ (.+)$", RegexOptions.Multiline)
                .Select(m => Regex.Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), @"[^a-z0-9 -]", "").Replace(' ', '-'))
                .ToHashSet();

            var citations = Sources()
                .SelectMany(file => Regex.Matches(File.ReadAllText(file), @"docs/formats\.md#([a-z0-9-]+)").Select(m => (File: file, Anchor: m.Groups[1].Value)))
                .ToList();
            Assert.NotEmpty(citations);
            Assert.Equal(new string[0], citations.Where(c => !anchors.Contains(c.Anchor)).Select(c => Path.GetRelativePath(Root, c.File) + " cites #" + c.Anchor).ToArray());

            // The document's own links between its rules.
            var links = Regex.Matches(doc, @"\]\(#([a-z0-9-]+)\)").Select(m => m.Groups[1].Value).ToList();
            Assert.NotEmpty(links);
            Assert.Equal(new string[0], links.Where(a => !anchors.Contains(a)).ToArray());
        }

        [Fact]
        public void NoCodeCitesTheFormatsNotesOutsideTheRepository()
        {
            string outside = "FORMATS" + ".md"; // spelled apart so that this file does not cite it
            Assert.Equal(new string[0], Sources().Where(file => File.ReadAllText(file).Contains(outside)).Select(file => Path.GetRelativePath(Root, file)).ToArray());
        }

        private static System.Collections.Generic.IEnumerable<string> Sources() =>
            new[] { "src", "tests" }
                .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Root, folder), "*.cs", SearchOption.AllDirectories))
                .Where(file => !file.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar) && !file.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar));
    }
}
