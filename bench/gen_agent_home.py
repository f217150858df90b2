#!/usr/bin/env python3
"""Generate a realistic, deterministic fake agent home (Claude Code + Codex CLI histories).

Written for the AgentMetrics benchmark. Shapes follow docs/formats.md and the fixture
agent-home: split assistant lines per content block (same message.id / requestId, growing streaming
output_tokens), tool_result lines with big toolUseResult payloads, agent_progress copies, subagent
files in both layouts, file-history-snapshot lines, resumed sessions repeating history, <synthetic>
lines, torn lines, lines without the cache breakdown, 1h cache writes; Codex rollouts with
session_meta / turn_context / response_item / event_msg token_count (info null, repeated events,
model switches, a few totals-only legacy files).

Usage:
  gen_agent_home.py --out DIR --size-mb 100 [--seed 1] [--end-date 2026-11-20]
  gen_agent_home.py --existing DIR --append-percent 1 [--seed 2]

The generator writes DIR/truth.json (outside .claude/.codex): per UTC day and model the deduplicated
totals under the docs/formats.md counting rules (largest copy wins, earliest timestamp among equal copies).
Lines are built from string templates with pre-escaped filler text (no per-line json.dumps of big
objects), so 1 GB takes a few minutes.
"""
import argparse
import bisect
import calendar
import json
import os
import random
import sys
import time

WORDS = ("self state yield False True None interface crate pass response logger server handler break "
         "index export type for stream return model event params query session result fn else options "
         "struct class with default value metrics while var timeout lambda try count mod record pub "
         "match as retry async token user request let await const from import raise except finally "
         "elif def impl where use trait enum schema parser router config cache batch worker queue "
         "payload buffer items client context error function continue").split()
COMMENTS = ["  # TODO", "  # FIXME", "  # XXX", "  # NOTE", "  # perf", "  # ünïcödé",
            "  # 日本語コメント", "  # ñandú — naïve café"]

PROJECTS = ["/home/dev/work/acme-api", "/home/dev/work/web-dashboard", "/home/dev/work/mobile-app",
            "/home/dev/work/payments-svc", "/home/dev/work/data-pipeline", "/home/dev/work/docs-site",
            "/home/dev/work/cli-tool", "/home/dev/work/blog.example.com", "/home/dev/work/ml-experiments",
            "/home/dev/work/infra_terraform", "/home/dev/src/github.com/acme/monorepo",
            "/home/dev/work/café-app", "/home/dev/work/game.engine.v2"]
BRANCHES = ["main", "develop", "feature/charts", "fix/idempotency", "exp/lora", "release/1.4", "chore/deps"]
FILES = ["src/app.py", "src/api/routes.py", "src/models/user.py", "lib/client.ts", "lib/utils/format.ts",
         "components/Chart.tsx", "src/main.rs", "src/lib.rs", "cmd/root.go", "infra/main.tf",
         "README.md", "Makefile", "package.json", "pyproject.toml", "tests/test_api.py", "src/db/schema.sql"]
PROMPTS = ["review my last commit and suggest improvements", "add pagination to the list endpoint",
           "the login page is broken on Safari — please investigate", "why does the build fail on CI?",
           "write tests for the payment retry logic", "refactor the config loader, keep the API",
           "optimise the slow SQL query in lib/utils/format.ts", "explain this stack trace",
           "bump dependencies and fix the breakages", "add a dark mode toggle", "document the CLI flags",
           "migrate the cron job to the new scheduler", "port this module to async/await"]
CLAUDE_MODELS = [("claude-sonnet-4-5-20250929", 0.55), ("claude-opus-4-5-20251101", 0.35),
                 ("claude-haiku-4-5-20251001", 0.10)]
SUB_MODELS = ["claude-haiku-4-5-20251001", "claude-sonnet-4-5-20250929"]
VERSIONS_20 = ["2.0.13", "2.0.15", "2.0.23", "2.0.37", "2.0.59"]
VERSIONS_21 = ["2.1.3", "2.1.18", "2.1.29"]
AGENT_TYPES = ["Explore", "general-purpose", "Plan", "code-reviewer"]
CODEX_MODELS = ["gpt-5-codex", "gpt-5", "gpt-5.1-codex"]
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
B64U = B62 + "-_"


def jstr(s):
    return json.dumps(s, ensure_ascii=False)


def iso(ms):
    t = time.gmtime(ms // 1000)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (t[0], t[1], t[2], t[3], t[4], t[5], ms % 1000)


class Filler:
    """A big pre-escaped JSON-string body; slices cut at word boundaries are always valid JSON text."""

    def __init__(self, rng, size=3_000_000):
        parts = []
        n = 0
        while n < size:
            line = " " * rng.choice((0, 4, 8, 12)) + " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 12)))
            if rng.random() < 0.12:
                line += rng.choice(COMMENTS)
            line += "\\n"
            parts.append(line)
            n += len(line)
        self.text = "".join(parts)
        self.cuts = [i for i, c in enumerate(self.text) if c == " "]
        self.rng = rng

    def get(self, length):
        cuts = self.cuts
        i = self.rng.randrange(len(cuts) - 1)
        start = cuts[i] + 1
        j = bisect.bisect_left(cuts, start + length, lo=i + 1)
        if j >= len(cuts):
            return self.get(length)
        return self.text[start:cuts[j]]


class Truth:
    def __init__(self):
        self.resp = {}          # msg id -> [total, ts, model, inp, out, cc5, cc1h, cr]
        self.synthetic = set()
        self.codex = {}         # day -> model -> [input, cached, output, reasoning, total, requests]
        self.files = {"claude": {"files": 0, "bytes": 0, "lines": 0}, "codex": {"files": 0, "bytes": 0, "lines": 0}}

    def claude(self, mid, model, ts, inp, out, cc5, cc1h, cr):
        if model == "<synthetic>":
            self.synthetic.add(mid)
            return
        tot = inp + out + cc5 + cc1h + cr
        cur = self.resp.get(mid)
        if cur is None or tot > cur[0] or (tot == cur[0] and ts < cur[1]):
            self.resp[mid] = [tot, ts, model, inp, out, cc5, cc1h, cr]

    def codex_req(self, ts, model, inp, cached, out, reas):
        d = self.codex.setdefault(ts[:10], {}).setdefault(model, [0, 0, 0, 0, 0, 0])
        d[0] += inp; d[1] += cached; d[2] += out; d[3] += reas; d[4] += inp + out; d[5] += 1

    def to_json(self, base=None):
        daily = {}
        if base:
            for day, v in base["claude"]["daily"].items():
                for m, t in v["models"].items():
                    daily.setdefault(day, {})[m] = dict(t)
        for tot, ts, model, inp, out, cc5, cc1h, cr in self.resp.values():
            d = daily.setdefault(ts[:10], {}).setdefault(model, {"input": 0, "output": 0, "cache_creation": 0,
                                                                 "cache_creation_5m": 0, "cache_creation_1h": 0,
                                                                 "cache_read": 0, "messages": 0})
            d["input"] += inp; d["output"] += out; d["cache_creation"] += cc5 + cc1h
            d["cache_creation_5m"] += cc5; d["cache_creation_1h"] += cc1h; d["cache_read"] += cr; d["messages"] += 1
        cdaily = {}
        if base:
            for day, v in base["codex"]["daily"].items():
                for m, t in v["models"].items():
                    cdaily.setdefault(day, {})[m] = dict(t)
        for day, ms in self.codex.items():
            for m, (inp, cached, out, reas, tot, req) in ms.items():
                d = cdaily.setdefault(day, {}).setdefault(m, {"input_tokens": 0, "cached_input_tokens": 0,
                                                              "non_cached_input_tokens": 0, "output_tokens": 0,
                                                              "reasoning_output_tokens": 0, "total_tokens": 0,
                                                              "requests": 0})
                d["input_tokens"] += inp; d["cached_input_tokens"] += cached; d["non_cached_input_tokens"] += inp - cached
                d["output_tokens"] += out; d["reasoning_output_tokens"] += reas; d["total_tokens"] += tot
                d["requests"] += req

        def roll(daily_):
            out, allm = {}, {}
            for day in sorted(daily_):
                tot = {}
                for m, t in sorted(daily_[day].items()):
                    for k, v in t.items():
                        tot[k] = tot.get(k, 0) + v
                        allm.setdefault(m, {})
                        allm[m][k] = allm[m].get(k, 0) + v
                out[day] = {"models": dict(sorted(daily_[day].items())), "totals": tot}
            totals = {}
            for t in allm.values():
                for k, v in t.items():
                    totals[k] = totals.get(k, 0) + v
            return out, {"models": allm, "totals": totals}

        cd, ca = roll(daily)
        xd, xa = roll(cdaily)
        files = self.files
        synth = len(self.synthetic)
        if base:
            synth += base["claude"].get("synthetic_messages", 0)
            for k in ("claude", "codex"):
                # appended bytes/lines add to the existing corpus; file count gains only new files
                for kk in ("bytes", "lines", "files"):
                    files[k][kk] += base["files"][k][kk]
        return {"schema_version": 1,
                "rules": "FORMATS.md: Claude dedup by message.id, largest input+output+cache_creation+cache_read copy wins, "
                         "earliest timestamp among equal copies decides the UTC day; <synthetic> excluded; "
                         "Codex: last_token_usage when total_token_usage advanced (else total delta), model = latest "
                         "turn_context.model, day = token_count timestamp (UTC). Codex input_tokens include cached.",
                "files": files,
                "claude": {"daily": cd, "all": ca, "synthetic_messages": synth},
                "codex": {"daily": xd, "all": xa}}


class Out:
    """Buffered binary file writer that counts bytes and lines."""

    def __init__(self, path, kind, truth, mode="wb"):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.f = open(path, mode)
        self.buf = []
        self.n = 0
        self.kind = kind
        self.truth = truth
        self.bytes = 0
        self.path = path

    def w(self, line):
        self.buf.append(line)
        self.n += len(line)
        if self.n > 1 << 20:
            self.flush()

    def flush(self):
        if self.buf:
            data = "".join(self.buf).encode("utf-8")
            self.f.write(data)
            self.bytes += len(data)
            t = self.truth.files[self.kind]
            t["bytes"] += len(data)
            t["lines"] += data.count(b"\n")
            self.buf = []
            self.n = 0

    def close(self):
        self.flush()
        self.f.close()
        return self.bytes


class Gen:
    def __init__(self, seed, end_date, truth):
        self.rng = random.Random(seed)
        self.fill = Filler(random.Random(seed * 7919 + 1))
        self.truth = truth
        y, m, d = map(int, end_date.split("-"))
        self.end_ms = calendar.timegm((y, m, d, 23, 59, 59)) * 1000
        self.start_ms = calendar.timegm((y, m, d, 0, 0, 0)) * 1000 - 59 * 86400_000
        self.root = None
        self.gateway = 0.02   # share of responses written without requestId (API gateways)

    # ---------- ids ----------
    def rid(self, alphabet, n):
        r = self.rng
        return "".join(alphabet[r.randrange(len(alphabet))] for _ in range(n))

    def uuid(self):
        h = "%032x" % self.rng.getrandbits(128)
        return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) & 3], h[17:20], h[20:32])

    def msg_id(self):
        return "msg_01" + self.rid(B62, 22)

    def req_id(self):
        return "req_011C" + self.rid(B62, 20)

    def tool_id(self):
        return "toolu_01" + self.rid(B62, 22)

    def session_start(self):
        r = self.rng
        day = r.randrange(60)
        hour = min(23, max(0, int(r.gauss(14, 4))))
        return self.start_ms + day * 86400_000 + hour * 3600_000 + r.randrange(3600_000)

    # ---------- Claude ----------
    def slug(self, cwd):
        return "".join("-" if c in "/.\\:" else c for c in cwd)

    def claude_session(self, projects_dir, t0=None, resume_of=None, max_turns=400):
        """Write one main session file (+ subagent files). Returns dict describing it."""
        r = self.rng
        cwd = r.choice(PROJECTS)
        if resume_of:
            cwd = resume_of["cwd"]
        sid = self.uuid()
        new_layout = r.random() < 0.5
        version = r.choice(VERSIONS_21 if new_layout else VERSIONS_20)
        ctx = {
            "cwd": cwd, "cwdj": jstr(cwd), "sid": sid, "version": version, "branch": jstr(r.choice(BRANCHES)),
            "new_layout": new_layout, "dir": os.path.join(projects_dir, self.slug(cwd)),
            "model": r.choices([m for m, _ in CLAUDE_MODELS], [w for _, w in CLAUDE_MODELS])[0],
            "breakdown": version >= "2.0.2", "tracked": [], "ctx_tokens": r.randint(12000, 20000),
        }
        path = os.path.join(ctx["dir"], sid + ".jsonl")
        out = Out(path, "claude", self.truth)
        self.truth.files["claude"]["files"] += 1
        parent = None
        t = t0 if t0 is not None else self.session_start()
        if resume_of:
            # a resumed session: summary line(s), then the whole old history (sessionId kept or rewritten)
            out.w('{"type":"summary","summary":%s,"leafUuid":"%s"}\n' % (jstr("Session about " + r.choice(PROMPTS)), self.uuid()))
            with open(resume_of["path"], "rb") as f:
                data = f.read()
            if r.random() < 0.5:
                data = data.replace(resume_of["sid"].encode(), sid.encode())
            out.flush()
            out.f.write(data)
            out.bytes += len(data)
            self.truth.files["claude"]["bytes"] += len(data)
            self.truth.files["claude"]["lines"] += data.count(b"\n")
            self.truth_from_copy(data)
            t = max(t, resume_of["end"] + r.randint(60_000, 3 * 86400_000))
            parent = resume_of["last_uuid"]
        turns = min(max_turns, int(r.lognormvariate(2.2, 1.0)) + 1)
        for _ in range(turns):
            t, parent = self.claude_turn(out, ctx, t, parent)
            t += r.randint(20_000, 1_800_000)
        out.close()
        return {"path": path, "sid": sid, "cwd": cwd, "end": t, "last_uuid": parent, "bytes": out.bytes}

    def truth_from_copy(self, data):
        # replayed lines repeat message ids with identical usage and timestamps: no truth change needed,
        # but verify cheaply that we never rely on it (copies cannot win: same totals, same timestamps).
        return

    def env(self, ctx, parent, side, agent):
        return '{"parentUuid":%s,"isSidechain":%s,"userType":"external","cwd":%s,"sessionId":"%s","version":"%s","gitBranch":%s,%s' % (
            '"%s"' % parent if parent else "null", "true" if side else "false", ctx["cwdj"], ctx["sid"],
            ctx["version"], ctx["branch"], '"agentId":"%s",' % agent if agent else "")

    def usage(self, ctx, inp, out, cc5, cc1h, cr, web=0):
        if not ctx["breakdown"] and cc1h == 0:
            return '{"input_tokens":%d,"cache_creation_input_tokens":%d,"cache_read_input_tokens":%d,"output_tokens":%d,"service_tier":"standard"}' % (
                inp, cc5, cr, out)
        stu = ',"server_tool_use":{"web_search_requests":%d,"web_fetch_requests":0}' % web if web else ""
        return ('{"input_tokens":%d,"cache_creation_input_tokens":%d,"cache_read_input_tokens":%d,'
                '"cache_creation":{"ephemeral_5m_input_tokens":%d,"ephemeral_1h_input_tokens":%d},"output_tokens":%d%s,'
                '"service_tier":"standard"}') % (inp, cc5 + cc1h, cr, cc5, cc1h, out, stu)

    def tool_input(self, name, ctx):
        r, f = self.rng, self.fill
        path = jstr(ctx["cwd"] + "/" + r.choice(FILES))
        if name == "Read":
            return '{"file_path":%s}' % path
        if name == "Bash":
            return '{"command":%s,"description":"Run checks"}' % jstr(r.choice(["make test", "npm run lint", "cargo build", "git status", "pytest -q"]))
        if name in ("Edit", "MultiEdit"):
            return '{"file_path":%s,"old_string":"%s","new_string":"%s"}' % (path, f.get(r.randint(50, 400)), f.get(r.randint(80, 800)))
        if name == "Write":
            return '{"file_path":%s,"content":"%s"}' % (path, f.get(r.randint(500, 4000)))
        if name == "Grep":
            return '{"pattern":"%s","path":"src","output_mode":"files_with_matches"}' % r.choice(WORDS)
        if name == "Glob":
            return '{"pattern":"**/*.%s"}' % r.choice(["py", "ts", "rs", "go"])
        if name == "TodoWrite":
            return '{"todos":[%s]}' % ",".join('{"content":"%s","status":"pending","activeForm":"%s"}' % (f.get(40), f.get(40)) for _ in range(r.randint(2, 6)))
        if name == "WebFetch":
            return '{"url":"https://docs.example.com/%s","prompt":"summarise"}' % r.choice(WORDS)
        if name == "WebSearch":
            return '{"query":"%s %s"}' % (r.choice(WORDS), r.choice(WORDS))
        if name == "Task":
            return '{"description":"Explore the codebase","prompt":"%s","subagent_type":"%s"}' % (f.get(r.randint(100, 600)), r.choice(AGENT_TYPES))
        return '{"owner":"acme","query":"%s"}' % r.choice(WORDS)

    def tool_result(self, name, ctx):
        """(content text, toolUseResult json) for a tool call: big payloads, as in real transcripts."""
        r, f = self.rng, self.fill
        path = jstr(ctx["cwd"] + "/" + r.choice(FILES))
        if name == "Read":
            n = min(2000, int(r.lognormvariate(3.3, 0.9)) + 5)
            body = f.get(n * 42)
            return body, '{"type":"text","file":{"filePath":%s,"content":"%s","numLines":%d,"startLine":1,"totalLines":%d}}' % (path, body, n, n)
        if name == "Bash":
            body = f.get(r.choice((80, 200, 400, 1500, 6000)))
            return body, '{"stdout":"%s","stderr":"","interrupted":false,"isImage":false}' % body
        if name in ("Edit", "MultiEdit", "Write"):
            orig = f.get(min(60000, int(r.lognormvariate(7.6, 0.8))))
            return ("The file %s has been updated. Here's the result of running `cat -n` on a snippet:\\n" % path.strip('"') + f.get(600),
                    '{"filePath":%s,"oldString":"%s","newString":"%s","originalFile":"%s","structuredPatch":[{"oldStart":%d,"oldLines":3,"newStart":%d,"newLines":5,"lines":["%s"]}],"userModified":false}' % (
                        path, f.get(120), f.get(200), orig, r.randint(1, 300), r.randint(1, 300), f.get(200)))
        if name == "Task":
            body = f.get(r.randint(800, 4000))
            return body, '{"status":"completed","prompt":"%s","content":[{"type":"text","text":"%s"}],"totalDurationMs":%d,"totalTokens":%d,"totalToolUseCount":%d}' % (
                f.get(200), body, r.randint(5000, 200000), r.randint(5000, 90000), r.randint(1, 30))
        body = f.get(r.randint(60, 1200))
        return body, '{"filenames":["%s"],"numFiles":%d,"content":"%s"}' % (f.get(40), r.randint(1, 40), body)

    def assistant_response(self, out, ctx, t, parent, model, side=False, agent=None, progress_to=None, tools=None):
        """One API response split into per-block lines. Returns (t, last_uuid, [tool_use (id,name)])."""
        r, f = self.rng, self.fill
        mid = self.msg_id()
        req = self.req_id() if r.random() >= self.gateway else None   # a few gateway lines without requestId
        ctx["ctx_tokens"] += r.randint(500, 6000)
        if ctx["ctx_tokens"] > 150_000 + r.randrange(40_000):   # auto-compact
            ctx["ctx_tokens"] = r.randint(15_000, 40_000)
        ctxt = ctx["ctx_tokens"]
        inp = r.choice((3, 6, 8, 10, 11, 24, 350, 1200))
        cc = r.randint(200, 9000) if r.random() < 0.8 else r.randint(10000, 40000)
        cr = max(0, ctxt - cc)
        cc1h = cc if (ctx["breakdown"] and r.random() < 0.15) else 0
        cc5 = cc - cc1h
        final_out = r.randint(30, 2500)
        blocks = []
        if model.startswith("claude-opus") or r.random() < 0.3:
            blocks.append(("thinking", None))
        if r.random() < 0.8:
            blocks.append(("text", None))
        tool_calls = []
        ntool = r.choice((0, 1, 1, 1, 2, 3)) if tools is None else tools
        for _ in range(ntool):
            name = r.choices(["Read", "Bash", "Edit", "Grep", "Glob", "Write", "TodoWrite", "WebFetch", "WebSearch",
                              "Task", "MultiEdit", "mcp__github__search_issues"],
                             [24, 20, 12, 10, 6, 3, 4, 2, 1, 3 if not side else 0, 1, 1])[0]
            blocks.append(("tool_use", name))
        if not blocks:
            blocks.append(("text", None))
        streaming = r.random() < 0.35
        web = 1 if any(n == "WebSearch" for _, n in blocks) else 0
        env = self.env
        for bi, (kind, name) in enumerate(blocks):
            last = bi == len(blocks) - 1
            o = final_out if (last or not streaming) else max(1, final_out * (bi + 1) // (len(blocks) + 1))
            if kind == "thinking":
                c = '{"type":"thinking","thinking":"%s","signature":"%s"}' % (f.get(r.randint(200, 2500)), self.rid(B64U, 300))
            elif kind == "text":
                c = '{"type":"text","text":"%s"}' % f.get(r.randint(40, 1800))
            else:
                tid = self.tool_id()
                tool_calls.append((tid, name))
                c = '{"type":"tool_use","id":"%s","name":"%s","input":%s}' % (tid, name, self.tool_input(name, ctx))
            stop = ('"tool_use"' if kind == "tool_use" else '"end_turn"') if last else "null"
            u = self.uuid()
            ts = iso(t)
            msg = '{"model":"%s","id":"%s","type":"message","role":"assistant","content":[%s],"stop_reason":%s,"stop_sequence":null,"usage":%s}' % (
                model, mid, c, stop, self.usage(ctx, inp, o, cc5, cc1h, cr, web))
            reqs = '"requestId":"%s",' % req if req else ""
            out.w('%s"message":%s,%s"type":"assistant","uuid":"%s","timestamp":"%s"}\n' % (env(ctx, parent, side, agent), msg, reqs, u, ts))
            self.truth.claude(mid, model, ts, inp, o, cc5, cc1h, cr)
            if progress_to is not None and r.random() < 0.6:
                pout, pctx, pparent, ptool = progress_to
                pu = self.uuid()
                pout.w('%s"type":"progress","data":{"message":{"type":"assistant","message":%s,%s"isSidechain":true,"uuid":"%s","timestamp":"%s"},"normalizedMessages":[],"type":"agent_progress","prompt":"","agentId":"%s"},"toolUseID":"agent_msg_%s","parentToolUseID":"%s","uuid":"%s","timestamp":"%s"}\n' % (
                    env(pctx, pparent, False, None), msg, reqs, u, ts, agent, self.rid(B62, 24), ptool, pu, ts))
                self.truth.claude(mid, model, ts, inp, o, cc5, cc1h, cr)
            if r.random() < 0.002:
                # a torn copy of this line (crash mid-write); the complete line above still counts
                out.w('%s"message":{"model":"%s","id":"%s","type":"mess\n' % (env(ctx, parent, side, agent), model, mid))
            parent = u
            t += r.randint(60, 900)
        ctx["ctx_tokens"] += final_out
        return t, parent, tool_calls

    def user_tool_results(self, out, ctx, t, parent, calls, side=False, agent=None):
        r = self.rng
        for tid, name in calls:
            content, tur = self.tool_result(name, ctx)
            err = "true" if r.random() < 0.05 else "false"
            u = self.uuid()
            t += r.randint(300, 20000)
            out.w('%s"type":"user","message":{"role":"user","content":[{"tool_use_id":"%s","type":"tool_result","content":"%s","is_error":%s}]},"uuid":"%s","timestamp":"%s","toolUseResult":%s}\n' % (
                self.env(ctx, parent, side, agent), tid, content, err, u, iso(t), tur))
            parent = u
            if name in ("Edit", "Write", "MultiEdit"):
                ctx["tracked"].append(r.choice(FILES) + str(len(ctx["tracked"]) % 7))
        return t, parent

    def snapshot(self, out, ctx, t):
        r = self.rng
        tr = ctx["tracked"][-300:]
        backups = ",".join('%s:{"backupFileName":"%s@v%d","version":%d,"backupTime":"%s"}' % (
            jstr(ctx["cwd"] + "/" + p), self.rid("0123456789abcdef", 16), i % 9 + 1, i % 9 + 1, iso(t - 1000 * i)) for i, p in enumerate(tr))
        out.w('{"type":"file-history-snapshot","messageId":"%s","snapshot":{"messageId":"%s","trackedFileBackups":{%s},"timestamp":"%s"},"isSnapshotUpdate":%s}\n' % (
            self.uuid(), self.uuid(), backups, iso(t), "true" if tr and r.random() < 0.5 else "false"))

    def claude_turn(self, out, ctx, t, parent):
        r, f = self.rng, self.fill
        self.snapshot(out, ctx, t)
        u = self.uuid()
        prompt = jstr(r.choice(PROMPTS) + ("" if r.random() < 0.7 else "\n\n" + f.get(r.randint(50, 2000)).replace("\\n", "\n")))
        out.w('%s"message":{"role":"user","content":%s},"type":"user","uuid":"%s","timestamp":"%s"}\n' % (
            self.env(ctx, parent, False, None), prompt, u, iso(t)))
        parent = u
        t += r.randint(1500, 9000)
        if r.random() < 0.03:   # /model switch
            ctx["model"] = r.choice([m for m, _ in CLAUDE_MODELS])
        if r.random() < 0.015:  # client-side API error: <synthetic>, zero usage, no requestId
            su = self.uuid()
            ts = iso(t)
            out.w('%s"message":{"id":"%s","container":null,"model":"<synthetic>","role":"assistant","stop_reason":"stop_sequence","stop_sequence":"","type":"message","usage":{"input_tokens":0,"output_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"server_tool_use":{"web_search_requests":0},"service_tier":null,"cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0}},"content":[{"type":"text","text":"API Error: 529 {\\"type\\":\\"error\\",\\"error\\":{\\"type\\":\\"overloaded_error\\",\\"message\\":\\"Overloaded\\"}}"}]},"type":"assistant","uuid":"%s","timestamp":"%s","isApiErrorMessage":true}\n' % (
                self.env(ctx, parent, False, None), self.uuid(), su, ts))
            self.truth.claude("synthetic-" + su, "<synthetic>", ts, 0, 0, 0, 0, 0)
            parent = su
            t += r.randint(2000, 30000)
        nreq = r.randint(1, 12)
        for i in range(nreq):
            t, parent, calls = self.assistant_response(out, ctx, t, parent, ctx["model"], tools=0 if i == nreq - 1 else None)
            for tid, name in calls:
                if name == "Task":
                    t = self.subagent(out, ctx, t, parent, tid)
            t, parent = self.user_tool_results(out, ctx, t, parent, calls)
            t += r.randint(500, 5000)
        return t, parent

    def subagent(self, out, ctx, t, parent, task_tool_id):
        r = self.rng
        sctx = dict(ctx)
        sctx["ctx_tokens"] = r.randint(8000, 15000)
        sctx["tracked"] = []
        model = r.choice(SUB_MODELS)
        inline = (not ctx["new_layout"]) and r.random() < 0.15
        if ctx["new_layout"]:
            agent = self.rid("0123456789abcdef", 17)
            d = os.path.join(ctx["dir"], ctx["sid"], "subagents")
            sout = Out(os.path.join(d, "agent-%s.jsonl" % agent), "claude", self.truth)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "agent-%s.meta.json" % agent), "w") as mf:
                mf.write('{"agentType":"%s"}' % r.choice(AGENT_TYPES))
            progress = (out, ctx, parent, task_tool_id)
        elif inline:
            agent = self.rid("0123456789abcdef", 8)
            sout = out
            progress = None
        else:
            agent = self.rid("0123456789abcdef", 8)
            sout = Out(os.path.join(ctx["dir"], "agent-%s.jsonl" % agent), "claude", self.truth)
            progress = None
        if sout is not out:
            self.truth.files["claude"]["files"] += 1
        u = self.uuid()
        sout.w('%s"message":{"role":"user","content":"%s"},"type":"user","uuid":"%s","timestamp":"%s"}\n' % (
            self.env(sctx, None, True, agent), self.fill.get(r.randint(100, 800)), u, iso(t)))
        sp = u
        for _ in range(r.randint(2, 10)):
            t, sp, calls = self.assistant_response(sout, sctx, t + r.randint(800, 4000), sp, model, side=True, agent=agent, progress_to=progress)
            t, sp = self.user_tool_results(sout, sctx, t, sp, calls, side=True, agent=agent)
        t, sp, _ = self.assistant_response(sout, sctx, t + 1000, sp, model, side=True, agent=agent, progress_to=progress, tools=0)
        if sout is not out:
            sout.close()
        return t

    # ---------- Codex ----------
    def codex_session(self, sessions_dir, t=None, max_turns=300):
        r, f = self.rng, self.fill
        t = self.session_start() if t is None else t
        sid = self.uuid()
        ts0 = iso(t)
        cwd = r.choice(PROJECTS)
        path = os.path.join(sessions_dir, ts0[0:4], ts0[5:7], ts0[8:10],
                            "rollout-%s-%s.jsonl" % (ts0[:19].replace(":", "-"), sid))
        out = Out(path, "codex", self.truth)
        self.truth.files["codex"]["files"] += 1
        legacy = r.random() < 0.03
        st = {"total": [0, 0, 0, 0], "model": r.choice(CODEX_MODELS), "cwd": cwd, "legacy": legacy}
        out.w('{"timestamp":"%s","type":"session_meta","payload":{"id":"%s","timestamp":"%s","cwd":%s,"originator":"codex_cli_rs","cli_version":"%s","instructions":null,"source":"cli","model_provider":"openai","git":{"commit_hash":"%040x","branch":%s,"repository_url":"git@github.com:acme/%s.git"}}}\n' % (
            ts0, sid, ts0, jstr(cwd), r.choice(["0.46.0", "0.50.0", "0.60.0"]), r.getrandbits(160), jstr(r.choice(BRANCHES)), cwd.rsplit("/", 1)[-1]))
        out.w('{"timestamp":"%s","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"<environment_context>\\n  <cwd>%s</cwd>\\n  <approval_policy>on-request</approval_policy>\\n  <sandbox_mode>workspace-write</sandbox_mode>\\n  <network_access>restricted</network_access>\\n  <shell>bash</shell>\\n</environment_context>"}]}}\n' % (ts0, jstr(cwd)[1:-1]))
        turns = min(max_turns, int(r.lognormvariate(1.8, 1.0)) + 1)
        for _ in range(turns):
            t = self.codex_turn(out, st, t)
            t += r.randint(20_000, 1_200_000)
        out.close()
        return {"path": path, "end": t, "bytes": out.bytes}

    def rate_limits(self):
        r = self.rng
        return '"rate_limits":{"primary":{"used_percent":%.1f,"window_minutes":300,"resets_in_seconds":%d},"secondary":{"used_percent":%.1f,"window_minutes":10080,"resets_in_seconds":%d}}' % (
            r.random() * 100, r.randint(0, 18000), r.random() * 100, r.randint(0, 604800))

    def codex_turn(self, out, st, t):
        r, f = self.rng, self.fill
        if r.random() < 0.06:
            st["model"] = r.choice(CODEX_MODELS)
        ts = iso(t)
        out.w('{"timestamp":"%s","type":"turn_context","payload":{"cwd":%s,"approval_policy":"on-request","sandbox_policy":{"mode":"workspace-write","network_access":false,"exclude_tmpdir_env_var":false,"exclude_slash_tmp":false},"model":"%s","effort":"%s","summary":"auto"}}\n' % (
            ts, jstr(st["cwd"]), st["model"], r.choice(["low", "medium", "high"])))
        prompt = jstr(r.choice(PROMPTS))
        out.w('{"timestamp":"%s","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":%s}]}}\n' % (ts, prompt))
        out.w('{"timestamp":"%s","type":"event_msg","payload":{"type":"user_message","message":%s,"kind":"plain"}}\n' % (ts, prompt))
        if st["total"][0] == 0:
            out.w('{"timestamp":"%s","type":"event_msg","payload":{"type":"token_count","info":null,%s}}\n' % (ts, self.rate_limits()))
        for i in range(r.randint(1, 10)):
            t += r.randint(2000, 60000)
            ts = iso(t)
            summ = f.get(r.randint(20, 80))
            out.w('{"timestamp":"%s","type":"response_item","payload":{"type":"reasoning","summary":[{"type":"summary_text","text":"**%s**"}],"content":null,"encrypted_content":"gAAAAA%s"}}\n' % (ts, summ, self.rid(B64U, r.randint(600, 3000))))
            out.w('{"timestamp":"%s","type":"event_msg","payload":{"type":"agent_reasoning","text":"**%s**"}}\n' % (ts, summ))
            call = "call_" + self.rid(B62, 24)
            out.w('{"timestamp":"%s","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\\"command\\":[\\"bash\\",\\"-lc\\",\\"%s\\"],\\"workdir\\":\\"%s\\",\\"timeout_ms\\":120000}","call_id":"%s"}}\n' % (
                ts, r.choice(["make lint", "rg -n TODO", "pytest -q", "cargo test", "sed -n 1,200p src/app.py"]), jstr(st["cwd"])[1:-1], call))
            # token usage of this request
            tot = st["total"]
            st["ctx"] = st.get("ctx", r.randint(8000, 16000)) + r.randint(500, 9000)
            if st["ctx"] > 200_000 + r.randrange(60_000):   # auto-compact
                st["ctx"] = r.randint(20_000, 40_000)
            inp = st["ctx"]
            cached = int(inp * r.uniform(0.55, 0.95)) // 64 * 64
            outp = r.randint(20, 1800)
            reas = r.randint(0, outp)
            tot[0] += inp; tot[1] += cached; tot[2] += outp; tot[3] += reas
            last = '"last_token_usage":{"input_tokens":%d,"cached_input_tokens":%d,"output_tokens":%d,"reasoning_output_tokens":%d,"total_tokens":%d},' % (
                inp, cached, outp, reas, inp + outp) if not st["legacy"] else ""
            line = '{"timestamp":"%s","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":%d,"cached_input_tokens":%d,"output_tokens":%d,"reasoning_output_tokens":%d,"total_tokens":%d},%s"model_context_window":272000},%s}}\n' % (
                ts, tot[0], tot[1], tot[2], tot[3], tot[0] + tot[2], last, self.rate_limits())
            out.w(line)
            self.truth.codex_req(ts, st["model"], inp, cached, outp, reas)
            if r.random() < 0.15:   # Codex re-emits an unchanged token_count
                out.w(line)
            if r.random() < 0.004:  # torn line
                out.w(line[:r.randint(40, len(line) - 20)] + "\n")
            t += r.randint(500, 40000)
            body = f.get(r.choice((100, 300, 800, 2500, 9000)))
            out.w('{"timestamp":"%s","type":"response_item","payload":{"type":"function_call_output","call_id":"%s","output":"{\\"output\\":\\"%s\\",\\"metadata\\":{\\"exit_code\\":%d,\\"duration_seconds\\":%.1f}}"}}\n' % (
                iso(t), call, body.replace("\\", "\\\\"), r.choice((0, 0, 0, 1, 2)), r.random() * 30))
        t += r.randint(1000, 20000)
        ts = iso(t)
        msg = f.get(r.randint(100, 2500))
        out.w('{"timestamp":"%s","type":"event_msg","payload":{"type":"agent_message","message":"%s"}}\n' % (ts, msg))
        out.w('{"timestamp":"%s","type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"%s"}]}}\n' % (ts, msg))
        return t


def generate(args):
    truth = Truth()
    g = Gen(args.seed, args.end_date, truth)
    g.gateway = args.gateway_fraction
    root = os.path.abspath(args.out)
    projects = os.path.join(root, ".claude", "projects")
    sessions = os.path.join(root, ".codex", "sessions")
    os.makedirs(projects, exist_ok=True)
    os.makedirs(sessions, exist_ok=True)
    target = int(args.size_mb * 1024 * 1024)
    claude_target = int(target * (1 - args.codex_fraction))
    r = g.rng
    t0 = time.time()
    done = []
    while truth.files["claude"]["bytes"] < claude_target:
        if done and r.random() < 0.08:
            s = g.claude_session(projects, resume_of=r.choice(done[-50:]))
        else:
            s = g.claude_session(projects)
        done.append(s)
    # an empty file and a summary-only file, as real histories have
    slug = os.path.join(projects, g.slug(PROJECTS[0]))
    os.makedirs(slug, exist_ok=True)
    open(os.path.join(slug, g.uuid() + ".jsonl"), "w").close()
    with open(os.path.join(slug, g.uuid() + ".jsonl"), "w") as fh:
        fh.write('{"type":"summary","summary":"Refactor config loader","leafUuid":"%s"}\n' % g.uuid())
    truth.files["claude"]["files"] += 2
    truth.files["claude"]["bytes"] += 104
    truth.files["claude"]["lines"] += 1
    while truth.files["codex"]["bytes"] < target - claude_target:
        g.codex_session(sessions)
    res = truth.to_json()
    res["generator"] = {"seed": args.seed, "end_date": args.end_date, "size_mb": args.size_mb,
                        "codex_fraction": args.codex_fraction, "gateway_fraction": args.gateway_fraction, "version": "bench-1",
                        "seconds": round(time.time() - t0, 2)}
    with open(os.path.join(root, "truth.json"), "w") as fh:
        json.dump(res, fh, indent=1, sort_keys=True)
    tb = truth.files["claude"]["bytes"] + truth.files["codex"]["bytes"]
    print("wrote %.1f MB (%d claude files, %d codex files) in %.1fs: %.1f MB/s" % (
        tb / 1048576, truth.files["claude"]["files"], truth.files["codex"]["files"], time.time() - t0,
        tb / 1048576 / max(1e-9, time.time() - t0)), file=sys.stderr)


def tail_json_lines(path, nbytes=4 << 20):
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - nbytes))
        data = fh.read()
    lines = data.split(b"\n")
    if size > nbytes:
        lines = lines[1:]
    res = []
    for l in lines:
        try:
            o = json.loads(l)
            if isinstance(o, dict):
                res.append(o)
        except ValueError:
            pass
    return res, size


def append(args):
    """Append ~P% new lines (new message ids, later timestamps) to existing files + a few new files."""
    root = os.path.abspath(args.existing)
    with open(os.path.join(root, "truth.json")) as fh:
        base = json.load(fh)
    truth = Truth()
    g = Gen(args.seed, base["generator"]["end_date"], truth)
    r = g.rng
    t_start = time.time()
    projects = os.path.join(root, ".claude", "projects")
    sessions = os.path.join(root, ".codex", "sessions")
    total = base["files"]["claude"]["bytes"] + base["files"]["codex"]["bytes"]
    budget = total * args.append_percent / 100.0
    mains, rollouts = [], []
    for dp, dn, fn in os.walk(projects):
        for n in fn:
            if n.endswith(".jsonl") and not n.startswith("agent-") and "subagents" not in dp:
                mains.append(os.path.join(dp, n))
    for dp, dn, fn in os.walk(sessions):
        for n in fn:
            if n.endswith(".jsonl"):
                rollouts.append(os.path.join(dp, n))
    mains.sort(); rollouts.sort()
    r.shuffle(mains); r.shuffle(rollouts)
    written = 0
    touched = 0
    # Claude: continue existing sessions with new turns
    ci = 0
    while written < budget * 0.8 * 0.7 and ci < len(mains):
        path = mains[ci]; ci += 1
        lines, size = tail_json_lines(path, 1 << 20)
        env = [o for o in lines if o.get("sessionId") and o.get("timestamp") and not o.get("isSidechain")]
        if not env:
            continue
        lo = env[-1]
        model = next((o["message"]["model"] for o in reversed(env) if o.get("type") == "assistant"
                      and o.get("message", {}).get("model", "<synthetic>") != "<synthetic>"), "claude-sonnet-4-5-20250929")
        ver = lo.get("version", "2.0.59")
        ctx = {"cwd": lo["cwd"], "cwdj": jstr(lo["cwd"]), "sid": lo["sessionId"], "version": ver,
               "branch": jstr(lo.get("gitBranch") or "main"), "new_layout": ver >= "2.1", "dir": os.path.dirname(path),
               "model": model, "breakdown": ver >= "2.0.2", "tracked": [], "ctx_tokens": r.randint(20000, 90000)}
        last_ms = max(calendar.timegm(time.strptime(o["timestamp"][:19], "%Y-%m-%dT%H:%M:%S")) * 1000 for o in env)
        t = last_ms + r.randint(60_000, 2 * 3600_000)
        out = Out(path, "claude", truth, mode="ab")
        g.claude_turn(out, ctx, t, lo.get("uuid"))
        written += out.close()
        touched += 1
    # a few new Claude sessions, dated at the end of the window
    for _ in range(3):
        s = g.claude_session(projects, t0=g.end_ms - r.randint(3600_000, 20 * 3600_000), max_turns=1)
        written += s["bytes"]
    xi = 0
    while written < budget * 0.97 and xi < len(rollouts):
        path = rollouts[xi]; xi += 1
        lines, size = tail_json_lines(path, 1 << 20)
        tc = [o for o in lines if o.get("type") == "event_msg" and o.get("payload", {}).get("type") == "token_count"
              and o["payload"].get("info")]
        ctxl = [o for o in lines if o.get("type") == "turn_context"]
        if not tc or not ctxl:
            continue
        info = tc[-1]["payload"]["info"]
        tu = info["total_token_usage"]
        st = {"total": [tu["input_tokens"], tu["cached_input_tokens"], tu["output_tokens"], tu["reasoning_output_tokens"]],
              "model": ctxl[-1]["payload"]["model"], "cwd": ctxl[-1]["payload"]["cwd"],
              "legacy": "last_token_usage" not in info}
        last_ms = calendar.timegm(time.strptime(lines[-1]["timestamp"][:19], "%Y-%m-%dT%H:%M:%S")) * 1000
        out = Out(path, "codex", truth, mode="ab")
        g.codex_turn(out, st, last_ms + r.randint(60_000, 3600_000))
        written += out.close()
        touched += 1
    s = g.codex_session(sessions, t=g.end_ms - r.randint(3600_000, 10 * 3600_000), max_turns=1)
    written += s["bytes"]
    res = truth.to_json(base)
    res["generator"] = dict(base["generator"])
    res["generator"].setdefault("appends", []).append({"seed": args.seed, "percent": args.append_percent,
                                                        "bytes": written, "touched_files": touched})
    with open(os.path.join(root, "truth.json"), "w") as fh:
        json.dump(res, fh, indent=1, sort_keys=True)
    print("appended %.2f MB (%.2f%% of %.1f MB) to %d files + new files in %.1fs" % (
        written / 1048576, 100.0 * written / max(1, total), total / 1048576, touched, time.time() - t_start), file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="output home directory (new corpus)")
    ap.add_argument("--size-mb", type=float, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--end-date", default="2026-11-20")
    ap.add_argument("--codex-fraction", type=float, default=0.2)
    ap.add_argument("--gateway-fraction", type=float, default=0.02,
                    help="share of Claude responses without requestId (default 0.02)")
    ap.add_argument("--existing", help="existing corpus for --append-percent")
    ap.add_argument("--append-percent", type=float)
    a = ap.parse_args()
    if a.append_percent is not None:
        if not a.existing:
            ap.error("--append-percent needs --existing DIR")
        append(a)
    else:
        if not a.out:
            ap.error("--out is required")
        generate(a)


if __name__ == "__main__":
    main()
