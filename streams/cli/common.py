"""Plumbing shared by the CLI modules: settings with a readable error, a watcher that stops on Ctrl-C, and the
arguments and options of the in-process clustering commands (``cluster``, ``eval``, ``eval-events``).

Kept light to import (no pydantic, NumPy or spaCy at module level): every command module imports it, and
``storywire --help`` imports every command module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from agents.cluster.index import ClusterSettings
    from schemas.article import ArticleError
    from streams.kafka.watch import OutputWatcher
    from streams.settings import Settings

__all__ = [
    "CLUSTER_OPTIONS",
    "FILE",
    "cluster_settings",
    "load_settings",
    "skipped_line_warner",
    "watching",
    "with_cluster_options",
]

F = TypeVar("F", bound=Callable[..., Any])

# An existing file argument, given to the command as a Path.
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def load_settings() -> Settings:
    """The settings from the environment, or a one-line error naming the bad STORYWIRE_* variable."""
    from streams.settings import Settings

    try:
        return Settings()
    except Exception as exc:  # pydantic ValidationError: show which variable is wrong
        raise click.ClickException(f"invalid STORYWIRE_* setting: {exc}") from exc


@contextmanager
def watching(settings: Settings) -> Iterator[OutputWatcher]:
    """An output watcher for a live command: a clear error without a broker, a quiet exit on Ctrl-C."""
    from streams.kafka.clients import KafkaUnavailable
    from streams.kafka.watch import OutputWatcher

    try:
        watcher = OutputWatcher(settings)
    except KafkaUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        yield watcher
    except KeyboardInterrupt:
        pass
    finally:
        watcher.close()


def cluster_settings(overrides: tuple[str, ...]) -> tuple[ClusterSettings, str, int]:
    """Cluster settings from STORYWIRE_CLUSTER__* (via the app settings), then ``--set key=value``.

    Returns them with the spaCy model and the extraction batch size of the app settings.
    """
    from agents.cluster.index import ClusterSettings

    app = load_settings()
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


def skipped_line_warner(path: Path) -> Callable[[int, ArticleError], None]:
    """An ``on_error`` handler for the article-file readers: one warning on stderr per skipped line."""

    def warn(lineno: int, err: ArticleError) -> None:
        click.echo(f"warning: {path}:{lineno}: line skipped ({err})", err=True)

    return warn


# The options every in-process clustering command takes.
CLUSTER_OPTIONS = [
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


def with_cluster_options(f: F) -> F:
    """Decorator: add :data:`CLUSTER_OPTIONS` (``--workers``, ``--cache-dir``, ``--set``, ``--no-progress``)."""
    for opt in reversed(CLUSTER_OPTIONS):
        f = opt(f)
    return f
