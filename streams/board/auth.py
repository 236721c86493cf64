"""Who may read the story board: nobody needs to on loopback; elsewhere, whoever holds the token.

The board is read-only and listens on 127.0.0.1 by default. Bound to any other address it is reachable from
other machines, so :class:`streams.board.server.BoardServer` refuses to start without a token
(``STORYWIRE_BOARD__TOKEN``) unless it is started with ``public=True`` (``storywire board --public``).

With a token, every request must carry it:

- as a header, ``Authorization: Bearer <token>`` (scripts, ``curl``);
- or as the session cookie a browser gets from a **one-time login link** (``/login/<code>``): the board prints
  one when it starts, and ``POST /auth/link`` with the bearer header makes another. A code works once and for
  ten minutes; the session it opens is a random value the board keeps in memory (never the token itself), sent
  back as an ``HttpOnly``, ``SameSite=Strict`` cookie, and ends after twelve hours or when the board restarts.

Comparisons are constant-time; the token never appears in a page, a header the board sends, a log line or an
error.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

__all__ = ["COOKIE", "BoardAuth", "is_loopback"]

COOKIE = "storywire_board"
LINK_SECONDS = 600.0
SESSION_SECONDS = 12 * 3600.0
MAX_SESSIONS = 1000
MAX_LINKS = 100

# Reachable without a token: the one-time login itself, and the icon browsers ask for on their own.
_OPEN_PATHS = ("/login/", "/favicon.ico")


def is_loopback(host: str) -> bool:
    """Does ``host`` (an address to listen on) accept connections from this machine only?"""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve to anything


class BoardAuth:
    """The token check, one-time login codes and browser sessions of one board (thread-safe)."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("an empty board token")
        self._token = token.encode("utf-8")
        self._codes: dict[str, float] = {}  # one-time code -> expiry (monotonic)
        self._sessions: dict[str, float] = {}  # session id -> expiry (monotonic)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<BoardAuth: {len(self._sessions)} session(s)>"  # never the token

    # -- the token ----------------------------------------------------------------------------------------------

    def bearer_ok(self, header: str | None) -> bool:
        if not header:
            return False
        scheme, _, value = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode("utf-8"), self._token)

    # -- one-time links -----------------------------------------------------------------------------------------

    def new_login_code(self) -> str:
        """A code for ``/login/<code>``: valid once, for ten minutes."""
        code = secrets.token_urlsafe(24)
        now = time.monotonic()
        with self._lock:
            self._drop_expired(now)
            if len(self._codes) >= MAX_LINKS:
                self._codes.pop(next(iter(self._codes)))
            self._codes[code] = now + LINK_SECONDS
        return code

    def redeem(self, code: str) -> str | None:
        """Use up a login code; the new session id, or None when the code is unknown, used or expired."""
        now = time.monotonic()
        with self._lock:
            self._drop_expired(now)
            match = next((c for c in self._codes if hmac.compare_digest(c.encode(), code.encode())), None)
            if match is None:
                return None
            del self._codes[match]
            if len(self._sessions) >= MAX_SESSIONS:
                self._sessions.pop(next(iter(self._sessions)))
            session = secrets.token_urlsafe(32)
            self._sessions[session] = now + SESSION_SECONDS
            return session

    def session_ok(self, session: str | None) -> bool:
        if not session:
            return False
        now = time.monotonic()
        with self._lock:
            self._drop_expired(now)
            return any(hmac.compare_digest(s.encode(), session.encode()) for s in self._sessions)

    def _drop_expired(self, now: float) -> None:
        for table in (self._codes, self._sessions):
            for key in [k for k, until in table.items() if until <= now]:
                del table[key]

    # -- aiohttp ------------------------------------------------------------------------------------------------

    def allowed(self, request: web.Request) -> bool:
        return self.bearer_ok(request.headers.get("Authorization")) or self.session_ok(request.cookies.get(COOKIE))

    def middleware(self) -> Callable[..., Awaitable[web.StreamResponse]]:
        @web.middleware
        async def require_token(
            request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
        ) -> web.StreamResponse:
            if request.path.startswith(_OPEN_PATHS) or self.allowed(request):
                return await handler(request)
            return unauthorized()

        return require_token

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/login/{code}", self._login)
        app.router.add_post("/auth/link", self._link)

    async def _login(self, request: web.Request) -> web.Response:
        session = self.redeem(request.match_info["code"])
        if session is None:
            return web.Response(
                status=403,
                text="403: this login link was used already or has expired; ask for a new one "
                "(POST /auth/link with the bearer token, or restart the board)\n",
            )
        resp = web.Response(status=303, headers={"Location": "/", "Cache-Control": "no-store"})
        resp.set_cookie(COOKIE, session, max_age=int(SESSION_SECONDS), path="/", httponly=True, samesite="Strict")
        return resp

    async def _link(self, request: web.Request) -> web.Response:
        if not self.bearer_ok(request.headers.get("Authorization")):  # a cookie is not enough: no CSRF
            return unauthorized()
        code = self.new_login_code()
        return web.json_response(
            {"path": f"/login/{code}", "expires_in": int(LINK_SECONDS)}, headers={"Cache-Control": "no-store"}
        )


def unauthorized() -> web.Response:
    return web.Response(
        status=401,
        text="401: this story board needs its token: open the one-time login link `storywire board` printed, "
        "or send the header 'Authorization: Bearer <STORYWIRE_BOARD__TOKEN>'\n",
        headers={"WWW-Authenticate": 'Bearer realm="storywire board"', "Cache-Control": "no-store"},
    )
