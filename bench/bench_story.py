"""Story stage alone: the cost of one more article as a story grows (``agents.story.state.apply_article``).

The story stage rebuilds a story's summary, events and entities on every new article, so its cost per article
grows with the story; a breaking story of hundreds of articles must not stall its partition. This folds dev
articles (extractions cached, as bench/bench_cluster.py caches them) into one story in arrival order, each
stamped a minute after the one before as a live feed would, and prints the time of the articles that bring the
story to each size (median of five around it).

    .venv/bin/python -m bench.bench_story                   # sizes 25, 50, 100, 200
    .venv/bin/python -m bench.bench_story --sizes 25,100,400
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the checkout (for --against)

FILES = ("ecbplus-dev", "gvc-dev")
WINDOW = 5  # articles timed around each size


def measure(sizes: list[int], cache_dir: Path, eval_dir: Path) -> dict[int, dict[str, float]]:
    """Per size: the median milliseconds of ``apply_article`` for the articles that bring one story to it, and the
    story's saved state (the ``stories`` table's JSON) and last ``StoryUpdate`` (JSON) in bytes at that size.

    Past the dev files' size the articles repeat under new ids (``-r1``, ``-r2``, ...), still a minute apart."""
    from agents.story.state import StorySettings, apply_article
    from bench.bench_cluster import load_extractions

    paths = [eval_dir / f"{name}.jsonl" for name in FILES]
    if not all(p.exists() for p in paths):
        raise SystemExit(f"the dev files {', '.join(FILES)} are not in {eval_dir} (../shared/eval): nothing to measure")
    extractions = [e for path in paths for e in load_extractions(path, cache_dir)]
    around = {size: range(size - WINDOW // 2, size + WINDOW // 2 + 1) for size in sizes}  # the articles timed
    need = max(sizes) + WINDOW // 2
    start = datetime(2026, 1, 1, tzinfo=UTC)
    settings = StorySettings()
    timed = {n for ns in around.values() for n in ns}
    took: dict[int, float] = {}
    out: dict[int, dict[str, float]] = {}
    state = None
    last_update = None
    for n in range(1, need + 1):
        ex = extractions[(n - 1) % len(extractions)]
        turn = (n - 1) // len(extractions)
        article = ex.article.model_copy(
            update={"published": start + timedelta(minutes=n), **({"id": f"{ex.article.id}-r{turn}"} if turn else {})}
        )
        stamped = ex.model_copy(update={"article": article})
        t = time.perf_counter()
        step = apply_article(state, "s-bench", stamped, settings)
        elapsed = (time.perf_counter() - t) * 1000
        state = step.state
        last_update = step.update or last_update
        if n in timed:
            took[n] = elapsed
        if n in around and state is not None:
            out[n] = {
                "state_bytes": len(state.model_dump_json().encode()),
                "update_bytes": len(last_update.model_dump_json().encode()) if last_update is not None else 0,
            }
    for size in sizes:
        out[size]["ms_per_article"] = round(statistics.median(took[n] for n in around[size]), 2)
    return {size: out[size] for size in sizes}


def per_article_ms(sizes: list[int], cache_dir: Path, eval_dir: Path) -> dict[int, float]:
    """Median milliseconds of ``apply_article`` for the articles that bring one story to each size."""
    return {size: m["ms_per_article"] for size, m in measure(sizes, cache_dir, eval_dir).items()}


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
    parser.add_argument("--sizes", default="25,50,100,200", help="story sizes (articles), comma-separated")
    parser.add_argument("--against", metavar="REV", help="also measure git revision REV (in a temporary worktree)")
    parser.add_argument("--cache-dir", type=Path, default=None, help="extraction cache (default: bench/paths.py)")
    parser.add_argument("--eval-dir", type=Path, default=None, help="where the dev files are (default: bench/paths.py)")
    parser.add_argument("--json", action="store_true", help="also print one JSON object keyed by size (last line)")
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
    measured = measure(sizes, args.cache_dir, args.eval_dir)
    now = {size: m["ms_per_article"] for size, m in measured.items()}
    old = at_revision(args.against, sizes, args.cache_dir, args.eval_dir) if args.against else {}
    print(
        "| story size (articles) | ms for one more article | saved state | StoryUpdate |"
        + (f" at {args.against} | ×faster |" if old else "")
    )
    print("|---|---|---|---|" + ("---|---|" if old else ""))
    for size in sizes:
        m = measured[size]
        row = (
            f"| {size:,} | {now[size]:,.1f} | {m['state_bytes'] / 1000:,.0f} KB | {m['update_bytes'] / 1000:,.0f} KB |"
        )
        if old:
            row += f" {old[size]:,.0f} | {old[size] / now[size]:.1f} |"
        print(row)
    if args.json:
        print(json.dumps({str(size): measured[size] for size in sizes}))


if __name__ == "__main__":
    if not __package__:  # run as a file (python bench/bench_story.py): `bench` is imported from the checkout
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
