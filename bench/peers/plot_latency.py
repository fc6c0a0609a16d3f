#!/usr/bin/env python3
"""gateway_latency.png: latency distributions (wrk percentiles, CDF on a log axis) of ragcache's
exact hit and pass-through, the Portkey gateway's pass-through (and hit, if it has one) and
mock-llm called directly, from gateway_vs_portkey.sh's latency_<name>.txt files.
Needs matplotlib (Debian python3-matplotlib): /usr/bin/python3 plot_latency.py --dir DIR
"""
import argparse
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SERIES = [("ragcache_hit", "ragcache exact hit", "#2ca02c", "-"),
          ("direct", "mock-llm direct (no gateway)", "#7f7f7f", ":"),
          ("ragcache_pass", "ragcache pass-through", "#1f77b4", "-"),
          ("portkey_hit", "Portkey cache hit", "#9467bd", "-"),
          ("portkey_pass", "Portkey pass-through", "#d62728", "-")]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    a = p.parse_args()
    meta = json.load(open(os.path.join(a.dir, "gateway_peers.json")))
    fig, ax = plt.subplots(figsize=(12, 5.5), dpi=110)
    for key, label, color, style in SERIES:
        path = os.path.join(a.dir, f"latency_{key}.txt")
        if not os.path.exists(path) or os.path.getsize(path) == 0:
            continue
        pts = [tuple(map(float, line.split())) for line in open(path) if line.strip()]
        xs = [us / 1000 for _, us in pts]
        ys = [pct for pct, _ in pts]
        r = meta["results"].get(key) or {}
        rps = f", {r['rps']:,.0f} req/s" if "rps" in r else ""
        ax.plot(xs, ys, style, color=color, marker="o", markersize=3, linewidth=2, label=f"{label}{rps}")
    ax.set_xscale("log")
    ax.set_xlabel("request latency (ms, log scale)")
    ax.set_ylabel("percentile")
    ax.set_ylim(0, 101)
    ax.grid(True, which="both", alpha=0.3)
    ax.set_title(f"Non-streamed chat completion, wrk 50 connections (Portkey gateway {meta['portkey_version']})")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)  # outside: the curves fill the axes
    fig.tight_layout()
    fig.savefig(os.path.join(a.dir, "gateway_latency.png"))
    plt.close(fig)


if __name__ == "__main__":
    main()
