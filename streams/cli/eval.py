"""``storywire cluster`` and ``storywire eval``: the clustering pipeline over a JSONL file, in process."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from streams.cli.common import FILE, cluster_settings, skipped_line_warner, with_cluster_options

__all__ = ["cluster", "eval_cmd"]


def _run_options(
    file: Path, workers: int, cache_dir: Path | None, overrides: tuple[str, ...], no_progress: bool
) -> dict[str, Any]:
    """The keyword arguments of streams.eval.clustering's runners, shared by ``cluster`` and ``eval``."""
    settings, model, batch = cluster_settings(overrides)
    return {
        "progress": not no_progress,
        "settings": settings,
        "workers": workers,
        "model": model,
        "batch_size": batch,
        "cache_dir": cache_dir,
        "on_error": skipped_line_warner(file),
    }


@click.command("cluster")
@click.argument("file", type=FILE)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help='Write {"id", "story_id"} JSON lines here instead of stdout.',
)
@with_cluster_options
def cluster(
    file: Path, out: Path | None, workers: int, cache_dir: Path | None, overrides: tuple[str, ...], no_progress: bool
) -> None:
    """Assign every article of FILE.jsonl to a story, in file order, without a broker."""
    from streams.eval.clustering import ArticleFileError, cluster_file

    try:
        pairs = cluster_file(
            file,
            out if out is not None else sys.stdout,
            **_run_options(file, workers, cache_dir, overrides, no_progress),
        )
    except ArticleFileError as exc:
        raise click.ClickException(str(exc)) from exc
    if out is not None:
        stories = len({sid for _, sid in pairs})
        click.echo(f"{len(pairs)} articles in {stories} stories → {out}", err=True)


@click.command("eval")
@click.argument("file", type=FILE)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on the last line.")
@click.option(
    "--orders",
    type=click.IntRange(0, 1000),
    default=0,
    show_default=True,
    help="Also score N other arrival orders (dated articles shuffled within each published day, undated ones "
    "fully) and report the mean and minimum F1.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the first order (then seed+1, ...).")
@click.option(
    "--folds",
    type=click.IntRange(0, 2),
    default=0,
    help="2: also score the file's two halves (ECB+ by topic, else by story label), each as a stream of its own.",
)
@click.option(
    "--metadata",
    type=click.Choice(["blank", "fill"]),
    default=None,
    help="Score with source/url emptied on every article (blank) or given to every article (fill).",
)
@with_cluster_options
def eval_cmd(
    file: Path,
    as_json: bool,
    orders: int,
    seed: int,
    folds: int,
    metadata: str | None,
    workers: int,
    cache_dir: Path | None,
    overrides: tuple[str, ...],
    no_progress: bool,
) -> None:
    """Cluster FILE.jsonl and score it (B-cubed) against its 'story' labels."""
    from rich.console import Console
    from rich.table import Table

    from streams.eval.clustering import (
        ArticleFileError,
        evaluate_file,
        evaluate_halves,
        evaluate_orders,
        load_labeled_file,
    )

    options = _run_options(file, workers, cache_dir, overrides, no_progress)
    rows: list[tuple[str, dict[str, Any]]] = []
    try:
        if not orders and not folds and metadata is None:
            result = evaluate_file(file, **options)
        else:
            settings = options["settings"]
            loaded = load_labeled_file(
                file,
                workers=workers,
                model=options["model"],
                batch_size=options["batch_size"],
                cache_dir=cache_dir,
                on_error=options["on_error"],
                metadata=metadata,
            )
            result = loaded.score(settings)
            if metadata is not None:
                result["metadata"] = metadata
            if orders:
                result["orders"] = evaluate_orders(loaded, orders, seed, settings=settings)
                rows += [(f"order seed {seed + k}", run) for k, run in enumerate(result["orders"]["runs"])]
            if folds:
                result["folds"] = evaluate_halves(loaded, settings=settings)
                rows += [(f"half {h}", run) for h, run in enumerate(result["folds"]["halves"])]
    except ArticleFileError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result))
        return
    table = Table(title=f"B-cubed on {file.name}" + (f" (source/url: {metadata})" if metadata else ""))
    for col in ("run", "precision", "recall", "F1", "stories", "gold stories", "articles"):
        table.add_column(col, justify="right")
    for name, run in [("file order", result), *rows]:
        table.add_row(
            name,
            f"{run['precision']:.3f}",
            f"{run['recall']:.3f}",
            f"{run['f1']:.3f}",
            str(run["stories"]),
            str(run["gold_stories"]),
            str(run["articles"]),
        )
    Console().print(table)
    if orders:
        o = result["orders"]
        click.echo(
            f"{orders} orders (seeds {seed}–{seed + orders - 1}): F1 mean {o['f1_mean']:.3f}, min {o['f1_min']:.3f}"
        )
    if folds:
        click.echo(f"halves: F1 mean {result['folds']['f1_mean']:.3f}")
