#!/usr/bin/env python3
"""Writes README.md's configuration reference and metrics list from the binary itself, so they
are exact.

Usage: python3 tools/readme_tables.py PATH/TO/ragcache [--update README.md]

Configuration: `ragcache serve --help` (flags, descriptions, environment variables) and
`ragcache serve --print-config` (TOML keys and defaults, run with no RAGCACHE_* variables).
Metrics: a `ragcache serve` started on a free port (managed redis-server in a temporary data
dir, built-in mock-llm), one chat request, then the HELP/TYPE lines of GET /metrics.
Prints both Markdown tables; with --update it replaces the text between the markers
<!-- config-table:begin --> ... <!-- config-table:end --> and
<!-- metrics-table:begin --> ... <!-- metrics-table:end --> in the given file.
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

BEGIN, END = "<!-- config-table:begin -->", "<!-- config-table:end -->"


def run(binary, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAGCACHE_")}
    return subprocess.run([binary, "serve", *args], env=env, check=True, capture_output=True, text=True).stdout


def parse_help(text):
    """[(flag, description, env)] in the order of --help; help and config-file options skipped."""
    options, current = [], None
    for line in text.splitlines():
        m = re.match(r"^\s{2}(-\w,)?(--[\w-]+)(?: (?:VALUE|TEXT|INT|UINT|FLOAT))?\s*(.*)$", line)
        if m:
            current = [m.group(2), m.group(3).strip()]
            options.append(current)
        elif current and line.startswith(" " * 10) and line.strip():
            current[1] = (current[1] + " " + line.strip()).strip()
    out = []
    for flag, desc in options:
        if flag in ("--help", "--print-config"):
            continue
        env = re.search(r"\[env (\w+)\]", desc)
        desc = re.sub(r"\s*\[env \w+\]", "", desc)
        out.append((flag, desc, env.group(1) if env else ""))
    return out


def parse_toml(text):
    """{(section, key): value text} of the flat TOML --print-config writes."""
    values, section = {}, ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^\[([\w.]+)\]$", line)
        if m:
            section = m.group(1)
            continue
        k, _, v = line.partition("=")
        values[(section, k.strip())] = v.strip()
    return values


def toml_key(flag, values):
    name = flag[2:].replace("-", "_")
    if ("", name) in values:
        return "", name
    for section, key in values:
        if section and name == section.replace(".", "_") + "_" + key:
            return section, key
    return None


def table(binary):
    options = parse_help(run(binary, "--help"))
    values = parse_toml(run(binary, "--print-config"))
    rows = ["| flag | environment | TOML | default | what |", "|---|---|---|---|---|"]
    for flag, desc, env in options:
        if flag == "--config":
            rows.append(f"| `--config FILE` | `RAGCACHE_CONFIG` | | | {desc} |")
            continue
        key = toml_key(flag, values)
        toml, default = "", ""
        if key:
            section, k = key
            toml = f"`[{section}] {k}`" if section else f"`{k}`"
            default = values[key]
            default = "" if default in ("''", '""') else f"`{default}`"
        desc = desc.replace("|", "\\|")
        rows.append(f"| `{flag}` | `{env}` | {toml} | {default} | {desc} |")
    return "\n".join(rows) + "\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def metrics_table(binary):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAGCACHE_")}
    with tempfile.TemporaryDirectory() as data_dir:
        proc = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data_dir],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(base + "/readyz", timeout=1).read()
                    break
                except Exception:
                    time.sleep(0.1)
            body = json.dumps({"model": "mock-gpt", "messages": [{"role": "user", "content": "hello"}]}).encode()
            req = urllib.request.Request(base + "/v1/chat/completions", data=body,
                                         headers={"Content-Type": "application/json"})
            urllib.request.urlopen(req, timeout=10).read()
            # Families registered on first use of their route.
            body = json.dumps({"model": "mock-embed", "input": "hello"}).encode()
            req = urllib.request.Request(base + "/v1/embeddings", data=body, headers={"Content-Type": "application/json"})
            try:
                urllib.request.urlopen(req, timeout=10).read()
            except Exception:
                pass
            text = urllib.request.urlopen(base + "/metrics", timeout=5).read().decode()
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    helps, types, labels = {}, {}, {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name, _, h = line[7:].partition(" ")
            helps[name] = h
        elif line.startswith("# TYPE "):
            name, _, t = line[7:].partition(" ")
            types[name] = t
        elif line and not line.startswith("#"):
            m = re.match(r"^(\w+?)(?:_bucket|_sum|_count)?\{([^}]*)\}", line)
            if m:
                base_name = m.group(1) if m.group(1) in types else re.sub(r"_(bucket|sum|count)$", "", m.group(1))
                for lab in re.findall(r'(\w+)="', m.group(2)):
                    if lab != "le":
                        labels.setdefault(base_name, set()).add(lab)
    rows = ["| metric | type | labels | what |", "|---|---|---|---|"]
    for name in helps:
        lab = ", ".join(f"`{l}`" for l in sorted(labels.get(name, ())))
        rows.append(f"| `{name}` | {types.get(name, '')} | {lab} | {helps[name]} |")
    return "\n".join(rows) + "\n"


def replace_between(doc, begin, end, text, path):
    start, stop = doc.find(begin), doc.find(end)
    if start < 0 or stop < start:
        sys.exit(f"{path}: markers {begin} ... {end} not found")
    return doc[: start + len(begin)] + "\n" + text + doc[stop:]


def main():
    if len(sys.argv) not in (2, 4) or (len(sys.argv) == 4 and sys.argv[2] != "--update"):
        sys.exit(__doc__)
    config, metrics = table(sys.argv[1]), metrics_table(sys.argv[1])
    if len(sys.argv) == 2:
        sys.stdout.write(config + "\n" + metrics)
        return
    path = sys.argv[3]
    doc = open(path, encoding="utf-8").read()
    doc = replace_between(doc, BEGIN, END, config, path)
    doc = replace_between(doc, "<!-- metrics-table:begin -->", "<!-- metrics-table:end -->", metrics, path)
    open(path, "w", encoding="utf-8").write(doc)
    print(f"{path}: {config.count(chr(10)) - 2} options, {metrics.count(chr(10)) - 2} metrics")


if __name__ == "__main__":
    main()
