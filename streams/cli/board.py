"""``storywire board``: the live web story board (read-only) on top of ``story-updates``."""

from __future__ import annotations

import signal
from types import FrameType

import click

from streams.cli.common import load_settings

__all__ = ["board"]


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8765, show_default=True, help="Port to listen on (0 picks a free one).")
@click.option(
    "--public",
    is_flag=True,
    help="On an address other than loopback, serve the board without a token (anyone who reaches the port reads it).",
)
def board(host: str, port: int, public: bool) -> None:
    """Serve the live story board: every story, newest change first, updated live in the browser.

    Reads story-updates of STORYWIRE_BROKER from the beginning; pages at /, /stories/ID; JSON at /api/stories.
    Read-only, on 127.0.0.1 by default. On any other address it needs STORYWIRE_BOARD__TOKEN (sent as
    'Authorization: Bearer TOKEN', or a browser logs in once with the one-time link printed at start), unless
    --public.
    """
    from streams.board.server import BoardError, BoardServer
    from streams.kafka.clients import KafkaUnavailable

    settings = load_settings()
    try:
        server = BoardServer(settings, host, port, public=public).start()
    except (BoardError, KafkaUnavailable) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"story board on {server.url} (reading {server.hub.source}; Ctrl-C stops it)")
    link = server.login_link()
    if link is not None:
        click.echo(f"token required; one-time login link for a browser (valid 10 minutes, once): {link}")
    elif host not in ("127.0.0.1", "localhost", "::1"):
        click.echo("note: --public: the board is reachable from other machines without a token (it is read-only)")
    # Ctrl-C and SIGTERM stop it cleanly, even where the shell started it with SIGINT ignored (``cmd &``).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    finally:
        server.stop()
