#!/usr/bin/env python3
"""Chooses the built-in decision rule's weight and threshold (src/embed/hit_rule.h) on labelled
pairs, with the tuning kept honest: thresholds are chosen on part of the pairs and measured on the
rest (k-fold, each file split), and the choice is also measured on each file left out entirely.

Input: the --scores TSVs of `ragcache eval-semantic --embedder neural` (one per pairs file:
label, vector_cosine, lexical_cosine, guard, latin, score), e.g.

  for f in ../shared/data/{mqp_dev,qqp_dev,banking77_pairs}.jsonl data/semantic_pairs.jsonl; do
    ragcache eval-semantic --embedder neural --pairs $f --scores /tmp/$(basename $f .jsonl).tsv >/dev/null
  done
  python3 bench/semantic/tune_rule.py /tmp/{mqp_dev,qqp_dev,banking77_pairs,semantic_pairs}.tsv

The rule: score = w * neural cosine + (1 - w) * lexical cosine (the lexical cosine alone where a
question is mostly in a non-Latin script), a hit when score >= t and no guard vetoes. For each candidate (w, guards) the threshold is the lowest at which every training
file's false-hit rate (false hits / label-0 pairs) stays under --cap; among those, the one with
the most recall (sum over files of recall / the file's recall goal, --goals) wins.
"""
import argparse
import os
import random
import statistics

WEIGHTS = [0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0]
GUARDS = {"none": set(), "numbers+names": {"numbers", "names"}, "all": {"numbers", "negation", "names", "opposites"}}


def load(path):
    rows = []
    with open(path) as f:
        next(f)
        for line in f:
            label, vec, lex, guard, latin, _ = line.rstrip("\n").split("\t")
            rows.append((int(label), float(vec), float(lex), guard, latin == "1"))
    return rows


def scored(rows, w, guards):
    return [(y, -9.0 if g in guards else (w if latin else 0.0) * v + (1 - (w if latin else 0.0)) * l)
            for y, v, l, g, latin in rows]


def rates(sc, t):
    pos = sum(y for y, _ in sc)
    neg = len(sc) - pos
    tp = sum(1 for y, s in sc if y and s >= t)
    fp = sum(1 for y, s in sc if not y and s >= t)
    return tp / max(pos, 1), fp / max(neg, 1)


def choose_threshold(files, w, guards, cap):
    sc = [scored(rows, w, guards) for rows in files.values()]
    for ti in range(600, 1001, 1):
        t = ti / 1000
        if all(rates(s, t)[1] <= cap for s in sc):
            return t
    return 1.0


def goal_of(goals, name):
    """The recall goal of a file: the first goal whose key is part of its name (else 1)."""
    return next((g for key, g in goals.items() if key in name), 1.0)


def tune(files, goals, cap):
    best = None
    for gname, guards in GUARDS.items():
        for w in WEIGHTS:
            t = choose_threshold(files, w, guards, cap)
            value = sum(rates(scored(rows, w, guards), t)[0] / goal_of(goals, name) for name, rows in files.items())
            if best is None or value > best[0]:
                best = (value, gname, w, t)
    return best[1:]


def report(label, files, gname, w, t):
    parts = []
    for name, rows in files.items():
        r, fh = rates(scored(rows, w, GUARDS[gname]), t)
        parts.append(f"{name} recall {r:.3f} fhr {100 * fh:.2f}%")
    print(f"{label}: guards={gname} w={w} t={t:.3f} | " + " | ".join(parts))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tsv", nargs="+")
    ap.add_argument("--cap", type=float, default=0.012, help="false-hit rate allowed on training data")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--goals", default="mqp_dev=0.25,qqp_dev=0.12,semantic_pairs=0.64",
                    help="recall goals per file (weights of the recall summed)")
    args = ap.parse_args()
    files = {os.path.basename(p).split(".")[0]: load(p) for p in args.tsv}
    goals = {k: float(v) for k, v in (g.split("=") for g in args.goals.split(",") if g)}

    print(f"== {args.folds}-fold: each file split at random, chosen on {args.folds - 1} parts, measured on the rest")
    random.seed(18)
    folds = {}
    for name, rows in files.items():
        order = [i % args.folds for i in range(len(rows))]
        random.shuffle(order)
        folds[name] = order
    held = {name: [] for name in files}
    for k in range(args.folds):
        train = {n: [r for r, f in zip(rows, folds[n]) if f != k] for n, rows in files.items()}
        test = {n: [r for r, f in zip(rows, folds[n]) if f == k] for n, rows in files.items()}
        gname, w, t = tune(train, goals, args.cap)
        report(f"fold {k}", test, gname, w, t)
        for n, rows in test.items():
            held[n].append(rates(scored(rows, w, GUARDS[gname]), t))
    for n, rs in held.items():
        rec = [r for r, _ in rs]
        fhr = [f for _, f in rs]
        print(f"  held out {n}: recall {statistics.mean(rec):.3f} ± {statistics.pstdev(rec):.3f}, "
              f"false-hit rate {100 * statistics.mean(fhr):.2f}% ± {100 * statistics.pstdev(fhr):.2f} (max {100 * max(fhr):.2f}%)")

    print("== each file left out: chosen on the others, measured on it")
    for out in files:
        rest = {n: r for n, r in files.items() if n != out}
        gname, w, t = tune(rest, goals, args.cap)
        report(f"without {out}", {out: files[out]}, gname, w, t)

    gname, w, t = tune(files, goals, args.cap)
    report("== all pairs", files, gname, w, t)


if __name__ == "__main__":
    main()
