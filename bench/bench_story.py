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


def per_article_ms(sizes: list[int], cache_dir: Path, eval_dir: Path) -> dict[int, float]:
    """Median milliseconds of ``apply_article`` for the articles that bring one story to each size."""
    from agents.story.state import StorySettings, apply_article
    from bench.bench_cluster import load_extractions

    paths = [eval_dir / f"{name}.jsonl" for name in FILES]
    if not all(p.exists() for p in paths):
        raise SystemExit(f"the dev files {', '.join(FILES)} are not in {eval_dir} (../shared/eval): nothing to measure")
    extractions = [e for path in paths for e in load_extractions(path, cache_dir)]
    around = {size: range(size - WINDOW // 2, size + WINDOW // 2 + 1) for size in sizes}  # the articles timed
    need = max(sizes) + WINDOW // 2
    if len(extractions) < need:
        raise SystemExit(f"only {len(extractions)} dev articles; the largest size needs {need}")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    settings = StorySettings()
    timed = {n for ns in around.values() for n in ns}
    took: dict[int, float] = {}
    state = None
    for n, ex in enumerate(extractions[:need], 1):
        stamped = ex.model_copy(
            update={"article": ex.article.model_copy(update={"published": start + timedelta(minutes=n)})}
        )
        t = time.perf_counter()
        state = apply_article(state, "s-bench", stamped, settings).state
        if n in timed:
            took[n] = (time.perf_counter() - t) * 1000
    return {size: statistics.median(took[n] for n in around[size]) for size in sizes}


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
    now = per_article_ms(sizes, args.cache_dir, args.eval_dir)
    old = at_revision(args.against, sizes, args.cache_dir, args.eval_dir) if args.against else {}
    print("| story size (articles) | ms for one more article |" + (f" at {args.against} | ×faster |" if old else ""))
    print("|---|---|" + ("---|---|" if old else ""))
    for size in sizes:
        row = f"| {size} | {now[size]:,.0f} |"
        if old:
            row += f" {old[size]:,.0f} | {old[size] / now[size]:.1f} |"
        print(row)


if __name__ == "__main__":
    if not __package__:  # run as a file (python bench/bench_story.py): `bench` is imported from the checkout
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
