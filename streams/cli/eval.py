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
@with_cluster_options
def eval_cmd(
    file: Path, as_json: bool, workers: int, cache_dir: Path | None, overrides: tuple[str, ...], no_progress: bool
) -> None:
    """Cluster FILE.jsonl and score it (B-cubed) against its 'story' labels."""
    from rich.console import Console
    from rich.table import Table

    from streams.eval.clustering import ArticleFileError, evaluate_file

    try:
        result = evaluate_file(file, **_run_options(file, workers, cache_dir, overrides, no_progress))
    except ArticleFileError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result))
        return
    table = Table(title=f"B-cubed on {file.name}")
    for col in ("precision", "recall", "F1", "stories", "gold stories", "articles"):
        table.add_column(col, justify="right")
    table.add_row(
        f"{result['precision']:.3f}",
        f"{result['recall']:.3f}",
        f"{result['f1']:.3f}",
        str(result["stories"]),
        str(result["gold_stories"]),
        str(result["articles"]),
    )
    Console().print(table)
