"""Headline-only articles: the title embedding finds paraphrased headlines of one story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.cluster.index import ClusterSettings, StoryIndex, StoryProfile
from schemas.article import Article
from schemas.extraction import ArticleExtraction

# Our own headlines: two outlets' words for one event share little vocabulary.
HEADLINES = [
    ("a1", "Central bank holds interest rates steady for a third meeting"),
    ("b1", "Lunar lander touches down near the Moon's south pole"),
    ("a2", "Rates left unchanged as policymakers wait for inflation to cool"),
    ("b2", "Robotic probe makes first soft landing in a polar crater of the Moon"),
    ("a3", "Borrowing costs stay put; central bank says cuts are months away"),
    ("b3", "Spacecraft lands on lunar surface, space agency confirms"),
    ("c1", "Ferry fire forces 300 passengers to abandon ship off Crete"),
    ("c2", "Hundreds rescued after blaze breaks out on ferry near Crete"),
]
OFF = ClusterSettings(headline_weight=0.0, merge_headline_weight=0.0)


@pytest.fixture(scope="module")
def extractions(extractor) -> list[ArticleExtraction]:  # type: ignore[no-untyped-def]
    out = extractor.extract([Article(id=i, source="wire", title=t, text="") for i, t in HEADLINES])
    assert all(isinstance(e, ArticleExtraction) and e.title_vector for e in out)
    return out  # type: ignore[no-any-return]


def groups(extractions: list[ArticleExtraction], settings: ClusterSettings) -> list[list[str]]:
    index = StoryIndex(settings)
    assigned = {ex.article.id: index.assign(ex).story_id for ex in extractions}
    by_story: dict[str, list[str]] = {}
    for article_id, sid in assigned.items():
        by_story.setdefault(index.resolve(sid), []).append(article_id)
    return sorted(sorted(g) for g in by_story.values())


def story_of(found: list[list[str]], article_id: str) -> set[str]:
    return next(set(g) for g in found if article_id in g)


def test_a_paraphrased_headline_joins_its_story_with_the_vectors_only(extractions) -> None:  # type: ignore[no-untyped-def]
    with_vectors, without = groups(extractions, ClusterSettings()), groups(extractions, OFF)
    assert story_of(with_vectors, "b3") == {"b1", "b2", "b3"}
    assert "b3" not in story_of(without, "b1")
    for found in (with_vectors, without):  # never glued across stories
        assert all(len({a[0] for a in g}) == 1 for g in found), found
        assert story_of(found, "c1") == {"c1", "c2"}


def test_headline_sums_survive_json_and_restore(extractions) -> None:  # type: ignore[no-untyped-def]
    live = StoryIndex()
    for ex in extractions[:5]:
        live.assign(ex)
    saved = [StoryProfile.model_validate_json(p.model_dump_json()) for p in live.profiles()]
    assert all(p.headline_sum for p in saved)
    assert {p.story_id: p.headline_sum for p in saved} == {p.story_id: p.headline_sum for p in live.profiles()}
    assert json.loads(live.profiles()[0].model_dump_json())["headline_sum"]  # base64 text in JSON
    restored = StoryIndex()
    restored.restore(saved)
    assert [restored.assign(ex) for ex in extractions[5:]] == [live.assign(ex) for ex in extractions[5:]]


@pytest.mark.slow
def test_headline_vectors_lift_b_cubed_on_uci_headlines(tmp_path: Path) -> None:
    """Real Google-News clusters: the first 800 UCI headlines, with and without the vectors."""
    from streams.eval.clustering import evaluate_file
    from tests.conftest import shared_path

    path = shared_path("eval", "uci-headlines-dev.jsonl")
    sample = tmp_path / "uci-sample.jsonl"
    sample.write_text("".join(path.read_text("utf-8").splitlines(keepends=True)[:800]), "utf-8")
    cache = tmp_path / "cache"
    on = evaluate_file(sample, progress=False, cache_dir=cache)
    off = evaluate_file(sample, progress=False, cache_dir=cache, settings=OFF)
    assert on["f1"] >= off["f1"] + 0.03, (on, off)
