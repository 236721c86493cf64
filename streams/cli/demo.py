"""``storywire demo``: broker + worker + our example articles, showing stories as they form."""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from streams.cli.common import load_settings

if TYPE_CHECKING:
    from rich.console import Console

    from streams.kafka.broker import EmbeddedBroker
    from streams.kafka.processes import WorkerProcess
    from streams.kafka.watch import OutputWatcher
    from streams.settings import Settings

__all__ = ["EXAMPLES_DIR", "demo", "run_demo"]

# The example articles, package data of ``streams`` (streams/examples/, in a wheel too).
EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"


@click.command()
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
    from rich.console import Console

    from streams.kafka.broker import BrokerError
    from streams.kafka.processes import sigterm_as_interrupt

    try:
        console = Console() if sys.stdout.isatty() else Console(width=150)
        with sigterm_as_interrupt():  # docker stop / systemd: broker and worker are stopped as on Ctrl-C
            code = run_demo(console, examples or EXAMPLES_DIR, delay=delay, serve=serve)
    except BrokerError as exc:
        raise click.ClickException(str(exc)) from exc
    except KeyboardInterrupt:
        click.echo("stopped (broker and worker stopped)", err=True)
        sys.exit(130)
    sys.exit(code)


def run_demo(
    console: Console,
    examples: Path = EXAMPLES_DIR,
    *,
    delay: float = 0.3,
    startup_timeout: float = 120.0,
    article_timeout: float = 60.0,
    keep: bool = False,
    serve: bool = False,
    board_host: str = "127.0.0.1",
    board_port: int = 8765,
) -> int:
    """Run the whole pipeline on the embedded broker; return the exit code (0 when every article is in a story).

    With ``serve`` the broker and the worker keep running afterwards and the web story board is served (its URL is
    printed) until Ctrl-C.
    """
    from rich.live import Live

    from streams.board.terminal import plural
    from streams.ingest.readers import read_records
    from streams.kafka.broker import EmbeddedBroker
    from streams.kafka.clients import ensure_topics, make_producer
    from streams.kafka.processes import WorkerProcess
    from streams.kafka.watch import OutputWatcher
    from streams.settings import Settings
    from streams.topics import ARTICLES

    records = list(read_records([examples]))
    if not records:
        console.print(f"[red]no example articles found in {examples}[/red]")
        return 2
    load_settings()  # a bad STORYWIRE_* variable is named before anything starts (no broker left behind)
    workdir = Path(tempfile.mkdtemp(prefix="storywire-demo-"))
    console.print(f"[bold]storywire demo[/bold] — {len(records)} example articles from {examples}")
    console.print(f"logs and state: {workdir}")
    broker = EmbeddedBroker(log_path=workdir / "broker.log").start()
    console.print(f"embedded broker (tansu, memory-only) on {broker.bootstrap}")
    settings = Settings(broker=broker.kafka_url, data_dir=workdir / "state", web_enabled=False)
    worker: WorkerProcess | None = None
    watcher: OutputWatcher | None = None
    producer = None
    try:
        ensure_topics(settings)
        worker = WorkerProcess(settings, workdir / "worker.log").start()
        console.print("worker started; sending articles one at a time as they 'arrive'…")
        producer = make_producer(settings)
        watcher = OutputWatcher(settings)
        started = time.monotonic()
        with Live(watcher.board.render(), console=console, refresh_per_second=8) as live:

            def refresh(w: OutputWatcher) -> None:
                live.update(w.board.render())

            for i, rec in enumerate(records):
                article = rec.parse(settings.max_text_chars)
                producer.send(settings.topic(ARTICLES), key=article.id.encode(), value=rec.raw)
                producer.flush()
                timeout = startup_timeout if i == 0 else article_timeout

                def arrived(w: OutputWatcher, aid: str = article.id) -> bool:
                    return aid in w.handled_article_ids() or not worker.running

                ok = watcher.wait_until(arrived, timeout, refresh) and worker.running
                if not ok:
                    live.stop()
                    alive = (
                        "running" if worker.running else f"exited with code {worker.proc and worker.proc.returncode}"
                    )
                    console.print(
                        f"[red]article {article.id} did not reach a story within {timeout:.0f} s "
                        f"(worker {alive}).[/red] Last lines of {worker.log_path}:"
                    )
                    console.print(worker.log_tail(), markup=False, highlight=False)
                    return 1
                time.sleep(delay)
            watcher.wait_quiet(1.5, refresh)
        elapsed = time.monotonic() - started
        board = watcher.board
        console.print(
            f"\n[bold green]done[/bold green]: {len(records)} articles → {len(board.latest)} stories, "
            f"{len(watcher.updates)} story updates, {len(watcher.dead_letters)} dead letters, "
            f"{len(watcher.alerts)} alerts in {elapsed:.1f} s"
        )
        for u in sorted(board.latest.values(), key=lambda u: -u.article_count):
            console.print(
                f"  [cyan]{u.story_id}[/cyan] v{u.version}: {plural(u.article_count, 'article')}, "
                f"{plural(u.independent_source_count, 'independent source')}, {plural(len(u.conflicts), 'conflict')}"
                f" — {u.title}"
            )
        for a in watcher.alerts:
            console.print(f"  [yellow]alert[/yellow] {a.rule} on {a.story_id} v{a.version}: {a.reason}")
        if serve:
            return _serve_board(console, settings, broker, worker, board_host, board_port)
        return 0
    finally:
        if watcher is not None:
            watcher.close()
        if producer is not None:
            producer.close()
        if worker is not None and not keep:
            worker.stop()
        if not keep:
            broker.stop()


def _serve_board(
    console: Console, settings: Settings, broker: EmbeddedBroker, worker: WorkerProcess, host: str, port: int
) -> int:
    """Serve the web story board on the demo's broker until Ctrl-C (another free port when ``port`` is taken)."""
    from streams.board.server import BoardError, BoardServer

    try:
        server = BoardServer(settings, host, port).start()
    except BoardError as exc:
        console.print(f"[yellow]{exc}[/yellow]; using a free port instead")
        server = BoardServer(settings, host, 0).start()
    console.print(f"\n[bold]story board:[/bold] {server.url}", highlight=False)
    console.print(
        f"broker {broker.bootstrap} and the worker keep running: try `STORYWIRE_BROKER={broker.kafka_url} "
        "storywire ingest FILE`. Ctrl-C stops everything.",
        highlight=False,
    )
    try:
        while server.running and worker.running and broker.running:
            time.sleep(0.5)
        what = "the board" if not server.running else "the worker" if not worker.running else "the broker"
    except KeyboardInterrupt:
        # Ctrl-C reached the broker too (same process group): stop quickly and without connection noise.
        console.print("stopping…")
        logging.getLogger("kafka").setLevel(logging.CRITICAL)
        server.stop()
        worker.stop(timeout=5.0)
        return 0
    finally:
        server.stop()
    console.print(f"[red]{what} stopped unexpectedly[/red]; logs in {worker.log_path.parent}")
    return 1
