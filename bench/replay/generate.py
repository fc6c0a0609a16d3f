#!/usr/bin/env python3
"""Deterministic RAG-style question workload for the replay benchmark.

   generate.py --questions 2500 --intents 400 --zipf 1.0 --seed 7 > workload.jsonl

Each output line is {"i": n, "q": text, "intent": id, "kind": kind} where kind is:
  first       the first time an intent is asked (canonical wording)
  repeat      exactly a wording already asked before (an exact-cache hit is right)
  paraphrase  a new wording of an intent already asked: reordering, synonyms, filler words,
              case and punctuation (a semantic-cache hit is right, an exact hit impossible)
  negative    the first ask of a "twin" intent that differs from an already asked one in one
              meaningful term (nginx -> Apache, Python -> Go...): a hard negative; serving the
              twin's answer would be wrong
Intent popularity follows a Zipf law (p ~ 1/rank^s) over a pool of intents made from templates;
a fixed share of the pool are twins of other intents. Same seed, same arguments -> same file.
"""
import argparse
import json
import random
import sys

TECHS = ["nginx", "PostgreSQL", "Redis", "Kubernetes", "Docker", "Python", "Node.js", "React",
         "Terraform", "Kafka", "Elasticsearch", "MySQL", "Go", "Rust", "Java", "Spring Boot",
         "Django", "Flask", "AWS Lambda", "GitHub Actions", "Jenkins", "Prometheus", "Grafana",
         "MongoDB", "RabbitMQ", "Ansible", "Vue", "TypeScript", "Linux", "Git"]
# Twin of each tech for hard negatives: same question, different (plausible) subject.
TWINS = {"nginx": "Apache", "PostgreSQL": "MySQL", "Redis": "Memcached", "Kubernetes": "Nomad",
         "Docker": "Podman", "Python": "Ruby", "Node.js": "Deno", "React": "Angular",
         "Terraform": "Pulumi", "Kafka": "Pulsar", "Elasticsearch": "OpenSearch",
         "MySQL": "MariaDB", "Go": "Zig", "Rust": "C++", "Java": "Kotlin",
         "Spring Boot": "Quarkus", "Django": "Rails", "Flask": "FastAPI",
         "AWS Lambda": "Azure Functions", "GitHub Actions": "GitLab CI", "Jenkins": "CircleCI",
         "Prometheus": "InfluxDB", "Grafana": "Kibana", "MongoDB": "CouchDB",
         "RabbitMQ": "ActiveMQ", "Ansible": "Puppet", "Vue": "Svelte",
         "TypeScript": "Flow", "Linux": "FreeBSD", "Git": "Mercurial"}
# (action phrase, object) templates: "How do I {action} in {tech}?"
ACTIONS = ["configure logging", "enable TLS", "set up replication", "tune memory usage",
           "rotate credentials", "run database migrations", "write unit tests",
           "debug slow requests", "limit the number of connections", "deploy to production",
           "monitor error rates", "back up the data", "upgrade to the latest version",
           "reduce the startup time", "handle timeouts"]
SYNONYMS = {"configure": ["set up", "configure properly"], "enable": ["turn on", "switch on"],
            "set up": ["configure", "establish"], "tune": ["optimize", "reduce"],
            "rotate": ["renew", "cycle"], "run": ["execute", "apply"], "write": ["create", "add"],
            "debug": ["troubleshoot", "investigate"], "limit": ["cap", "restrict"],
            "deploy": ["ship", "release"], "monitor": ["track", "watch"],
            "back up": ["make a backup of", "save a copy of"], "upgrade": ["update", "move"],
            "reduce": ["shorten", "cut"], "handle": ["deal with", "manage"],
            "production": ["prod", "the production environment"], "requests": ["queries", "calls"]}
OPENERS = ["How do I {a} in {t}?", "How can I {a} in {t}?", "What is the best way to {a} in {t}?",
           "In {t}, how do I {a}?", "{t}: how to {a}?", "What's the right way to {a} with {t}?"]
PREFIXES = ["", "", "Quick question: ", "Hi! ", "I was wondering, ", "Please help: ", "Hey, "]
SUFFIXES = ["", "", " Thanks!", " Thanks in advance.", " Any tips?", " (asking for my team)"]


def canonical(action, tech):
    return f"How do I {action} in {tech}?"


def paraphrase(rng, action, tech):
    """A different wording of the same intent; never the canonical text itself."""
    for _ in range(20):
        a = action
        for word, subs in SYNONYMS.items():
            if word in a and rng.random() < 0.5:
                a = a.replace(word, rng.choice(subs), 1)
        text = rng.choice(OPENERS).format(a=a, t=tech)
        text = rng.choice(PREFIXES) + text + rng.choice(SUFFIXES)
        style = rng.random()
        if style < 0.15:
            text = text.lower()
        elif style < 0.25:
            text = text.rstrip("?") if text.endswith("?") else text + "??"
        elif style < 0.3:
            text = text.upper()
        if text != canonical(action, tech):
            return text
    return "Quick question: " + canonical(action, tech)


def build_pool(rng, n_intents, twin_share):
    """Intents (action, tech); a share of them are twins (same action, twin tech) of another.
    twin_of maps each member of a twin pair to the other."""
    combos = [(a, t) for a in ACTIONS for t in TECHS]
    rng.shuffle(combos)
    n_twins = int(n_intents * twin_share)
    base = combos[: max(1, n_intents - n_twins)]
    taken = set(base)
    # A twin must be a new intent: some twin subjects (MySQL...) are also base subjects.
    twinnable = [(a, t) for a, t in base if (a, TWINS[t]) not in taken][:n_twins]
    base = twinnable + [c for c in base if c not in set(twinnable)]
    twins = [(a, TWINS[t]) for a, t in twinnable]
    pool = base + twins
    twin_of = {len(base) + k: k for k in range(len(twins))}
    twin_of.update({k: len(base) + k for k in range(len(twins))})  # both ways
    # Popularity ranks: shuffle so twins are spread over the ranks rather than all at the tail.
    order = list(range(len(pool)))
    rng.shuffle(order)
    return pool, twin_of, order


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--questions", type=int, default=2500)
    p.add_argument("--intents", type=int, default=400)
    p.add_argument("--zipf", type=float, default=1.0, help="Zipf exponent of intent popularity")
    p.add_argument("--repeat-share", type=float, default=0.6,
                   help="of the re-asks of a known intent, the share that repeats a known wording")
    p.add_argument("--twin-share", type=float, default=0.15, help="share of intents that are twins")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    if args.questions < 1 or args.intents < 1 or args.intents > len(ACTIONS) * len(TECHS):
        sys.exit(f"generate.py: need questions >= 1 and 1 <= intents <= {len(ACTIONS) * len(TECHS)}")
    rng = random.Random(args.seed)
    pool, twin_of, order = build_pool(rng, args.intents, args.twin_share)
    weights = [1.0 / (rank + 1) ** args.zipf for rank in range(len(pool))]
    asked_wordings = {}  # intent -> list of wordings already asked
    out = sys.stdout
    for i in range(args.questions):
        intent = order[rng.choices(range(len(pool)), weights=weights)[0]]
        action, tech = pool[intent]
        seen = asked_wordings.get(intent)
        if seen is None:
            text = canonical(action, tech)
            twin = twin_of.get(intent)
            kind = "negative" if twin is not None and twin in asked_wordings else "first"
            asked_wordings[intent] = [text]
        elif rng.random() < args.repeat_share:
            text, kind = rng.choice(seen), "repeat"
        else:
            text = paraphrase(rng, action, tech)
            kind = "repeat" if text in seen else "paraphrase"
            if kind == "paraphrase":
                seen.append(text)
        out.write(json.dumps({"i": i, "q": text, "intent": intent, "kind": kind}) + "\n")


if __name__ == "__main__":
    main()
