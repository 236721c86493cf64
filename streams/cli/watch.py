"""``storywire tail`` and ``storywire alerts``: follow the output topics of a running pipeline."""

from __future__ import annotations

import sys

import click

from streams.cli.common import load_settings, watching

__all__ = ["alerts", "tail"]


@click.command()
@click.option("--once", is_flag=True, help="Print the board once everything so far is read, then exit.")
def tail(once: bool) -> None:
    """Show story updates live (latest version of every story)."""
    from rich.console import Console
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


@click.command()
@click.option("--once", is_flag=True, help="Print the alerts so far, then exit.")
def alerts(once: bool) -> None:
    """Print alerts as they fire (rule, story, version, why)."""
    from rich.console import Console

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
