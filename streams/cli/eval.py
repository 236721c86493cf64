"""``storywire cluster`` and ``storywire eval``: the clustering pipeline over a JSONL file, in process."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from agents.cluster.index import ClusterSettings
from schemas.article import ArticleError

__all__ = ["cluster", "eval_cmd"]

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _settings(overrides: tuple[str, ...]) -> tuple[ClusterSettings, str, int]:
    """Cluster settings from STORYWIRE_CLUSTER__* (via the app settings), then ``--set key=value``."""
    from streams.settings import Settings

    try:
        app = Settings()
    except Exception as exc:  # pydantic ValidationError: say which variable is wrong
        raise click.ClickException(f"invalid STORYWIRE_* setting: {exc}") from exc
    values: dict[str, Any] = app.cluster.model_dump()
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or key not in values:
            known = ", ".join(sorted(values))
            raise click.BadParameter(f"{item!r}: expected KEY=VALUE with KEY one of {known}", param_hint="--set")
        values[key] = value
    try:
        return ClusterSettings.model_validate(values), app.model, app.extract_batch_size
    except Exception as exc:
        raise click.BadParameter(str(exc), param_hint="--set") from exc


def _warn(path: Path) -> Any:
    def warn(lineno: int, err: ArticleError) -> None:
        click.echo(f"warning: {path}:{lineno}: line skipped ({err})", err=True)

    return warn


_common = [
    click.option(
        "--workers",
        type=click.IntRange(1, 64),
        default=1,
        show_default=True,
        help="Processes that run extraction ahead (clustering stays one pass in file order).",
    ),
    click.option(
        "--cache-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Keep extractions of the file here and reuse them (when the file and extractor are unchanged).",
    ),
    click.option(
        "--set",
        "overrides",
        multiple=True,
        metavar="KEY=VALUE",
        help="Override a cluster setting, e.g. --set threshold=0.3 (repeatable).",
    ),
    click.option("--no-progress", is_flag=True, help="Do not show the progress bar."),
]


def _with_common(f: Any) -> Any:
    for opt in reversed(_common):
        f = opt(f)
    return f


def _run_options(
    file: Path, workers: int, cache_dir: Path | None, overrides: tuple[str, ...], no_progress: bool
) -> dict[str, Any]:
    """The keyword arguments of streams.eval.clustering's runners, shared by ``cluster`` and ``eval``."""
    settings, model, batch = _settings(overrides)
    return {
        "progress": not no_progress,
        "settings": settings,
        "workers": workers,
        "model": model,
        "batch_size": batch,
        "cache_dir": cache_dir,
        "on_error": _warn(file),
    }


@click.command("cluster")
@click.argument("file", type=_FILE)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help='Write {"id", "story_id"} JSON lines here instead of stdout.',
)
@_with_common
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
@click.argument("file", type=_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on the last line.")
@_with_common
def eval_cmd(
    file: Path, as_json: bool, workers: int, cache_dir: Path | None, overrides: tuple[str, ...], no_progress: bool
) -> None:
    """Cluster FILE.jsonl and score it (B-cubed) against its 'story' labels."""
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
