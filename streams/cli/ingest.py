"""``storywire ingest``: send articles from files, directories, pages and feeds to the ``articles`` topic."""

from __future__ import annotations

import logging
import signal
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.markup import escape

from streams.cli.common import load_settings

if TYPE_CHECKING:
    from streams.ingest.producer import Ingestor, Rejection

__all__ = ["ingest", "print_rejection"]

err_console = Console(stderr=True)

MANY_INPUTS = 20  # a progress bar is shown on a terminal, and for this many inputs elsewhere too


def _say(text: str) -> None:
    """One line on stderr, never wrapped (errors must stay one line for grep and logs)."""
    err_console.print(text, highlight=False, soft_wrap=True)


def print_rejection(rejection: Rejection) -> None:
    """One line on stderr naming the input (file, file:line, URL) and what to do."""
    from streams.ingest.readers import InputErrorCode

    input_level = {getattr(InputErrorCode, n) for n in dir(InputErrorCode) if n.isupper()}
    if rejection.code in input_level:
        _say(f"[red]error[/red] {escape(rejection.origin)}: {escape(rejection.reason)}")
    else:
        _say(f"[yellow]rejected[/yellow] {escape(rejection.origin)}: {rejection.code}: {escape(rejection.reason)}")


def _stop_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _follow(ingestor: Ingestor, urls: list[str], interval: float, polls: int | None, state: Path | None) -> None:
    kept = f"state in {state}" if state else "state in memory only"
    _say(f"following {len(urls)} feed(s) every {interval:g} s; {kept} (Ctrl-C stops)")
    done = 0
    while polls is None or done < polls:
        time.sleep(interval)
        done += 1
        sent = ingestor.poll_feeds(urls)
        if sent or err_console.is_terminal:
            _say(f"poll {done}: {sent} new article(s)")


def _progress_bar() -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        console=err_console,
    )


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH|URL...")
@click.option("--dry-run", is_flag=True, help="Print the articles as JSON lines on stdout; send nothing.")
@click.option("--follow", is_flag=True, help="Keep polling the feed URLs (conditional GET) every --interval.")
@click.option(
    "--interval", type=click.FloatRange(min=0.1), default=300.0, show_default=True, help="Seconds between polls."
)
@click.option("--polls", type=click.IntRange(min=1), default=None, help="With --follow: stop after this many polls.")
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File remembering what was sent and each feed's ETag/Last-Modified "
    "(default with --follow: $STORYWIRE_DATA_DIR/ingest-state.json; without --follow: none).",
)
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=20.0, show_default=True, help="HTTP timeout in seconds."
)
@click.option(
    "--no-fetch",
    is_flag=True,
    help="Feeds: use each entry's own content or summary (metadata.text_from), never fetch the linked pages.",
)
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: on a terminal).")
def ingest(
    inputs: tuple[str, ...],
    dry_run: bool,
    follow: bool,
    interval: float,
    polls: int | None,
    state_path: Path | None,
    timeout: float,
    no_fetch: bool,
    progress: bool | None,
) -> None:
    """Send articles to the articles topic from files and directories (.txt, .json, .jsonl, .html),
    RSS/Atom feeds and JSON Feeds (URLs, or .rss/.atom/.xml/.json files) and article pages (URLs).

    An article already sent (same id, same URL up to tracking parameters, or same text at the same outlet)
    is skipped. Inputs that fail are reported one line each; the others still go through.
    """
    from kafka.errors import KafkaError

    from streams.ingest.fetch import Fetcher, is_url
    from streams.ingest.producer import Ingestor, dump_line, plan_inputs
    from streams.ingest.seen import IngestState, StateFileError
    from streams.kafka.clients import KafkaUnavailable, make_producer

    if polls is not None and not follow:
        raise click.UsageError("--polls counts the polls of --follow; add --follow or leave --polls out")
    if follow and not any(is_url(i) for i in inputs):
        raise click.UsageError("--follow polls feed URLs (http:// or https://), and none was given")
    settings = load_settings()
    logging.getLogger("kafka").setLevel(logging.CRITICAL)  # its reconnect chatter; failures are reported below
    if follow and state_path is None:
        state_path = settings.data_dir / "ingest-state.json"
    try:
        state = IngestState.load(state_path)
    except StateFileError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        producer = None if dry_run else make_producer(settings)
    except KafkaUnavailable as exc:
        raise click.ClickException(str(exc)) from exc

    plan = plan_inputs(inputs)
    show_progress = progress if progress is not None else (err_console.is_terminal or len(plan) >= MANY_INPUTS)
    bar: Any = None
    task: Any = None

    def on_input(label: str) -> None:
        if bar is not None and task is not None:
            short = label if len(label) <= 48 else "…" + label[-47:]
            bar.update(task, description=escape(short))

    def on_sent(_id: str, payload: bytes) -> None:
        if dry_run:
            click.echo(dump_line(payload))

    ingestor = Ingestor(
        settings,
        producer,
        state=state,
        fetcher=Fetcher(timeout=timeout),
        on_sent=on_sent,
        on_error=print_rejection,
        on_input=on_input,
        on_warning=lambda text: _say(f"[yellow]warning[/yellow] {escape(text)}"),
        fetch_pages=not no_fetch,
    )
    try:
        previous_sigterm: Any = signal.signal(signal.SIGTERM, _stop_on_sigterm)  # a service stop ends like Ctrl-C
    except ValueError:  # not the main thread
        previous_sigterm = None
    interrupted = False
    try:
        try:
            with _progress_bar() if show_progress else nullcontext() as bar:
                task = bar.add_task("ingest", total=len(plan), counts="") if bar is not None else None
                for item in plan:
                    ingestor.ingest_item(item)
                    if bar is not None:
                        s = ingestor.summary
                        bar.update(task, advance=1, counts=f"sent {s.sent} dup {s.duplicates} rej {len(s.rejected)}")
            ingestor.flush()
            if follow:
                urls = [p.target for p in plan if p.kind == "url" and p.target not in ingestor.page_urls]
                if not urls:
                    raise click.ClickException("--follow polls feed URLs, and every URL given is an HTML page")
                _follow(ingestor, urls, interval, polls, state_path)
        except KeyboardInterrupt:
            interrupted = not follow
            _say("stopped")
            ingestor.flush()
    except StateFileError as exc:
        raise click.ClickException(str(exc)) from exc
    except KafkaError as exc:
        raise click.ClickException(f"sending to {settings.bootstrap_servers} failed: {exc}; is the broker up?") from exc
    finally:
        if previous_sigterm is not None:
            signal.signal(signal.SIGTERM, previous_sigterm)
        if producer is not None:
            producer.close()
    summary = ingestor.summary
    _say(summary.line(dry_run))
    if summary.sent == 0 and summary.rejected:
        _say("nothing could be ingested; see the errors above")
        sys.exit(1)
    if interrupted:
        sys.exit(130)
