"""The ``storywire`` command line."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console

from streams.board.terminal import plural
from streams.cli.common import load_settings, watching
from streams.settings import Settings

__all__ = ["main"]

err_console = Console(stderr=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """storywire: news articles in, living story summaries out."""


@cli.command()
@click.option("--port", type=int, default=9092, show_default=True, help="Port to listen on (127.0.0.1).")
def broker(port: int) -> None:
    """Run the embedded Kafka-compatible broker (tansu, memory-only) in the foreground."""
    from streams.kafka.broker import BrokerError, EmbeddedBroker
    from streams.kafka.clients import ensure_topics

    try:
        b = EmbeddedBroker(port).start()
    except BrokerError as exc:
        raise click.ClickException(str(exc)) from exc
    settings = Settings(broker=b.kafka_url)
    ensure_topics(settings)
    click.echo(f"embedded broker on {b.bootstrap} (memory-only: everything is lost when it stops)")
    click.echo(f"use it with: export STORYWIRE_BROKER={b.kafka_url}    (Ctrl-C stops it)")
    try:
        while b.running:
            import time

            time.sleep(0.5)
        raise click.ClickException("the broker exited")
    except KeyboardInterrupt:
        pass
    finally:
        b.stop()


@cli.command()
@click.option("--loglevel", default="info", show_default=True)
@click.option("--web/--no-web", default=None, help="Serve Faust's web views (default: STORYWIRE_WEB_ENABLED).")
def worker(loglevel: str, web: bool | None) -> None:
    """Run a stream-processing worker (all agents) against STORYWIRE_BROKER."""
    import faust

    from streams.app import build_app
    from streams.kafka.clients import KafkaUnavailable, ensure_topics

    settings = load_settings()
    if web is not None:
        settings = settings.model_copy(update={"web_enabled": web})
    settings.tune_gc()
    try:
        ensure_topics(settings)
    except KafkaUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    sw = build_app(settings)
    logging.getLogger("kafka").setLevel(logging.WARNING)  # our plain clients (offset probes, watchdog) are chatty
    w = faust.Worker(sw.app, loglevel=loglevel, quiet=True, redirect_stdouts=False)
    w.execute_from_commandline()


@cli.command()
@click.option("--once", is_flag=True, help="Print the board once everything so far is read, then exit.")
def tail(once: bool) -> None:
    """Show story updates live (latest version of every story)."""
    from rich.live import Live

    console = Console() if sys.stdout.isatty() else Console(width=150)
    with watching(load_settings()) as watcher:
        if once:
            watcher.wait_quiet(2.0)
            console.print(watcher.board.render())
            return
        with Live(watcher.board.render(), console=console, refresh_per_second=4) as live:
            while True:
                if watcher.poll(500):
                    live.update(watcher.board.render())


@cli.command()
@click.option(
    "--examples",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Directory of articles to play (default: the project's examples/).",
)
@click.option("--delay", type=float, default=0.3, show_default=True, help="Seconds between articles.")
@click.option("--serve", is_flag=True, help="Afterwards keep broker + worker running and serve the web story board.")
def demo(examples: Path | None, delay: float, serve: bool) -> None:
    """Start a broker and a worker, play the example articles, show stories forming, then exit."""
    from streams.cli.demo import EXAMPLES_DIR, run_demo
    from streams.kafka.broker import BrokerError

    try:
        console = Console() if sys.stdout.isatty() else Console(width=150)
        code = run_demo(console, examples or EXAMPLES_DIR, delay=delay, serve=serve)
    except BrokerError as exc:
        raise click.ClickException(str(exc)) from exc
    sys.exit(code)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="One StoryUpdate JSON object a line.")
def stories(paths: tuple[str, ...], as_json: bool) -> None:
    """Run the pipeline in process (no broker) and print the final version of every story."""
    from agents.extract.extractor import Extractor, load_nlp
    from agents.inprocess import Pipeline
    from streams.ingest.readers import read_records

    settings = load_settings()
    pipeline = Pipeline(
        Extractor(load_nlp(settings.model), batch_size=settings.extract_batch_size),
        settings.cluster,
        settings.story,
        settings.max_text_chars,
    )
    records = list(read_records(paths))
    for result in pipeline.add_raw(r.raw for r in records):
        if result.error is not None:
            err_console.print(f"[yellow]rejected[/yellow] {result.article_id or '?'}: {result.error}", highlight=False)
    finals = pipeline.final_stories()
    if as_json:
        for update in finals:
            click.echo(update.model_dump_json())
        return
    console = Console()
    for u in finals:
        console.rule(f"[cyan]{u.story_id}[/cyan] v{u.version} — {u.title}")
        console.print(
            f"{plural(u.article_count, 'article')}, {plural(u.independent_source_count, 'independent source')}: "
            f"{', '.join(u.outlets)}",
            highlight=False,
        )
        for s in u.summary:
            console.print(f"  • {s.text} [dim]({', '.join(s.sources)})[/dim]", highlight=False)
        for e in u.events:
            attrs = ", ".join(f"{k}={v}" for k, v in e.attributes.items())
            console.print(
                f"  [green]{e.type}[/green] {e.trigger} {attrs} [dim]({', '.join(e.sources)})[/dim]", highlight=False
            )
        for c in u.conflicts:
            sides = " vs ".join(f"{v.value!r} ({', '.join(v.sources)})" for v in c.values)
            console.print(f"  [red]conflict[/red] {c.attribute}: {sides}", highlight=False)


@cli.command()
@click.option("--once", is_flag=True, help="Print the alerts so far, then exit.")
def alerts(once: bool) -> None:
    """Print alerts as they fire (rule, story, version, why)."""
    console = Console()
    shown = 0
    with watching(load_settings()) as watcher:
        while True:
            if once:
                watcher.wait_quiet(2.0)
            else:
                watcher.poll(500)
            for a in watcher.alerts[shown:]:
                console.print(
                    f"[yellow]{a.rule}[/yellow] [cyan]{a.story_id}[/cyan] v{a.version} {a.title}: {a.reason}",
                    highlight=False,
                )
            shown = len(watcher.alerts)
            if once:
                return


@cli.command()
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("docs/schemas"), show_default=True
)
def schemas(out: Path) -> None:
    """Write the JSON Schema and an example of every published message (built from examples/)."""
    from agents.alerts.rules import evaluate_rules, load_rules
    from agents.extract.extractor import Extractor, load_nlp
    from agents.inprocess import Pipeline
    from schemas import DeadLetter
    from streams.cli.demo import EXAMPLES_DIR
    from streams.cli.schemas import write_schemas
    from streams.ingest.readers import read_records

    settings = load_settings()
    records = list(read_records([EXAMPLES_DIR]))
    pipeline = Pipeline(Extractor(load_nlp(settings.model)), settings.cluster, settings.story)
    list(pipeline.add_raw(r.raw for r in records))
    biggest = max(pipeline.final_stories(), key=lambda u: (len(u.conflicts), u.article_count, u.story_id))
    fired = [a for u in pipeline.updates for _, a in evaluate_rules(load_rules(None), u, fired=())]
    examples = {
        "Article": records[0].parse(),
        "StoryUpdate": biggest,
        "Alert": fired[0],
        "DeadLetter": DeadLetter.from_record(
            topic="articles",
            partition=0,
            offset=42,
            key=b"feed-17",
            value=b"{not json",
            code="not_json",
            reason="message is not JSON (Expecting property name enclosed in double quotes at line 1 column 2)",
            now=biggest.last_seen or datetime(2026, 1, 1, tzinfo=UTC),
        ),
    }
    for path in write_schemas(out, examples):
        click.echo(path)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of a table.")
def audit(as_json: bool) -> None:
    """Per input partition: articles consumed, assigned to a story, dead-lettered, and the offsets missing."""
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


@cli.command()
@click.option("--timeout", type=float, default=600.0, show_default=True)
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


def _register_subcommands() -> None:
    from streams.cli.bench import bench
    from streams.cli.board import board
    from streams.cli.eval import cluster, eval_cmd
    from streams.cli.eval_events import eval_events
    from streams.cli.ingest import ingest

    for command in (cluster, eval_cmd, eval_events, ingest, board, bench):
        cli.add_command(command)


_register_subcommands()


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # kafka-python logs every failed connection attempt; our commands say themselves what is wrong and what to do.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    cli()


if __name__ == "__main__":
    main()
