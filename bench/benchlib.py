#!/usr/bin/env python3
"""Helpers for bench/run.sh: parse /usr/bin/time -v output, compare totals, tabulate results.

  benchlib.py time FILE                      -> "wall_seconds max_rss_mb"
  benchlib.py compare --truth T --ccusage C.json [--ours O.tsv] [--out F.json]
  benchlib.py report --measure M.jsonl --out-md F.md --out-json F.json [--compare F.json ...]
"""
import argparse
import json
import re
import statistics
import sys

TARGETS = {  # ratio ours/peer, or absolute
    "cold": ("ratio", 1.0), "warm": ("ratio", 0.25), "append": ("ratio", 0.3),
}
RSS_TARGET_MB = 200
QUERY_TARGET_MS = 200


def parse_time(path):
    txt = open(path, errors="replace").read()
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", txt)
    wall = None
    if m:
        wall = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    r = re.search(r"Maximum resident set size \(kbytes\): (\d+)", txt)
    rss = int(r.group(1)) / 1024 if r else None
    st = re.search(r"Exit status: (\d+)", txt)
    return wall, rss, int(st.group(1)) if st else None


# ---------------------------------------------------------------- totals comparison
def load_truth(path):
    t = json.load(open(path))
    rows = {}
    for day, v in t["claude"]["daily"].items():
        for m, x in v["models"].items():
            rows[(day, m)] = {"in": x["input"], "out": x["output"], "cw": x["cache_creation"], "cr": x["cache_read"],
                              "agent": "claude"}
    for day, v in t["codex"]["daily"].items():
        for m, x in v["models"].items():
            # ccusage convention: input = non-cached input, cache read = cached input
            rows[(day, m)] = {"in": x["non_cached_input_tokens"], "out": x["output_tokens"], "cw": 0,
                              "cr": x["cached_input_tokens"], "agent": "codex", "in_incl_cached": x["input_tokens"]}
    return rows


def load_ccusage(path):
    d = json.load(open(path))
    rows = {}
    for r in d.get("daily", []):
        day = r.get("period") or r.get("date")
        for b in r.get("modelBreakdowns", []):
            key = (day, b["modelName"])
            x = rows.setdefault(key, {"in": 0, "out": 0, "cw": 0, "cr": 0})
            x["in"] += b.get("inputTokens", 0); x["out"] += b.get("outputTokens", 0)
            x["cw"] += b.get("cacheCreationTokens", 0); x["cr"] += b.get("cacheReadTokens", 0)
    return rows


def load_ours(path):
    rows = {}
    for line in open(path, errors="replace"):
        p = line.rstrip("\r\n").split("\t")
        if len(p) != 6 or not re.match(r"\d{4}-\d\d-\d\d$", p[0]):
            continue
        try:
            v = [int(float(x)) for x in p[2:]]
        except ValueError:
            continue
        x = rows.setdefault((p[0], p[1]), {"in": 0, "out": 0, "cw": 0, "cr": 0})
        x["in"] += v[0]; x["out"] += v[1]; x["cw"] += v[2]; x["cr"] += v[3]
    return rows


def diff(a, b, truth):
    """Compare two row sets; returns summary dict with per-field agreement and examples."""
    keys = sorted(set(a) | set(b))
    fields = ("in", "out", "cw", "cr")
    res = {"rows": len(keys), "rows_equal": 0, "field_diffs": {f: 0 for f in fields}, "sum_a": {}, "sum_b": {},
           "examples": [], "by_agent": {}}
    for f in fields:
        res["sum_a"][f] = sum(x[f] for x in a.values())
        res["sum_b"][f] = sum(x[f] for x in b.values())
    for k in keys:
        x, y = a.get(k), b.get(k)
        agent = (truth.get(k) or {}).get("agent") or ("codex" if k[1].startswith("gpt") else "claude")
        ag = res["by_agent"].setdefault(agent, {"rows": 0, "rows_equal": 0})
        ag["rows"] += 1
        if x and y and all(x[f] == y[f] for f in fields):
            res["rows_equal"] += 1
            ag["rows_equal"] += 1
            continue
        if x and y and agent == "codex" and "in_incl_cached" in (truth.get(k) or {}):
            # our tool may report Codex input including cached input: accept that convention too
            alt = dict(y); alt["in"] = y["in"] - (truth[k]["in_incl_cached"] - truth[k]["in"])
            if all(x[f] == alt[f] for f in fields):
                res["rows_equal"] += 1
                ag["rows_equal"] += 1
                res.setdefault("notes", set()).add("codex input reported including cached input")
                continue
        for f in fields:
            if (x or {}).get(f, 0) != (y or {}).get(f, 0):
                res["field_diffs"][f] += 1
        if len(res["examples"]) < 8:
            res["examples"].append({"day": k[0], "model": k[1], "a": x, "b": y})
    if "notes" in res:
        res["notes"] = sorted(res["notes"])
    return res


def cmd_compare(a):
    truth = load_truth(a.truth)
    t_rows = {k: {f: v[f] for f in ("in", "out", "cw", "cr")} for k, v in truth.items()}
    out = {}
    lines = []
    if a.ccusage:
        cc = load_ccusage(a.ccusage)
        out["ccusage_vs_truth"] = diff(cc, t_rows, truth)
    if a.ours:
        ours = load_ours(a.ours)
        if ours:
            out["ours_vs_truth"] = diff(ours, t_rows, truth)
            if a.ccusage:
                out["ours_vs_ccusage"] = diff(ours, cc, truth)
        else:
            out["ours_vs_truth"] = None
    for name, r in out.items():
        if not r:
            lines.append("%s: no rows" % name)
            continue
        lines.append("%s: %d/%d day×model rows identical; rows differing per field: %s; sums a=%s b=%s%s" % (
            name, r["rows_equal"], r["rows"], r["field_diffs"], r["sum_a"], r["sum_b"],
            ("; " + "; ".join(r["notes"])) if r.get("notes") else ""))
        for ag, v in sorted(r["by_agent"].items()):
            lines.append("    %s: %d/%d rows identical" % (ag, v["rows_equal"], v["rows"]))
    print("\n".join(lines))
    if a.out:
        json.dump(out, open(a.out, "w"), indent=1, default=list)


# ---------------------------------------------------------------- report
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, nd=2):
    return "—" if x is None else ("%.*f" % (nd, x))


# Before/after (BASELINE_REF): the baseline's tool name for each of ours, and the resolution of each measure
# (GNU time prints wall time in hundredths of a second, the queries' Stopwatch counts whole milliseconds, the
# table shows RSS in whole MB): two medians closer than that are not told apart.
BASELINE_OF = {"agentmetrics": "baseline", "pwsh-command": "baseline-pwsh-command", "pwsh-session": "baseline-pwsh-session"}
RESOLUTION = {"wall_s": 0.01, "ms": 1.0, "rss_mb": 1.0}


def versus(base, cur, key, resolution):
    """current / baseline for one measure: the ratio of the medians and a verdict from the reps' spread.

    The noise is the spread of the reps themselves: each build's range (max - min) over its median, the larger
    of the two. 'slower' needs both: even the fastest current rep is slower than the slowest baseline rep (by
    more than the measure's resolution), and the medians differ by more than that noise; 'faster' the same the
    other way round; anything else is 'within noise'. With 2 reps the verdict carries a '?'; 1 rep has no spread.
    """
    b = [x for x in base if x is not None]
    c = [x for x in cur if x is not None]
    if not b or not c:
        return None, ""
    mb, mc = statistics.median(b), statistics.median(c)
    if not mb:
        return None, ""
    ratio = mc / mb
    n = min(len(b), len(c))
    if n < 2:
        return ratio, "no spread (1 rep)"
    noise = max((max(b) - min(b)) / mb, (max(c) - min(c)) / mc if mc else 0)
    if min(c) > max(b) + resolution and ratio - 1 > noise:
        verdict = "slower" if key != "rss_mb" else "more"
    elif max(c) < min(b) - resolution and 1 - ratio > noise:
        verdict = "faster" if key != "rss_mb" else "less"
    else:
        verdict = "within noise"
    if n < 3:
        verdict += "? (%d reps)" % n
    return ratio, verdict


def vs_cell(ratio, verdict):
    if ratio is None:
        return "—"
    return "%.2f %s" % (ratio, ("**%s**" % verdict) if verdict.startswith(("slower", "more")) else verdict)


def cmd_report(a):
    ms = [json.loads(l) for l in open(a.measure) if l.strip()]
    # group: (scenario, size, tool) -> list
    g = {}
    for m in ms:
        g.setdefault((m["scenario"], m["size"], m["tool"]), []).append(m)
    scen_order = ["startup", "gen", "cold", "warm-1st", "warm", "append", "query-cost", "query-session", "codex"]
    sizes = sorted({m["size"] for m in ms}, key=float)
    # The three ways users run it: the executable the README builds, pwsh -NoProfile -Command as a scheduled
    # job runs it (a new process each time), and commands typed in a pwsh session with the module imported.
    ways = [("agentmetrics", "executable"), ("pwsh-command", "pwsh -Command"), ("pwsh-session", "pwsh session")]
    rows = []
    for size in sizes:
        for sc in scen_order:
            peer = g.get((sc, size, "ccusage"), [])
            gen = g.get((sc, size, "generator"), [])
            present = [(tool, label) for tool, label in ways if g.get((sc, size, tool))]
            if not (peer or present or gen):
                continue
            for tool, label in (present or [("agentmetrics", "executable")]):
                ours = g.get((sc, size, tool), [])
                def agg(lst, key):
                    ok = [x[key] for x in lst if x.get("ok", True) and x.get(key) is not None]
                    return med(ok)
                row = {"scenario": sc, "size_mb": size, "way": label,
                       "peer_s": agg(peer, "wall_s"), "ours_s": agg(ours, "wall_s"),
                       "peer_rss_mb": agg(peer, "rss_mb"), "ours_rss_mb": agg(ours, "rss_mb"),
                       "ours_ms": agg(ours, "ms"), "runs_peer": len(peer), "runs_ours": len(ours),
                       "ours_status": ("pending" if any(x.get("pending") for x in ours) else
                                       ("failed" if ours and not any(x.get("ok", True) for x in ours) else "")),
                       "gen_s": agg(gen, "wall_s"), "gen_mb_s": agg(gen, "mb_s")}
                row["ratio"] = (row["ours_s"] / row["peer_s"]) if row["ours_s"] and row["peer_s"] else None
                tgt = []
                if sc in TARGETS and row["ratio"] is not None:
                    lim = TARGETS[sc][1]
                    tgt.append("time ≤ %.2f×: %s" % (lim, "met" if row["ratio"] <= lim else "NOT met"))
                elif sc in TARGETS:
                    tgt.append("time ≤ %.2f×: %s" % (TARGETS[sc][1], row["ours_status"] or "n/a"))
                if sc.startswith("query"):
                    tgt.append("≤ %d ms: %s" % (QUERY_TARGET_MS, ("met" if row["ours_ms"] <= QUERY_TARGET_MS else "NOT met")
                                                 if row["ours_ms"] is not None else (row["ours_status"] or "n/a")))
                if sc in TARGETS and row["ours_rss_mb"] is not None:
                    tgt.append("RSS ≤ %d MB: %s" % (RSS_TARGET_MB, "met" if row["ours_rss_mb"] <= RSS_TARGET_MB else "NOT met"))
                base = g.get((sc, size, BASELINE_OF.get(tool, "")), [])
                if base:
                    oks = lambda lst, key: [x.get(key) for x in lst if x.get("ok", True)]
                    key = "ms" if sc.startswith("query") else "wall_s"
                    row["base_s"] = agg(base, "wall_s")
                    row["base_ms"] = agg(base, "ms")
                    row["base_rss_mb"] = agg(base, "rss_mb")
                    row["runs_base"] = len(base)
                    row["vs_base"], row["vs_base_verdict"] = versus(oks(base, key), oks(ours, key), key, RESOLUTION[key])
                    row["rss_vs_base"], row["rss_vs_base_verdict"] = versus(
                        oks(base, "rss_mb"), oks(ours, "rss_mb"), "rss_mb", RESOLUTION["rss_mb"])
                row["targets"] = "; ".join(tgt)
                rows.append(row)
                if sc == "gen":
                    break
    # With a baseline the table gains its columns: the baseline's medians and current / baseline with a verdict.
    with_base = any(m["tool"] in BASELINE_OF.values() for m in ms)
    hdr = "| scenario | size MB | how ours ran | ccusage median s | ours median s | ratio ours/peer | peak RSS ccusage MB | peak RSS ours MB |"
    if with_base:
        hdr += " baseline median s | current / baseline | peak RSS baseline MB | RSS current / baseline |"
    hdr += " targets |"
    md = [hdr, "|---" * (hdr.count("|") - 1) + "|"]
    for r in rows:
        if r["scenario"] == "gen":
            md.append("| generator | %s |%s %s s, %s MB/s |" % (r["size_mb"], " — |" * (hdr.count("|") - 4),
                                                               fmt(r["gen_s"], 1), fmt(r["gen_mb_s"], 1)))
            continue
        query = r["scenario"].startswith("query")
        ours = fmt(r["ours_s"], 3) if r["ours_s"] is not None else (r["ours_status"] or "—")
        if query:
            ours = ("%s ms" % fmt(r["ours_ms"], 0)) if r["ours_ms"] is not None else (r["ours_status"] or "—")
        cells = [r["scenario"], r["size_mb"], r["way"], fmt(r["peer_s"], 3), ours,
                 fmt(r["ratio"], 2) if r["ratio"] is not None else "—", fmt(r["peer_rss_mb"], 0),
                 fmt(r["ours_rss_mb"], 0) if r["ours_rss_mb"] is not None else (r["ours_status"] or "—")]
        if with_base:
            base = r.get("base_ms") if query else r.get("base_s")
            cells += [("%s ms" % fmt(base, 0)) if query and base is not None else fmt(base, 3),
                      vs_cell(r.get("vs_base"), r.get("vs_base_verdict")), fmt(r.get("base_rss_mb"), 0),
                      vs_cell(r.get("rss_vs_base"), r.get("rss_vs_base_verdict"))]
        cells.append(r["targets"] or "—")
        md.append("| " + " | ".join(str(x) for x in cells) + " |")
    extra = []
    for c in a.compare or []:
        try:
            extra.append(open(c).read())
        except OSError:
            pass
    text = "\n".join(md)
    print(text)
    if a.out_md:
        with open(a.out_md, "w") as fh:
            fh.write("# AgentMetrics vs ccusage benchmark\n\n%s\n\n%s\n" % (a.header or "", text))
            for e in extra:
                fh.write("\n```text\n%s\n```\n" % e.strip())
    if a.out_json:
        json.dump({"rows": rows, "measurements": ms}, open(a.out_json, "w"), indent=1)


def main():
    ap = argparse.ArgumentParser()
    sp = ap.add_subparsers(dest="cmd", required=True)
    t = sp.add_parser("time"); t.add_argument("file")
    c = sp.add_parser("compare"); c.add_argument("--truth", required=True); c.add_argument("--ccusage")
    c.add_argument("--ours"); c.add_argument("--out")
    r = sp.add_parser("report"); r.add_argument("--measure", required=True); r.add_argument("--out-md")
    r.add_argument("--out-json"); r.add_argument("--compare", action="append"); r.add_argument("--header")
    a = ap.parse_args()
    if a.cmd == "time":
        w, rss, st = parse_time(a.file)
        print("%s %s %s" % (w if w is not None else "null", "%.1f" % rss if rss is not None else "null",
                            st if st is not None else "null"))
    elif a.cmd == "compare":
        cmd_compare(a)
    else:
        cmd_report(a)


if __name__ == "__main__":
    main()
