"""RSS of a process holding what a worker holds for N live stories (default 100,000).

    .venv/bin/python bench/bench_memory.py [--stories 100000] [--no-nlp] [--json]

A worker with the memory:// store holds, per story, the clustering profile in the StoryIndex, the same profile
again as the value of the ``cluster-index`` table, and a ``StoryState`` (its articles and last update) in the
``stories`` table; plus the spaCy pipeline and the imported libraries. This builds exactly those objects in one
process, one story per article of the dev extractions (cycled, ids made unique; a lower bound per story: real
stories hold several articles), and reads VmRSS / VmHWM from /proc. Extractions come from the cache that
bench/bench_cluster.py fills.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

GOAL_MIB = 1024.0


def _status(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(stories: int, cache_dir: Path, files: list[Path], with_nlp: bool, progress: bool) -> dict[str, float]:
    """Build ``stories`` live stories; return RSS figures in MiB and the fill rate."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import faust  # noqa: F401  # a worker has it imported; count it in the baseline
    from bench_cluster import load_extractions

    from agents.clustering import ClusterSettings, StoryIndex
    from agents.story import StorySettings, StoryState, apply_article

    if with_nlp:
        from agents.extraction import load_nlp

        load_nlp()
    extractions = [e for f in files for e in load_extractions(f, cache_dir)]
    gc.collect()
    base = _status("VmRSS")
    # Threshold above 1: every article starts its own story; windows wide enough that none is evicted.
    settings = ClusterSettings(threshold=2.0, max_stories=stories + 1, window_articles=10 * stories, max_age_days=1e9)
    story_settings = StorySettings()
    index = StoryIndex(settings)
    profiles: dict[str, object] = {}  # the cluster-index table
    states: dict[str, StoryState] = {}  # the stories table
    start = time.perf_counter()
    i = 0
    while len(states) < stories:
        ex = extractions[i % len(extractions)]
        ex = ex.model_copy(update={"article": ex.article.model_copy(update={"id": f"{ex.article.id}#{i}"})})
        a = index.assign(ex)
        profiles[a.story_id] = a.profile
        states[a.story_id] = apply_article(states.get(a.story_id), a.story_id, ex, story_settings).state
        i += 1
        if progress and i % 10_000 == 0:
            print(f"  {i:,} stories, RSS {_status('VmRSS'):,.0f} MiB", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - start
    gc.collect()
    rss = _status("VmRSS")
    return {
        "stories": float(len(states)),
        "index_stories": float(len(index)),
        "rss_mib": rss,
        "peak_mib": _status("VmHWM"),
        "baseline_mib": base,
        "per_story_kib": (rss - base) * 1024 / max(1, len(states)),
        "fill_per_s": i / elapsed,
        "with_nlp": float(with_nlp),
    }


def main(argv: list[str] | None = None) -> int:
    eval_dir = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--cache-dir", type=Path, default=Path(__file__).resolve().parent / "cache" / "extractions")
    parser.add_argument("--no-nlp", action="store_true", help="do not load the spaCy pipeline (a worker does)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    files = args.files or [eval_dir / "ecbplus-dev.jsonl", eval_dir / "gvc-dev.jsonl"]
    res = measure(args.stories, args.cache_dir, files, not args.no_nlp, progress=not args.json)
    if args.json:
        print(json.dumps(res))
    else:
        print(
            f"{res['stories']:,.0f} stories: RSS {res['rss_mib']:,.0f} MiB (peak {res['peak_mib']:,.0f}; "
            f"{res['baseline_mib']:,.0f} before the stories, {res['per_story_kib']:.1f} KiB per story); "
            f"goal < {GOAL_MIB:,.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
