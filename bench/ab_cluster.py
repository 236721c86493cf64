"""Clustering speed of a git revision against the working tree, measured side by side in one process.

On a shared machine absolute rates move with the load; alternating the two versions run by run and keeping
the best CPU time of each makes their ratio trustworthy where two separate runs are not.

    .venv/bin/python -m bench.ab_cluster                 # HEAD vs working tree (of a git checkout)
    .venv/bin/python -m bench.ab_cluster REV --repeat 8  # REV vs working tree

REV always runs as plain Python; the working tree runs as agents/cluster/__init__ chooses (compiled by `make native`
unless the sources changed since). At a REV after the layout change only its index.py is taken (with the working
tree's features.py); before it, its agents/clustering.py. To compare code changes alone, run both plain:
STORYWIRE_PURE_PYTHON=1.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]  # the checkout


def module_at(rev: str) -> types.ModuleType:
    """The clusterer as it was at ``rev`` (agents/cluster/index.py, or agents/clustering.py before the layout change),
    loaded as a separate module."""
    for path in ("agents/cluster/index.py", "agents/clustering.py"):
        shown = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{path}"], capture_output=True, text=True)
        if shown.returncode == 0:
            break
    else:
        raise SystemExit(f"{rev} has no clusterer: {shown.stderr.strip()}")
    src = shown.stdout
    mod = types.ModuleType(f"clustering_at_{rev}")
    sys.modules[mod.__name__] = mod  # dataclasses look their module up by name
    exec(compile(src, f"clustering@{rev}", "exec"), mod.__dict__)
    return mod


def best_cpu(mod: Any, extractions: list[Any]) -> float:
    index = mod.StoryIndex(mod.ClusterSettings())
    start = time.process_time()
    for ex in extractions:
        index.assign(ex)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rev", nargs="?", default="HEAD")
    parser.add_argument("--repeat", type=int, default=6)
    parser.add_argument("--cache-dir", type=Path, default=None, help="extraction cache (default: bench/paths.py)")
    args = parser.parse_args()
    import agents.cluster.index as current
    from bench.bench_cluster import DEFAULT_FILES, build, load_extractions
    from bench.paths import cache_dir, eval_dir

    print(f"{args.rev}: plain Python; working tree: {build()}")
    versions = {args.rev: module_at(args.rev), "working tree": current}
    for name in DEFAULT_FILES:
        path = eval_dir() / f"{name}.jsonl"
        if not path.exists():
            print(f"{name}: {path} not found, skipped")
            continue
        extractions = load_extractions(path, args.cache_dir or cache_dir())
        best = dict.fromkeys(versions, float("inf"))
        for _ in range(args.repeat):
            for label, mod in versions.items():
                best[label] = min(best[label], best_cpu(mod, extractions))
        old, new = best[args.rev], best["working tree"]
        print(
            f"{name:20s} {args.rev}: {len(extractions) / old:6.0f}/s   working tree: {len(extractions) / new:6.0f}/s"
            f"   speed-up ×{old / new:.3f}"
        )


if __name__ == "__main__":
    if not __package__:  # run as a file (python bench/ab_cluster.py): `bench` is imported from the checkout
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
