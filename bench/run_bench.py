"""``storywire bench``: every benchmark of issue 10 in one run, side by side, written to bench/results.md.

    .venv/bin/python -m bench.run_bench [--quick] [--only pipe,e2e,latency,cluster,scaling,memory,story] [--rounds 5]

(``storywire bench`` takes the same options; ``.venv/bin/python bench/run_bench.py`` works too.)

Measures: (1) raw ``nlp.pipe`` docs/s of the extractor's own spaCy pipeline (``load_nlp()``) on the full-text
dev articles; (2) end-to-end articles/s through the embedded broker with one worker process, and its ratio to
(1); (3) article-to-story-update latency p50/p99 at half the measured maximum rate; (4) the clustering stage
alone (bench/bench_cluster.py); (5) two workers against one; (6) RSS with 100k live stories
(bench/bench_memory.py); (7) the story stage as a story grows (bench/bench_story.py). (1), (2) and (5) alternate
round by round so that load from others on the machine weighs on all of them alike; medians of the rounds and of
the per-round ratios are reported.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.bench_e2e import E2EResult

__all__ = ["ALL_PARTS", "BenchConfig", "main", "run"]

ALL_PARTS = ("pipe", "e2e", "latency", "cluster", "scaling", "memory", "story")


def _default_out() -> Path:
    from bench.paths import report_path

    return report_path()


def _default_cache() -> Path:
    from bench.paths import cache_dir

    return cache_dir()


def _default_eval() -> Path:
    from bench.paths import eval_dir

    return eval_dir()


@dataclass
class BenchConfig:
    """What to run and how big."""

    parts: tuple[str, ...] = ALL_PARTS
    rounds: int = 5
    articles: int = 200
    latency_articles: int = 120
    memory_stories: int = 100_000
    story_sizes: tuple[int, ...] = (200, 1_000, 5_000)
    cluster_repeat: int = 5
    partitions: int = 4
    out: Path = field(default_factory=_default_out)  # bench/results.md in a checkout, else ./bench-results.md
    cache_dir: Path = field(default_factory=_default_cache)  # extractions of the dev files
    eval_dir: Path = field(default_factory=_default_eval)  # the labeled dev files (../shared/eval)
    command: str = "storywire bench"

    @classmethod
    def quick(cls, **kw: object) -> BenchConfig:
        base: dict[str, object] = {
            "rounds": 1,
            "articles": 40,
            "latency_articles": 30,
            "memory_stories": 10_000,
            "story_sizes": (25, 200),
            "cluster_repeat": 1,
        }
        base.update(kw)
        return cls(**base)  # type: ignore[arg-type]


@dataclass
class Results:
    """Everything measured, filled part by part."""

    pipe: list[float] = field(default_factory=list)  # docs/s per round, in a fresh process (the ratio's basis)
    pipe_again: list[float] = field(default_factory=list)  # docs/s per round, in this process (texts read before)
    one: list[E2EResult] = field(default_factory=list)
    one_pool: list[E2EResult] = field(default_factory=list)  # (2) with STORYWIRE_EXTRACT_PROCESSES=1
    two: list[E2EResult] = field(default_factory=list)
    latency: E2EResult | None = None
    latency_rate: float = 0.0
    latency_basis: str = ""
    cluster: dict[str, float] = field(default_factory=dict)
    cluster_build: str = ""  # agents.cluster.index compiled or plain (bench_cluster.build)
    memory: dict[str, float] = field(default_factory=dict)
    story: dict[int, dict[str, float]] = field(default_factory=dict)  # story size -> bench_story.measure's row
    pipe_names: str = ""
    pipe_batch: int = 0
    words: float = 0.0
    articles: int = 0  # articles per throughput round (fewer than asked where the files have fewer)
    source: str = "dev"  # "dev" (the labeled dev files), or "example" (streams/examples/, where those are absent)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # parts not run, and why (e.g. no labeled dev files)


class Progress:
    """Progress lines on stderr with the elapsed time."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    def __call__(self, msg: str) -> None:
        print(f"[{time.monotonic() - self.start:5.0f}s] {msg}", file=sys.stderr, flush=True)


def machine_facts() -> dict[str, str]:
    """Cores, RAM, CPU model, Python, spaCy, git revision, load average."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{mem_kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        ram = "unknown"
    from importlib.metadata import version

    from bench.paths import checkout

    root = checkout()
    if root is None:  # an installed wheel: no git revision to name
        git = f"none (installed storywire {version('storywire')})"
    else:
        try:
            rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
            dirty = subprocess.run(["git", "status", "--porcelain", "-uno"], cwd=root, capture_output=True, text=True)
            git = rev.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")
        except OSError:
            git = "unknown"

    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "spacy": version("spacy"),
        "git": git,
        "load": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


@contextlib.contextmanager
def _env(**values: str) -> Iterator[None]:
    """Environment variables for the worker processes started inside (they copy os.environ)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _median(xs: Sequence[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def measure_pipe(texts: Sequence[str], res: Results) -> float:
    """One pass of raw ``nlp.pipe`` (spaCy's default batch size) over ``texts`` in this process; docs/s.

    From the second round on, the texts are ones this process has read before (see :func:`measure_pipe_fresh`).
    """
    from agents.extract.extractor import load_nlp

    nlp = load_nlp()
    if not res.pipe_names:
        res.pipe_names = " > ".join(nlp.pipe_names)
        res.pipe_batch = nlp.batch_size
        list(nlp.pipe(texts[:8]))  # warm up
    start = time.perf_counter()
    for _ in nlp.pipe(texts):
        pass
    return len(texts) / (time.perf_counter() - start)


def measure_pipe_fresh(texts: Sequence[str], partitions: int, workdir: Path) -> float:
    """Raw ``nlp.pipe`` over ``texts`` in a fresh process, after the worker's warm-up texts; docs/s.

    The basis of the end-to-end ratio: each round's worker is a fresh process that reads the same warm-up
    articles and then each timed article for the first time, and so does this (bench_extraction.pipe_first_pass).
    """
    path = workdir / "pipe-texts.json"
    path.write_text(json.dumps(list(texts)), encoding="utf-8")
    code = f"from bench.bench_extraction import pipe_first_pass; pipe_first_pass({str(path)!r}, {partitions})"
    # Run where this very `bench` package is importable from (as measure_memory does).
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"raw nlp.pipe in a fresh process failed: {done.stderr.strip()[-2000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def measure_cluster(cfg: BenchConfig, res: Results, say: Callable[[str], None]) -> None:
    """bench/bench_cluster.py's measurement: every dev file through a fresh index, best of ``cluster_repeat``."""
    from agents.cluster.index import ClusterSettings
    from bench.bench_cluster import build, load_extractions, throughput

    names = ["gvc-dev"] if cfg.rounds == 1 and cfg.articles <= 50 else ["ecbplus-dev", "gvc-dev", "uci-headlines-dev"]
    files = [cfg.eval_dir / f"{n}.jsonl" for n in names if (cfg.eval_dir / f"{n}.jsonl").exists()]
    if not files:
        _skip(res, say, "cluster", f"no labeled dev files ({', '.join(names)}) in {cfg.eval_dir}")
        return
    say(f"clustering: extractions of {', '.join(f.name for f in files)} (cached in {cfg.cache_dir})")
    loaded = {f.stem: load_extractions(f, cfg.cache_dir) for f in files}
    settings = ClusterSettings()
    res.cluster_build = build()
    for name, exts in loaded.items():
        res.cluster[name] = throughput(name, exts, cfg.cluster_repeat, settings)
    everything = [e for exts in loaded.values() for e in exts]
    if len(loaded) > 1:
        res.cluster["all files, in turn"] = throughput("all files, in turn", everything, cfg.cluster_repeat, settings)


def measure_memory(cfg: BenchConfig, res: Results, say: Callable[[str], None]) -> None:
    """bench/bench_memory.py in a fresh process (its RSS is the measurement)."""
    from bench.bench_memory import FILES

    missing = [name for name in FILES if not (cfg.eval_dir / f"{name}.jsonl").exists()]
    if missing:
        _skip(res, say, "memory", f"no labeled dev files ({', '.join(missing)}) in {cfg.eval_dir}")
        return
    say(f"memory: building {cfg.memory_stories:,} stories in a fresh process (spaCy loaded, as in a worker)")
    cmd = [sys.executable, "-m", "bench.bench_memory", "--stories", str(cfg.memory_stories), "--json"]
    cmd += ["--cache-dir", str(cfg.cache_dir), "--eval-dir", str(cfg.eval_dir)]
    # -m puts the working directory first on sys.path: run where this very `bench` package is importable from.
    done = subprocess.run(cmd, cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True)
    if done.returncode != 0:
        res.errors.append(f"memory: bench_memory.py failed: {done.stderr.strip().splitlines()[-1:]}")
        return
    res.memory = json.loads(done.stdout.strip().splitlines()[-1])


def measure_story(cfg: BenchConfig, res: Results, say: Callable[[str], None]) -> None:
    """bench/bench_story.py's measurement: one more article's cost as one story grows."""
    from bench.bench_story import FILES, measure

    missing = [name for name in FILES if not (cfg.eval_dir / f"{name}.jsonl").exists()]
    if missing:
        _skip(res, say, "story", f"no labeled dev files ({', '.join(missing)}) in {cfg.eval_dir}")
        return
    say(f"story stage: one story grown to {max(cfg.story_sizes)} articles")
    res.story = measure(list(cfg.story_sizes), cfg.cache_dir, cfg.eval_dir)


def _skip(res: Results, say: Callable[[str], None], part: str, why: str) -> None:
    """A part that cannot run here: say so, note it in the report, go on with the others."""
    from bench.paths import EVAL_FILES_HINT

    res.skipped.append(f"{part}: {why}")
    say(f"{part}: skipped, {why} (needs {EVAL_FILES_HINT})")


def run(cfg: BenchConfig, say: Callable[[str], None] | None = None) -> str:
    """Run the selected parts; write and return the markdown report."""
    from agents.extract.extractor import parsed_text
    from bench.bench_e2e import article_messages, percentile, run_latency, run_throughput
    from bench.bench_extraction import default_paths, read_articles

    say = say or Progress()
    parts = set(cfg.parts)
    facts = machine_facts()
    res = Results()
    paths = default_paths(cfg.eval_dir)
    articles = read_articles(paths, cfg.articles)
    texts = [parsed_text(a) for a in articles]
    res.words = sum(len(t.split()) for t in texts) / max(1, len(texts))
    res.articles = len(articles)
    res.source = "dev" if all(p.parent == cfg.eval_dir for p in paths) else "example"
    where = "" if res.source == "dev" else f" (no dev files in {cfg.eval_dir})"
    say(
        f"{len(articles)} {res.source} articles{where} (~{res.words:.0f} words); "
        f"parts: {', '.join(p for p in ALL_PARTS if p in parts)}"
    )

    need_pipe = bool(parts & {"pipe", "e2e"})
    need_one = bool(parts & {"e2e", "scaling"})
    for r in range(1, cfg.rounds + 1 if (need_pipe or need_one) else 1):
        tag = f"#r{r}-{int(time.time())}"
        if need_pipe:
            with tempfile.TemporaryDirectory(prefix="storywire-bench-") as tmp:
                res.pipe.append(measure_pipe_fresh(texts, cfg.partitions, Path(tmp)))
            res.pipe_again.append(measure_pipe(texts, res))
            say(
                f"round {r}/{cfg.rounds}: raw nlp.pipe {res.pipe[-1]:.1f} docs/s in a fresh process, "
                f"{res.pipe_again[-1]:.1f} docs/s on texts read before"
            )
        if need_one:
            one = run_throughput(
                article_messages(articles, tag + "a"), workers=1, partitions=cfg.partitions, progress=say
            )
            res.one.append(one)
            say(f"round {r}/{cfg.rounds}: end-to-end, 1 worker: {one.rate:.2f} articles/s ({one.reflected}/{one.n})")
        if "e2e" in parts:
            with _env(STORYWIRE_EXTRACT_PROCESSES="1"):
                pooled = run_throughput(
                    article_messages(articles, tag + "p"), workers=1, partitions=cfg.partitions, progress=say
                )
            res.one_pool.append(pooled)
            say(f"round {r}/{cfg.rounds}: end-to-end, 1 worker, extraction process: {pooled.rate:.2f} articles/s")
        if "scaling" in parts:
            two = run_throughput(
                article_messages(articles, tag + "b"), workers=2, partitions=cfg.partitions, progress=say
            )
            res.two.append(two)
            say(f"round {r}/{cfg.rounds}: end-to-end, 2 workers: {two.rate:.2f} articles/s ({two.reflected}/{two.n})")

    if "latency" in parts:
        if res.one:
            res.latency_rate = _median([o.rate for o in res.one]) / 2
            res.latency_basis = "half the median end-to-end maximum of (2)"
        else:
            res.latency_rate = measure_pipe(texts, res) * 0.8 / 2
            res.latency_basis = "(2) not run: half of 0.8 × raw nlp.pipe"
        lat_articles = read_articles(paths, cfg.latency_articles)
        msgs = article_messages(lat_articles, f"#lat-{int(time.time())}")
        say(f"latency: {len(msgs)} articles at {res.latency_rate:.2f}/s")
        res.latency = run_latency(msgs, res.latency_rate, partitions=cfg.partitions, progress=say)
        lat = res.latency.latencies
        say(f"latency: p50 {percentile(lat, 50):.2f} s, p99 {percentile(lat, 99):.2f} s")
    if "cluster" in parts:
        measure_cluster(cfg, res, say)
    if "memory" in parts:
        measure_memory(cfg, res, say)
        if res.memory:
            say(f"memory: RSS {res.memory['rss_mib']:,.0f} MiB with {res.memory['stories']:,.0f} stories")
    if "story" in parts:
        measure_story(cfg, res, say)
        if res.story:
            say("story stage: " + ", ".join(f"{r['ms_per_article']:,.0f} ms at {n}" for n, r in res.story.items()))
    facts["load_end"] = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    report = render(cfg, facts, res)
    cfg.out.parent.mkdir(parents=True, exist_ok=True)
    cfg.out.write_text(report, encoding="utf-8")
    say(f"written to {cfg.out}")
    return report


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**not met**")


def _rounds(xs: Sequence[float], fmt: str = "{:.1f}") -> str:
    return ", ".join(fmt.format(x) for x in xs)


def _ratio_again(res: Results, runs: Sequence[E2EResult]) -> str:
    """The same ratio to (1w), for comparison with the reports before (1) ran in a fresh process."""
    if len(res.pipe_again) != len(runs):
        return ""
    ratios = [o.rate / p for o, p in zip(runs, res.pipe_again, strict=True)]
    return f"; to (1w): {_median(ratios):.2f}"


def table(cfg: BenchConfig, res: Results) -> list[str]:
    """The results table (markdown lines)."""
    from bench.bench_e2e import percentile

    rows = ["| # | measure | result | goal | |", "|---|---|---|---|---|"]
    n = res.articles or cfg.articles
    if res.pipe:
        rows.append(
            f"| 1 | raw `nlp.pipe`, the extractor's pipeline, {n} {res.source} articles (~{res.words:.0f} words), "
            f"in a fresh process as each worker is "
            f"| **{_median(res.pipe):.1f} docs/s** (rounds: {_rounds(res.pipe)}) | — | |"
        )
    if res.pipe_again:
        rows.append(
            f"| 1w | as (1), in one process that has read the texts before (rounds 2 on) "
            f"| {_median(res.pipe_again):.1f} docs/s (rounds: {_rounds(res.pipe_again)}) | — | |"
        )
    if res.one:
        rates = [o.rate for o in res.one]
        line = f"| 2 | end-to-end articles → story-updates, 1 worker, {cfg.partitions} partitions, {n} articles "
        line += f"| **{_median(rates):.1f} articles/s** (rounds: {_rounds(rates)})"
        ok: bool | None = None
        if res.pipe and len(res.pipe) == len(res.one):
            ratios = [o.rate / p for o, p in zip(res.one, res.pipe, strict=True)]
            ok = _median(ratios) >= 0.85
            line += f"; **ratio to (1): {_median(ratios):.2f}** (rounds: {_rounds(ratios, '{:.2f}')})"
            line += _ratio_again(res, res.one)
        lost = sum(o.n - o.reflected for o in res.one)
        dead = sum(o.dead for o in res.one)
        line += f"; {dead} dead-lettered, {lost} missing | ratio ≥ 0.85 | {_verdict(ok)} |"
        rows.append(line)
    if res.one_pool:
        rates = [o.rate for o in res.one_pool]
        line = "| 2b | as (2) with `STORYWIRE_EXTRACT_PROCESSES=1` (spaCy in an extraction process) "
        line += f"| **{_median(rates):.1f} articles/s** (rounds: {_rounds(rates)})"
        if res.pipe and len(res.pipe) == len(res.one_pool):
            ratios = [o.rate / p for o, p in zip(res.one_pool, res.pipe, strict=True)]
            line += f"; ratio to (1): {_median(ratios):.2f} (rounds: {_rounds(ratios, '{:.2f}')})"
            line += _ratio_again(res, res.one_pool)
        lost = sum(o.n - o.reflected for o in res.one_pool)
        line += f"; {sum(o.dead for o in res.one_pool)} dead-lettered, {lost} missing | — | |"
        rows.append(line)
    if res.latency is not None:
        lat = res.latency.latencies
        rows.append(
            f"| 3 | latency article → first story update listing it, at {res.latency_rate:.1f} articles/s "
            f"({res.latency_basis}), {res.latency.n} articles | **p50 {percentile(lat, 50):.2f} s, "
            f"p99 {percentile(lat, 99):.2f} s** (max {max(lat, default=float('nan')):.2f} s; "
            f"{res.latency.reflected}/{res.latency.n} reflected) | — | |"
        )
    if res.cluster:
        per_file = {k: v for k, v in res.cluster.items() if k != "all files, in turn"}
        slowest = min(per_file.values())
        detail = ", ".join(f"{k} {v:,.0f}" for k, v in res.cluster.items())
        rows.append(
            f"| 4 | clustering stage alone (`StoryIndex.assign`, {res.cluster_build}, extraction cached), "
            f"best of {cfg.cluster_repeat} "
            f"| **{slowest:,.0f} articles/s** on the slowest file ({detail}) | ≥ 2,000 | {_verdict(slowest >= 2000)} |"
        )
    if res.two:
        rates = [t.rate for t in res.two]
        ratios = [t.rate / o.rate for t, o in zip(res.two, res.one, strict=False) if o.rate > 0]
        rows.append(
            f"| 5 | two workers / one, {cfg.partitions} partitions, {n} articles | **{_median(ratios):.2f}×** "
            f"(2 workers: {_median(rates):.1f} articles/s; round ratios: {_rounds(ratios, '{:.2f}')}) "
            f"| ≥ 1.6 on 2 cores | {_verdict(_median(ratios) >= 1.6)} |"
        )
    if res.memory:
        m = res.memory
        total = m.get("total_rss_mib", m["rss_mib"])
        spacy_where = (
            f" + its extraction process (spaCy) {m['extraction_rss_mib']:,.0f} MiB = **{total:,.0f} MiB**"
            if m.get("extraction_rss_mib")
            else " (spaCy loaded in it)"
        )
        rows.append(
            f"| 6 | RSS of a worker holding {m['stories']:,.0f} stories (memory:// store: index, cluster-index "
            f"and stories tables; spaCy) | worker process **{m['rss_mib']:,.0f} MiB**"
            f"{spacy_where} (peak {m['peak_mib']:,.0f}; {m['baseline_mib']:,.0f} before the stories; per story "
            f"{m['per_story_kib']:.1f} KiB = index {m['index_kib']:.1f} + cluster-index table "
            f"{m['profiles_kib']:.1f} + stories table {m['states_kib']:.1f}; with rocksdb:// tables the worker "
            f"process ~{m['rss_rocksdb_mib']:,.0f} MiB; {m.get('distinct_features', 0):,.0f} distinct features "
            f"in the index) "
            f"| < 1,024 MiB at 100k | {_verdict(total < 1024 if m['stories'] >= 100_000 else None)} |"
        )
    if res.story:
        sizes = "; ".join(
            f"{n:,} articles: {r['ms_per_article']:,.0f} ms, state {r['state_bytes'] / 1024:,.0f} KB, "
            f"update {r['update_bytes'] / 1024:,.0f} KB"
            for n, r in res.story.items()
        )
        fits = all(
            r["ms_per_article"] <= 30 and r["state_bytes"] <= 1024 * 1024 and r["update_bytes"] <= 256 * 1024
            for r in res.story.values()
        )
        rows.append(
            f"| 7 | story stage as one story grows (`apply_article`): median ms for one more article, saved state, "
            f"update sent | {sizes} | ≤ 30 ms, ≤ 1 MB, ≤ 256 KB | {_verdict(fits)} |"
        )
    return rows


def render(cfg: BenchConfig, facts: dict[str, str], res: Results) -> str:
    """The whole markdown report."""
    lines = [
        "# storywire benchmarks",
        "",
        f"Measured {facts['date']} on {facts['cpu']}, {facts['cores']} cores, {facts['ram']} RAM, "
        f"Python {facts['python']}, spaCy {facts['spacy']}, git {facts['git']}.",
        "",
        f"Command: `{cfg.command}`",
        "",
        f"Load average (1/5/15 min) at the start: {facts['load']}; at the end: {facts['load_end']}. The machine is "
        "shared with other sessions running tests: absolute numbers are noisy; (1), (2) and (5) alternate round by "
        f"round ({cfg.rounds} round{'s' if cfg.rounds != 1 else ''}), and the ratios are medians of per-round ratios.",
        "",
        *table(cfg, res),
        "",
        "How each is measured:",
        "",
        f"- (1) `load_nlp()` pipeline ({res.pipe_names or 'not run'}), `nlp.pipe` at spaCy's default batch size "
        f"({res.pipe_batch or '—'}), texts interleaved from ecbplus-dev and gvc-dev (fallback: examples/); "
        "in a fresh process per round that first reads the warm-up articles' texts, as each round's worker does, so "
        "that both read every timed text for the first time. (1w) is the same pass in the bench's own process, where "
        "from round 2 on spaCy's vocabulary and lemma cache already hold every word of the texts: the basis of the "
        "ratio up to session 14, which favoured the raw pass.",
        "- (2)/(2b)/(5) fresh embedded broker + `storywire worker` process(es) per round, readiness = one warm-up "
        "article per partition reflected (start-up not timed); all articles produced up front; time from the first "
        "send until every article is listed in a story update's sources or dead-lettered (read from the output "
        "topics).",
        "- (3) one worker, input at a fixed rate; per article, its send time to the first story update listing it.",
        "- (4) bench/bench_cluster.py's `throughput` on the dev files in file order, fresh index per run; "
        "agents.cluster.index as `make install` builds it (compiled with mypyc where a C compiler exists).",
        "- (6) bench/bench_memory.py in a fresh process: one story per article (dev extractions cycled), a lower "
        "bound per story; each later pass over the articles renames a share of their names, figures and lemmas so "
        "that the vocabulary grows as Heaps' law fitted on the dev files predicts (real news keeps bringing new "
        "names); VmRSS after `gc.collect()`; spaCy and the headline encoder loaded in that process, as the "
        "worker's default (STORYWIRE_EXTRACT_PROCESSES=0) does.",
        "- (7) bench/bench_story.py: dev articles folded into one story in arrival order, a minute apart; median "
        "time of the five articles around each size.",
    ]
    if res.skipped:
        lines += ["", "Skipped:", "", *(f"- {s}" for s in res.skipped)]
    if res.errors:
        lines += ["", "Errors:", "", *(f"- {e}" for e in res.errors)]
    return "\n".join(lines) + "\n"


def parse_parts(only: str) -> tuple[str, ...]:
    """``--only e2e,latency`` → the parts, checked."""
    if not only.strip():
        return ALL_PARTS
    parts = tuple(p.strip() for p in only.split(",") if p.strip())
    unknown = [p for p in parts if p not in ALL_PARTS]
    if unknown:
        raise ValueError(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(ALL_PARTS)}")
    return parts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one round (a smoke run)")
    parser.add_argument("--only", default="", help=f"comma-separated parts: {','.join(ALL_PARTS)}")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--articles", type=int)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    prog = ["python", "-m", "bench.run_bench"] if __package__ else ["bench/run_bench.py"]
    kw: dict[str, object] = {"parts": parse_parts(args.only), "command": shlex.join([*prog, *sys.argv[1:]])}
    for name in ("rounds", "articles", "out"):
        if getattr(args, name) is not None:
            kw[name] = getattr(args, name)
    cfg = BenchConfig.quick(**kw) if args.quick else BenchConfig(**kw)  # type: ignore[arg-type]
    print(run(cfg))
    return 0


if __name__ == "__main__":
    if not __package__:  # run as a file (python bench/run_bench.py): `bench` is imported from the checkout
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
