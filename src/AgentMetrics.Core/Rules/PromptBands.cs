using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace AgentMetrics.Rules
{
    /// <summary>
    /// A set of long-context thresholds, and the band each prompt falls in between them. Requests are summed
    /// per band (in the rollup and in the query SQL), so any model whose threshold is in the set can be
    /// priced from the sums: every prompt of a band is above the same thresholds (see
    /// <see cref="LongContext.Decide"/>). A band is named by its floor: the largest threshold its prompts
    /// exceed, 0 when they exceed none; its ceiling is the next threshold of the set.
    /// </summary>
    internal sealed class PromptBands
    {
        private readonly long[] _ascending;

        public PromptBands(IEnumerable<long> thresholds)
        {
            _ascending = thresholds.Where(t => t > 0).Distinct().OrderBy(t => t).ToArray();
        }

        public IReadOnlyList<long> Thresholds => _ascending;

        /// <summary>The largest threshold the prompt exceeds, 0 when it exceeds none.</summary>
        public long FloorOf(long prompt)
        {
            long floor = 0;
            foreach (long threshold in _ascending)
            {
                if (!LongContext.Exceeds(prompt, threshold))
                {
                    break;
                }

                floor = threshold;
            }

            return floor;
        }

        /// <summary>The largest prompt of the band whose floor is <paramref name="floor"/>: the next threshold up.</summary>
        public long CeilingOf(long floor)
        {
            foreach (long threshold in _ascending)
            {
                if (threshold > floor)
                {
                    return threshold;
                }
            }

            return long.MaxValue;
        }

        /// <summary><see cref="FloorOf"/> as SQL over a requests row (columns prefixed by <paramref name="alias"/>).</summary>
        public string FloorSql(string alias = "")
        {
            if (_ascending.Length == 0)
            {
                return "0";
            }

            string prompt = LongContext.PromptSql(alias);
            var sql = new StringBuilder("CASE");
            for (int i = _ascending.Length - 1; i >= 0; i--)
            {
                sql.Append(" WHEN ").Append(LongContext.ExceedsSql(prompt, _ascending[i]))
                   .Append(" THEN ").Append(_ascending[i].ToString(CultureInfo.InvariantCulture));
            }

            return sql.Append(" ELSE 0 END").ToString();
        }

        /// <summary>True when every one of <paramref name="thresholds"/> is in this set, so sums by these bands decide them all.</summary>
        public bool Covers(IEnumerable<long> thresholds) => thresholds.All(t => Array.BinarySearch(_ascending, t) >= 0);

        public PromptBands With(IEnumerable<long> thresholds) => new PromptBands(_ascending.Concat(thresholds));

        public bool SameAs(PromptBands other) => _ascending.SequenceEqual(other._ascending);

        public override string ToString() => _ascending.Length == 0 ? "(none)" : string.Join(", ", _ascending);
    }
}
