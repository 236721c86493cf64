"""``storywire ingest``: send articles to the ``articles`` topic."""

from __future__ import annotations

import sys

import click
from rich.console import Console

from streams.settings import Settings

__all__ = ["ingest"]

err_console = Console(stderr=True)


def _settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic ValidationError: show which variable is wrong
        raise click.ClickException(f"invalid STORYWIRE_* setting: {exc}") from exc


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--dry-run", is_flag=True, help="Print the articles as JSON lines; send nothing.")
def ingest(paths: tuple[str, ...], dry_run: bool) -> None:
    """Send articles from files and directories (.txt, .json, .jsonl) to the articles topic."""
    from streams.ingest import dump_line, ingest_records
    from streams.kafka_io import KafkaUnavailable, make_producer
    from streams.readers import read_records

    settings = _settings()
    try:
        producer = None if dry_run else make_producer(settings)
    except KafkaUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    on_sent = (lambda _id, payload: click.echo(dump_line(payload))) if dry_run else None
    try:
        summary = ingest_records(read_records(paths), settings, producer, on_sent=on_sent)
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    for origin, reason in summary.rejected:
        err_console.print(f"[yellow]rejected[/yellow] {origin}: {reason}", highlight=False)
    err_console.print(
        f"{'would send' if dry_run else 'sent'} {summary.sent}, skipped as duplicate "
        f"{summary.duplicates}, rejected {len(summary.rejected)}"
    )
    if summary.sent == 0 and (summary.rejected or summary.duplicates):
        sys.exit(1)
