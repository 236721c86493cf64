"""Issue 28, item 10: people read display names, never internal ids ("np:vessel", "gpe:marion-county") or
"unknown:…" outlets, on the board's story page, its cards and the terminal table."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console

from schemas import Changes, Conflict, ConflictValue, StoryEntity, StoryEvent, StorySource, StoryUpdate
from streams.board.render import render_story_page
from streams.board.state import BoardState, StoryBoardHub, story_card
from streams.board.terminal import StoryBoard, entity_name

T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def _update() -> StoryUpdate:
    event = StoryEvent(
        id="e1",
        type="fire",
        trigger="fire",
        actors=["person:maria-okafor"],
        targets=["np:vessel", "np:child"],
        where="gpe:marion-county",
        attributes={"killed": 2},
        sources=["unknown:ap_meta_refresh", "Harbor Gazette"],
        article_ids=["ap_meta_refresh", "a2"],
        names={"person:maria-okafor": "Maria Okafor"},
    )
    return StoryUpdate(
        story_id="s-1",
        version=1,
        title="Ferry fire",
        events=[event],
        entities=[StoryEntity(id="gpe:marion-county", name="Marion County", label="GPE", mentions=3)],
        conflicts=[
            Conflict(
                event_id="e1",
                attribute="where",
                values=[
                    ConflictValue(value="gpe:marion-county", sources=["Harbor Gazette"], article_ids=["a2"]),
                    ConflictValue(value="gpe:port-halloway", sources=["unknown:a3"], article_ids=["a3"]),
                ],
            )
        ],
        sources=[
            StorySource(article_id="ap_meta_refresh", source="unknown:ap_meta_refresh", title="Fire"),
            StorySource(article_id="a2", source="Harbor Gazette", title="Fire"),
            StorySource(article_id="a3", source="unknown:a3", title="Fire"),
        ],
        outlets=["unknown:ap_meta_refresh", "Harbor Gazette", "unknown:a3"],
        article_count=3,
        independent_source_count=3,
        first_seen=T0,
        last_seen=T0,
        changes=Changes(new_articles=["ap_meta_refresh", "a2", "a3"], new_sources=["unknown:a3"], new_events=["e1"]),
    )


def test_the_story_page_shows_names_not_ids() -> None:
    hub = StoryBoardHub(BoardState())
    hub.add(_update(), T0)
    page = render_story_page(hub, "s-1")
    assert page is not None
    for internal in ("np:vessel", "np:child", "gpe:marion-county", "gpe:port-halloway", "unknown:"):
        assert internal not in page, internal
    assert "to/at</span> vessel, child" in page and "Maria Okafor" in page and "Marion County" in page
    assert "Port Halloway" in page and "ap_meta_refresh" in page


def test_board_cards_and_the_terminal_table_show_outlet_names() -> None:
    state = BoardState()
    seen = state.add(_update(), T0)
    assert seen is not None
    assert story_card(seen)["outlets"] == ["ap_meta_refresh", "Harbor Gazette", "a3"]
    board = StoryBoard()
    board.add(_update())
    console = Console(width=200, record=True)
    console.print(board.render())
    table = console.export_text()
    assert "unknown:" not in table and "Harbor Gazette" in table and "ap_meta_refresh" in table


def test_entity_name_reads_ids() -> None:
    assert entity_name("np:vessel") == "vessel"
    assert entity_name("gpe:marion-county") == "Marion County"
    assert entity_name("Harbor master") == "Harbor master"
