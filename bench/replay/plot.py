#!/usr/bin/env python3
"""PNG plots of the replay (needs matplotlib: Debian python3-matplotlib, run with /usr/bin/python3).

  replay_latency.png         latency distribution (CDF, log scale) direct vs through ragcache,
                             the latter also split by X-Cache result
  replay_upstream_calls.png  cumulative upstream calls (mock-llm's counter) over time, both runs
"""
import argparse
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"direct": "#d62728", "ragcache": "#1f77b4", "HIT": "#2ca02c", "SEMANTIC": "#9467bd",
          "MISS": "#ff7f0e", "SHARED": "#8c564b", "BYPASS": "#7f7f7f"}


def cdf(ax, values, label, color, style="-", width=2.0):
    v = sorted(values)
    if not v:
        return
    y = [(i + 1) / len(v) * 100 for i in range(len(v))]
    ax.plot(v, y, style, color=color, label=f"{label} (n={len(v)})", linewidth=width)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--direct", required=True)
    p.add_argument("--ragcache", required=True)
    p.add_argument("--out-dir", required=True)
    a = p.parse_args()
    direct, rag = json.load(open(a.direct)), json.load(open(a.ragcache))
    ok = lambda run: [r for r in run["requests"] if r["status"] == 200]  # noqa: E731

    fig, ax = plt.subplots(figsize=(12, 5.5), dpi=110)
    cdf(ax, [r["latency_ms"] for r in ok(direct)], "direct to mock-llm (no cache)", COLORS["direct"], width=2.5)
    cdf(ax, [r["latency_ms"] for r in ok(rag)], "through ragcache (all)", COLORS["ragcache"], width=2.5)
    for kind in ["HIT", "SEMANTIC", "SHARED", "MISS"]:
        cdf(ax, [r["latency_ms"] for r in ok(rag) if r.get("x_cache") == kind], f"  ragcache X-Cache: {kind}",
            COLORS[kind], style="--", width=1.3)
    ax.set_xscale("log")
    ax.set_xlabel("request latency (ms, log scale)")
    ax.set_ylabel("% of requests at or below")
    ax.set_ylim(0, 101)
    ax.grid(True, which="both", alpha=0.3)
    ax.set_title(f"Replay of {len(rag['requests'])} questions, {rag['clients']} clients: latency distribution")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)  # outside: the curves fill the axes
    fig.tight_layout()
    fig.savefig(os.path.join(a.out_dir, "replay_latency.png"))
    plt.close(fig)

    # Left: the model's own counter over wall time. Right: the same against questions asked (in
    # workload order), counting responses that went upstream (X-Cache MISS/BYPASS; every direct one).
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(13, 5.5), dpi=110)
    for name, run in (("direct", direct), ("ragcache", rag)):
        t = [s[0] for s in run["samples"]]
        c = [s[1] for s in run["samples"]]
        label = "direct to mock-llm (no cache)" if name == "direct" else "through ragcache"
        ax.step(t, c, where="post", color=COLORS[name], linewidth=2.2,
                label=f"{label}: {run['upstream_calls']:,} calls in {run['wall_s']:.0f} s")
        went_up, xs, ys = 0, [], []
        for r in sorted(run["requests"], key=lambda r: r["i"]):
            went_up += 1 if name == "direct" or r.get("x_cache") in ("MISS", "BYPASS", "") else 0
            xs.append(r["i"] + 1)
            ys.append(went_up)
        ax2.plot(xs, ys, color=COLORS[name], linewidth=2.2, label=f"{label}: {went_up:,} of {len(xs):,}")
    ax.set_xlabel("seconds since the replay started")
    ax.set_ylabel("cumulative upstream (model) calls")
    ax.set_title("Model calls over time (mock-llm's counter)")
    ax2.set_xlabel("questions asked (workload order)")
    ax2.set_ylabel("questions that reached the model")
    ax2.set_title("Model calls per question asked")
    for axis in (ax, ax2):
        axis.grid(True, alpha=0.3)
        axis.legend(loc="upper left", fontsize=9)
    fig.suptitle(f"Replay of {len(rag['requests'])} questions, {rag['clients']} clients", fontsize=12)
    fig.tight_layout()
    fig.savefig(os.path.join(a.out_dir, "replay_upstream_calls.png"))
    plt.close(fig)

if __name__ == "__main__":
    main()
