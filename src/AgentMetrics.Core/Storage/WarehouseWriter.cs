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
VALUES ($source, $key, $requestId, $session, $ts, $model, coalesce((SELECT 'claude-code/' || agent_type FROM agent_types WHERE source = $source AND agent_id = $agentId), $agent),
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
ON CONFLICT (source, agent_id) DO UPDATE SET agent_type = excluded.agent_type;
UPDATE requests SET agent = 'claude-code/' || $type WHERE source = $source AND agent_id = $agentId;
UPDATE tool_calls SET agent = 'claude-code/' || $type
 WHERE source = $source AND request_key IN (SELECT dedup_key FROM requests WHERE source = $source AND agent_id = $agentId);";

        private readonly Warehouse _warehouse;
        private readonly Dictionary<string, SqliteCommand> _commands = new Dictionary<string, SqliteCommand>();

        public WarehouseWriter(Warehouse warehouse)
        {
            _warehouse = warehouse;
        }

        /// <summary>Writes a batch and the file's new manifest row in one transaction: the manifest never runs ahead of the data.</summary>
        public void Write(AgentSource source, ImportBatch batch, FileManifest manifest)
        {
            string sourceName = source.ToString();
            using SqliteTransaction tx = _warehouse.BeginWrite();
            foreach (var pair in batch.AgentTypes)
            {
                Run(UpsertAgentTypeSql, tx, ("$source", sourceName), ("$agentId", pair.Key), ("$type", pair.Value));
            }

            SqliteCommand upsert = Prepared(UpsertRequestSql, tx);
            foreach (RequestRecord r in batch.Requests)
            {
                Bind(upsert, ("$source", sourceName), ("$key", r.DedupKey), ("$requestId", r.RequestId), ("$session", r.SessionId), ("$ts", r.Ts),
                    ("$model", r.Model), ("$agent", r.Agent), ("$agentId", r.AgentId), ("$projectPath", r.ProjectPath), ("$project", r.Project),
                    ("$branch", r.GitBranch), ("$version", r.ClientVersion), ("$operation", r.Operation), ("$input", r.Input), ("$output", r.Output),
                    ("$cw5m", r.CacheWrite5m), ("$cw1h", r.CacheWrite1h), ("$cacheRead", r.CacheRead), ("$reasoning", r.Reasoning), ("$web", r.WebSearches),
                    ("$weight", r.Weight), ("$synthetic", r.IsSynthetic ? 1 : 0), ("$success", r.Success.HasValue ? (r.Success.Value ? 1 : 0) : (object?)null),
                    ("$duration", r.DurationMs), ("$reportedCost", r.ReportedCost), ("$fileStart", r.FileStartTs), ("$file", r.FilePath), ("$line", r.Line));
                upsert.ExecuteNonQuery();
            }

            SqliteCommand toolCall = Prepared(InsertToolCallSql, tx);
            foreach (ToolCallRecord c in batch.ToolCalls)
            {
                Bind(toolCall, ("$source", sourceName), ("$callId", c.CallId), ("$requestKey", c.RequestKey), ("$session", c.SessionId), ("$name", c.Name),
                    ("$ts", c.Ts), ("$sidechain", c.IsSidechain ? 1 : 0), ("$agent", c.Agent));
                toolCall.ExecuteNonQuery();
            }

            SqliteCommand toolResult = Prepared(UpsertToolResultSql, tx);
            foreach (ToolResultRecord t in batch.ToolResults)
            {
                Bind(toolResult, ("$source", sourceName), ("$callId", t.CallId), ("$ts", t.Ts), ("$isError", t.IsError ? 1 : 0), ("$duration", t.DurationMs));
                toolResult.ExecuteNonQuery();
            }

            SqliteCommand report = Prepared(UpsertSessionReportSql, tx);
            foreach (SessionReportRecord s in batch.SessionReports)
            {
                Bind(report, ("$source", sourceName), ("$session", s.SessionId), ("$cost", s.ReportedCost), ("$api", s.ApiDurationMs), ("$tool", s.ToolDurationMs),
                    ("$total", s.TotalDurationMs), ("$added", s.LinesAdded), ("$removed", s.LinesRemoved), ("$usage", s.ModelUsageJson));
                report.ExecuteNonQuery();
            }

            manifest.Save(_warehouse, tx);
            tx.Commit();
        }

        private void Run(string sql, SqliteTransaction tx, params (string Name, object? Value)[] parameters)
        {
            using SqliteCommand command = _warehouse.Command(sql, tx);
            Bind(command, parameters);
            command.ExecuteNonQuery();
        }

        private SqliteCommand Prepared(string sql, SqliteTransaction tx)
        {
            if (!_commands.TryGetValue(sql, out SqliteCommand? command))
            {
                command = _warehouse.Command(sql, tx);
                _commands[sql] = command;
            }

            command.Transaction = tx;
            return command;
        }

        internal static void Bind(SqliteCommand command, params (string Name, object? Value)[] parameters)
        {
            foreach (var (name, value) in parameters)
            {
                object dbValue = value ?? DBNull.Value;
                if (command.Parameters.Contains(name))
                {
                    command.Parameters[name].Value = dbValue;
                }
                else
                {
                    command.Parameters.AddWithValue(name, dbValue);
                }
            }
        }

        public void Dispose()
        {
            foreach (SqliteCommand command in _commands.Values)
            {
                command.Dispose();
            }
        }
    }
}
