#!/usr/bin/env python3
"""Writes samples/agent-home: a small, made-up week of Claude Code and Codex history in their real formats.

The quickstart imports it when a machine has no agent history of its own. Deterministic: re-running it
rewrites the same bytes. Run from the repository root: python3 samples/generate.py
"""
import json
import os
import random
import uuid
from datetime import datetime, timedelta, timezone

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "agent-home")
END = datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc)
rng = random.Random(2026)


def uid():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def write(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")


def claude_session(project, branch, model, start, turns, tools=("Read", "Edit", "Bash", "Grep")):
    session = uid()
    cwd = f"/home/sam/src/{project}"
    base = {"isSidechain": False, "userType": "external", "cwd": cwd, "sessionId": session, "version": "2.1.12", "gitBranch": branch}
    t = start
    parent = None
    lines = []
    cache = 0
    for turn in range(turns):
        u = uid()
        lines.append({**base, "parentUuid": parent, "type": "user", "uuid": u, "timestamp": stamp(t),
                      "message": {"role": "user", "content": rng.choice(["fix the failing test", "add pagination", "explain this module", "tidy the imports"])}})
        parent = u
        t += timedelta(seconds=rng.randint(3, 9))
        msg, req, tool_id = "msg_" + uid().replace("-", "")[:24], "req_" + uid().replace("-", "")[:24], "toolu_" + uid().replace("-", "")[:24]
        written = rng.randint(800, 6000) if turn == 0 or rng.random() < 0.3 else 0
        usage = {"input_tokens": rng.randint(3, 40), "cache_creation_input_tokens": written, "cache_read_input_tokens": cache,
                 "cache_creation": {"ephemeral_5m_input_tokens": written, "ephemeral_1h_input_tokens": 0},
                 "output_tokens": rng.randint(60, 900), "service_tier": "standard"}
        cache += written + rng.randint(200, 1500)
        tool = rng.choice(tools)
        # One API response written as two lines (text block, then tool_use block): counted once.
        for block in ({"type": "text", "text": "Looking at it now."}, {"type": "tool_use", "id": tool_id, "name": tool, "input": {}}):
            a = uid()
            lines.append({**base, "parentUuid": parent, "type": "assistant", "uuid": a, "timestamp": stamp(t), "requestId": req,
                          "message": {"model": model, "id": msg, "type": "message", "role": "assistant", "content": [block],
                                      "stop_reason": "tool_use", "usage": usage}})
            parent = a
            t += timedelta(milliseconds=rng.randint(5, 40))
        t += timedelta(seconds=rng.randint(2, 30))
        r = uid()
        lines.append({**base, "parentUuid": parent, "type": "user", "uuid": r, "timestamp": stamp(t),
                      "message": {"role": "user", "content": [{"tool_use_id": tool_id, "type": "tool_result", "content": "ok", "is_error": rng.random() < 0.1}]}})
        parent = r
        t += timedelta(seconds=rng.randint(20, 240))
    slug = cwd.replace("/", "-").replace(".", "-")
    write(os.path.join(ROOT, ".claude", "projects", slug, session + ".jsonl"), lines)


def codex_session(project, model, start, turns):
    session = uid()
    t = start
    lines = [{"timestamp": stamp(t), "type": "session_meta", "payload": {"id": session, "timestamp": stamp(t), "cwd": f"/home/sam/src/{project}",
              "originator": "codex_cli_rs", "cli_version": "0.58.0", "model_provider": "openai", "git": {"branch": "main"}}},
             {"timestamp": stamp(t), "type": "turn_context", "payload": {"cwd": f"/home/sam/src/{project}", "model": model, "effort": "medium"}}]
    total = {"input_tokens": 0, "cached_input_tokens": 0, "output_tokens": 0, "reasoning_output_tokens": 0, "total_tokens": 0}
    for _ in range(turns):
        t += timedelta(seconds=rng.randint(10, 90))
        call = "call_" + uid().replace("-", "")[:20]
        lines.append({"timestamp": stamp(t), "type": "response_item", "payload": {"type": "function_call", "name": "shell", "arguments": "{\"command\":[\"ls\"]}", "call_id": call}})
        lines.append({"timestamp": stamp(t + timedelta(seconds=2)), "type": "response_item", "payload": {"type": "function_call_output", "call_id": call, "output": "{\"output\":\"ok\"}"}})
        inp = rng.randint(4000, 20000)
        last = {"input_tokens": inp, "cached_input_tokens": inp - rng.randint(500, 3000), "output_tokens": rng.randint(100, 900), "reasoning_output_tokens": 64}
        last["total_tokens"] = last["input_tokens"] + last["output_tokens"]
        total = {k: total[k] + last[k] for k in total}
        lines.append({"timestamp": stamp(t + timedelta(seconds=3)), "type": "event_msg",
                      "payload": {"type": "token_count", "info": {"total_token_usage": dict(total), "last_token_usage": last, "model_context_window": 272000}}})
    day = start.strftime("%Y/%m/%d")
    write(os.path.join(ROOT, ".codex", "sessions", day, f"rollout-{start.strftime('%Y-%m-%dT%H-%M-%S')}-{session}.jsonl"), lines)


def main():
    plan = [("orders-api", "main", "claude-sonnet-4-5-20250929", 6, 9), ("orders-api", "feature/pagination", "claude-sonnet-4-5-20250929", 5, 14),
            ("web-shop", "main", "claude-opus-4-5-20251101", 4, 7), ("web-shop", "main", "claude-haiku-4-5-20251001", 3, 12),
            ("orders-api", "main", "claude-opus-4-5-20251101", 2, 6), ("web-shop", "redesign", "claude-sonnet-4-5-20250929", 1, 10),
            ("orders-api", "main", "claude-sonnet-4-5-20250929", 0, 8)]
    for project, branch, model, days_back, turns in plan:
        claude_session(project, branch, model, END - timedelta(days=days_back, hours=rng.randint(2, 8)), turns)
    for project, model, days_back, turns in [("orders-api", "gpt-5-codex", 5, 6), ("web-shop", "gpt-5", 2, 5), ("orders-api", "gpt-5-codex", 0, 4)]:
        codex_session(project, model, END - timedelta(days=days_back, hours=rng.randint(1, 6)), turns)


if __name__ == "__main__":
    main()
