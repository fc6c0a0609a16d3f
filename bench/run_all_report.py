#!/usr/bin/env python3
"""Builds bench/report/REPORT.md from what bench/run_all.sh left in the report folder:
machine.txt, status.txt ("name exit_code seconds load1 load5 load15" per part), logs/<part>.log
(each part's own output: mostly Markdown tables) and the replay/peers JSON and PNG files.

The summary table reads each issue's goal off the parts' outputs with tolerant patterns; a
number it cannot find shows as "not found" (the part's output changed shape), never as met.
Only figures this run measured go into the summary and the parts; figures from other runs
(bench/other_runs.json: each with its date, commit and command) are printed in a separate table.
"""
import argparse
import json
import os
import re

PARTS = [  # name, title, what it compares
    ("floor", "Floor: redis-benchmark (one Redis round trip)",
     "GET, SET and a trivial EVAL at 50 clients on a fresh redis-server: the ceiling of anything that needs one Redis call"),
    ("redis", "Redis client vs redis-benchmark (issue 2)", "`bench/redis/run.sh`"),
    ("cache", "Locks vs npm redlock, single-flight wake-up vs sleep-and-retry (issue 3)", "`bench/cache/run.sh`"),
    ("session", "Session window vs LangChain JS RedisChatMessageHistory (issue 4)", "`bench/session/run.sh`"),
    ("limits", "Rate limiter vs npm rate-limiter-flexible (issue 8)", "`bench/limits/run.sh`"),
    ("tokens", "Token counting vs npm tiktoken (issue 7)", "`bench/tokens/run.sh`"),
    ("semantic", "Semantic lookup latency and recall (issue 6)",
     "`semantic_lookup_bench` (built-in embedder + HNSW index, 384 dims; sizes from SEMANTIC_SIZES)"),
    ("gateway", "Gateway exact hit vs redis-benchmark GET, pass-through overhead (issue 5)", "`bench/gateway/run.sh`"),
    ("fixed_rate", "Gateway latency at a fixed request rate (open loop)", "`bench/gateway/fixed_rate.sh`"),
    ("http", "HTTP server ceiling (mock-llm routes, Node.js reference)", "`bench/http/run.sh`"),
    ("peers", "Gateway vs the Portkey AI gateway (npm @portkey-ai/gateway)", "`bench/peers/gateway_vs_portkey.sh`"),
    ("replay", "Workload replay through the gateway vs direct", "`bench/replay/run.sh`"),
]


NOT_AT_SIZE = "not at the goal's size: see the figures from other runs"


def num(s):
    return float(s.replace(",", ""))


def find(text, pattern, group=1, flags=re.M):
    m = re.search(pattern, text or "", flags)
    return num(m.group(group)) if m else None


class Goals:
    """Rows of the summary: issue, goal, measured text, met (True/False/None)."""

    def __init__(self):
        self.rows = []

    def add(self, issue, goal, measured, met, note=""):
        self.rows.append((issue, goal, measured, met, note))

    def ratio(self, issue, goal, value, threshold, what, unit="x", note=""):
        if value is None:
            self.add(issue, goal, f"{what}: not found", None, note)
        else:
            self.add(issue, goal, f"{what}: {value:.2f}{unit}", value >= threshold, note)

    def below(self, issue, goal, value, threshold, what, unit=" ms", note=""):
        if value is None:
            self.add(issue, goal, f"{what}: not found", None, note)
        else:
            self.add(issue, goal, f"{what}: {value:.3g}{unit}", value < threshold, note)


def goals_from(logs, status, out_dir):
    g = Goals()
    issue_of = {"redis": "2", "cache": "3", "session": "4", "gateway": "5", "semantic": "6", "tokens": "7",
                "limits": "8", "peers": "10", "replay": "10", "floor": "—", "http": "—", "fixed_rate": "20"}
    for name, s in status.items():
        if s["rc"] != 0:
            g.add(issue_of.get(name, "?"), f"part `{name}` ran", f"FAILED (exit {s['rc']})", False)
    # A failed part may still have printed its numbers (e.g. it failed while cleaning up): they
    # are read all the same, beside the FAILED row.
    ran = lambda name: name in status  # noqa: E731
    if ran("redis"):
        # Like-for-like set-ups (A-C) carry the goal; D (multiplexed vs one in flight) is informative.
        rows = re.findall(r"^\| ([A-D])\. ([^|\n]*?) \| (SET|GET) \| [\d,]+ \| [\d,]+ \| ([\d.]+) \| (yes|no[^|\n]*) \|",
                          logs.get("redis") or "", re.M)
        for setup, label, op, ratio, like in rows:
            if like == "yes":
                g.ratio("2", "client ops/s >= 0.8x redis-benchmark (like-for-like)", float(ratio), 0.8, f"{op}, {setup}. {label}")
            else:
                g.add("2", "client ops/s vs redis-benchmark (not like-for-like)", f"{op}, {setup}. {label}: {float(ratio):.2f}x",
                      None, "informative")
        if not rows:
            g.ratio("2", "client ops/s >= 0.8x redis-benchmark (like-for-like)", None, 0.8, "ratio")
    if ran("cache"):
        t = logs.get("cache")
        g.below("3", "single-flight follower wake-up p99 < 5 ms (baseline ~100 ms)",
                find(t, r"wake-up p50/p99: ragcache [\d.]+/([\d.]+) ms"), 5, "p99")
        g.ratio("3", "lock acquire+release pairs/s >= 2x npm redlock",
                find(t, r"^locks.*ratio ([\d.]+)x"), 2, "ratio")
    if ran("session"):
        t = logs.get("session")
        g.ratio("4", "chat turns/s >= 3x LangChain RedisChatMessageHistory",
                find(t, r"^\| chat turn: [^\n]*\|\s*([\d.]+)\s*\|\s*$"), 3, "ratio (vs LangChain with sessionTTL)")
        g.ratio("4", "append round trips/s >= 0.6x redis-benchmark EVAL",
                find(t, r"^\| append round trip[^\n]*\|\s*([\d.]+)\s*\|\s*$"), 0.6, "ratio")
    if ran("limits"):
        g.ratio("8", "limiter checks/s >= 2x rate-limiter-flexible",
                find(logs.get("limits"), r"^rate limit:.*ratio ([\d.]+)x"), 2, "ratio")
    if ran("tokens"):
        rows = re.findall(r"^(\S+)\s+[\d,]+\s+[\d,]+\s+([\d.]+)x / [\d.]+x\s*$", logs.get("tokens") or "", re.M)
        rows = [(n, float(r)) for n, r in rows if not n.startswith("tiktoken")]
        if rows:
            for name, r in rows:
                g.ratio("7", "tokens/s >= 2x npm tiktoken (single thread)", r, 2, name)
        else:
            g.ratio("7", "tokens/s >= 2x npm tiktoken (single thread)", None, 2, "ratio")
    if ran("semantic"):
        t = logs.get("semantic") or ""
        blocks = re.split(r"^(?=entries=)", t, flags=re.M)
        sized = [(int(re.match(r"entries=(\d+)", b).group(1)), b) for b in blocks if b.startswith("entries=")]
        if sized:
            n, b = max(sized)
            p99 = find(b, r"lookup \(embed\+search[^)]*\): p50 [\d.]+ us, p99 ([\d.]+) us")
            cpu = find(b, r"lookup CPU time:\s+p50 [\d.]+ us, p99 ([\d.]+) us")
            rec = find(b, r"recall@1 vs brute force: near-duplicate queries ([\d.]+)")
            fresh = find(b, r"recall@1 vs brute force: near-duplicate queries [\d.]+, fresh queries ([\d.]+)")
            clears = find(b, r"recall@1 where the best match clears the default threshold: ([\d.]+)")
            # The goals are at 1M entries; this run measured n. Shown, never marked met (the 1M
            # figures of another run are in the separate table at the end).
            not_1m = f"measured at {n:,} entries, not 1M" if n < 1_000_000 else ""
            for goal, value, what, threshold, below in (
                    ("lookup p99 < 2 ms at 1M entries", p99 / 1000 if p99 is not None else None, "p99 (wall)", 2, True),
                    ("index recall@1 >= 0.99", rec, "near-duplicate queries", 0.99, False),
                    ("index recall@1 >= 0.99", fresh, "fresh queries", 0.99, False),
                    ("index recall@1 >= 0.99", clears, "queries whose best match clears the threshold", 0.99, False)):
                if value is None:
                    g.add("6", goal, f"{what}: not found", None)
                    continue
                text = f"{what}: {value:.3g} ms" if below else f"{what}: {value:.3f}"
                if cpu is not None and below:
                    text += f" (CPU time p99 {cpu / 1000:.2f} ms)"
                met = (value < threshold if below else value >= threshold)
                if not_1m:
                    g.add("6", goal, f"{text}, {not_1m}", None, NOT_AT_SIZE)
                else:
                    g.add("6", goal, text, met)
        else:
            g.below("6", "lookup p99 < 2 ms at 1M entries", None, 2, "p99")
    if ran("gateway"):
        t = logs.get("gateway")
        g.ratio("5", "exact-hit req/s >= 0.5x redis-benchmark GET (aim 1.0)",
                find(t, r"^\| exact-hit req/s[^\n]*\|\s*([\d.]+)\s*\|\s*$"), 0.5, "ratio")
        g.below("5", "exact-hit p99 < 2 ms at 50 connections",
                find(t, r"^\| exact-hit p50 / p99 \|\s*[\d.]+ / ([\d.]+) ms"), 2, "p99")
        g.below("5", "pass-through overhead < 1 ms p50 over mock-llm direct",
                find(t, r"^\| pass-through p50 \(no-store\)[^\n]*\|\s*\+?(-?[\d.]+) ms \|\s*$"), 1,
                "p50 difference, 50 connections (saturated)")
        g.below("5", "pass-through overhead < 1 ms p50 over mock-llm direct",
                find(t, r"^\| pass-through p50, 1 connection[^\n]*\|\s*\+?(-?[\d.]+) ms \|\s*$"), 1,
                "p50 difference, 1 connection (not saturated)")
    if ran("fixed_rate"):
        rows = re.findall(r"^\| ([\d,]+) \| (exact hit|pass-through \(no-store\)) \|[^\n]*\| ([^|\n]+: [\d.]+) \| ([+-][\d.]+) ms \| <= \+([\d.]+) ms \|",
                          logs.get("fixed_rate") or "", re.M)
        for rate, what, base, over, allowed in rows:
            goal = ("exact hit p99 <= gateway /healthz p99 + 0.5 ms" if what == "exact hit"
                    else "pass-through p99 <= mock-llm direct p99 + 1 ms")
            g.add("20", goal + ", same rate, open loop", f"{rate} req/s: {float(over):+.3f} ms ({base} ms)",
                  float(over) <= float(allowed))
        if not rows:
            g.add("20", "fixed-rate hit and pass-through p99 goals", "not found", None)
    if ran("peers"):
        try:
            peers = json.load(open(os.path.join(out_dir, "gateway_peers.json")))
            res = peers["results"]
            rp, pp = res["ragcache_pass"], res["portkey_pass"]
            g.add("10", "gateway pass-through vs Portkey pass-through (no stated goal)",
                  f"req/s {rp['rps']:,.0f} vs {pp['rps']:,.0f} ({rp['rps'] / pp['rps']:.1f}x); p50 {rp['p50']:.2f} vs {pp['p50']:.2f} ms",
                  None if rp.get("failed") else True, "informative")
            rh = res["ragcache_hit"]
            hit_peer = res.get("portkey_hit")
            g.add("10", "exact hit vs Portkey cache hit", f"ragcache {rh['rps']:,.0f} req/s; Portkey: "
                  + (f"{hit_peer['rps']:,.0f} req/s" if hit_peer else f"no hit path (x-portkey-cache-status: {peers['portkey_cache_status']})"),
                  True if not hit_peer else rh["rps"] > hit_peer["rps"], "informative")
        except (OSError, KeyError, TypeError, ValueError, ZeroDivisionError):
            g.add("10", "gateway vs Portkey", "not found", None)
    if ran("replay"):
        try:
            s = json.load(open(os.path.join(out_dir, "replay_summary.json")))
            g.add("10", "replay: upstream calls saved, no wrong answer served",
                  f"{s['calls_saved_pct']:.1f}% calls saved ({s['upstream_calls_direct']:,} -> {s['upstream_calls_ragcache']:,}), "
                  f"{(s['tokens_saved'] or 0):,.0f} tokens saved, {s['wrong_answers']} wrong answers",
                  s["calls_saved_pct"] > 0 and s["wrong_answers"] == 0)
            lat = s["latency"]
            g.add("10", "replay: latency with vs without ragcache",
                  f"p50 {lat['ragcache']['50']:.0f} vs {lat['direct']['50']:.0f} ms, p99 {lat['ragcache']['99']:.0f} vs {lat['direct']['99']:.0f} ms",
                  lat["ragcache"]["50"] <= lat["direct"]["50"], "informative")
        except (OSError, KeyError, TypeError, ValueError):
            g.add("10", "replay", "not found", None)
    return g


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--build", required=True)
    a = p.parse_args()
    machine = dict(line.rstrip("\n").split("=", 1) for line in open(os.path.join(a.dir, "machine.txt")) if "=" in line)
    status = {}
    if os.path.exists(os.path.join(a.dir, "status.txt")):
        for line in open(os.path.join(a.dir, "status.txt")):
            f = line.split()
            status[f[0]] = {"rc": int(f[1]), "seconds": int(f[2]), "load": " ".join(f[3:6])}
    logs = {}
    for name, *_ in PARTS:
        path = os.path.join(a.dir, "logs", f"{name}.log")
        if os.path.exists(path):
            logs[name] = open(path, errors="replace").read()

    print("# ragcache benchmark report\n")
    print("Produced by `bench/run_all.sh` (see bench/README.md): every part ran on this machine in one run, "
          "each against its peer started fresh beside it. Ratios are same-run; absolute numbers depend on the "
          "machine's load, recorded below (other work may share the cores).\n")
    print("| machine | |\n|---|---|")
    print(f"| date (UTC) | {machine.get('date_utc', '?')} |")
    print(f"| cores (nproc) / memory | {machine.get('nproc', '?')} / {machine.get('mem', '?')} |")
    print(f"| CPU | {machine.get('cpu', '?')} |")
    print(f"| OS | {machine.get('host', '?')} |")
    print(f"| redis-server / node / wrk | {machine.get('redis', '?')} / {machine.get('node', '?')} / {machine.get('wrk', '?')} |")
    print(f"| ragcache commit | {machine.get('commit', '?')} |")
    for k, label in (("uptime_start", "uptime at start"), ("uptime_end", "uptime at end")):
        u = machine.get(k, "")
        print(f"| {label} | {u[u.find('load'):] if 'load' in u else u} |")
    print(f"| total run time | {machine.get('total_seconds', '?')} s |")
    print()

    goals = goals_from(logs, status, a.dir)
    failed = [n for n, s in status.items() if s["rc"] != 0]
    print("## Summary: goal vs measured\n")
    if failed:
        print(f"**FAILED parts: {', '.join(failed)}** (their logs are below and in logs/).\n")
    print("| issue | goal | measured | met? |\n|---|---|---|---|")
    mark = {True: "yes", False: "**no**", None: "?"}
    for issue, goal, measured, met, note in goals.rows:
        m = "—" if note in ("informative", NOT_AT_SIZE) else mark[met]
        extra = f" ({note})" if note and note != "informative" else ""
        print(f"| {issue} | {goal} | {measured}{extra} | {m} |")
    print()

    print("## Parts\n")
    print("| part | status | seconds | load (1/5/15 min) after |\n|---|---|---|---|")
    for name, title, _ in PARTS:
        s = status.get(name)
        if s:
            state = "ok" if s["rc"] == 0 else f"FAILED (exit {s['rc']})"
            print(f"| {name} | {state} | {s['seconds']} | {s['load']} |")
        else:
            print(f"| {name} | not run (BENCH_ONLY) | | |")
    print()
    for name, title, what in PARTS:
        if name not in status:
            continue
        s = status[name]
        print(f"## {title}\n")
        failure = "" if s["rc"] == 0 else f"**FAILED (exit {s['rc']})**: the end of its output follows."
        print(f"{what}. {failure}\n")
        text = logs.get(name, "").rstrip()
        if s["rc"] != 0:
            text = "\n".join(text.splitlines()[-40:])
        # Markdown tables and summary lines pass through; other chatter goes in a code block.
        print(present(name, text))
        if name == "peers" and os.path.exists(os.path.join(a.dir, "gateway_latency.png")):
            print("![gateway latency distributions](gateway_latency.png)\n")
        if name == "replay":
            for png, alt in (("replay_latency.png", "replay latency distributions"),
                             ("replay_upstream_calls.png", "replay cumulative upstream calls")):
                if os.path.exists(os.path.join(a.dir, png)):
                    print(f"![{alt}]({png})\n")
    print_other_runs(os.path.join(os.path.dirname(os.path.abspath(__file__)), "other_runs.json"))


def print_other_runs(path):
    """The figures of bench/other_runs.json, apart from everything this run measured."""
    try:
        other = json.load(open(path))
    except (OSError, ValueError):
        return
    print("## Figures from other runs (NOT measured by this run)\n")
    print(other.get("about", "") + "\n")
    print("| figure | value | goal | measured on | commit | command | source |\n|---|---|---|---|---|---|---|")
    for f in other.get("figures", []):
        print(f"| {f['figure']} | {f['value']} | {f.get('goal', '')} | {f['date']} | {f['commit']} | "
              f"`{f.get('command', '')}` | {f.get('source', '')} |")
    print()


def present(name, text):
    """Markdown tables as they are; runs of other lines in a code block."""
    out, block = [], []

    def flush():
        if block:
            out.append("```\n" + "\n".join(block) + "\n```")
            block.clear()

    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|"):
            flush()
            if out and out[-1].startswith("|") is False and not out[-1] == "":
                out.append("")
            out.append(line)
        elif line.strip() == "":
            flush()
            out.append("")
        elif name in ("replay", "peers", "fixed_rate") and not re.match(r"^(direct|ragcache): \d+ requests", line):
            flush()
            out.append(line)  # these parts print Markdown prose around their tables
        else:
            block.append(line)
    flush()
    return "\n".join(out).strip() + "\n"


if __name__ == "__main__":
    main()
