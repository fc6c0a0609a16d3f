#!/usr/bin/env python3
"""Markdown tables (and a JSON summary) from the two replay runs (replay.py outputs).

Ground truth for "wrong answer": mock-llm's answer is a function of the question text, so the
direct run gives, for every intent, the set of answers any of its wordings gets. A response
through ragcache whose answer is outside its intent's set was another intent's cached answer.
"""
import argparse
import collections
import json
import re
import sys

KINDS = ["first", "repeat", "paraphrase", "negative"]
CACHE_RESULTS = ["HIT", "SEMANTIC", "SHARED", "MISS", "BYPASS"]


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def metric(text, name):
    """Sum of all samples of a Prometheus metric (any labels); None if absent."""
    total, found = 0.0, False
    for m in re.finditer(rf"^{re.escape(name)}(?:\{{[^}}]*\}})?\s+(\S+)$", text, re.M):
        total += float(m.group(1))
        found = True
    return total if found else None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--direct", required=True)
    p.add_argument("--ragcache", required=True)
    p.add_argument("--metrics", required=True)
    p.add_argument("--latency-ms", type=int, required=True)
    p.add_argument("--tokens-per-sec", type=float, required=True)
    p.add_argument("--json-out", required=True)
    a = p.parse_args()
    direct, rag = json.load(open(a.direct)), json.load(open(a.ragcache))
    metrics = open(a.metrics).read()
    n = len(rag["requests"])
    ok_d = [r for r in direct["requests"] if r["status"] == 200]
    ok_r = [r for r in rag["requests"] if r["status"] == 200]
    valid = collections.defaultdict(set)
    for r in ok_d:
        valid[r["intent"]].add(r["answer"])
    wrong = [r for r in ok_r if r["answer"] not in valid[r["intent"]]]
    by_kind = collections.Counter(r["kind"] for r in rag["requests"])
    table = collections.Counter((r["kind"], r.get("x_cache") or "none") for r in ok_r)
    wrong_by = collections.Counter((r["kind"], r.get("x_cache") or "none") for r in wrong)
    calls_d, calls_r = direct["upstream_calls"], rag["upstream_calls"]
    tokens_d = sum(r.get("tokens", 0) for r in ok_d)
    saved = metric(metrics, "ragcache_upstream_tokens_saved_total")
    lat = {name: [r["latency_ms"] for r in run["requests"] if r["status"] == 200]
           for name, run in (("direct", direct), ("ragcache", rag))}
    pct = {name: {q: percentile(v, q) for q in (50, 90, 99)} for name, v in lat.items()}

    print(f"{n} questions ({', '.join(f'{by_kind[k]} {k}' for k in KINDS)}), {rag['clients']} concurrent clients; "
          f"mock-llm: {a.latency_ms} ms to first token, {a.tokens_per_sec:g} tokens/s; "
          f"{len({r['intent'] for r in rag['requests']})} distinct intents\n")
    print("| | direct to mock-llm (no cache) | through ragcache | saved (or direct / ragcache) |")
    print("|---|---|---|---|")
    pct_saved = 100 * (calls_d - calls_r) / calls_d if calls_d else float("nan")
    print(f"| upstream calls (mock-llm's counter) | {calls_d:,} | {calls_r:,} | {calls_d - calls_r:,} ({pct_saved:.1f}%) |")
    saved_txt = f"{saved:,.0f} (`ragcache_upstream_tokens_saved_total`)" if saved is not None else "metric missing"
    print(f"| upstream tokens (usage of answers) | {tokens_d:,} | {tokens_d - (saved or 0):,.0f} | {saved_txt} |")
    for q in (50, 90, 99):
        print(f"| latency p{q} | {pct['direct'][q]:.1f} ms | {pct['ragcache'][q]:.1f} ms | "
              f"{pct['direct'][q] / pct['ragcache'][q]:.2f}x |")
    miss = [r["latency_ms"] for r in ok_r if r.get("x_cache") == "MISS"]
    if miss:
        print(f"| latency of misses only, p50 / p99 (gateway overhead on a miss) | {pct['direct'][50]:.1f} / "
              f"{pct['direct'][99]:.1f} ms | {percentile(miss, 50):.1f} / {percentile(miss, 99):.1f} ms | |")
    print(f"| wall time of the replay | {direct['wall_s']:.1f} s | {rag['wall_s']:.1f} s | |")
    errors_d, errors_r = len(direct["requests"]) - len(ok_d), n - len(ok_r)
    print(f"| errors (non-200 or transport) | {errors_d} | {errors_r} | |")
    print(f"| wrong answers served (another intent's answer) | 0 by construction | {len(wrong)} | |")
    print()
    seen_results = [c for c in CACHE_RESULTS if any(k[1] == c for k in table)] + \
        sorted({k[1] for k in table} - set(CACHE_RESULTS))
    print("X-Cache of the responses through ragcache, by kind of question:\n")
    print("| question kind | " + " | ".join(seen_results) + " | total |")
    print("|---|" + "---|" * (len(seen_results) + 1))
    for k in KINDS:
        cells = []
        for c in seen_results:
            v = table[(k, c)]
            w = wrong_by[(k, c)]
            cells.append(f"{v}" + (f" ({w} wrong)" if w else ""))
        print(f"| {k} | " + " | ".join(cells) + f" | {sum(table[(k, c)] for c in seen_results)} |")
    totals = [sum(table[(k, c)] for k in KINDS) for c in seen_results]
    print("| all | " + " | ".join(str(t) for t in totals) + f" | {sum(totals)} |")
    if table[("repeat", "SEMANTIC")]:
        print(f"\n{table[('repeat', 'SEMANTIC')]} exact repeats were answered SEMANTIC rather than HIT: a wording "
              "first answered by a semantic hit is not stored as an exact entry of its own, so each repeat of "
              "it takes the semantic path again.")
    if not any(k[1] == "SEMANTIC" for k in table):
        print("\nNo SEMANTIC responses in this run: paraphrases can only be exact misses "
              "(the gateway's semantic cache answered none of them).")
    summary = {"questions": n, "clients": rag["clients"], "upstream_calls_direct": calls_d,
               "upstream_calls_ragcache": calls_r, "calls_saved_pct": pct_saved, "tokens_direct": tokens_d,
               "tokens_saved": saved, "latency": pct, "wrong_answers": len(wrong),
               "x_cache": {c: t for c, t in zip(seen_results, totals)},
               "errors": {"direct": errors_d, "ragcache": errors_r}}
    json.dump(summary, open(a.json_out, "w"), indent=1)
    # Wrong answers or failed requests: the run's savings and latencies do not stand.
    if wrong or errors_d or errors_r:
        sys.exit(f"FAILED: {len(wrong)} wrong answers served, {errors_d} direct and {errors_r} ragcache requests failed")


if __name__ == "__main__":
    main()
