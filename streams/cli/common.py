"""Plumbing shared by the CLI modules: settings with a readable error, a watcher that stops on Ctrl-C."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from streams.settings import Settings

if TYPE_CHECKING:
    from streams.kafka.watch import OutputWatcher

__all__ = ["load_settings", "watching"]


def load_settings() -> Settings:
    """The settings from the environment, or a one-line error naming the bad STORYWIRE_* variable."""
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
