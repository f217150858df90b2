using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using AgentMetrics.Warehousing;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Query
{
    /// <summary>Which requests a query covers. Text filters are PowerShell wildcards, matched case-insensitively.</summary>
    public sealed class UsageFilter
    {
        /// <summary>Inclusive.</summary>
        public DateTimeOffset? Since { get; set; }

        /// <summary>Exclusive.</summary>
        public DateTimeOffset? Until { get; set; }

        public IReadOnlyList<string>? Model { get; set; }

        /// <summary>Matches the project name or its full path.</summary>
        public IReadOnlyList<string>? Project { get; set; }

        public IReadOnlyList<string>? Source { get; set; }

        public IReadOnlyList<string>? SessionId { get; set; }

        public IReadOnlyList<string>? GitBranch { get; set; }

        public IReadOnlyList<string>? Agent { get; set; }

        // Wildcards resolved against the warehouse, per column: one query builds several statements from the
        // same filter (sessions take five), and each resolution is a scan of the requests' distinct values.
        private readonly Dictionary<string, IReadOnlyList<string>> _resolved;

        public UsageFilter()
            : this(new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal))
        {
        }

        private UsageFilter(Dictionary<string, IReadOnlyList<string>> resolved)
        {
            _resolved = resolved;
        }

        /// <summary>The same filter over another time window.</summary>
        internal UsageFilter Within(DateTimeOffset? since, DateTimeOffset? until) => new UsageFilter(_resolved)
        {
            Since = since,
            Until = until,
            Model = Model,
            Project = Project,
            Source = Source,
            SessionId = SessionId,
            GitBranch = GitBranch,
            Agent = Agent,
        };

        /// <summary>
        /// Builds the WHERE clause. Wildcards are resolved against the distinct values in the warehouse
        /// first, so SQL sees plain IN lists and can use its indexes.
        /// </summary>
        internal string ToSql(Warehouse warehouse, SqliteCommand command, string alias = "")
        {
            var sql = new StringBuilder("WHERE 1 = 1");
            if (Since is DateTimeOffset since)
            {
                sql.Append($" AND {alias}ts >= $since");
                command.Parameters.AddWithValue("$since", Util.TimeUtil.ToUnixMs(since));
            }

            if (Until is DateTimeOffset until)
            {
                sql.Append($" AND {alias}ts < $until");
                command.Parameters.AddWithValue("$until", Util.TimeUtil.ToUnixMs(until));
            }

            AddIn(warehouse, command, sql, alias, "model", Model);
            AddIn(warehouse, command, sql, alias, "source", Source);
            AddIn(warehouse, command, sql, alias, "session_id", SessionId);
            AddIn(warehouse, command, sql, alias, "git_branch", GitBranch);
            AddIn(warehouse, command, sql, alias, "agent", Agent);
            if (Project is { Count: > 0 })
            {
                var names = Resolve(warehouse, "project", Project);
                var paths = Resolve(warehouse, "project_path", Project);
                string nameList = Parameters(command, "project", names);
                string pathList = Parameters(command, "project_path", paths);
                sql.Append($" AND ({alias}project IN ({nameList}) OR {alias}project_path IN ({pathList}))");
            }

            return sql.ToString();
        }

        private void AddIn(Warehouse warehouse, SqliteCommand command, StringBuilder sql, string alias, string column, IReadOnlyList<string>? patterns)
        {
            if (patterns is not { Count: > 0 })
            {
                return;
            }

            var values = Resolve(warehouse, column, patterns);
            sql.Append($" AND {alias}{column} IN ({Parameters(command, column, values)})");
        }

        private static string Parameters(SqliteCommand command, string column, IReadOnlyList<string> values)
        {
            if (values.Count == 0)
            {
                return "NULL";
            }

            var names = new List<string>();
            for (int i = 0; i < values.Count; i++)
            {
                string name = $"${column}_{i}";
                command.Parameters.AddWithValue(name, values[i]);
                names.Add(name);
            }

            return string.Join(", ", names);
        }

        private IReadOnlyList<string> Resolve(Warehouse warehouse, string column, IEnumerable<string> patterns)
        {
            if (!_resolved.TryGetValue(column, out IReadOnlyList<string>? values))
            {
                values = Match(warehouse, column, patterns);
                _resolved[column] = values;
            }

            return values;
        }

        /// <summary>
        /// The exact names (no wildcard) in the filters that match nothing in the whole warehouse, as
        /// (filter, name): like Get-Process -Name, a plain name is something the user expects to exist, while a
        /// wildcard that matches nothing is only an empty filter. A name that exists outside the time window is
        /// not reported: the window is what emptied the result.
        /// </summary>
        public IReadOnlyList<(string Filter, string Name)> UnmatchedNames(Warehouse warehouse) => warehouse.Read(() =>
        {
            var unmatched = new List<(string, string)>();
            void Check(string filter, IReadOnlyList<string>? patterns, params string[] columns)
            {
                foreach (string name in patterns?.Where(p => !Wildcard.HasWildcard(p)) ?? Enumerable.Empty<string>())
                {
                    if (columns.All(column => Resolve(warehouse, column, patterns!).All(value => !string.Equals(value, name, StringComparison.OrdinalIgnoreCase))))
                    {
                        unmatched.Add((filter, name));
                    }
                }
            }

            Check(nameof(SessionId), SessionId, "session_id");
            Check(nameof(Model), Model, "model");
            Check(nameof(Project), Project, "project", "project_path");
            Check(nameof(Source), Source, "source");
            Check(nameof(GitBranch), GitBranch, "git_branch");
            Check(nameof(Agent), Agent, "agent");
            return (IReadOnlyList<(string, string)>)unmatched;
        });

        /// <summary>The filters in words, for -Verbose.</summary>
        public string Describe()
        {
            var parts = new List<string>
            {
                $"window {(Since.HasValue ? Since.Value.ToString("yyyy-MM-dd HH:mm zzz", System.Globalization.CultureInfo.InvariantCulture) : "the beginning")} to {(Until.HasValue ? Until.Value.ToString("yyyy-MM-dd HH:mm zzz", System.Globalization.CultureInfo.InvariantCulture) : "now")}",
            };
            void Add(string name, IReadOnlyList<string>? values)
            {
                if (values is { Count: > 0 })
                {
                    parts.Add($"{name} {string.Join(", ", values)}");
                }
            }

            Add(nameof(SessionId), SessionId);
            Add(nameof(Model), Model);
            Add(nameof(Project), Project);
            Add(nameof(Source), Source);
            Add(nameof(GitBranch), GitBranch);
            Add(nameof(Agent), Agent);
            return string.Join("; ", parts);
        }

        internal static IReadOnlyList<string> Match(Warehouse warehouse, string column, IEnumerable<string> patterns) =>
            Wildcard.Select(DistinctValues(warehouse, column), patterns);

        /// <summary>The distinct values of a column; also feeds the cmdlets' tab completion.</summary>
        internal static IReadOnlyList<string> DistinctValues(Warehouse warehouse, string column)
        {
            using SqliteCommand command = warehouse.Command($"SELECT DISTINCT {column} FROM requests WHERE {column} IS NOT NULL AND is_synthetic = 0 ORDER BY 1;");
            using SqliteDataReader reader = command.ExecuteReader();
            var values = new List<string>();
            while (reader.Read())
            {
                values.Add(reader.GetString(0));
            }

            return values;
        }
    }
}
