"""Two-fold cross-check of the clusterer's settings on the labeled dev files (issue 26).

Each dev file is split in two halves (``streams.eval.clustering.fold_halves``: ECB+ by topic, so both events of a
topic stay together; GVC by incident; UCI by story). Each half is clustered as a stream of its own, in file order
(and, with ``--orders K``, in K more seeded orders, averaged). For every candidate setting (the defaults and each
``--variant``) this prints the F1 of every half of every file, and the change against the defaults, so that a rule
is kept only where it helps both halves of every file.

The two-fold score: on each half, the candidate with the best worst shortfall to the targets over the three files
is chosen, and scored on the other half of every file; per file, the mean of the two scores so obtained.

    .venv/bin/python -m bench.cluster_folds                                  # the defaults alone
    .venv/bin/python -m bench.cluster_folds --variant t12:threshold=0.12 --variant t08:threshold=0.08

Extractions come from ``--cache-dir`` (the cache of ``storywire eval --cache-dir``), computed once when missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from agents.cluster.settings import ClusterSettings
from bench.paths import eval_dir
from streams.eval.clustering import LoadedFile, load_labeled_file, shuffled_order

FILES = ["ecbplus-dev", "gvc-dev", "uci-headlines-dev"]
TARGETS = {"ecbplus-dev": 0.90, "gvc-dev": 0.97, "uci-headlines-dev": 0.85}


def parse_variant(text: str) -> tuple[str, dict[str, str]]:
    """``name:key=value,key=value`` → (name, overrides)."""
    name, _, rest = text.partition(":")
    overrides = dict(item.split("=", 1) for item in rest.split(",") if item)
    return name, overrides


def half_scores(loaded: LoadedFile, settings: ClusterSettings, orders: int) -> list[float]:
    """F1 of each half: file order, and the mean with ``orders`` seeded orders of the half when asked."""
    out: list[float] = []
    for half in loaded.halves():
        f1s = [loaded.score(settings, order=half)["f1"]]
        for k in range(orders):
            perm = shuffled_order([loaded.articles[i] for i in half], k)
            f1s.append(loaded.score(settings, order=[half[j] for j in perm])["f1"])
        out.append(sum(f1s) / len(f1s))
    return out


def worst_shortfall(scores: dict[str, list[float]], half: int) -> float:
    return min(scores[name][half] - TARGETS.get(name, 0.0) for name in scores)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--variant", action="append", default=[], help="NAME:key=value[,key=value...] (repeatable)")
    ap.add_argument("--files", nargs="*", default=FILES)
    ap.add_argument("--orders", type=int, default=0, help="also average K seeded orders of each half")
    ap.add_argument("--cache-dir", type=Path, default=Path(".storywire/cache"))
    ap.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    args = ap.parse_args(argv)

    base = ClusterSettings().model_dump()
    candidates: dict[str, ClusterSettings] = {"default": ClusterSettings()}
    for text in args.variant:
        name, overrides = parse_variant(text)
        candidates[name] = ClusterSettings.model_validate({**base, **overrides})
    loaded = {name: load_labeled_file(eval_dir() / f"{name}.jsonl", cache_dir=args.cache_dir) for name in args.files}
    scores: dict[str, dict[str, list[float]]] = {}  # candidate -> file -> [half 0, half 1]
    for cname, settings in candidates.items():
        scores[cname] = {name: half_scores(lf, settings, args.orders) for name, lf in loaded.items()}
        row = "  ".join(
            f"{name} {h0:.3f} {h1:.3f} ({h0 - scores['default'][name][0]:+.3f} {h1 - scores['default'][name][1]:+.3f})"
            for name, (h0, h1) in scores[cname].items()
        )
        print(f"{cname:>14}: {row}", flush=True)
    # Two-fold: choose on one half (best worst shortfall over the files), score on the other.
    chosen = [max(candidates, key=lambda c: (worst_shortfall(scores[c], h), c == "default")) for h in (0, 1)]
    twofold = {name: (scores[chosen[1]][name][0] + scores[chosen[0]][name][1]) / 2 for name in loaded}
    print(f"chosen on half 0: {chosen[0]}; on half 1: {chosen[1]}")
    print("two-fold F1: " + "  ".join(f"{name} {f1:.3f}" for name, f1 in twofold.items()))
    if args.json:
        result: dict[str, Any] = {"scores": scores, "chosen": chosen, "twofold": twofold}
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
