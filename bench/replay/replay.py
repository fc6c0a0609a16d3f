#!/usr/bin/env python3
"""Replays a workload (generate.py's JSONL) against an OpenAI-compatible endpoint.

   replay.py --url http://127.0.0.1:8080 --workload w.jsonl --clients 16 \
             --upstream-stats http://127.0.0.1:8081/mock/stats --out run.json

C clients (threads, one keep-alive connection each) take the questions in workload order from
one shared queue and send each as a non-streamed chat completion. Per request it records the
send time, latency, status, X-Cache header, usage tokens and a hash of the answer; a side thread
polls mock-llm's /mock/stats so the upstream-call curve over time is the model's own counter.
Writes one JSON document (requests + counter samples); report.py turns runs into tables/plots.
"""
import argparse
import hashlib
import http.client
import json
import queue
import sys
import threading
import time
import urllib.parse
import urllib.request

MODEL = "mock-gpt"


def upstream_calls(stats_url):
    with urllib.request.urlopen(stats_url, timeout=5) as r:
        return json.load(r)["chat_calls"]


class Client(threading.Thread):
    def __init__(self, url, jobs, results, t0, timeout):
        super().__init__(daemon=True)
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.path = u.path.rstrip("/") + "/v1/chat/completions"
        self.jobs, self.results, self.t0, self.timeout = jobs, results, t0, timeout
        self.conn = None

    def send(self, body):
        for attempt in (0, 1):  # one reconnect if the server closed an idle keep-alive connection
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request("POST", self.path, body=body, headers={"Content-Type": "application/json"})
                resp = self.conn.getresponse()
                return resp.status, resp.getheader("X-Cache", ""), resp.read()
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise

    def run(self):
        while True:
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                return
            body = json.dumps({"model": MODEL, "messages": [{"role": "user", "content": job["q"]}]})
            start = time.monotonic()
            rec = {"i": job["i"], "intent": job["intent"], "kind": job["kind"], "t": start - self.t0}
            try:
                status, x_cache, payload = self.send(body)
                rec["latency_ms"] = (time.monotonic() - start) * 1000
                rec["status"], rec["x_cache"] = status, x_cache
                if status == 200:
                    doc = json.loads(payload)
                    answer = doc["choices"][0]["message"]["content"]
                    rec["answer"] = hashlib.sha1(answer.encode()).hexdigest()[:16]
                    rec["tokens"] = doc.get("usage", {}).get("total_tokens", 0)
            except Exception as e:  # recorded, counted as an error in the report
                rec["latency_ms"] = (time.monotonic() - start) * 1000
                rec["status"], rec["error"] = 0, str(e)
            self.results.append(rec)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", required=True, help="base URL (gateway or mock-llm), without /v1")
    p.add_argument("--workload", required=True)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--upstream-stats", required=True, help="mock-llm /mock/stats URL")
    p.add_argument("--label", default="run")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--out", required=True)
    args = p.parse_args()

    jobs = queue.Queue()
    workload = [json.loads(line) for line in open(args.workload)]
    for job in workload:
        jobs.put(job)
    results, samples = [], []
    calls0 = upstream_calls(args.upstream_stats)
    t0 = time.monotonic()
    done = threading.Event()

    def poll():
        while not done.is_set():
            samples.append((time.monotonic() - t0, upstream_calls(args.upstream_stats) - calls0))
            done.wait(0.1)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    clients = [Client(args.url, jobs, results, t0, args.timeout) for _ in range(args.clients)]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    wall = time.monotonic() - t0
    done.set()
    poller.join()
    samples.append((wall, upstream_calls(args.upstream_stats) - calls0))
    results.sort(key=lambda r: r["i"])
    json.dump({"label": args.label, "url": args.url, "clients": args.clients, "wall_s": wall,
               "upstream_calls": samples[-1][1], "samples": samples, "requests": results},
              open(args.out, "w"))
    errors = sum(1 for r in results if r["status"] != 200)
    print(f"{args.label}: {len(results)} requests in {wall:.1f}s, {samples[-1][1]} upstream calls, "
          f"{errors} errors", file=sys.stderr)
    return 1 if errors > len(results) // 100 else 0


if __name__ == "__main__":
    sys.exit(main())
