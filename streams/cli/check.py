"""``storywire audit`` and ``storywire replay``: check what a pipeline made of its input, read from the topics."""

from __future__ import annotations

import sys

import click

from streams.cli.common import load_settings

__all__ = ["audit", "replay"]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of a table.")
def audit(as_json: bool) -> None:
    """Per input partition: articles consumed, assigned to a story, dead-lettered, and the offsets missing."""
    from rich.console import Console
    from rich.table import Table

    from streams.kafka.audit import audit_topics
    from streams.kafka.clients import KafkaUnavailable

    try:
        report = audit_topics(load_settings())
    except KafkaUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(report.to_json())
    else:
        table = Table(title="articles: what happened to every record")
        for col in ("partition", "consumed", "assigned", "dead-lettered", "missing offsets"):
            table.add_column(col, justify="right")
        for p in report.partitions:
            missing = ", ".join(map(str, p.missing[:20])) + (" …" if len(p.missing) > 20 else "")
            table.add_row(str(p.partition), str(p.consumed), str(p.assigned), str(p.dead_lettered), missing or "-")
        console = Console()
        console.print(table)
        console.print(
            f"{report.stories} stories hold {report.articles_in_stories} articles; "
            f"not in any story: {len(report.not_in_any_story)}; in several: {len(report.in_several_stories)}"
        )
        console.print("[green]complete[/green]" if report.complete else "[red]incomplete[/red]")
    if not report.complete:
        sys.exit(1)


@click.command()
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=600.0,
    show_default=True,
    help="Seconds to wait for the replay to reach the end of the input before giving up.",
)
def replay(timeout: float) -> None:
    """Re-run the pipeline from offset 0 into fresh output topics and compare with the original stream."""
    from streams.kafka.clients import KafkaUnavailable
    from streams.kafka.replay import run_replay

    try:
        report = run_replay(load_settings(), timeout=timeout)
    except (KafkaUnavailable, RuntimeError, TimeoutError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"original: {report.original_stories} stories; replay: {report.replayed_stories} stories")
    for line in report.differences[:50]:
        click.echo(f"  {line}")
    if report.equal:
        click.echo("equal: same story ids, versions and contents")
    else:
        click.echo(f"DIFFERENT: {len(report.differences)} differences")
        sys.exit(1)
