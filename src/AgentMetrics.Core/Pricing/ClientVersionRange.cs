using System;
using System.Collections.Generic;
using System.Globalization;

namespace AgentMetrics.Pricing
{
    /// <summary>
    /// A range of client versions as a price book writes it: comparisons joined by commas, such as "&lt;0.30" or
    /// "&gt;=0.10, &lt;0.30" (a bare version means "="). Versions compare by their dotted numbers (missing ones are
    /// 0, so 0.30 = 0.30.0); a suffix after '-' or '+' is ignored. A client that reported no version, or one that
    /// does not read as a version, is in no range.
    /// </summary>
    public sealed class ClientVersionRange
    {
        private static readonly string[] Operators = { "<=", ">=", "==", "<", ">", "=" };
        private readonly List<(string Operator, int[] Version)> _conditions;

        private ClientVersionRange(string text, List<(string, int[])> conditions)
        {
            Text = text;
            _conditions = conditions;
        }

        public string Text { get; }

        /// <summary>Reads a range; null with <paramref name="problem"/> saying what is wrong when it is not one.</summary>
        public static ClientVersionRange? TryParse(string text, out string problem)
        {
            var conditions = new List<(string, int[])>();
            foreach (string part in text.Split(','))
            {
                string condition = part.Trim();
                string op = "=";
                foreach (string candidate in Operators)
                {
                    if (condition.StartsWith(candidate, StringComparison.Ordinal))
                    {
                        op = candidate == "==" ? "=" : candidate;
                        condition = condition.Substring(candidate.Length).Trim();
                        break;
                    }
                }

                int[]? version = ParseVersion(condition);
                if (version is null)
                {
                    problem = $"'{part.Trim()}' is not a version comparison; write for example \"<0.30\" or \">=0.10, <0.30\".";
                    return null;
                }

                conditions.Add((op, version));
            }

            problem = string.Empty;
            return new ClientVersionRange(text.Trim(), conditions);
        }

        public bool Contains(string? clientVersion)
        {
            int[]? version = clientVersion is null ? null : ParseVersion(clientVersion);
            if (version is null)
            {
                return false;
            }

            foreach (var (op, bound) in _conditions)
            {
                int order = Compare(version, bound);
                bool holds = op switch
                {
                    "<" => order < 0,
                    "<=" => order <= 0,
                    ">" => order > 0,
                    ">=" => order >= 0,
                    _ => order == 0,
                };
                if (!holds)
                {
                    return false;
                }
            }

            return true;
        }

        public override string ToString() => Text;

        private static int[]? ParseVersion(string text)
        {
            string trimmed = text.Trim().TrimStart('v', 'V');
            int suffix = trimmed.IndexOfAny(new[] { '-', '+' });
            if (suffix >= 0)
            {
                trimmed = trimmed.Substring(0, suffix);
            }

            string[] parts = trimmed.Split('.');
            var numbers = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
                {
                    return null;
                }
            }

            return numbers;
        }

        private static int Compare(int[] a, int[] b)
        {
            for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
            {
                int x = i < a.Length ? a[i] : 0, y = i < b.Length ? b[i] : 0;
                if (x != y)
                {
                    return x.CompareTo(y);
                }
            }

            return 0;
        }
    }
}
