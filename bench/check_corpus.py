#!/usr/bin/env python3
"""Re-derive per-UTC-day, per-model totals of a corpus under the docs/formats.md counting rules, with an
independent reader (json.loads per line), and compare with the truth.json the generator wrote.

  check_corpus.py HOME [--truth HOME/truth.json] [--json out.json]

Also usable on the shared fixture: check_corpus.py /work/shared/fixtures/agent-home
    --truth /work/shared/fixtures/agent-home.truth.json
Exit status 0 when everything matches.
"""
import argparse
import json
import os
import sys

CK = ("input", "output", "cache_creation", "cache_creation_5m", "cache_creation_1h", "cache_read", "messages")
XK = ("input_tokens", "cached_input_tokens", "non_cached_input_tokens", "output_tokens",
      "reasoning_output_tokens", "total_tokens", "requests")


def n(v):
    return v if isinstance(v, int) else 0


def read_lines(path):
    with open(path, "rb") as fh:
        for raw in fh:
            s = raw.decode("utf-8", "replace").lstrip("\ufeff").strip()
            if not s:
                continue
            try:
                o = json.loads(s)
            except ValueError:
                yield None
                continue
            yield o if isinstance(o, dict) else None


def claude(home):
    best = {}
    synthetic = set()
    stats = {"files": 0, "lines": 0, "bad": 0, "usage_lines": 0}
    root = os.path.join(home, ".claude", "projects")
    paths = []
    for dp, dn, fn in os.walk(root):
        paths += [os.path.join(dp, f) for f in fn if f.endswith(".jsonl")]
    for p in sorted(paths):
        stats["files"] += 1
        for o in read_lines(p):
            stats["lines"] += 1
            if o is None:
                stats["bad"] += 1
                continue
            m, ts = None, None
            msg = o.get("message")
            if isinstance(msg, dict) and isinstance(msg.get("usage"), dict):
                m, ts = msg, o.get("timestamp")
            elif o.get("type") == "progress":
                d = (o.get("data") or {}).get("message") or {}
                mm = d.get("message") if isinstance(d, dict) else None
                if isinstance(mm, dict) and isinstance(mm.get("usage"), dict):
                    m, ts = mm, d.get("timestamp") or o.get("timestamp")
            if m is None or not ts:
                continue
            stats["usage_lines"] += 1
            mid = m.get("id")
            if m.get("model") == "<synthetic>":
                synthetic.add(mid)
                continue
            u = m["usage"]
            cc = n(u.get("cache_creation_input_tokens"))
            br = u.get("cache_creation")
            if isinstance(br, dict):
                cc1h = n(br.get("ephemeral_1h_input_tokens"))
                cc5 = n(br.get("ephemeral_5m_input_tokens"))
                if cc5 + cc1h != cc:
                    cc5 = cc - cc1h
            else:
                cc1h, cc5 = 0, cc
            inp, out, cr = n(u.get("input_tokens")), n(u.get("output_tokens")), n(u.get("cache_read_input_tokens"))
            tot = inp + out + cc + cr
            cur = best.get(mid)
            if cur is None or tot > cur[0] or (tot == cur[0] and ts < cur[1]):
                best[mid] = (tot, ts, m.get("model"), inp, out, cc, cc5, cc1h, cr)
    daily = {}
    for tot, ts, model, inp, out, cc, cc5, cc1h, cr in best.values():
        d = daily.setdefault(ts[:10], {}).setdefault(model, dict.fromkeys(CK, 0))
        for k, v in zip(CK, (inp, out, cc, cc5, cc1h, cr, 1)):
            d[k] += v
    return daily, len(synthetic), stats


def codex(home):
    daily = {}
    stats = {"files": 0, "lines": 0, "bad": 0, "token_counts": 0}
    root = os.path.join(home, ".codex", "sessions")
    paths = []
    for dp, dn, fn in os.walk(root):
        paths += [os.path.join(dp, f) for f in fn if f.endswith(".jsonl")]
    for p in sorted(paths):
        stats["files"] += 1
        model, prev = None, None
        for o in read_lines(p):
            stats["lines"] += 1
            if o is None:
                stats["bad"] += 1
                continue
            pl = o.get("payload") or {}
            if o.get("type") == "turn_context":
                model = pl.get("model") or model
                continue
            if o.get("type") != "event_msg" or pl.get("type") != "token_count" or not pl.get("info"):
                continue
            stats["token_counts"] += 1
            info = pl["info"]
            tot = info.get("total_token_usage") or {}
            key = tuple(n(tot.get(k)) for k in ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens"))
            last = info.get("last_token_usage")
            if prev is not None and key == prev:
                continue
            if last:
                delta = tuple(n(last.get(k)) for k in ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens"))
            elif prev is None or key[0] < prev[0]:
                delta = key
            else:
                delta = tuple(a - b for a, b in zip(key, prev))
            prev = key
            d = daily.setdefault(o["timestamp"][:10], {}).setdefault(model, dict.fromkeys(XK, 0))
            i, c, out, r = delta
            for k, v in zip(XK, (i, c, i - c, out, r, i + out, 1)):
                d[k] += v
    return daily, stats


def compare(name, mine, truth_daily, keys):
    diffs = 0
    days = sorted(set(mine) | set(truth_daily))
    for day in days:
        a = mine.get(day, {})
        b = {m: v for m, v in truth_daily.get(day, {}).get("models", {}).items()}
        for model in sorted(set(a) | set(b)):
            x, y = a.get(model, {}), b.get(model, {})
            for k in keys:
                if x.get(k, 0) != y.get(k, 0):
                    diffs += 1
                    if diffs <= 20:
                        print("  %s %s %s %s: derived %s truth %s" % (name, day, model, k, x.get(k, 0), y.get(k, 0)))
    return diffs, len(days)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("home")
    ap.add_argument("--truth")
    ap.add_argument("--json")
    a = ap.parse_args()
    truth = json.load(open(a.truth or os.path.join(a.home, "truth.json")))
    cd, synth, cs = claude(a.home)
    xd, xs = codex(a.home)
    d1, n1 = compare("claude", cd, truth["claude"]["daily"], CK)
    d2, n2 = compare("codex", xd, truth["codex"]["daily"], XK)
    ts = truth["claude"].get("synthetic_messages")
    print("claude: %d files, %d lines, %d invalid, %d usage lines, %d days, %d differing values; synthetic %d (truth %s)" % (
        cs["files"], cs["lines"], cs["bad"], cs["usage_lines"], n1, d1, synth, ts))
    print("codex:  %d files, %d lines, %d invalid, %d token_count lines, %d days, %d differing values" % (
        xs["files"], xs["lines"], xs["bad"], xs["token_counts"], n2, d2))
    ok = d1 == 0 and d2 == 0 and synth == ts
    if a.json:
        json.dump({"claude": cd, "codex": xd, "ok": ok}, open(a.json, "w"), indent=1, sort_keys=True)
    print("MATCH" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
