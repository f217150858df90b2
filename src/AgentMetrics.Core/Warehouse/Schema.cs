using System.Collections.Generic;

namespace AgentMetrics.Warehousing
{
    /// <summary>
    /// Forward-only migrations; migration N takes the warehouse from user_version N to N+1. Never edit a
    /// shipped migration: append a new one.
    /// </summary>
    internal static class Schema
    {
        /// <summary>The per-session index; a first (bulk) import builds it once at the end instead of row by row.</summary>
        internal const string SessionIndexSql = "CREATE INDEX IF NOT EXISTS requests_session ON requests (source, session_id, ts);";

        internal const string RequestKeySql = "CREATE UNIQUE INDEX IF NOT EXISTS requests_key ON requests (source, dedup_key);";
        internal const string ToolCallKeySql = "CREATE UNIQUE INDEX IF NOT EXISTS tool_calls_key ON tool_calls (source, call_id);";

        /// <summary>
        /// The indexes a first (bulk) import drops and builds once at the end: a sorted build costs a fraction
        /// of keeping each up to date row by row. That includes the unique keys (since schema 4): the bulk
        /// writer deduplicates in memory (see WarehouseWriter) and the keys are built, and so checked, at the end.
        /// </summary>
        internal static readonly (string Name, string Create)[] DeferredIndexes =
        {
            ("requests_key", RequestKeySql),
            ("tool_calls_key", ToolCallKeySql),
            ("requests_session", SessionIndexSql),
            ("requests_ts", "CREATE INDEX IF NOT EXISTS requests_ts ON requests (ts);"),
            ("requests_agent", "CREATE INDEX IF NOT EXISTS requests_agent ON requests (source, agent_id) WHERE agent_id IS NOT NULL;"),
            ("tool_calls_request", "CREATE INDEX IF NOT EXISTS tool_calls_request ON tool_calls (source, request_key);"),
        };

        /// <summary>The triggers that mark rollup buckets dirty on insert and update (dropped during a bulk import).</summary>
        internal const string RollupWriteTriggersSql = @"
-- NOT EXISTS rather than OR IGNORE: an outer statement's conflict clause (the requests upsert) would
-- override the trigger's own.
CREATE TRIGGER IF NOT EXISTS requests_rollup_insert AFTER INSERT ON requests
BEGIN
    INSERT INTO rollup_dirty SELECT new.ts / 900000 WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE bucket = new.ts / 900000);
END;

CREATE TRIGGER IF NOT EXISTS requests_rollup_update AFTER UPDATE ON requests
BEGIN
    INSERT INTO rollup_dirty SELECT old.ts / 900000 WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE bucket = old.ts / 900000);
    INSERT INTO rollup_dirty SELECT new.ts / 900000 WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE bucket = new.ts / 900000);
END;
";

        public static readonly IReadOnlyList<string> Migrations = new[]
        {
            // 1: files, requests, tool calls, reported session costs.
            @"
CREATE TABLE source_files (
    file_id        INTEGER PRIMARY KEY,
    source         TEXT    NOT NULL,
    path           TEXT    NOT NULL UNIQUE,
    size           INTEGER NOT NULL DEFAULT 0,
    mtime_ms       INTEGER NOT NULL DEFAULT 0,
    consumed_bytes INTEGER NOT NULL DEFAULT 0,
    consumed_lines INTEGER NOT NULL DEFAULT 0,
    head_hash      TEXT,
    tail_hash      TEXT,
    first_ts       INTEGER,
    malformed      INTEGER NOT NULL DEFAULT 0,
    state          TEXT,
    imported_at    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE requests (
    request_pk       INTEGER PRIMARY KEY,
    source           TEXT    NOT NULL,
    dedup_key        TEXT    NOT NULL,
    request_id       TEXT,
    session_id       TEXT,
    ts               INTEGER NOT NULL,
    model            TEXT,
    agent            TEXT,
    agent_id         TEXT,
    project_path     TEXT,
    project          TEXT,
    git_branch       TEXT,
    client_version   TEXT,
    operation        TEXT,
    input_tokens     INTEGER NOT NULL DEFAULT 0,
    output_tokens    INTEGER NOT NULL DEFAULT 0,
    cache_write_5m   INTEGER NOT NULL DEFAULT 0,
    cache_write_1h   INTEGER NOT NULL DEFAULT 0,
    cache_read       INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens INTEGER NOT NULL DEFAULT 0,
    web_searches     INTEGER NOT NULL DEFAULT 0,
    weight           INTEGER NOT NULL DEFAULT 0,
    is_synthetic     INTEGER NOT NULL DEFAULT 0,
    success          INTEGER,
    duration_ms      INTEGER,
    reported_cost    REAL,
    file_start_ts    INTEGER,
    file_path        TEXT,
    line             INTEGER,
    UNIQUE (source, dedup_key)
);
CREATE INDEX requests_ts ON requests (ts);
" + SessionIndexSql + @"
CREATE INDEX requests_agent ON requests (source, agent_id) WHERE agent_id IS NOT NULL;

CREATE TABLE tool_calls (
    source       TEXT    NOT NULL,
    call_id      TEXT    NOT NULL,
    request_key  TEXT,
    session_id   TEXT,
    name         TEXT    NOT NULL,
    ts           INTEGER NOT NULL,
    is_sidechain INTEGER NOT NULL DEFAULT 0,
    agent        TEXT,
    PRIMARY KEY (source, call_id)
) WITHOUT ROWID;
CREATE INDEX tool_calls_request ON tool_calls (source, request_key);

CREATE TABLE tool_results (
    source      TEXT    NOT NULL,
    call_id     TEXT    NOT NULL,
    ts          INTEGER,
    is_error    INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER,
    PRIMARY KEY (source, call_id)
) WITHOUT ROWID;

CREATE TABLE agent_types (
    source     TEXT NOT NULL,
    agent_id   TEXT NOT NULL,
    agent_type TEXT NOT NULL,
    PRIMARY KEY (source, agent_id)
) WITHOUT ROWID;

CREATE TABLE session_reports (
    source            TEXT NOT NULL,
    session_id        TEXT NOT NULL,
    reported_cost     REAL,
    api_duration_ms   INTEGER,
    tool_duration_ms  INTEGER,
    total_duration_ms INTEGER,
    lines_added       INTEGER,
    lines_removed     INTEGER,
    model_usage_json  TEXT,
    PRIMARY KEY (source, session_id)
) WITHOUT ROWID;
",

            // 2: a rollup of requests by every key but the session, per 15-minute bucket, so cost queries
            // read thousands of rows instead of every request. Triggers mark the buckets a change touches;
            // the importer re-sums them before it lets go of the warehouse (RollupMaintainer).
            @"
CREATE TABLE usage_rollup (
    source           TEXT,
    model            TEXT,
    project          TEXT,
    project_path     TEXT,
    git_branch       TEXT,
    agent            TEXT,
    bucket           INTEGER NOT NULL,
    long_context     INTEGER NOT NULL,
    requests         INTEGER NOT NULL,
    input_tokens     INTEGER NOT NULL,
    output_tokens    INTEGER NOT NULL,
    cache_write_5m   INTEGER NOT NULL,
    cache_write_1h   INTEGER NOT NULL,
    cache_read       INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL,
    web_searches     INTEGER NOT NULL,
    reported_cost    REAL
);
CREATE INDEX usage_rollup_bucket ON usage_rollup (bucket);

CREATE TABLE rollup_dirty (bucket INTEGER PRIMARY KEY) WITHOUT ROWID;

" + RollupWriteTriggersSql + @"
CREATE TRIGGER requests_rollup_delete AFTER DELETE ON requests
BEGIN
    INSERT INTO rollup_dirty SELECT old.ts / 900000 WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE bucket = old.ts / 900000);
END;

INSERT OR IGNORE INTO rollup_dirty SELECT DISTINCT ts / 900000 FROM requests;
",

            // 3: tool calls in a rowid table with a unique key instead of clustered by their (random) call id:
            // a new call appends to the table and only the narrow key index takes a random insert, which makes
            // inserting calls about 40 % cheaper and an append's write-ahead log a fifth smaller.
            @"
CREATE TABLE tool_calls_v3 (
    source       TEXT    NOT NULL,
    call_id      TEXT    NOT NULL,
    request_key  TEXT,
    session_id   TEXT,
    name         TEXT    NOT NULL,
    ts           INTEGER NOT NULL,
    is_sidechain INTEGER NOT NULL DEFAULT 0,
    agent        TEXT,
    UNIQUE (source, call_id)
);
INSERT INTO tool_calls_v3 (source, call_id, request_key, session_id, name, ts, is_sidechain, agent)
SELECT source, call_id, request_key, session_id, name, ts, is_sidechain, agent FROM tool_calls ORDER BY ts;
DROP TABLE tool_calls;
ALTER TABLE tool_calls_v3 RENAME TO tool_calls;
CREATE INDEX tool_calls_request ON tool_calls (source, request_key);
",

            // 4: the unique keys of requests and tool calls become named indexes instead of table constraints, so
            // that a first import can drop them, append its rows and build each key once, sorted: random-keyed
            // inserts were most of a first import's time. A tool call's result moves onto the call's row: one
            // random-keyed index fewer for every import to maintain (a fifth of an append's written pages). A
            // result read before its call keeps a row with no name until the call turns up.
            @"
CREATE TABLE requests_v4 (
    request_pk       INTEGER PRIMARY KEY,
    source           TEXT    NOT NULL,
    dedup_key        TEXT    NOT NULL,
    request_id       TEXT,
    session_id       TEXT,
    ts               INTEGER NOT NULL,
    model            TEXT,
    agent            TEXT,
    agent_id         TEXT,
    project_path     TEXT,
    project          TEXT,
    git_branch       TEXT,
    client_version   TEXT,
    operation        TEXT,
    input_tokens     INTEGER NOT NULL DEFAULT 0,
    output_tokens    INTEGER NOT NULL DEFAULT 0,
    cache_write_5m   INTEGER NOT NULL DEFAULT 0,
    cache_write_1h   INTEGER NOT NULL DEFAULT 0,
    cache_read       INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens INTEGER NOT NULL DEFAULT 0,
    web_searches     INTEGER NOT NULL DEFAULT 0,
    weight           INTEGER NOT NULL DEFAULT 0,
    is_synthetic     INTEGER NOT NULL DEFAULT 0,
    success          INTEGER,
    duration_ms      INTEGER,
    reported_cost    REAL,
    file_start_ts    INTEGER,
    file_path        TEXT,
    line             INTEGER
);
INSERT INTO requests_v4 (request_pk, source, dedup_key, request_id, session_id, ts, model, agent, agent_id, project_path, project,
    git_branch, client_version, operation, input_tokens, output_tokens, cache_write_5m, cache_write_1h, cache_read,
    reasoning_tokens, web_searches, weight, is_synthetic, success, duration_ms, reported_cost, file_start_ts, file_path, line)
SELECT request_pk, source, dedup_key, request_id, session_id, ts, model, agent, agent_id, project_path, project,
    git_branch, client_version, operation, input_tokens, output_tokens, cache_write_5m, cache_write_1h, cache_read,
    reasoning_tokens, web_searches, weight, is_synthetic, success, duration_ms, reported_cost, file_start_ts, file_path, line
FROM requests ORDER BY request_pk;
DROP TABLE requests;
ALTER TABLE requests_v4 RENAME TO requests;
" + RequestKeySql + @"
CREATE INDEX requests_ts ON requests (ts);
" + SessionIndexSql + @"
CREATE INDEX requests_agent ON requests (source, agent_id) WHERE agent_id IS NOT NULL;
" + RollupWriteTriggersSql + @"
CREATE TRIGGER requests_rollup_delete AFTER DELETE ON requests
BEGIN
    INSERT INTO rollup_dirty SELECT old.ts / 900000 WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE bucket = old.ts / 900000);
END;

CREATE TABLE tool_calls_v4 (
    source       TEXT    NOT NULL,
    call_id      TEXT    NOT NULL,
    request_key  TEXT,
    session_id   TEXT,
    name         TEXT,
    ts           INTEGER,
    is_sidechain INTEGER NOT NULL DEFAULT 0,
    agent        TEXT,
    has_result   INTEGER NOT NULL DEFAULT 0,
    result_ts    INTEGER,
    is_error     INTEGER NOT NULL DEFAULT 0,
    duration_ms  INTEGER
);
INSERT INTO tool_calls_v4 (source, call_id, request_key, session_id, name, ts, is_sidechain, agent, has_result, result_ts, is_error, duration_ms)
SELECT c.source, c.call_id, c.request_key, c.session_id, c.name, c.ts, c.is_sidechain, c.agent,
       res.call_id IS NOT NULL, res.ts, coalesce(res.is_error, 0), res.duration_ms
FROM tool_calls c LEFT JOIN tool_results res ON res.source = c.source AND res.call_id = c.call_id
ORDER BY c.rowid;
INSERT INTO tool_calls_v4 (source, call_id, has_result, result_ts, is_error, duration_ms)
SELECT res.source, res.call_id, 1, res.ts, res.is_error, res.duration_ms
FROM tool_results res
WHERE NOT EXISTS (SELECT 1 FROM tool_calls c WHERE c.source = res.source AND c.call_id = res.call_id)
ORDER BY res.ts;
DROP TABLE tool_calls;
DROP TABLE tool_results;
ALTER TABLE tool_calls_v4 RENAME TO tool_calls;
" + ToolCallKeySql + @"
CREATE INDEX tool_calls_request ON tool_calls (source, request_key);
",

            // 5: a request names the file it was read from by the file's id instead of its path: the path was a
            // third of every request row, written twice (log and file) and read by every index build and scan.
            // Done in place (no table rebuild, which would build every index): a warehouse whose first import
            // stopped before its indexes were built keeps them unbuilt for the next import to finish. The
            // dirty-marking trigger is lifted meanwhile: no amount changes.
            @"
DROP TRIGGER IF EXISTS requests_rollup_update;
ALTER TABLE requests ADD COLUMN file_id INTEGER;
UPDATE requests SET file_id = (SELECT f.file_id FROM source_files f WHERE f.path = requests.file_path) WHERE file_path IS NOT NULL;
ALTER TABLE requests DROP COLUMN file_path;
" + RollupWriteTriggersSql,

            // 6: long context is decided by each model's threshold in the price book, which the user can change
            // after an import: the rollup sums per prompt band between the thresholds it lists instead of by a
            // decision at one global 200,000 (see RollupMaintainer). And requests that name no model are priced
            // as the model the price book assumes for their client version, which the rollup keeps for them.
            // rollup_price_book names the price book files last checked against the thresholds, so an import
            // reads the YAML only when they changed. The rows so far are the bands of {200000}; the buckets of
            // requests without a model are marked for
            // the next import to sum again with their client versions.
            @"
ALTER TABLE usage_rollup RENAME COLUMN long_context TO prompt_above;
UPDATE usage_rollup SET prompt_above = 200000 WHERE prompt_above <> 0;
ALTER TABLE usage_rollup ADD COLUMN client_version TEXT;
CREATE TABLE rollup_thresholds (threshold INTEGER PRIMARY KEY) WITHOUT ROWID;
INSERT INTO rollup_thresholds VALUES (200000);
CREATE TABLE rollup_price_book (fingerprint TEXT NOT NULL);
INSERT OR IGNORE INTO rollup_dirty SELECT DISTINCT ts / 900000 FROM requests WHERE model IS NULL;
",

            // 7: each file's last timestamp, which tells the original of a resumed Claude session from the file that
            // repeats it (docs/formats.md#c6-session-of-a-copy; Rules.RequestPrecedence). The path used to decide,
            // so Claude files are read once more from the start by the next import: their copies are compared again
            // by the files' ends (upserts: the totals stay as they are, the sessions come right).
            @"
ALTER TABLE source_files ADD COLUMN last_ts INTEGER;
UPDATE source_files SET mtime_ms = -1, consumed_bytes = 0, consumed_lines = 0, head_hash = NULL, tail_hash = NULL
WHERE source = 'Claude';
",
        };
    }
}
