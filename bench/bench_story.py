"""Story stage alone: the cost of one more article as a story grows (``agents.story.state.apply_article``).

The story stage rebuilds a story from the articles in its window and the tallies of those folded out of it
(agents/story/fold.py), so a story of thousands of articles must cost about what one of a few dozen does, and
keep its saved state and its updates small. This folds dev articles (extractions cached, as
bench/bench_cluster.py caches them) into one story in arrival order, each stamped a minute after the one before as
a live feed would (past the files' size they come round again under new ids), and prints, at each size, the
median time of the articles around it (nine, folding steps among them), the saved state and the last update sent
(bytes of JSON, as the changelog and the story-updates topic carry them).

    .venv/bin/python -m bench.bench_story                   # sizes 200, 1,000, 5,000
    .venv/bin/python bench/bench_story.py --sizes 200,1000,5000,20000 --json   # + a JSON line keyed by size
    .venv/bin/python -m bench.bench_story --against 80b50e2 --sizes 25,50,100   # the same at another revision

(``.venv/bin/python bench/bench_story.py`` works too; ``--against`` needs a git checkout.)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schemas import ArticleExtraction

ROOT = Path(__file__).resolve().parents[1]  # the checkout (for --against)

FILES = ("ecbplus-dev", "gvc-dev")
WINDOW = 9  # articles timed around each size


def _stream(extractions: list[ArticleExtraction], count: int) -> Iterator[tuple[int, ArticleExtraction]]:
    """``count`` articles of one live story: the dev articles in order, each a minute after the one before; past
    the files' size they come round again under new ids (``<id>~2``, ...), as follow-ups that repeat old text."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(1, count + 1):
        ex = extractions[(n - 1) % len(extractions)]
        lap = (n - 1) // len(extractions)
        article = ex.article.model_copy(
            update={"published": start + timedelta(minutes=n), **({"id": f"{ex.article.id}~{lap + 1}"} if lap else {})}
        )
        yield n, ex.model_copy(update={"article": article})


def measure(sizes: list[int], cache_dir: Path, eval_dir: Path) -> dict[int, dict[str, float]]:
    """For each size: the median milliseconds of ``apply_article`` for the articles that bring one story to it,
    and the sizes of the state saved and the update sent there (bytes of JSON, as the changelog and topic carry
    them)."""
    from agents.story.state import StorySettings, apply_article
    from bench.bench_cluster import load_extractions

    paths = [eval_dir / f"{name}.jsonl" for name in FILES]
    if not all(p.exists() for p in paths):
        raise SystemExit(f"the dev files {', '.join(FILES)} are not in {eval_dir} (../shared/eval): nothing to measure")
    extractions = [e for path in paths for e in load_extractions(path, cache_dir)]
    around = {size: range(size - WINDOW // 2, size + WINDOW // 2 + 1) for size in sizes}  # the articles timed
    need = max(sizes) + WINDOW // 2
    settings = StorySettings()
    timed = {n for ns in around.values() for n in ns}
    took: dict[int, float] = {}
    sizes_at: dict[int, tuple[int, int]] = {}
    state = None
    last_update = None
    for n, ex in _stream(extractions, need):
        t = time.perf_counter()
        step = apply_article(state, "s-bench", ex, settings)
        elapsed = (time.perf_counter() - t) * 1000
        state = step.state
        last_update = step.update or last_update
        if n in timed:
            took[n] = elapsed
        if n in around:
            sizes_at[n] = (len(state.model_dump_json()), len(last_update.model_dump_json()) if last_update else 0)
    return {
        size: {
            "ms_per_article": round(statistics.median(took[n] for n in around[size]), 2),
            "state_bytes": sizes_at[size][0],
            "update_bytes": sizes_at[size][1],
        }
        for size in sizes
    }


def per_article_ms(sizes: list[int], cache_dir: Path, eval_dir: Path) -> dict[int, float]:
    """Median milliseconds of ``apply_article`` for the articles that bring one story to each size."""
    return {size: row["ms_per_article"] for size, row in measure(sizes, cache_dir, eval_dir).items()}


def at_revision(rev: str, sizes: list[int], cache_dir: Path, eval_dir: Path) -> dict[int, float]:
    """The same measurement run by the code of git revision ``rev`` (a temporary worktree, a child process)."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev], check=True,
                       capture_output=True)  # fmt: skip
        try:
            (tree / "bench" / "bench_story.py").write_text(Path(__file__).read_text())
            env = {**os.environ, "PYTHONPATH": str(tree)}
            cmd = [sys.executable, str(tree / "bench" / "bench_story.py"), "--sizes", ",".join(map(str, sizes)),
                   "--cache-dir", str(cache_dir), "--eval-dir", str(eval_dir), "--raw"]  # fmt: skip
            done = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"measuring {rev} failed:\n{done.stderr}")
            out = done.stdout
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    return {int(k): float(v) for k, v in (line.split() for line in out.strip().splitlines())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="200,1000,5000", help="story sizes (articles), comma-separated")
    parser.add_argument("--against", metavar="REV", help="also measure git revision REV (in a temporary worktree)")
    parser.add_argument("--json", action="store_true", help="also print one JSON object keyed by size, last line")
    parser.add_argument("--cache-dir", type=Path, default=None, help="extraction cache (default: bench/paths.py)")
    parser.add_argument("--eval-dir", type=Path, default=None, help="where the dev files are (default: bench/paths.py)")
    parser.add_argument("--raw", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cache_dir is None or args.eval_dir is None:  # (--raw, run at an old revision, is given both)
        from bench.paths import cache_dir, eval_dir

        args.cache_dir = args.cache_dir or cache_dir()
        args.eval_dir = args.eval_dir or eval_dir()
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    if args.raw:
        for size, ms in per_article_ms(sizes, args.cache_dir, args.eval_dir).items():
            print(size, ms)
        return
    now = measure(sizes, args.cache_dir, args.eval_dir)
    old = at_revision(args.against, sizes, args.cache_dir, args.eval_dir) if args.against else {}
    head = "| story size (articles) | ms for one more article (median) | saved state | update sent |"
    print(head + (f" ms at {args.against} | ×faster |" if old else ""))
    print("|---|---|---|---|" + ("---|---|" if old else ""))
    for size in sizes:
        row = now[size]
        line = (
            f"| {size:,} | {row['ms_per_article']:,.1f} | {row['state_bytes'] / 1024:,.0f} KB "
            f"| {row['update_bytes'] / 1024:,.0f} KB |"
        )
        if old:
            line += f" {old[size]:,.0f} | {old[size] / row['ms_per_article']:.1f} |"
        print(line)
    print("targets: ≤ 30 ms, state ≤ 1 MB (1,024 KB), update ≤ 256 KB, at every size")
    if args.json:
        print(json.dumps({str(size): now[size] for size in sizes}))


if __name__ == "__main__":
    if not __package__:  # run as a file (python bench/bench_story.py): `bench` is imported from the checkout
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
