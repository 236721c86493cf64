"""``storywire board``: a live web story board fed by ``story-updates``.

A small standalone aiohttp server. A kafka-python consumer (in a thread, :mod:`streams.board.feed`) reads
``story-updates`` from the beginning and hands every :class:`StoryUpdate` to the event loop; the board keeps the
latest version of every story and a bounded history of the versions it saw (:mod:`streams.board.state`), and
pushes a one-line summary of each change to the browsers over Server-Sent Events (``/events``). Pages are rendered
on the server with every value HTML-escaped (:mod:`streams.board.render`); the browser script builds rows with DOM
APIs and ``textContent`` only. No build step, no CDN: the CSS and the script are served by this process from
``streams/board/static/`` (package data, so a wheel install carries them).

Routes: ``/`` (the board), ``/stories/{id}`` (one story), ``/events`` (SSE, ``?story=ID`` to follow one),
``/api/stories``, ``/api/stories/{id}``, ``/api/stories/{id}/versions`` (StoryUpdate JSON), ``/static/*``.
Everything is read-only (GET/HEAD). With a token (:mod:`streams.board.auth`) every route needs it, and two more
exist: ``/login/{code}`` (a one-time login link) and ``POST /auth/link`` (a new link, for the bearer token).
The board listens on 127.0.0.1 by default; on any other address it needs a token unless it is made ``public``.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from importlib import resources
from typing import Any

from aiohttp import web

from schemas import StoryUpdate
from streams.board.auth import BoardAuth, is_loopback
from streams.board.feed import StoryUpdateFeed
from streams.board.render import render_board_page, render_missing_page, render_story_page
from streams.board.state import MAX_VERSIONS, BoardState, StoryBoardHub, story_card
from streams.kafka.clients import make_consumer
from streams.security import redact_in_logs
from streams.settings import Settings
from streams.topics import STORY_UPDATES

__all__ = [
    "STATIC_FILES",
    "BoardError",
    "BoardServer",
    "create_app",
    "static_text",
]

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
KEEPALIVE_SECONDS = 15.0

# The files of streams/board/static/ that /static/{name} serves, with their content types. The script uses DOM
# APIs and textContent only.
STATIC_FILES = {"board.css": "text/css", "board.js": "application/javascript"}


@functools.cache
def static_text(name: str) -> str:
    """The text of ``streams/board/static/{name}`` (read once, then served from memory)."""
    return resources.files("streams.board").joinpath("static", name).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------
# The web application
# ---------------------------------------------------------------------------------------------------------------

HUB_KEY: web.AppKey[StoryBoardHub] = web.AppKey("hub", StoryBoardHub)

_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",  # frame-ancestors 'none' for browsers without CSP level 2
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@web.middleware
async def _security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    resp = await handler(request)
    if not resp.prepared:  # the SSE stream sets its headers itself before it starts
        resp.headers.update(_SECURITY_HEADERS)
    return resp


def _json(data: object, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(d, ensure_ascii=False))


def _not_found_json(story_id: str) -> web.Response:
    return _json({"error": "unknown story", "story_id": story_id}, status=404)


async def _index(request: web.Request) -> web.Response:
    return web.Response(text=render_board_page(request.app[HUB_KEY]), content_type="text/html")


async def _story(request: web.Request) -> web.Response:
    story_id = request.match_info["story_id"]
    page = render_story_page(request.app[HUB_KEY], story_id)
    if page is None:
        return web.Response(text=render_missing_page(story_id), status=404, content_type="text/html")
    return web.Response(text=page, content_type="text/html")


async def _api_stories(request: web.Request) -> web.Response:
    return _json([s.update.model_dump(mode="json") for s in request.app[HUB_KEY].state.stories()])


async def _api_story(request: web.Request) -> web.Response:
    story_id = request.match_info["story_id"]
    seen = request.app[HUB_KEY].state.latest(story_id)
    return _json(seen.update.model_dump(mode="json")) if seen else _not_found_json(story_id)


async def _api_versions(request: web.Request) -> web.Response:
    story_id = request.match_info["story_id"]
    versions = request.app[HUB_KEY].state.versions(story_id)
    if not versions:
        return _not_found_json(story_id)
    return _json([s.update.model_dump(mode="json") for s in versions])


def _sse(card: dict[str, Any]) -> bytes:
    data = json.dumps(card, ensure_ascii=False)
    return f"event: story\nid: {card['seq']}\ndata: {data}\n\n".encode()


async def _events(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: every story once (``snapshot``), then every change as it happens."""
    hub = request.app[HUB_KEY]
    only = request.query.get("story")
    resp = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )
    resp.headers.update(_SECURITY_HEADERS)
    await resp.prepare(request)
    queue = hub.subscribe()  # before the snapshot: nothing falls between the two
    try:
        await resp.write(b"retry: 2000\n\n")
        for seen in reversed(hub.state.stories()):  # oldest change first, so each card lands on top
            if only is None or seen.update.story_id == only:
                await resp.write(_sse(story_card(seen, snapshot=True)))
        await resp.write(b"event: ready\ndata: {}\n\n")
        while True:
            try:
                card = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                await resp.write(b": keep-alive\n\n")
                continue
            if card is None:
                break
            if only is None or card["story_id"] == only:
                await resp.write(_sse(card))
    except (ConnectionResetError, ConnectionError):
        pass
    finally:
        hub.unsubscribe(queue)
    return resp


async def _static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    content_type = STATIC_FILES.get(name)
    if content_type is None:
        raise web.HTTPNotFound()
    return web.Response(text=static_text(name), content_type=content_type, headers={"Cache-Control": "no-cache"})


async def _no_favicon(request: web.Request) -> web.Response:
    return web.Response(status=204)


def create_app(hub: StoryBoardHub, auth: BoardAuth | None = None) -> web.Application:
    """The aiohttp application of the board (read-only: GET and HEAD routes only; with ``auth``, every route
    needs the token, and the login routes are added)."""
    middlewares = [_security_headers] if auth is None else [_security_headers, auth.middleware()]
    app = web.Application(middlewares=middlewares)
    app[HUB_KEY] = hub
    if auth is not None:
        auth.add_routes(app)
    app.router.add_get("/", _index)
    app.router.add_get("/stories/{story_id}", _story)
    app.router.add_get("/events", _events)
    app.router.add_get("/api/stories", _api_stories)
    app.router.add_get("/api/stories/{story_id}", _api_story)
    app.router.add_get("/api/stories/{story_id}/versions", _api_versions)
    app.router.add_get("/static/{name}", _static)
    app.router.add_get("/favicon.ico", _no_favicon)
    return app


# ---------------------------------------------------------------------------------------------------------------
# Running the server (fed from Kafka by streams.board.feed)
# ---------------------------------------------------------------------------------------------------------------


class BoardError(RuntimeError):
    """The board cannot start (port taken, no broker, …); the message says what to do."""


class BoardServer:
    """The board in a background thread (own event loop), optionally fed from Kafka.

    ``BoardServer(settings).start()`` reads ``story-updates`` of ``settings``; without settings the board is
    fed by :meth:`add` (tests). ``port=0`` picks a free port; :attr:`url` says where it listens.

    ``token`` (default: ``settings.board.token``) locks every route; a host other than loopback requires one,
    unless ``public`` says that anyone who can reach the port may read the board (:class:`BoardError`).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        max_versions: int = MAX_VERSIONS,
        token: str | None = None,
        public: bool = False,
    ) -> None:
        if token is None and settings is not None and settings.board.token is not None:
            token = settings.board.token.get_secret_value()
        if not token and not public and not is_loopback(host):
            raise BoardError(
                f"the board would listen on {host}, reachable from other machines, without a token: set "
                "STORYWIRE_BOARD__TOKEN (16 or more characters, e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'`), or pass --public to let anyone who reaches the port read it"
            )
        redact_in_logs(token)
        self.auth = BoardAuth(token) if token else None
        self.public = public
        self.settings = settings
        self.host = host
        self.port = port
        source = f"{settings.topic(STORY_UPDATES)} on {settings.bootstrap_servers}" if settings else "no Kafka feed"
        self.hub = StoryBoardHub(BoardState(max_versions=max_versions), source=source)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._feed: StoryUpdateFeed | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def login_link(self) -> str | None:
        """A new one-time login link (None: the board has no token)."""
        if self.auth is None:
            return None
        return f"{self.url}login/{self.auth.new_login_code()}"

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            raise BoardError(
                f"cannot listen on {self.host}:{self.port} ({exc.strerror or exc}); pick another port with --port"
            ) from exc
        sock.listen(128)
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        return sock

    def start(self, timeout: float = 15.0) -> BoardServer:
        consumer = None
        if self.settings is not None:
            consumer = make_consumer(self.settings, STORY_UPDATES, timeout_ms=300)  # raises KafkaUnavailable
        try:
            sock = self._bind()
        except BoardError:
            if consumer is not None:
                consumer.close()
            raise
        self._thread = threading.Thread(target=self._run, args=(sock,), name="storywire-board", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout) or self._error is not None:
            raise BoardError(f"the board did not start: {self._error or 'timed out'}")
        if consumer is not None:
            loop = self._loop
            assert loop is not None

            def deliver(update: StoryUpdate, at: datetime | None) -> None:
                loop.call_soon_threadsafe(self.hub.add, update, at)

            self._feed = StoryUpdateFeed(consumer, deliver)
            self._feed.start()
        return self

    def _run(self, sock: socket.socket) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(sock))
        except BaseException as exc:  # reported to start() or logged
            self._error = exc
            self._ready.set()
            log.exception("board stopped with an error")
        finally:
            loop.close()

    async def _serve(self, sock: socket.socket) -> None:
        self._stopping = asyncio.Event()
        runner = web.AppRunner(create_app(self.hub, self.auth), access_log=None)
        await runner.setup()
        site = web.SockSite(runner, sock, shutdown_timeout=2.0)
        await site.start()
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            self.hub.close_subscribers()
            await asyncio.sleep(0.05)  # let the /events handlers see the end of their streams
            await runner.cleanup()

    def add(self, update: StoryUpdate, at: datetime | None = None) -> None:
        """Feed one update from any thread (what the Kafka feed does)."""
        if self._loop is None:
            raise BoardError("the board is not running")
        self._loop.call_soon_threadsafe(self.hub.add, update, at)

    def call(self, fn: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Run ``fn`` on the board's event loop and return its result (to read the state safely)."""
        if self._loop is None:
            raise BoardError("the board is not running")

        async def wrapped() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(wrapped(), self._loop).result(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        if self._feed is not None:
            self._feed.stop()
            self._feed = None
        if self._loop is not None and self._stopping is not None and self.running:
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(timeout)

    def serve_forever(self) -> None:
        """Block until Ctrl-C (or the server thread ends)."""
        try:
            while self.running:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass

    def __enter__(self) -> BoardServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
