using System;
using System.Collections.Generic;
using System.Linq;
using AgentMetrics.Rules;
using Microsoft.Data.Sqlite;
using AgentMetrics.Records;

namespace AgentMetrics.Warehousing
{
    /// <summary>
    /// Writes parsed batches with prepared statements. Every write is an idempotent upsert keyed by the
    /// counting rules (one row per request key, the largest copy winning), so re-reading a file, two
    /// imports at once or an import resumed after a crash all converge on the same rows.
    /// </summary>
    internal sealed class WarehouseWriter : IDisposable
    {
        private const string InsertRequestRowSql = @"
INSERT INTO requests (source, dedup_key, request_id, session_id, ts, model, agent, agent_id, project_path, project,
    git_branch, client_version, operation, input_tokens, output_tokens, cache_write_5m, cache_write_1h, cache_read,
    reasoning_tokens, web_searches, weight, is_synthetic, success, duration_ms, reported_cost, file_start_ts, file_id, line)
VALUES ($source, $key, $requestId, $session, $ts, $model, $agent,
    $agentId, $projectPath, $project, $branch, $version, $operation, $input, $output, $cw5m, $cw1h, $cacheRead, $reasoning, $web,
    $weight, $synthetic, $success, $duration, $reportedCost, $fileStart, $fileId, $line)";

        private static readonly string UpsertRequestSql = InsertRequestRowSql + @"
ON CONFLICT (source, dedup_key) DO UPDATE SET
    request_id = excluded.request_id, session_id = excluded.session_id, ts = excluded.ts, model = excluded.model,
    agent = excluded.agent, agent_id = excluded.agent_id, project_path = excluded.project_path, project = excluded.project,
    git_branch = excluded.git_branch, client_version = excluded.client_version, operation = excluded.operation,
    input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, cache_write_5m = excluded.cache_write_5m,
    cache_write_1h = excluded.cache_write_1h, cache_read = excluded.cache_read, reasoning_tokens = excluded.reasoning_tokens,
    web_searches = excluded.web_searches, weight = excluded.weight, is_synthetic = excluded.is_synthetic,
    success = excluded.success, duration_ms = excluded.duration_ms, reported_cost = excluded.reported_cost,
    file_start_ts = excluded.file_start_ts, file_id = excluded.file_id, line = excluded.line
WHERE " + RequestPrecedence.ExcludedBeatsKeptSql + ";";

        // The first copy of a call wins; a row that so far holds only the call's result (no name) takes it.
        private const string UpsertToolCallSql = @"
INSERT INTO tool_calls (source, call_id, request_key, session_id, name, ts, is_sidechain, agent)
VALUES ($source, $callId, $requestKey, $session, $name, $ts, $sidechain, $agent)
ON CONFLICT (source, call_id) DO UPDATE SET
    request_key = excluded.request_key, session_id = excluded.session_id, name = excluded.name, ts = excluded.ts,
    is_sidechain = excluded.is_sidechain, agent = excluded.agent
WHERE tool_calls.name IS NULL;";

        // Copies of a result merge as Rules.ToolResultMerge says.
        private static readonly string UpsertToolResultSql = @"
INSERT INTO tool_calls (source, call_id, has_result, result_ts, is_error, duration_ms) VALUES ($source, $callId, 1, $ts, $isError, $duration)
ON CONFLICT (source, call_id) DO UPDATE SET " + ToolResultMerge.SetSql("tool_calls", "excluded") + ";";

        // A first import writes into tables whose unique keys are not built yet (BulkLoad): every row is an
        // append, and a copy of a key already written replaces that row by its row id (see BulkKeys).
        private const string InsertRequestSql = InsertRequestRowSql + ";";

        private const string ReplaceRequestSql = @"
UPDATE requests SET source = $source, dedup_key = $key, request_id = $requestId, session_id = $session, ts = $ts, model = $model,
    agent = $agent, agent_id = $agentId, project_path = $projectPath, project = $project, git_branch = $branch,
    client_version = $version, operation = $operation, input_tokens = $input, output_tokens = $output, cache_write_5m = $cw5m,
    cache_write_1h = $cw1h, cache_read = $cacheRead, reasoning_tokens = $reasoning, web_searches = $web, weight = $weight,
    is_synthetic = $synthetic, success = $success, duration_ms = $duration, reported_cost = $reportedCost,
    file_start_ts = $fileStart, file_id = $fileId, line = $line
WHERE request_pk = $rowId;";

        private const string AppendToolCallSql = @"
INSERT INTO tool_calls (source, call_id, request_key, session_id, name, ts, is_sidechain, agent)
VALUES ($source, $callId, $requestKey, $session, $name, $ts, $sidechain, $agent);";

        private const string AppendToolCallWithResultSql = @"
INSERT INTO tool_calls (source, call_id, request_key, session_id, name, ts, is_sidechain, agent, has_result, result_ts, is_error, duration_ms)
VALUES ($source, $callId, $requestKey, $session, $name, $ts, $sidechain, $agent, 1, $resultTs, $isError, $duration);";

        private const string FillToolCallSql = @"
UPDATE tool_calls SET request_key = $requestKey, session_id = $session, name = $name, ts = $ts, is_sidechain = $sidechain, agent = $agent
WHERE rowid = $rowId;";

        private const string AppendToolResultSql = @"
INSERT INTO tool_calls (source, call_id, has_result, result_ts, is_error, duration_ms) VALUES ($source, $callId, 1, $ts, $isError, $duration);";

        private const string ReplaceToolResultSql = @"
UPDATE tool_calls SET has_result = 1, result_ts = $ts, is_error = $isError, duration_ms = $duration WHERE rowid = $rowId;";

        private static readonly string[] RequestParameters =
        {
            "$source", "$key", "$requestId", "$session", "$ts", "$model", "$agent", "$agentId", "$projectPath", "$project",
            "$branch", "$version", "$operation", "$input", "$output", "$cw5m", "$cw1h", "$cacheRead", "$reasoning", "$web",
            "$weight", "$synthetic", "$success", "$duration", "$reportedCost", "$fileStart", "$fileId", "$line",
        };

        private static readonly string[] ReplaceRequestParameters = RequestParameters.Concat(new[] { "$rowId" }).ToArray();

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
        private static readonly string RelabelAgentSql = $@"
UPDATE requests SET agent = {Rules.AgentLabel.ClaudeSubagentSql("$type")}
WHERE source = $source AND agent_id = $agentId AND agent IS NOT {Rules.AgentLabel.ClaudeSubagentSql("$type")};";

        private readonly Warehouse _warehouse;

        /// <summary>Sessions whose requests or reported cost this writer changed (see ReportedCostAllocator).</summary>
        public HashSet<(string Source, string SessionId)> TouchedSessions { get; } = new HashSet<(string, string)>();

        /// <summary>
        /// A first import (<see cref="BulkLoad"/>): the unique keys and the agent index are not built yet, so rows
        /// are appended and deduplicated against <see cref="_bulkKeys"/>, and the relabelling of earlier requests
        /// is left to <see cref="BulkLoad.Finish"/> (one pass at the end is cheaper anyway). One writer holds the
        /// import lock, so what it remembers is everything the tables hold.
        /// </summary>
        public bool Bulk { get; set; }

        private BulkKeys _bulkKeys = new BulkKeys();

        /// <summary>How many keys of each table a first import holds in memory (see <see cref="BulkKeys"/>); tests set it small.</summary>
        internal int BulkKeyBudget
        {
            get => _bulkKeys.Budget;
            set => _bulkKeys = new BulkKeys(value);
        }

        /// <summary>Tool calls this writer added (a new row, or a row that held only the call's result).</summary>
        public long ToolCallsAdded { get; private set; }

        // Subagent types seen so far (from 2.1 meta files): a copy read from another file, such as an
        // agent_progress mirror in the parent transcript, gets its type too.
        private readonly Dictionary<(string Source, string AgentId), string> _agentTypes = new Dictionary<(string, string), string>();
        private readonly Dictionary<string, PreparedStatement> _commands = new Dictionary<string, PreparedStatement>();

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
            request.AgentId is not null && _agentTypes.TryGetValue((source, request.AgentId), out string? type)
                ? Rules.AgentLabel.ClaudeSubagent(type)
                : request.Agent;

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
            // First, for the file's id: its requests name the file by it. The same transaction holds both.
            var file = new BatchFile(manifest.Path, Prepared(FileManifest.SaveSql, FileManifest.SaveParameters).ExecuteInt64(manifest.SaveValues()), manifest.LastTs);
            foreach (var pair in batch.AgentTypes)
            {
                _agentTypes[(sourceName, pair.Key)] = pair.Value;
                if (Prepared(UpsertAgentTypeSql, "$source", "$agentId", "$type").Execute(sourceName, pair.Key, pair.Value) > 0 && !Bulk)
                {
                    Prepared(RelabelAgentSql, "$source", "$agentId", "$type").Execute(sourceName, pair.Key, pair.Value);
                }
            }

            if (Bulk)
            {
                AppendRequests(sourceName, batch.Requests, file);
                // A call's result is usually in the same batch (the next line): merged before the call's row is
                // written, it costs no second write of the row.
                Dictionary<string, BulkKeys.KeptCall> results = ResultsByCall(batch.ToolResults);
                AppendToolCalls(sourceName, batch.ToolCalls, results);
                AppendToolResults(sourceName, batch.ToolResults, results);
            }
            else
            {
                UpsertRequests(sourceName, batch.Requests, file);
                UpsertToolCalls(sourceName, batch.ToolCalls);
                UpsertToolResults(sourceName, batch.ToolResults);
            }

            PreparedStatement report = Prepared(UpsertSessionReportSql, "$source", "$session", "$cost", "$api", "$tool", "$total", "$added", "$removed", "$usage");
            foreach (SessionReportRecord s in batch.SessionReports)
            {
                TouchedSessions.Add((sourceName, s.SessionId));
                report.Execute(sourceName, s.SessionId, s.ReportedCost, s.ApiDurationMs, s.ToolDurationMs, s.TotalDurationMs, s.LinesAdded, s.LinesRemoved, s.ModelUsageJson);
            }
        }

        private object?[] RequestValues(string sourceName, RequestRecord r, BatchFile file, int extra = 0)
        {
            // A first import spreads every reported cost once at the end (BulkLoad.Finish) and needs no list.
            if (r.SessionId is not null && !Bulk)
            {
                TouchedSessions.Add((sourceName, r.SessionId));
            }

            var values = new object?[RequestParameters.Length + extra];
            values[0] = sourceName;
            values[1] = r.DedupKey;
            values[2] = r.RequestId;
            values[3] = r.SessionId;
            values[4] = r.Ts;
            values[5] = r.Model;
            values[6] = AgentLabel(sourceName, r);
            values[7] = r.AgentId;
            values[8] = r.ProjectPath;
            values[9] = r.Project;
            values[10] = r.GitBranch;
            values[11] = r.ClientVersion;
            values[12] = r.Operation;
            values[13] = r.Input;
            values[14] = r.Output;
            values[15] = r.CacheWrite5m;
            values[16] = r.CacheWrite1h;
            values[17] = r.CacheRead;
            values[18] = r.Reasoning;
            values[19] = r.WebSearches;
            values[20] = r.Weight;
            values[21] = r.IsSynthetic ? 1 : 0;
            values[22] = r.Success.HasValue ? (r.Success.Value ? 1 : 0) : (object?)null;
            values[23] = r.DurationMs;
            values[24] = r.ReportedCost;
            values[25] = r.FileStartTs;
            values[26] = file.IdOf(r.FilePath);
            values[27] = r.Line;
            return values;
        }

        private void UpsertRequests(string sourceName, List<RequestRecord> requests, BatchFile file)
        {
            PreparedStatement upsert = Prepared(UpsertRequestSql, RequestParameters);
            foreach (RequestRecord r in Winners(requests, file.End))
            {
                upsert.Execute(RequestValues(sourceName, r, file));
            }
        }

        private void AppendRequests(string sourceName, List<RequestRecord> requests, BatchFile file)
        {
            BulkKeys.Table<BulkKeys.KeptRequest> kept = _bulkKeys.Requests;
            ulong seed = BulkKeys.SeedOf(sourceName);
            // Looked up once a batch: finding a statement hashes its whole SQL text.
            PreparedStatement insert = Prepared(InsertRequestSql, RequestParameters);
            PreparedStatement replace = Prepared(ReplaceRequestSql, ReplaceRequestParameters);
            foreach (RequestRecord r in Winners(requests, file.End))
            {
                var key = BulkKeys.KeyHash.Of(r.DedupKey, seed);
                var rank = RequestRank.Of(r, file.End);
                if (!kept.Held.TryGetValue(key, out BulkKeys.KeptRequest current))
                {
                    insert.Execute(RequestValues(sourceName, r, file));
                    long row = LastRowId;
                    if (kept.MayHaveForgotten(key))
                    {
                        NoteRepeat(BulkLoad.RepeatedRequest, sourceName, r.DedupKey);
                    }

                    kept.Add(key, new BulkKeys.KeptRequest(row, rank), _bulkKeys.Budget);
                }
                else if (rank.Beats(current.Rank))
                {
                    object?[] values = RequestValues(sourceName, r, file, extra: 1);
                    values[values.Length - 1] = current.RowId;
                    replace.Execute(values);
                    kept.Held[key] = new BulkKeys.KeptRequest(current.RowId, rank);
                }
            }
        }

        /// <summary>A key whose earlier rows the writer may have forgotten: <see cref="BulkLoad.Finish"/> merges its rows.</summary>
        private void NoteRepeat(int kind, string sourceName, string key) =>
            Prepared(BulkLoad.NoteRepeatSql, "$kind", "$source", "$key").Execute(kind, sourceName, key);

        private static readonly string[] ToolCallParameters = { "$source", "$callId", "$requestKey", "$session", "$name", "$ts", "$sidechain", "$agent" };

        private void UpsertToolCalls(string sourceName, List<ToolCallRecord> calls)
        {
            PreparedStatement upsert = Prepared(UpsertToolCallSql, ToolCallParameters);
            var seenCalls = new HashSet<string>(StringComparer.Ordinal);
            foreach (ToolCallRecord c in calls)
            {
                if (seenCalls.Add(c.CallId))
                {
                    ToolCallsAdded += upsert.Execute(sourceName, c.CallId, c.RequestKey, c.SessionId, c.Name, c.Ts, c.IsSidechain ? 1 : 0, c.Agent);
                }
            }
        }

        /// <summary>A batch's results merged per call, in reading order, as the incremental upsert merges them.</summary>
        private static Dictionary<string, BulkKeys.KeptCall> ResultsByCall(List<ToolResultRecord> results)
        {
            var merged = new Dictionary<string, BulkKeys.KeptCall>(results.Count, StringComparer.Ordinal);
            foreach (ToolResultRecord t in results)
            {
                merged[t.CallId] = merged.TryGetValue(t.CallId, out BulkKeys.KeptCall earlier)
                    ? earlier.WithResult(t.Ts, t.IsError, t.DurationMs)
                    : BulkKeys.KeptCall.ResultOnly(0, t.Ts, t.IsError, t.DurationMs);
            }

            return merged;
        }

        private static readonly string[] ToolCallWithResultParameters = ToolCallParameters.Concat(new[] { "$resultTs", "$isError", "$duration" }).ToArray();

        /// <param name="results">The batch's results by call; those written with their call's row are taken out.</param>
        private void AppendToolCalls(string sourceName, List<ToolCallRecord> calls, Dictionary<string, BulkKeys.KeptCall> results)
        {
            BulkKeys.Table<BulkKeys.KeptCall> kept = _bulkKeys.ToolCalls;
            ulong seed = BulkKeys.SeedOf(sourceName);
            PreparedStatement append = Prepared(AppendToolCallSql, ToolCallParameters);
            PreparedStatement appendWithResult = Prepared(AppendToolCallWithResultSql, ToolCallWithResultParameters);
            PreparedStatement fill = Prepared(FillToolCallSql, "$requestKey", "$session", "$name", "$ts", "$sidechain", "$agent", "$rowId");
            foreach (ToolCallRecord c in calls)
            {
                var key = BulkKeys.KeyHash.Of(c.CallId, seed);
                if (!kept.Held.TryGetValue(key, out BulkKeys.KeptCall current))
                {
                    if (results.TryGetValue(c.CallId, out BulkKeys.KeptCall result))
                    {
                        results.Remove(c.CallId);
                        appendWithResult.Execute(sourceName, c.CallId, c.RequestKey, c.SessionId, c.Name, c.Ts, c.IsSidechain ? 1 : 0, c.Agent, result.ResultTs, result.IsError ? 1 : 0, result.DurationMs);
                        AddCall(kept, key, c.CallId, sourceName, BulkKeys.KeptCall.Called(LastRowId).WithResult(result.ResultTs, result.IsError, result.DurationMs));
                    }
                    else
                    {
                        append.Execute(sourceName, c.CallId, c.RequestKey, c.SessionId, c.Name, c.Ts, c.IsSidechain ? 1 : 0, c.Agent);
                        AddCall(kept, key, c.CallId, sourceName, BulkKeys.KeptCall.Called(LastRowId));
                    }

                    ToolCallsAdded++;
                }
                else if (!current.CallSeen)
                {
                    fill.Execute(c.RequestKey, c.SessionId, c.Name, c.Ts, c.IsSidechain ? 1 : 0, c.Agent, current.RowId);
                    kept.Held[key] = current.WithCall();
                    ToolCallsAdded++;
                }
            }
        }

        private void AddCall(BulkKeys.Table<BulkKeys.KeptCall> kept, BulkKeys.KeyHash key, string callId, string sourceName, BulkKeys.KeptCall call)
        {
            if (kept.MayHaveForgotten(key))
            {
                NoteRepeat(BulkLoad.RepeatedToolCall, sourceName, callId);
            }

            kept.Add(key, call, _bulkKeys.Budget);
        }

        private static readonly string[] ToolResultParameters = { "$source", "$callId", "$ts", "$isError", "$duration" };

        private void UpsertToolResults(string sourceName, List<ToolResultRecord> results)
        {
            PreparedStatement upsert = Prepared(UpsertToolResultSql, ToolResultParameters);
            foreach (ToolResultRecord t in results)
            {
                upsert.Execute(sourceName, t.CallId, t.Ts, t.IsError ? 1 : 0, t.DurationMs);
            }
        }

        /// <param name="pending">The batch's results not yet written with their call's row (see <see cref="AppendToolCalls"/>).</param>
        private void AppendToolResults(string sourceName, List<ToolResultRecord> results, Dictionary<string, BulkKeys.KeptCall> pending)
        {
            BulkKeys.Table<BulkKeys.KeptCall> kept = _bulkKeys.ToolCalls;
            ulong seed = BulkKeys.SeedOf(sourceName);
            PreparedStatement append = Prepared(AppendToolResultSql, ToolResultParameters);
            PreparedStatement replace = Prepared(ReplaceToolResultSql, "$ts", "$isError", "$duration", "$rowId");
            foreach (ToolResultRecord t in results)
            {
                if (!pending.ContainsKey(t.CallId))
                {
                    continue;
                }

                var key = BulkKeys.KeyHash.Of(t.CallId, seed);
                if (!kept.Held.TryGetValue(key, out BulkKeys.KeptCall current))
                {
                    append.Execute(sourceName, t.CallId, t.Ts, t.IsError ? 1 : 0, t.DurationMs);
                    AddCall(kept, key, t.CallId, sourceName, BulkKeys.KeptCall.ResultOnly(LastRowId, t.Ts, t.IsError, t.DurationMs));
                    continue;
                }

                BulkKeys.KeptCall merged = current.WithResult(t.Ts, t.IsError, t.DurationMs);
                if (!merged.SameResultAs(current))
                {
                    replace.Execute(merged.ResultTs, merged.IsError ? 1 : 0, merged.DurationMs, merged.RowId);
                    kept.Held[key] = merged;
                }
            }
        }

        private long LastRowId => SQLitePCL.raw.sqlite3_last_insert_rowid(_warehouse.Connection.Handle);

        private PreparedStatement Prepared(string sql, params string[] parameterOrder)
        {
            if (!_commands.TryGetValue(sql, out PreparedStatement? statement))
            {
                statement = new PreparedStatement(_warehouse.Connection, sql, parameterOrder);
                _commands[sql] = statement;
            }

            return statement;
        }

        /// <summary>
        /// The copies of one request that a batch holds (a response split over lines, streamed partials)
        /// reduced to the one the warehouse would keep (Rules.RequestPrecedence, as the upsert's WHERE clause).
        /// </summary>
        /// <param name="fileEnd">The last timestamp of the batch's file (a batch holds one file's records).</param>
        internal static IEnumerable<RequestRecord> Winners(List<RequestRecord> requests, long? fileEnd)
        {
            var best = new Dictionary<string, RequestRecord>(requests.Count, StringComparer.Ordinal);
            foreach (RequestRecord candidate in requests)
            {
                if (!best.TryGetValue(candidate.DedupKey, out RequestRecord? current) || RequestRank.Of(candidate, fileEnd).Beats(RequestRank.Of(current, fileEnd)))
                {
                    best[candidate.DedupKey] = candidate;
                }
            }

            return best.Values;
        }

        /// <summary>
        /// The file a batch was read from and its id in source_files. A batch holds one file's records, so a request
        /// names this file; one read from any other path (none is) would name no file rather than the wrong one.
        /// </summary>
        private readonly struct BatchFile
        {
            private readonly string _path;
            private readonly long _id;

            public BatchFile(string path, long id, long? end)
            {
                _path = path;
                _id = id;
                End = end;
            }

            /// <summary>The file's last timestamp, as saved in its manifest (Rules.FileEnd).</summary>
            public long? End { get; }

            public object? IdOf(string? path) => string.Equals(path, _path, StringComparison.Ordinal) ? _id : (object?)null;
        }

        public void Dispose()
        {
            foreach (PreparedStatement statement in _commands.Values)
            {
                statement.Dispose();
            }
        }
    }
}
