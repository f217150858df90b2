using System;
using System.Collections.Generic;
using AgentMetrics.Import;
using Microsoft.Data.Sqlite;

namespace AgentMetrics.Storage
{
    /// <summary>
    /// Writes parsed batches with prepared statements. Every write is an idempotent upsert keyed by the
    /// counting rules (one row per request key, the largest copy winning), so re-reading a file, two
    /// imports at once or an import resumed after a crash all converge on the same rows.
    /// </summary>
    internal sealed class WarehouseWriter : IDisposable
    {
        private const string UpsertRequestSql = @"
INSERT INTO requests (source, dedup_key, request_id, session_id, ts, model, agent, agent_id, project_path, project,
    git_branch, client_version, operation, input_tokens, output_tokens, cache_write_5m, cache_write_1h, cache_read,
    reasoning_tokens, web_searches, weight, is_synthetic, success, duration_ms, reported_cost, file_start_ts, file_path, line)
VALUES ($source, $key, $requestId, $session, $ts, $model, $agent,
    $agentId, $projectPath, $project, $branch, $version, $operation, $input, $output, $cw5m, $cw1h, $cacheRead, $reasoning, $web,
    $weight, $synthetic, $success, $duration, $reportedCost, $fileStart, $file, $line)
ON CONFLICT (source, dedup_key) DO UPDATE SET
    request_id = excluded.request_id, session_id = excluded.session_id, ts = excluded.ts, model = excluded.model,
    agent = excluded.agent, agent_id = excluded.agent_id, project_path = excluded.project_path, project = excluded.project,
    git_branch = excluded.git_branch, client_version = excluded.client_version, operation = excluded.operation,
    input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, cache_write_5m = excluded.cache_write_5m,
    cache_write_1h = excluded.cache_write_1h, cache_read = excluded.cache_read, reasoning_tokens = excluded.reasoning_tokens,
    web_searches = excluded.web_searches, weight = excluded.weight, is_synthetic = excluded.is_synthetic,
    success = excluded.success, duration_ms = excluded.duration_ms, reported_cost = excluded.reported_cost,
    file_start_ts = excluded.file_start_ts, file_path = excluded.file_path, line = excluded.line
WHERE excluded.weight > requests.weight
   OR (excluded.weight = requests.weight AND (
          excluded.ts < requests.ts
       OR (excluded.ts = requests.ts AND (
              coalesce(excluded.file_start_ts, 9223372036854775807) < coalesce(requests.file_start_ts, 9223372036854775807)
           OR (coalesce(excluded.file_start_ts, 9223372036854775807) = coalesce(requests.file_start_ts, 9223372036854775807)
               AND (coalesce(excluded.file_path, '') < coalesce(requests.file_path, '')
                    OR (excluded.file_path = requests.file_path AND excluded.line < requests.line)))))));";

        private const string InsertToolCallSql = @"
INSERT OR IGNORE INTO tool_calls (source, call_id, request_key, session_id, name, ts, is_sidechain, agent)
VALUES ($source, $callId, $requestKey, $session, $name, $ts, $sidechain, $agent);";

        private const string UpsertToolResultSql = @"
INSERT INTO tool_results (source, call_id, ts, is_error, duration_ms) VALUES ($source, $callId, $ts, $isError, $duration)
ON CONFLICT (source, call_id) DO UPDATE SET
    ts = min(coalesce(tool_results.ts, excluded.ts), coalesce(excluded.ts, tool_results.ts)),
    is_error = max(tool_results.is_error, excluded.is_error),
    duration_ms = coalesce(excluded.duration_ms, tool_results.duration_ms);";

        private const string UpsertSessionReportSql = @"
INSERT INTO session_reports (source, session_id, reported_cost, api_duration_ms, tool_duration_ms, total_duration_ms, lines_added, lines_removed, model_usage_json)
VALUES ($source, $session, $cost, $api, $tool, $total, $added, $removed, $usage)
ON CONFLICT (source, session_id) DO UPDATE SET
    reported_cost = excluded.reported_cost, api_duration_ms = excluded.api_duration_ms, tool_duration_ms = excluded.tool_duration_ms,
    total_duration_ms = excluded.total_duration_ms, lines_added = excluded.lines_added, lines_removed = excluded.lines_removed,
    model_usage_json = excluded.model_usage_json;";

        private const string UpsertAgentTypeSql = @"
INSERT INTO agent_types (source, agent_id, agent_type) VALUES ($source, $agentId, $type)
ON CONFLICT (source, agent_id) DO UPDATE SET agent_type = excluded.agent_type WHERE agent_type <> excluded.agent_type;";

        // Requests read before their subagent's type was known take the type now (indexed by agent_id).
        private const string RelabelAgentSql = @"
UPDATE requests SET agent = 'claude-code/' || $type WHERE source = $source AND agent_id = $agentId AND agent IS NOT 'claude-code/' || $type;";

        private readonly Warehouse _warehouse;

        /// <summary>Sessions whose requests or reported cost this writer changed (see ReportedCostAllocator).</summary>
        public HashSet<(string Source, string SessionId)> TouchedSessions { get; } = new HashSet<(string, string)>();

        /// <summary>
        /// Leave the relabelling of earlier requests to <see cref="BulkLoad.Finish"/>: during a first import the
        /// agent index it looks up by is not there yet, and one pass at the end is cheaper anyway.
        /// </summary>
        public bool DeferRelabel { get; set; }

        /// <summary>Tool calls this writer inserted (INSERT OR IGNORE reports 1 only for a new row).</summary>
        public long ToolCallsAdded { get; private set; }

        // Subagent types seen so far (from 2.1 meta files): a copy read from another file, such as an
        // agent_progress mirror in the parent transcript, gets its type too.
        private readonly Dictionary<(string Source, string AgentId), string> _agentTypes = new Dictionary<(string, string), string>();
        private readonly Dictionary<string, Statement> _commands = new Dictionary<string, Statement>();

        public WarehouseWriter(Warehouse warehouse)
        {
            _warehouse = warehouse;
            using SqliteCommand command = warehouse.Command("SELECT source, agent_id, agent_type FROM agent_types;");
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                _agentTypes[(reader.GetString(0), reader.GetString(1))] = reader.GetString(2);
            }
        }

        private string? AgentLabel(string source, RequestRecord request) =>
            request.AgentId is not null && _agentTypes.TryGetValue((source, request.AgentId), out string? type) ? "claude-code/" + type : request.Agent;

        /// <summary>Writes a batch and the file's new manifest row in one transaction: the manifest never runs ahead of the data.</summary>
        public void Write(AgentSource source, ImportBatch batch, FileManifest manifest)
        {
            using SqliteTransaction tx = _warehouse.BeginWrite();
            Write(source, batch, manifest, tx);
            tx.Commit();
        }

        /// <summary>Writes a batch and its file's manifest inside the caller's transaction.</summary>
        public void Write(AgentSource source, ImportBatch batch, FileManifest manifest, SqliteTransaction tx)
        {
            string sourceName = source.ToString();
            foreach (var pair in batch.AgentTypes)
            {
                _agentTypes[(sourceName, pair.Key)] = pair.Value;
                if (Prepared(UpsertAgentTypeSql, tx, "$source", "$agentId", "$type").Execute(sourceName, pair.Key, pair.Value) > 0 && !DeferRelabel)
                {
                    Prepared(RelabelAgentSql, tx, "$source", "$agentId", "$type").Execute(sourceName, pair.Key, pair.Value);
                }
            }

            Statement upsert = Prepared(UpsertRequestSql, tx, "$source", "$key", "$requestId", "$session", "$ts", "$model", "$agent", "$agentId", "$projectPath", "$project",
                "$branch", "$version", "$operation", "$input", "$output", "$cw5m", "$cw1h", "$cacheRead", "$reasoning", "$web",
                "$weight", "$synthetic", "$success", "$duration", "$reportedCost", "$fileStart", "$file", "$line");
            foreach (RequestRecord r in Winners(batch.Requests))
            {
                if (r.SessionId is not null)
                {
                    TouchedSessions.Add((sourceName, r.SessionId));
                }

                upsert.Execute(sourceName, r.DedupKey, r.RequestId, r.SessionId, r.Ts, r.Model, AgentLabel(sourceName, r), r.AgentId, r.ProjectPath, r.Project,
                    r.GitBranch, r.ClientVersion, r.Operation, r.Input, r.Output, r.CacheWrite5m, r.CacheWrite1h, r.CacheRead, r.Reasoning, r.WebSearches,
                    r.Weight, r.IsSynthetic ? 1 : 0, r.Success.HasValue ? (r.Success.Value ? 1 : 0) : (object?)null,
                    r.DurationMs, r.ReportedCost, r.FileStartTs, r.FilePath, r.Line);
            }

            Statement toolCall = Prepared(InsertToolCallSql, tx, "$source", "$callId", "$requestKey", "$session", "$name", "$ts", "$sidechain", "$agent");
            var seenCalls = new HashSet<string>(StringComparer.Ordinal);
            foreach (ToolCallRecord c in batch.ToolCalls)
            {
                if (seenCalls.Add(c.CallId))
                {
                    ToolCallsAdded += toolCall.Execute(sourceName, c.CallId, c.RequestKey, c.SessionId, c.Name, c.Ts, c.IsSidechain ? 1 : 0, c.Agent);
                }
            }

            Statement toolResult = Prepared(UpsertToolResultSql, tx, "$source", "$callId", "$ts", "$isError", "$duration");
            foreach (ToolResultRecord t in batch.ToolResults)
            {
                toolResult.Execute(sourceName, t.CallId, t.Ts, t.IsError ? 1 : 0, t.DurationMs);
            }

            Statement report = Prepared(UpsertSessionReportSql, tx, "$source", "$session", "$cost", "$api", "$tool", "$total", "$added", "$removed", "$usage");
            foreach (SessionReportRecord s in batch.SessionReports)
            {
                TouchedSessions.Add((sourceName, s.SessionId));
                report.Execute(sourceName, s.SessionId, s.ReportedCost, s.ApiDurationMs, s.ToolDurationMs, s.TotalDurationMs, s.LinesAdded, s.LinesRemoved, s.ModelUsageJson);
            }

            Prepared(FileManifest.SaveSql, tx, FileManifest.SaveParameters).Execute(manifest.SaveValues());
        }

        private Statement Prepared(string sql, SqliteTransaction tx, params string[] parameterOrder)
        {
            if (!_commands.TryGetValue(sql, out Statement? statement))
            {
                statement = new Statement(_warehouse.Connection, sql, parameterOrder);
                _commands[sql] = statement;
            }

            return statement;
        }

        /// <summary>
        /// The copies of one request that a batch holds (a response split over lines, streamed partials)
        /// reduced to the one the warehouse would keep, by the same order as the upsert's WHERE clause.
        /// </summary>
        internal static IEnumerable<RequestRecord> Winners(List<RequestRecord> requests)
        {
            var best = new Dictionary<string, RequestRecord>(requests.Count, StringComparer.Ordinal);
            foreach (RequestRecord candidate in requests)
            {
                if (!best.TryGetValue(candidate.DedupKey, out RequestRecord? current) || Beats(candidate, current))
                {
                    best[candidate.DedupKey] = candidate;
                }
            }

            return best.Values;
        }

        private static bool Beats(RequestRecord a, RequestRecord b)
        {
            if (a.Weight != b.Weight)
            {
                return a.Weight > b.Weight;
            }

            if (a.Ts != b.Ts)
            {
                return a.Ts < b.Ts;
            }

            long aStart = a.FileStartTs ?? long.MaxValue, bStart = b.FileStartTs ?? long.MaxValue;
            if (aStart != bStart)
            {
                return aStart < bStart;
            }

            int byPath = string.CompareOrdinal(a.FilePath ?? string.Empty, b.FilePath ?? string.Empty);
            return byPath != 0 ? byPath < 0 : a.Line < b.Line;
        }

        /// <summary>A prepared command whose parameters are bound by position, without name look-ups per row.</summary>
        /// <summary>
        /// A statement prepared once on the connection's own handle and bound by position. The import writes
        /// hundreds of thousands of rows; going through SQLitePCLRaw directly skips the reader object and
        /// parameter bookkeeping ADO.NET pays on every ExecuteNonQuery, which was most of the writer's time.
        /// It runs inside the transaction Microsoft.Data.Sqlite began on the same handle.
        /// </summary>
        private sealed class Statement : IDisposable
        {
            private readonly SQLitePCL.sqlite3 _db;
            private readonly SQLitePCL.sqlite3_stmt _statement;
            private readonly int[] _indexes;

            public Statement(SqliteConnection connection, string sql, string[] names)
            {
                _db = connection.Handle!;
                Check(SQLitePCL.raw.sqlite3_prepare_v2(_db, sql, out _statement));
                _indexes = new int[names.Length];
                for (int i = 0; i < names.Length; i++)
                {
                    _indexes[i] = SQLitePCL.raw.sqlite3_bind_parameter_index(_statement, names[i]);
                }
            }

            public int Execute(params object?[] values)
            {
                for (int i = 0; i < values.Length; i++)
                {
                    int index = _indexes[i];
                    int rc = values[i] switch
                    {
                        null => SQLitePCL.raw.sqlite3_bind_null(_statement, index),
                        string text => SQLitePCL.raw.sqlite3_bind_text(_statement, index, text),
                        long number => SQLitePCL.raw.sqlite3_bind_int64(_statement, index, number),
                        int number => SQLitePCL.raw.sqlite3_bind_int64(_statement, index, number),
                        double real => SQLitePCL.raw.sqlite3_bind_double(_statement, index, real),
                        var other => throw new ArgumentException($"Cannot bind a {other.GetType().Name}."),
                    };
                    Check(rc);
                }

                int step = SQLitePCL.raw.sqlite3_step(_statement);
                SQLitePCL.raw.sqlite3_reset(_statement);
                if (step != SQLitePCL.raw.SQLITE_DONE && step != SQLitePCL.raw.SQLITE_ROW)
                {
                    Check(step);
                }

                return SQLitePCL.raw.sqlite3_changes(_db);
            }

            private void Check(int rc)
            {
                if (rc != SQLitePCL.raw.SQLITE_OK)
                {
                    throw new SqliteException(SQLitePCL.raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
                }
            }

            public void Dispose() => _statement.Dispose();
        }

        public void Dispose()
        {
            foreach (Statement statement in _commands.Values)
            {
                statement.Dispose();
            }
        }
    }
}
