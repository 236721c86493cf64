"""Real shooting reports (GVC dev split): figures, dates and places that we checked by reading the articles.

Each expectation below was verified by hand against the article text; the test reads ../shared/eval/gvc-dev.jsonl
and is skipped when that file is not there.
"""

from __future__ import annotations

import json

import pytest

from agents.extract.extractor import Extractor
from agents.story.merge import merge_events
from schemas.article import Article
from schemas.extraction import ArticleExtraction, EventFrame
from tests.conftest import SHARED

GVC = SHARED / "eval" / "gvc-dev.jsonl"

pytestmark = pytest.mark.skipif(not GVC.is_file(), reason=f"GVC dev file not found at {GVC} (../shared/eval)")

# article id -> (killed, injured, ISO date, city, state); None where the article does not say.
CHECKED = {
    # "four people were found shot dead at a Tulsa apartment on Monday" (published Monday 2013-01-07)
    "gvc-418288772a73a04cff88374f948880ae": (4, None, "2013-01-07", "Tulsa", "Oklahoma"),
    # "One person was killed and five others injured"; "the 3:30 a.m. Saturday incident" (UPI, Sun 2013-10-27)
    "gvc-adb68f9378975999d3becbe519855b9c": (1, 5, "2013-10-26", "New Haven", "Connecticut"),
    # "KOKOMO, Ind." four people shot, "put four people in the hospital", "3:15 a.m. Sunday" (Sun 2014-06-15)
    "gvc-533dc1a9518e4defd149a1e1c2a40766": (None, 4, "2014-06-15", "Kokomo", "Indiana"),
    # "late Friday night that left two people dead" ... "five others were injured" (Mon 2015-08-24)
    "gvc-ff3e1d8a3de2e9c6fc87f832e9478ea5": (2, 5, "2015-08-21", None, None),
}
STORIES = {
    # Madisonville (Cincinnati) party shooting: 2 killed, 5 injured, late Friday 2015-08-21; two outlets.
    "399367": {"killed": 2, "injured": 5, "when": "2015-08-21", "sources": ["cincinnati.com", "wlwt.com"]},
    # New Haven Key Club Cabaret: 1 killed, 5 injured, Saturday 2013-10-26; three outlets.
    "492366": {
        "killed": 1,
        "injured": 5,
        "when": "2013-10-26",
        "sources": ["nhregister.com", "upi.com", "yaledailynews.com"],
    },
}


@pytest.fixture(scope="module")
def rows() -> dict[str, dict]:
    with GVC.open(encoding="utf-8") as f:
        return {row["id"]: row for row in map(json.loads, f)}


@pytest.fixture(scope="module")
def extracted(rows: dict[str, dict]) -> dict[str, ArticleExtraction]:
    wanted = [r for r in rows.values() if r["id"] in CHECKED or r["story"] in STORIES]
    results = Extractor().extract([Article.model_validate(r) for r in wanted])
    assert all(isinstance(r, ArticleExtraction) for r in results)
    return {r.article.id: r for r in results}  # type: ignore[union-attr]


def _incident(ex: ArticleExtraction) -> EventFrame:
    shootings = [e for e in ex.events if e.type == "shooting"]
    assert shootings, f"no shooting event in {ex.article.id}: {[e.type for e in ex.events]}"
    return shootings[0]


@pytest.mark.parametrize("article_id", sorted(CHECKED))
def test_article_figures_are_integers_with_iso_dates_and_places(
    extracted: dict[str, ArticleExtraction], article_id: str
) -> None:
    killed, injured, when, city, state = CHECKED[article_id]
    event = _incident(extracted[article_id])
    assert event.attributes.get("killed", 0) == (killed or 0)
    assert event.attributes.get("injured") == injured
    for key in ("killed", "injured"):
        assert isinstance(event.attributes.get(key, 0), int)
    assert event.when == when
    assert event.attributes.get("city") == city
    assert event.attributes.get("state") == state


@pytest.mark.parametrize("story", sorted(STORIES))
def test_story_merges_the_incident_with_every_source_that_states_it(
    rows: dict[str, dict], extracted: dict[str, ArticleExtraction], story: str
) -> None:
    members = [extracted[i] for i, r in rows.items() if r["story"] == story]
    events, conflicts = merge_events((x.article.id, x.article.outlet, f) for x in members for f in x.events)
    shootings = [e for e in events if e.type == "shooting"]
    assert len(shootings) == 1
    expected = STORIES[story]
    event = shootings[0]
    assert event.attributes["killed"] == expected["killed"]
    assert event.attributes["injured"] == expected["injured"]
    assert event.when == expected["when"]
    assert event.sources == expected["sources"]
    assert not [c for c in conflicts if c.event_id == event.id and c.attribute in {"killed", "injured"}]
