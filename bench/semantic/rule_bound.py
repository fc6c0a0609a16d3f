#!/usr/bin/env python3
"""How much medical recall ANY setting of a two-signal rule could reach: an upper bound, not a
tuning. It answers "is there a threshold / weighting / length rule of the neural and lexical
cosines we have not tried that meets issue 18's medical bar (recall >= 0.25 at <= 2 % false hits)
while Quora and banking77 stay <= 2 %?" for a family far richer than src/embed/hit_rule.h:

  a hit when no guard vetoes and neural cosine >= t(cell), one free threshold t per cell,
  cells = lexical-cosine bins (10)                       [--cells lexical]
        or lexical bins x shorter question's word count  [--cells lexical+length, 60 cells]

Bound: Lagrangian duality. For multipliers l_f >= 0 (one per file's false-hit cap), every rule
of the family meeting the caps has medical recall <= sum over cells of max_t [recall_cell(t) -
sum_f l_f fhr_f,cell(t)] + cap * sum_f l_f, and the cells separate, so the right side is exact to
compute; the smallest value over a grid of multipliers is printed. It is measured on the same
pairs the thresholds would be fitted to (in-sample), so real rules held out do worse than it.

Input: the --scores TSVs of `ragcache eval-semantic --embedder neural` (label, vector_cosine,
lexical_cosine, guard, latin, score), in the order of their pairs files (for word counts):

  for f in mqp_dev qqp_dev banking77_pairs; do
    ragcache eval-semantic --embedder neural --pairs ../shared/data/$f.jsonl --scores /tmp/$f.tsv >/dev/null
  done
  python3 bench/semantic/rule_bound.py --data ../shared/data --scores /tmp [--guards on|off] [--cells ...]
"""
import argparse
import bisect
import json
import math
import os

FILES = ["mqp_dev", "qqp_dev", "banking77_pairs"]  # the first is the one whose recall is bounded
LEXICAL_BINS = [0, .1, .2, .3, .4, .5, .6, .7, .8, .9, 1.01]
WORD_BINS = [0, 8, 12, 16, 20, 25, 1000]
THRESHOLDS = [0.6 + 0.005 * i for i in range(81)] + [9.0]  # 9.0: no hit in this cell


def load(scores_dir, data_dir, name):
    rows = []
    with open(os.path.join(scores_dir, name + ".tsv")) as f:
        next(f)
        for line in f:
            label, vec, lex, guard, _latin, _score = line.rstrip("\n").split("\t")
            rows.append((int(label), float(vec), float(lex), guard))
    with open(os.path.join(data_dir, name + ".jsonl")) as f:
        words = [min(len(p["q1"].split()), len(p["q2"].split())) for p in map(json.loads, f)]
    if len(words) != len(rows):
        raise SystemExit(f"{name}: {len(rows)} scores but {len(words)} pairs: not the same file")
    return [r + (w,) for r, w in zip(rows, words)]


def cell_of(lexical, words, with_length):
    b = min(bisect.bisect_right(LEXICAL_BINS, lexical) - 1, len(LEXICAL_BINS) - 2)
    if not with_length:
        return b
    return b * (len(WORD_BINS) - 1) + bisect.bisect_right(WORD_BINS, words) - 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="directory of the pairs files (.jsonl)")
    ap.add_argument("--scores", required=True, help="directory of eval-semantic's --scores TSVs")
    ap.add_argument("--guards", choices=["on", "off"], default="on")
    ap.add_argument("--cells", choices=["lexical", "lexical+length"], default="lexical")
    ap.add_argument("--cap", type=float, default=0.02)
    args = ap.parse_args()
    with_length = args.cells == "lexical+length"
    cells = (len(LEXICAL_BINS) - 1) * ((len(WORD_BINS) - 1) if with_length else 1)
    steps = len(THRESHOLDS)
    recall = [[0.0] * steps for _ in range(cells)]
    fhr = [[[0.0] * steps for _ in range(cells)] for _ in FILES]
    for fi, name in enumerate(FILES):
        rows = load(args.scores, args.data, name)
        positives = sum(r[0] for r in rows)
        negatives = len(rows) - positives
        for label, vec, lex, guard, words in rows:
            if args.guards == "on" and guard != "none":
                continue
            c = cell_of(lex, words, with_length)
            for i, t in enumerate(THRESHOLDS):
                if vec < t:
                    break
                if label and fi == 0:
                    recall[c][i] += 1 / positives
                elif not label:
                    fhr[fi][c][i] += 1 / negatives
    grid = [0.0] + [0.05 * math.pow(4000, k / 24) for k in range(25)]
    best = (float("inf"), None)
    for l0 in grid:
        for l1 in grid:
            partial = [[recall[c][i] - l0 * fhr[0][c][i] - l1 * fhr[1][c][i] for i in range(steps)] for c in range(cells)]
            for l2 in grid:
                bound = sum(max(partial[c][i] - l2 * fhr[2][c][i] for i in range(steps)) for c in range(cells))
                bound += args.cap * (l0 + l1 + l2)
                if bound < best[0]:
                    best = (bound, (l0, l1, l2))
    print(f"cells {args.cells} ({cells}), guards {args.guards}: medical recall of any rule "
          f"'neural >= t(cell)' with every file's false-hit rate <= {args.cap:.0%}: at most {best[0]:.3f} "
          f"(multipliers {', '.join(f'{x:.2f}' for x in best[1])})")


if __name__ == "__main__":
    main()
