"""Clustering stage alone: articles/s of StoryIndex.assign on real extractions, and memory at scale.

Extraction is done once and cached on disk (``--cache-dir``, the same cache ``storywire eval --cache-dir``
uses); it is excluded from the timing. Each labeled dev file goes through a fresh index in file order, ``--repeat``
times; the best run is reported.

    .venv/bin/python -m bench.bench_cluster                      # throughput on ../shared/eval/*-dev.jsonl
    .venv/bin/python -m bench.bench_cluster --stories 100000     # + RSS with 100k live stories

The cache is bench/cache/extractions in a checkout (bench/paths.py: elsewhere ./.storywire/bench-cache).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

from agents.cluster.index import ClusterSettings, StoryIndex, StoryProfile
from agents.extract.extractor import DEFAULT_MODEL
from schemas.extraction import ArticleExtraction
from streams.eval.clustering import cached_extractions, extract_articles, extraction_cache_path, read_articles_jsonl

GOAL = 2_000.0
DEFAULT_FILES = ["ecbplus-dev", "gvc-dev", "uci-headlines-dev"]


def build() -> str:
    """Which agents.cluster.index runs: the mypyc-compiled module (`make native`) or the plain source."""
    import agents.cluster.index
    from agents.cluster import compiled_files

    compiled = Path(agents.cluster.index.__file__ or "") in compiled_files()
    return "compiled (mypyc)" if compiled else "plain Python"


def load_extractions(path: Path, cache_dir: Path) -> list[ArticleExtraction]:
    """Extractions of every article of ``path`` (computed once, then read from the cache)."""
    articles = [a for a, _ in read_articles_jsonl(path)]
    fresh = extract_articles(articles, model=DEFAULT_MODEL, batch_size=32, workers=1)
    stream = cached_extractions(extraction_cache_path(cache_dir, path, DEFAULT_MODEL), articles, fresh)
    return [e for e in stream if isinstance(e, ArticleExtraction)]


def renamed(extractions: list[ArticleExtraction], suffix: str) -> list[ArticleExtraction]:
    return [
        e.model_copy(update={"article": e.article.model_copy(update={"id": e.article.id + suffix})})
        for e in extractions
    ]


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def throughput(name: str, extractions: list[ArticleExtraction], repeat: int, settings: ClusterSettings) -> float:
    """Best of ``repeat`` runs, each one pass from an empty index (wall clock; CPU time alongside)."""
    best_wall = best_cpu = float("inf")
    stories = 0
    for _ in range(repeat):
        index = StoryIndex(settings)
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        for ex in extractions:
            index.assign(ex)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        stories = len(index)
    n = len(extractions)
    rate = n / best_wall
    print(
        f"{name:20s} {n:7d} articles  {best_wall:6.2f} s  {rate:8.0f} articles/s  "
        f"({n / best_cpu:,.0f}/s of CPU time)  {stories:6d} live stories",
        flush=True,
    )
    return rate


def memory(extractions: list[ArticleExtraction], stories: int, settings: ClusterSettings) -> None:
    """RSS of an index holding ``stories`` live stories, then throughput against that state.

    The state is built the way a restarted worker builds it: ``restore`` from profiles. The profiles are
    the real single-article profiles of the dev files, replicated with new story and article ids; the
    rare features (in at most two stories) get a per-replica suffix, as distinct stories name distinct
    people and places, while common vocabulary stays shared.
    """
    seed = StoryIndex(ClusterSettings(threshold=2.0, max_stories=len(extractions) + 1))
    for ex in extractions:
        seed.assign(ex)
    base_profiles = seed.profiles()
    n_base = len(base_profiles)
    df: dict[str, int] = {}
    for p in base_profiles:
        for fam in ("terms", "entities", "title", "cues"):
            for k in getattr(p, fam):
                df[fam + k] = df.get(fam + k, 0) + 1

    def replica(p: StoryProfile, r: int) -> StoryProfile:
        fams = {
            fam: {(k if df[fam + k] > 2 else f"{k}#{r}"): c for k, c in getattr(p, fam).items()}
            for fam in ("terms", "entities", "title", "cues")
        }
        return p.model_copy(
            update={
                "story_id": f"{p.story_id}-{r}",
                "first_article_id": f"{p.first_article_id}#{r}",
                "article_ids": [f"{a}#{r}" for a in p.article_ids],
                "first_seq": p.first_seq + r * n_base,
                "last_seq": p.last_seq + r * n_base,
                "first_published": None,
                "last_published": None,
                **fams,
            }
        )

    profiles = [replica(base_profiles[i % n_base], i // n_base) for i in range(stories)]
    del seed, base_profiles
    gc.collect()
    before = rss_mib()
    index = StoryIndex(settings.model_copy(update={"max_stories": stories + len(extractions)}))
    start = time.perf_counter()
    index.restore(profiles)
    restored = time.perf_counter() - start
    del profiles
    gc.collect()
    after = rss_mib()
    print(
        f"memory: {len(index):,} live stories restored in {restored:.1f} s; RSS {after:,.0f} MiB "
        f"(+{after - before:,.0f} MiB for the index)",
        flush=True,
    )
    start = time.perf_counter()
    for ex in extractions:
        index.assign(ex)
    elapsed = time.perf_counter() - start
    print(f"with {stories:,} live stories: {len(extractions) / elapsed:,.0f} articles/s", flush=True)


def main() -> None:
    from bench.paths import EVAL_FILES_HINT, cache_dir, eval_dir

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="labeled JSONL files (default: the dev files)")
    parser.add_argument("--cache-dir", type=Path, default=cache_dir())
    parser.add_argument("--repeat", type=int, default=3, help="runs per file; the best is reported")
    parser.add_argument("--stories", type=int, default=0, help="also measure RSS with this many live stories")
    args = parser.parse_args()
    files = args.files or [eval_dir() / f"{n}.jsonl" for n in DEFAULT_FILES]
    missing = [f for f in files if not f.exists()]
    if missing:
        hint = "give labeled JSONL files as arguments" if args.files else f"needs {EVAL_FILES_HINT}"
        raise SystemExit(f"not found: {', '.join(map(str, missing))} ({hint})")
    settings = ClusterSettings()
    print(
        f"clustering stage alone, agents.cluster.index {build()} (extraction cached in {args.cache_dir}, not timed); "
        f"goal ≥ {GOAL:,.0f} articles/s"
    )
    loaded = {f.stem: load_extractions(f, args.cache_dir) for f in files}
    rates = [throughput(name, exts, args.repeat, settings) for name, exts in loaded.items()]
    everything = [e for exts in loaded.values() for e in exts]
    overall = throughput("all files, in turn", everything, args.repeat, settings)
    print(
        f"slowest file {min(rates):,.0f} articles/s; all files {overall:,.0f} articles/s "
        f"({'meets' if min(rates) >= GOAL else 'below'} the goal)"
    )
    if args.stories:
        memory(everything, args.stories, settings)


if __name__ == "__main__":
    if not __package__:  # run as a file (python bench/bench_cluster.py): `bench` is imported from the checkout
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
