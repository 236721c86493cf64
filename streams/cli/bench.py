"""``storywire bench``: the benchmarks of the ``bench`` package (bench.run_bench), a markdown table.

The report goes to bench/results.md in a source checkout, else to ./bench-results.md (bench/paths.py).
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

__all__ = ["bench"]


@click.command("bench")
@click.option("--quick", is_flag=True, help="Small sizes and one round: a smoke run of every part.")
@click.option(
    "--only",
    default="",
    metavar="PARTS",
    help="Comma-separated parts to run: pipe,e2e,latency,cluster,scaling,memory,story (default: all).",
)
@click.option("--rounds", type=int, help="Alternating rounds of pipe / e2e / scaling (default 5, quick 1).")
@click.option("--articles", "-n", type=int, help="Dev articles per throughput round (default 200, quick 40).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report file (default bench/results.md in a source checkout, else ./bench-results.md).",
)
def bench(quick: bool, only: str, rounds: int | None, articles: int | None, out: Path | None) -> None:
    """Throughput against raw spaCy, latency, clustering, scaling, memory and the story stage; a markdown table."""
    from bench.run_bench import BenchConfig, parse_parts, run

    try:
        parts = parse_parts(only)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--only") from exc
    kw: dict[str, object] = {"parts": parts, "command": shlex.join(["storywire", "bench", *sys.argv[2:]])}
    for name, value in (("rounds", rounds), ("articles", articles), ("out", out)):
        if value is not None:
            kw[name] = value
    cfg = BenchConfig.quick(**kw) if quick else BenchConfig(**kw)  # type: ignore[arg-type]
    click.echo(run(cfg))
