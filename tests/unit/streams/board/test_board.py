"""The web story board without Kafka: state (latest + bounded history, order), escaping, JSON API, SSE."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from schemas import Changes, Conflict, ConflictValue, StoryEvent, StorySource, StoryUpdate, SummarySentence
from streams.board.render import render_story_page, safe_url
from streams.board.server import BoardServer, create_app, static_text
from streams.board.state import BoardState, StoryBoardHub, story_card

SCRIPT = "<script>alert(1)</script>"
T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def update(story_id: str = "s-a", version: int = 1, **fields: Any) -> StoryUpdate:
    base: dict[str, Any] = {"story_id": story_id, "version": version, "title": f"{story_id} v{version}"}
    base.update(fields)
    return StoryUpdate(**base)


def rich_update(title: str = "Ferry fire", version: int = 2) -> StoryUpdate:
    """A story with everything the story page shows, some of it hostile."""
    return StoryUpdate(
        story_id="s-ferry",
        version=version,
        updated_at=T0 + timedelta(hours=2),
        title=title,
        summary=[
            SummarySentence(text="The fire injured 14 people.", article_ids=["a1"], sources=["Harbor Gazette"]),
            SummarySentence(text=f"Officials said {SCRIPT} & more.", article_ids=["a2"], sources=["<b>Herald</b>"]),
        ],
        events=[
            StoryEvent(
                id="ev-1",
                type="fire",
                trigger="fire",
                attributes={"injured": 14, "note": "<img src=x onerror=alert(2)>"},
                sources=["Harbor Gazette", "<b>Herald</b>"],
                article_ids=["a1", "a2"],
            )
        ],
        conflicts=[
            Conflict(
                event_id="ev-1",
                attribute="injured",
                values=[
                    ConflictValue(value=14, sources=["Harbor Gazette"], article_ids=["a1"]),
                    ConflictValue(value="<i>19</i>", sources=["<b>Herald</b>"], article_ids=["a2"]),
                ],
            )
        ],
        sources=[
            StorySource(article_id="a1", source="Harbor Gazette", title="Ferry fire", url="https://hg.example/a1"),
            StorySource(article_id="a2", source="<b>Herald</b>", title=SCRIPT, url="javascript:alert(3)"),
        ],
        outlets=["<b>Herald</b>", "Harbor Gazette"],
        article_count=2,
        independent_source_count=2,
        first_seen=T0,
        last_seen=T0 + timedelta(hours=2),
        changes=Changes(
            new_articles=["a2"], new_sources=["<b>Herald</b>"], new_conflicts=["ev-1:injured"], title_changed=True
        ),
    )


# --------------------------------------------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------------------------------------------


def test_state_keeps_latest_and_every_version_in_order() -> None:
    state = BoardState()
    assert state.add(update("s-a", 1)) is not None
    assert state.add(update("s-a", 2)) is not None
    latest = state.latest("s-a")
    assert latest is not None and latest.update.version == 2
    assert [s.update.version for s in state.versions("s-a")] == [1, 2]
    assert state.versions("unknown") == [] and state.latest("unknown") is None
    assert len(state) == 1 and "s-a" in state


def test_a_story_folded_into_another_leaves_the_board() -> None:
    state = BoardState()
    state.add(update("s-a", 1))
    state.add(update("s-b", 1))
    state.add(update("s-b", 2, merged_into="s-a"))
    assert [s.update.story_id for s in state.stories()] == ["s-a"]
    assert state.latest("s-b") is not None  # its page still shows where it went


def test_state_ignores_duplicates_and_files_late_versions_in_history_only() -> None:
    state = BoardState()
    state.add(update("s-a", 1))
    state.add(update("s-a", 3))
    state.add(update("s-b", 1))
    assert state.add(update("s-a", 3)) is None  # at-least-once delivery: seen again
    assert state.duplicates == 1
    assert state.add(update("s-a", 2)) is None  # late: history, not latest, no reordering
    latest = state.latest("s-a")
    assert latest is not None and latest.update.version == 3
    assert [s.update.version for s in state.versions("s-a")] == [1, 2, 3]
    assert [s.update.story_id for s in state.stories()] == ["s-b", "s-a"]


def test_stories_are_ordered_newest_change_first() -> None:
    state = BoardState()
    for sid in ("s-a", "s-b", "s-c"):
        state.add(update(sid, 1))
    state.add(update("s-a", 2))
    assert [s.update.story_id for s in state.stories()] == ["s-a", "s-c", "s-b"]
    seqs = [s.seq for s in state.stories()]
    assert seqs == sorted(seqs, reverse=True)


def test_order_follows_publish_time_when_partitions_are_read_one_after_another() -> None:
    state = BoardState()
    # Partition 0 first (s-a changed at 1 and 4), then partition 1 (s-b changed at 2 and 3).
    state.add(update("s-a", 1), T0 + timedelta(minutes=1))
    state.add(update("s-a", 2), T0 + timedelta(minutes=4))
    state.add(update("s-b", 1), T0 + timedelta(minutes=2))
    state.add(update("s-b", 2), T0 + timedelta(minutes=3))
    assert [s.update.story_id for s in state.stories()] == ["s-a", "s-b"]
    state.add(update("s-b", 3), T0 + timedelta(minutes=5))
    assert [s.update.story_id for s in state.stories()] == ["s-b", "s-a"]
    # A timestamp from the future (a clock ahead of ours) does not pin a story on top.
    state.add(update("s-c", 1), datetime.now(UTC) + timedelta(days=365))
    state.add(update("s-a", 3))
    assert state.stories()[0].update.story_id == "s-a"


def test_history_and_story_count_are_bounded() -> None:
    state = BoardState(max_versions=3, max_stories=2)
    for v in range(1, 7):
        state.add(update("s-a", v))
    assert [s.update.version for s in state.versions("s-a")] == [4, 5, 6]
    assert state.add(update("s-a", 1)) is None and len(state.versions("s-a")) == 3  # older than all kept: dropped
    state.add(update("s-b", 1))
    state.add(update("s-c", 1))  # s-a changed least recently: dropped
    assert [s.update.story_id for s in state.stories()] == ["s-c", "s-b"]
    with pytest.raises(ValueError):
        BoardState(max_versions=0)


def test_card_summarizes_a_version_for_the_board() -> None:
    state = BoardState()
    seen = state.add(rich_update())
    assert seen is not None
    card = story_card(seen)
    assert card["story_id"] == "s-ferry" and card["url"] == "/stories/s-ferry"
    assert (card["article_count"], card["independent_source_count"], card["conflict_count"]) == (2, 2, 1)
    assert card["news_time"] == "2026-03-10T14:00:00Z" and card["news_time_text"] == "2026-03-10 14:00 UTC"
    assert "+1 conflict" in card["changes"] and "new outlet: <b>Herald</b>" in card["changes"]
    assert story_card(BoardState().add(update()), snapshot=True)["changes"] == ["first report"]  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------------------
# Escaping
# --------------------------------------------------------------------------------------------------------------


def test_safe_url_allows_only_http_links() -> None:
    assert safe_url("https://hg.example/a1") == "https://hg.example/a1"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil.example/x", "", None):
        assert safe_url(bad) is None


def test_story_page_escapes_every_value_and_links_citations() -> None:
    hub = StoryBoardHub()
    hub.add(rich_update(title=SCRIPT, version=1))
    hub.add(rich_update(title=SCRIPT, version=2))
    page = render_story_page(hub, "s-ferry")
    assert page is not None
    assert "<script>alert" not in page and "<b>Herald" not in page and "<img" not in page and "<i>19" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:" not in page  # the hostile article URL becomes a link to its entry on the page
    assert 'href="https://hg.example/a1"' in page and 'href="#article-a2"' in page
    # Both sides of the conflict, each with its sources; the timeline has both versions with their changes.
    sides = re.findall(r'<div class="side">.*?</div></div>', page)
    assert len(sides) == 2 and "Harbor Gazette" in sides[0] and "&lt;b&gt;Herald&lt;/b&gt;" in sides[1]
    assert re.findall(r'<li class="version" data-version="(\d+)"', page) == ["2", "1"]
    assert "new conflicts" in page
    assert render_story_page(hub, "nope") is None


def test_browser_script_never_parses_data_as_html() -> None:
    script = static_text("board.js")  # streams/board/static/board.js, as /static/board.js serves it
    assert "innerHTML" not in script and "outerHTML" not in script and "insertAdjacentHTML" not in script
    assert "document.write" not in script and "eval(" not in script


# --------------------------------------------------------------------------------------------------------------
# HTTP: pages, JSON API, SSE (aiohttp's test client)
# --------------------------------------------------------------------------------------------------------------


def with_client(hub: StoryBoardHub, body: Callable[[TestClient[Any, Any]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with TestClient(TestServer(create_app(hub))) as client:
            await body(client)

    asyncio.run(main())


def test_json_api_returns_the_published_schema() -> None:
    hub = StoryBoardHub()
    hub.add(update("s-a", 1))
    hub.add(rich_update(version=1))
    hub.add(rich_update(version=2))

    async def body(client: TestClient[Any, Any]) -> None:
        resp = await client.get("/api/stories")
        assert resp.status == 200
        stories = await resp.json()
        assert [s["story_id"] for s in stories] == ["s-ferry", "s-a"]
        assert stories[0] == rich_update(version=2).model_dump(mode="json")
        assert StoryUpdate.model_validate(stories[0]) == rich_update(version=2)
        one = await (await client.get("/api/stories/s-ferry")).json()
        assert one == rich_update(version=2).model_dump(mode="json")
        versions = await (await client.get("/api/stories/s-ferry/versions")).json()
        assert [v["version"] for v in versions] == [1, 2]
        for path in ("/api/stories/nope", "/api/stories/nope/versions"):
            missing = await client.get(path)
            assert missing.status == 404 and (await missing.json())["story_id"] == "nope"

    with_client(hub, body)


def test_pages_are_escaped_and_locked_down() -> None:
    hub = StoryBoardHub()
    hub.add(update("s-x", 1, title=SCRIPT))

    async def body(client: TestClient[Any, Any]) -> None:
        index = await client.get("/")
        text = await index.text()
        assert index.status == 200 and "&lt;script&gt;alert(1)&lt;/script&gt;" in text and SCRIPT not in text
        csp = index.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        story = await client.get("/stories/s-x")
        assert story.status == 200 and SCRIPT not in await story.text()
        missing = await client.get("/stories/%3Cscript%3E")
        assert missing.status == 404 and "<script>" not in (await missing.text()).split("</head>")[1]
        js = await client.get("/static/board.js")
        assert js.status == 200 and js.content_type == "application/javascript"
        assert (await client.get("/static/nope.js")).status == 404
        assert (await client.post("/api/stories")).status == 405  # read-only

    with_client(hub, body)


async def _read_event(resp: Any) -> tuple[str, dict[str, Any]]:
    """The next SSE event (name, JSON data), skipping comments and the retry hint."""
    name, data = "message", ""
    while True:
        line = (await asyncio.wait_for(resp.content.readline(), 5)).decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data = line[6:]
        elif line == "" and data:
            return name, json.loads(data)


def test_events_stream_a_snapshot_then_live_changes() -> None:
    hub = StoryBoardHub()
    hub.add(update("s-a", 1))
    hub.add(update("s-b", 1))

    async def body(client: TestClient[Any, Any]) -> None:
        resp = await client.get("/events")
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        first = [await _read_event(resp), await _read_event(resp)]
        assert [(n, d["story_id"], d["snapshot"]) for n, d in first] == [("story", "s-a", True), ("story", "s-b", True)]
        assert (await _read_event(resp))[0] == "ready"
        assert hub.add(update("s-a", 2, article_count=2, independent_source_count=2))
        assert not hub.add(update("s-a", 2))  # a duplicate is not announced
        hub.add(update("s-a", 3, title=SCRIPT))
        name, card = await _read_event(resp)
        assert name == "story" and (card["story_id"], card["version"], card["snapshot"]) == ("s-a", 2, False)
        assert card["independent_source_count"] == 2
        _, card = await _read_event(resp)
        assert card["version"] == 3 and card["title"] == SCRIPT  # raw in JSON; the script sets it as textContent
        followed = await client.get("/events?story=s-b")
        assert (await _read_event(followed))[1]["story_id"] == "s-b"
        assert (await _read_event(followed))[0] == "ready"
        hub.add(update("s-a", 4))
        hub.add(update("s-b", 2))
        assert (await _read_event(followed))[1]["version"] == 2  # s-a's change was not sent here
        assert hub.subscriber_count == 2
        hub.close_subscribers()
        resp.close()
        followed.close()

    with_client(hub, body)


def test_board_server_runs_in_a_thread_and_stops() -> None:
    import urllib.request

    server = BoardServer(port=0).start()
    try:
        server.add(update("s-a", 1, title=SCRIPT))
        assert server.call(lambda: len(server.hub.state)) == 1
        with urllib.request.urlopen(server.url + "api/stories", timeout=5) as resp:
            assert json.load(resp)[0]["title"] == SCRIPT
        with urllib.request.urlopen(server.url + "events", timeout=5) as stream:  # an open stream ends at stop()
            assert stream.readline() == b"retry: 2000\n"
            server.stop()
            assert not server.running
    finally:
        server.stop()


def test_the_story_page_and_the_board_row_show_the_facts() -> None:
    from schemas import Development, Participant, Place, StoryFacts

    facts = StoryFacts(
        type="shooting",
        date="2026-03-01",
        place=Place(name="Englewood", city="Chicago", region="Illinois", country="United States"),
        killed=1,
        injured=0,
        participants=[Participant(name="Jane <Doe>", age=2, role="victim", status="killed")],
        sources=["Prairie Daily"],
    )
    moved = Development(field="killed", from_=0, to=1, article_id="a2", source="Prairie Daily")
    update = StoryUpdate(
        story_id="s-9", version=2, title="Toddler has died", facts=facts, changes=Changes(developments=[moved])
    )
    hub = StoryBoardHub()
    hub.add(update)
    page = render_story_page(hub, "s-9") or ""
    facts_html = page[page.index('<section id="facts">') : page.index('<section id="summary">')]
    assert "<dt>killed</dt><dd>1</dd>" in facts_html and "<dt>injured</dt><dd>0</dd>" in facts_html
    assert "Englewood, Chicago, Illinois, United States" in facts_html
    assert "Jane &lt;Doe&gt; (2, victim, killed)" in facts_html  # escaped
    assert "killed: 0 → 1" in facts_html
    card = story_card(hub.state.latest("s-9"))  # type: ignore[arg-type]
    assert card["facts"] == "shooting · Chicago, Illinois · 2026-03-01 · 1 killed, 0 injured"
    assert "killed: 0 → 1" in card["changes"]
