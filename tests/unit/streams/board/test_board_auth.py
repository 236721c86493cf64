"""The story board when exposed: loopback by default, a token required on any other address (bearer header or a
cookie from a one-time login link) unless --public, and its security headers on every response."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner

from schemas import StoryUpdate
from streams.board.auth import COOKIE, BoardAuth, is_loopback
from streams.board.server import BoardError, BoardServer, create_app
from streams.board.state import StoryBoardHub

TOKEN = "board-token-0123456789-abcdefghij"
HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def assert_locked_down(resp: Any) -> None:
    for name, value in HEADERS.items():
        assert value in resp.headers.get(name, ""), (resp.url, name, resp.headers.get(name))
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp


def with_client(auth: BoardAuth | None, body: Callable[[TestClient[Any, Any], StoryBoardHub], Awaitable[None]]) -> None:
    hub = StoryBoardHub()
    hub.add(StoryUpdate(story_id="s-a", version=1, title="Ferry fire"))

    async def main() -> None:
        async with TestClient(TestServer(create_app(hub, auth))) as client:
            await body(client, hub)

    asyncio.run(main())


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("board.example", False),
    ],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_board_off_loopback_needs_a_token_or_public() -> None:
    with pytest.raises(BoardError, match="STORYWIRE_BOARD__TOKEN") as err:
        BoardServer(host="0.0.0.0", port=0)
    assert "--public" in str(err.value)
    assert BoardServer(host="0.0.0.0", port=0, public=True).auth is None
    assert BoardServer(host="0.0.0.0", port=0, token=TOKEN).auth is not None
    assert BoardServer(port=0).auth is None  # loopback: open, as before
    assert BoardServer(port=0, token=TOKEN).auth is not None  # a token given is always required


def test_the_board_command_refuses_a_non_loopback_bind_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    from streams.cli import cli

    monkeypatch.delenv("STORYWIRE_BOARD__TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["board", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 1
    assert "without a token: set STORYWIRE_BOARD__TOKEN" in result.output and "--public" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_without_the_token_every_route_is_refused_with_the_headers() -> None:
    async def body(client: TestClient[Any, Any], hub: StoryBoardHub) -> None:
        for path in ("/", "/stories/s-a", "/api/stories", "/api/stories/s-a/versions", "/events", "/static/board.js"):
            resp = await client.get(path)
            assert resp.status == 401, path
            assert resp.headers["WWW-Authenticate"].startswith("Bearer")
            assert "Ferry fire" not in await resp.text() and TOKEN not in await resp.text()
            assert_locked_down(resp)
        for bad in ("Bearer wrong-token-wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer "):
            assert (await client.get("/api/stories", headers={"Authorization": bad})).status == 401
        forged = await client.get("/api/stories", cookies={COOKIE: TOKEN})  # the token is not a session
        assert forged.status == 401
        assert (await client.post("/auth/link")).status == 401

    with_client(BoardAuth(TOKEN), body)


def test_the_bearer_token_opens_every_route() -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}

    async def body(client: TestClient[Any, Any], hub: StoryBoardHub) -> None:
        resp = await client.get("/api/stories", headers=auth)
        assert resp.status == 200 and (await resp.json())[0]["title"] == "Ferry fire"
        assert_locked_down(resp)
        page = await client.get("/", headers=auth)
        assert page.status == 200 and "Ferry fire" in await page.text() and TOKEN not in await page.text()
        assert_locked_down(page)
        events = await client.get("/events", headers=auth)
        assert events.status == 200 and events.headers["Content-Type"].startswith("text/event-stream")
        assert_locked_down(events)
        events.close()
        assert (await client.post("/api/stories", headers=auth)).status == 405  # still read-only
        hub.close_subscribers()

    with_client(BoardAuth(TOKEN), body)


def test_a_one_time_link_logs_a_browser_in_once() -> None:
    board_auth = BoardAuth(TOKEN)

    async def body(client: TestClient[Any, Any], hub: StoryBoardHub) -> None:
        code = board_auth.new_login_code()
        assert TOKEN not in code
        login = await client.get(f"/login/{code}", allow_redirects=False)
        assert login.status == 303 and login.headers["Location"] == "/"
        assert_locked_down(login)
        cookie = login.headers["Set-Cookie"]
        assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert TOKEN not in cookie
        session = login.cookies[COOKIE].value
        page = await client.get("/", cookies={COOKIE: session})  # what the browser sends from now on
        assert page.status == 200 and "Ferry fire" in await page.text()
        again = await client.get(f"/login/{code}", allow_redirects=False)
        assert again.status == 403  # used up
        assert_locked_down(again)
        assert (await client.get("/login/made-up-code", allow_redirects=False)).status == 403
        # a new link, for the holder of the token only (a cookie is not enough)
        refused = await client.post("/auth/link", cookies={COOKIE: session})
        assert refused.status == 401
        fresh = await client.post("/auth/link", headers={"Authorization": f"Bearer {TOKEN}"})
        assert fresh.status == 200
        path = (await fresh.json())["path"]
        assert path.startswith("/login/") and (await client.get(path, allow_redirects=False)).status == 303

    with_client(board_auth, body)


def test_login_codes_expire(monkeypatch: pytest.MonkeyPatch) -> None:
    import streams.board.auth as auth_module

    board_auth = BoardAuth(TOKEN)
    code = board_auth.new_login_code()
    now = auth_module.time.monotonic()
    monkeypatch.setattr(auth_module.time, "monotonic", lambda: now + auth_module.LINK_SECONDS + 1)
    assert board_auth.redeem(code) is None
    assert TOKEN not in repr(board_auth)


def test_open_board_keeps_its_headers() -> None:
    async def body(client: TestClient[Any, Any], hub: StoryBoardHub) -> None:
        for path in ("/", "/stories/s-a", "/stories/nope", "/api/stories", "/static/board.css"):
            resp = await client.get(path)
            assert resp.status in (200, 404)
            assert_locked_down(resp)
        assert (await client.get("/login/anything")).status == 404  # no login routes without a token

    with_client(None, body)


def test_board_server_with_a_token_over_http() -> None:
    server = BoardServer(port=0, token=TOKEN).start()
    try:
        server.add(StoryUpdate(story_id="s-a", version=1, title="Ferry fire"))
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(server.url + "api/stories", timeout=5)
        assert err.value.code == 401
        request = urllib.request.Request(server.url + "api/stories", headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(request, timeout=5) as resp:
            assert resp.status == 200 and resp.headers["X-Frame-Options"] == "DENY"
        link = server.login_link()
        assert link is not None and link.startswith(server.url + "login/")
    finally:
        server.stop()
