"""The two seed articles (one story, two outlets): the merged events, conflicts and entities the issue asks for."""

from __future__ import annotations

import pytest

from agents.extract.extractor import Extractor
from agents.story.merge import merge_entities, merge_events
from schemas.article import Article
from schemas.extraction import ArticleExtraction
from schemas.story import StoryEvent
from tests.conftest import SHARED

SEEDS = SHARED / "samples" / "seeds"
FILES = {"000_ebd1a3375ebdada9.txt": "outlet-a.example", "004_f7b4dd3e2bf6daae.txt": "outlet-b.example"}

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed articles not found at {SEEDS}")


@pytest.fixture(scope="module")
def extractions() -> list[ArticleExtraction]:
    articles = []
    for name, outlet in FILES.items():
        title, _, text = (SEEDS / name).read_text(encoding="utf-8").partition("\n")
        articles.append(
            Article(
                id=name[:3], source=outlet, title=title.strip(), text=text.strip(), published="2025-06-05T09:00:00Z"
            )
        )
    results = Extractor().extract(articles)
    assert all(isinstance(r, ArticleExtraction) for r in results)
    return results  # type: ignore[return-value]


@pytest.fixture(scope="module")
def merged(extractions: list[ArticleExtraction]) -> tuple[list[StoryEvent], list]:
    return merge_events((x.article.id, x.article.outlet, f) for x in extractions for f in x.events)


def _find(events: list[StoryEvent], kind: str, *participants: str) -> list[StoryEvent]:
    return [
        e for e in events if e.type == kind and all(any(p in a for a in (*e.actors, *e.targets)) for p in participants)
    ]


BOTH = ["outlet-a.example", "outlet-b.example"]


def test_trump_putin_call_has_both_sources_and_normalized_duration(merged) -> None:
    events, _ = merged
    calls = _find(events, "call", "trump", "putin")
    assert len(calls) == 1
    assert calls[0].sources == BOTH
    assert calls[0].attributes["duration"] == "1h15m"
    assert calls[0].when == "2025-06-04"  # "Wednesday (June 4)" against a 2025-06-05 publish date


def test_putin_threat_to_retaliate_has_both_sources(merged) -> None:
    events, _ = merged
    threats = _find(events, "threat", "putin")
    assert [t.sources for t in threats] == [BOTH]


def test_pope_call_merges_and_the_popes_name_is_a_conflict(merged) -> None:
    events, conflicts = merged
    calls = [e for e in events if e.type == "call" and any("john-xiv" in p or "leo" in p for p in e.targets)]
    assert len(calls) == 1 and calls[0].sources == BOTH
    pope = [c for c in conflicts if c.event_id == calls[0].id and c.attribute == "name:pope"]
    assert len(pope) == 1
    assert {(v.value, tuple(v.sources)) for v in pope[0].values} == {
        ("Pope John XIV", ("outlet-a.example",)),
        ("Pope Leo", ("outlet-b.example",)),
    }


def test_single_source_events_keep_their_one_source(merged) -> None:
    events, _ = merged
    derail = [e for e in events if e.attributes.get("killed") == 7]
    assert len(derail) == 1
    assert derail[0].attributes["injured"] == 113
    assert derail[0].sources == ["outlet-a.example"]
    assert derail[0].when == "2025-05-31"  # "last weekend" before Thursday 2025-06-05
    kim = _find(events, "meeting", "kim-jong-un", "shoigu")
    assert len(kim) == 1 and kim[0].sources == ["outlet-b.example"]


def test_zelenskyy_is_one_entity(extractions: list[ArticleExtraction]) -> None:
    story = merge_entities(x.entities for x in extractions)
    zel = [e for e in story if "zelensk" in e.id]
    assert len(zel) == 1
    assert zel[0].mentions == 5  # NER tags four; one more bare "Zelenskyy" is found by its spelling
    putin = [e for e in story if "putin" in e.id]
    assert len(putin) == 1 and putin[0].name == "Vladimir Putin"
