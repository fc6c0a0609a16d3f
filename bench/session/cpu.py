#!/usr/bin/env python3
"""CPU per operation of session windows, steadier than ops/s on a shared machine.

For each mode of session_bench (and the LangChain peer, and redis-benchmark EVAL "return 1"), on
one fresh redis-server: Redis CPU per op (INFO cpu used_cpu_sys+used_cpu_user delta / ops), the
Redis commands' own time per op (INFO commandstats usec, summed, / ops), the bench client's CPU
per op (getrusage of the child), and ops/s of the same run.

  bench/session/cpu.py BUILD_DIR [--turns 30000] [--appends 100000] [--modes turn,turn2,append]
"""
import argparse, os, re, resource, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def info(port, section):
    out = subprocess.run(["redis-cli", "-p", str(port), "info", section], capture_output=True, text=True).stdout
    return out


def redis_cpu(port):
    d = dict(l.split(":", 1) for l in info(port, "cpu").splitlines() if ":" in l)
    return float(d["used_cpu_sys"]) + float(d["used_cpu_user"])


def commandstats(port):
    stats = {}
    for l in info(port, "commandstats").splitlines():
        m = re.match(r"cmdstat_(\S+):calls=(\d+),usec=(\d+)", l)
        if m: stats[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return stats


def measure(port, name, argv, ops):
    subprocess.run(["redis-cli", "-p", str(port), "config", "resetstat"], capture_output=True)
    before_cpu = redis_cpu(port)
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    out = subprocess.run(argv, capture_output=True, text=True)
    wall = time.monotonic() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    after_cpu = redis_cpu(port)
    stats = commandstats(port)
    client = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    if out.returncode != 0 or "errors" in out.stderr:
        print(f"{name}: exit {out.returncode} {out.stderr.strip()}", file=sys.stderr)
    # the -p port info calls themselves are a few commands; ignore (info/config are not in ops)
    # Top-level calls only: a script's or a transaction's time already includes the commands it ran.
    cmd_usec = sum(u for c, (n, u) in stats.items() if c in ("evalsha", "eval", "exec", "multi") or c.startswith("z"))
    detail = ", ".join(f"{c} {n / ops:.2f}x{u / n:.1f}us" for c, (n, u) in sorted(stats.items(), key=lambda kv: -kv[1][1])
                       if not c.startswith(("info", "config", "client")))
    print(f"| {name} | {ops / wall:,.0f} | {(after_cpu - before_cpu) * 1e6 / ops:.1f} | {cmd_usec / ops:.1f} | "
          f"{client * 1e6 / ops:.1f} | {detail} |", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--turns", type=int, default=30000)
    ap.add_argument("--appends", type=int, default=100000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--modes", default="turn,turnc,turn2,append,langchain,eval")
    ap.add_argument("--extra", default="", help="extra session_bench args, e.g. '--pool 1' or '--group-batch 0'")
    a = ap.parse_args()
    bench = os.path.join(a.build, "bench/session/session_bench")
    port = free_port()
    tmp = tempfile.mkdtemp()
    srv = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                            "--appendonly", "no", "--dir", tmp, "--logfile", os.path.join(tmp, "redis.log")])
    try:
        for _ in range(50):
            if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0: break
            time.sleep(0.1)
        url = f"redis://127.0.0.1:{port}"
        c = str(a.clients)
        extra = a.extra.split()
        print(f"load {os.getloadavg()[0]:.1f}, {a.clients} callers")
        print("| mode | ops/s | redis CPU us/op | EVALSHA+EXEC usec/op | client CPU us/op | commandstats calls/op x usec/call |")
        print("|---|---|---|---|---|---|")
        for mode in a.modes.split(","):
            if mode in ("turn", "turn2", "turnc"):
                measure(port, mode, [bench, "--url", url, "--clients", c, "--turns", str(a.turns), "--mode", mode] + extra, a.turns)
            elif mode == "append":
                subprocess.run(["redis-cli", "-p", str(port), "flushall"], capture_output=True)
                measure(port, mode, [bench, "--url", url, "--clients", c, "--appends", str(a.appends), "--mode", mode] + extra, a.appends)
            elif mode == "langchain":
                measure(port, "langchain turn (sessionTTL)", ["node", os.path.join(ROOT, "bench/session/langchain_bench.mjs"), "--url", url,
                                                              "--clients", c, "--turns", str(a.turns)], a.turns)
            elif mode == "eval":
                measure(port, "redis-benchmark EVAL return 1", ["redis-benchmark", "-p", str(port), "-c", c, "-n", str(a.appends), "-q",
                                                                "eval", "return 1", "0"], a.appends)
    finally:
        srv.terminate(); srv.wait()


if __name__ == "__main__":
    main()
