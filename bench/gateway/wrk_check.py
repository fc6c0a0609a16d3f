#!/usr/bin/env python3
"""Reads the output of wrk run with bench/gateway/checked.lua and decides whether the run counts.

  wrk_check.py WRK_OUTPUT_FILE [--label NAME]

Exit status 1, with the reason on stderr, when wrk reported socket errors (connect, read, write,
timeout) or "Non-2xx or 3xx responses", when checked.lua's CHECKS line is missing or counts a bad
status, X-Cache or body, or when no response came back. Otherwise prints one line on stdout:
"<requests/s> <p50 ms> <p99 ms>" (wrk's Requests/sec, checked.lua's latency percentiles).
"""
import argparse
import re
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("output")
    p.add_argument("--label", default="wrk")
    a = p.parse_args()
    text = open(a.output, errors="replace").read()
    problems = []
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if sock and any(int(x) for x in sock.groups()):
        problems.append(sock.group(0))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if non2xx:
        problems.append(non2xx.group(0))
    checks = re.search(r"^CHECKS responses=(\d+) bad_status=(\d+) bad_cache=(\d+) bad_body=(\d+) first=(.*)$", text, re.M)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    pct = {float(k): int(v) / 1000 for k, v in re.findall(r"^PCT (\S+) (\d+)", text, re.M)}
    if not checks or not rps or 50.0 not in pct or 99.0 not in pct:
        problems.append("no CHECKS/latency lines in wrk's output (did it run checked.lua?): " + text[-300:].replace("\n", " | "))
    else:
        n, bad_status, bad_cache, bad_body = (int(x) for x in checks.groups()[:4])
        if n == 0:
            problems.append("no response at all")
        for what, count in (("bad HTTP status", bad_status), ("wrong X-Cache", bad_cache), ("wrong answer", bad_body)):
            if count:
                problems.append(f"{count} of {n} responses with a {what}")
        if bad_status or bad_cache or bad_body:
            problems.append("first: " + checks.group(5))
    if problems:
        sys.exit(f"FAILED {a.label}: " + "; ".join(problems))
    print(f"{float(rps.group(1)):.2f} {pct[50.0]:.3f} {pct[99.0]:.3f}")


if __name__ == "__main__":
    main()
