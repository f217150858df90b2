using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentMetrics.Query
{
    /// <summary>PowerShell's wildcard language (*, ?, [abc], [a-z], backtick escapes), case-insensitive, for Core's filters.</summary>
    public static class Wildcard
    {
        public static bool HasWildcard(string pattern) => pattern.IndexOfAny(new[] { '*', '?', '[' }) >= 0;

        public static Regex ToRegex(string pattern)
        {
            var regex = new StringBuilder("^");
            for (int i = 0; i < pattern.Length; i++)
            {
                char c = pattern[i];
                switch (c)
                {
                    case '`' when i + 1 < pattern.Length:
                        regex.Append(Regex.Escape(pattern[++i].ToString()));
                        break;
                    case '*':
                        regex.Append(".*");
                        break;
                    case '?':
                        regex.Append('.');
                        break;
                    case '[':
                        int close = pattern.IndexOf(']', i + 1);
                        if (close < 0)
                        {
                            regex.Append(@"\[");
                            break;
                        }

                        regex.Append('[').Append(pattern.Substring(i + 1, close - i - 1).Replace(@"\", @"\\")).Append(']');
                        i = close;
                        break;
                    default:
                        regex.Append(Regex.Escape(c.ToString()));
                        break;
                }
            }

            return new Regex(regex.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }

        /// <summary>The values that match any of the patterns.</summary>
        public static IReadOnlyList<string> Select(IEnumerable<string> values, IEnumerable<string> patterns)
        {
            var regexes = patterns.Select(ToRegex).ToList();
            return values.Where(v => regexes.Any(r => r.IsMatch(v))).ToList();
        }
    }
}
