"""Folding articles into stories: versions only on real change, changes that describe each step, wire copies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.inprocess import Pipeline
from agents.story.state import StorySettings, apply_article, syndication_groups
from schemas import StoredArticle, StoryUpdate
from streams.ingest.readers import read_records
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def played(extractor, examples_dir: Path) -> tuple[Pipeline, list]:  # type: ignore[no-untyped-def]
    pipeline = Pipeline(extractor)
    results = list(pipeline.add_raw(r.raw for r in read_records([examples_dir])))
    return pipeline, results


@pytest.fixture(scope="module")
def expected(examples_dir: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    data = json.loads((ROOT / "tests" / "data" / "examples-expected.json").read_text())
    return {s["name"]: s for s in data["stories"]}


def story_of(pipeline: Pipeline, article_ids: list[str]) -> StoryUpdate:
    sids = {pipeline.index.story_of(a) for a in article_ids}
    assert len(sids) == 1, f"{article_ids} landed in {len(sids)} stories"
    last = pipeline.states[sids.pop() or ""].last
    assert last is not None
    return last


def test_every_example_story_forms_with_its_articles(played, expected) -> None:  # type: ignore[no-untyped-def]
    pipeline, results = played
    assert all(r.error is None for r in results)
    for spec in expected.values():
        story = story_of(pipeline, spec["articles"])
        assert sorted(s.article_id for s in story.sources) == sorted(spec["articles"])
        assert len(story.outlets) == spec["outlets"]
        assert story.independent_source_count == spec["independent_sources"], spec["name"]
    assert len(pipeline.final_stories()) == len(expected)


def test_wire_copies_raise_articles_but_not_independent_sources(played, expected) -> None:  # type: ignore[no-untyped-def]
    pipeline, _ = played
    spec = expected["B"]
    story = story_of(pipeline, spec["articles"])
    assert story.independent_source_count < story.article_count
    copies = {s.article_id: s.copy_of for s in story.sources}
    for copy in spec["wire_copies"]:
        assert copies[copy] == spec["wire_original"]


def test_versions_increase_by_one_and_changes_describe_each_step(played) -> None:  # type: ignore[no-untyped-def]
    _, results = played
    by_story: dict[str, list[StoryUpdate]] = {}
    for r in results:
        if r.update is not None:
            by_story.setdefault(r.story_id, []).append(r.update)
    for updates in by_story.values():
        assert [u.version for u in updates] == list(range(1, len(updates) + 1))
        seen_outlets: set[str] = set()
        seen_events: set[str] = set()
        for prev, cur in zip([None, *updates], updates, strict=False):
            new_article = set(cur.changes.new_articles)
            assert len(new_article) == 1
            assert new_article <= {s.article_id for s in cur.sources}
            assert set(cur.changes.new_sources) == set(cur.outlets) - seen_outlets
            assert set(cur.changes.new_events) == {e.id for e in cur.events} - seen_events
            if prev is not None:
                assert cur.article_count == prev.article_count + 1
            seen_outlets |= set(cur.outlets)
            seen_events |= {e.id for e in cur.events}
            # What is new comes first in the summary.
            if cur.summary and any(new_article & set(s.article_ids) for s in cur.summary):
                assert new_article & set(cur.summary[0].article_ids)


def test_every_summary_sentence_cites_articles_of_its_story(played) -> None:  # type: ignore[no-untyped-def]
    pipeline, _ = played
    for story in pipeline.final_stories():
        ids = {s.article_id for s in story.sources}
        outlets = set(story.outlets)
        assert story.summary
        for sentence in story.summary:
            assert sentence.article_ids and set(sentence.article_ids) <= ids
            assert set(sentence.sources) <= outlets


def test_summaries_hold_sentences_not_datelines(played) -> None:  # type: ignore[no-untyped-def]
    pipeline, _ = played
    fine = story_of(pipeline, ["ex-coastal-wire-utility-fine-1"])
    texts = [s.text for s in fine.summary]
    assert not any(t.startswith("MILLBROOK, Vermont (Coastal Wire Service)") for t in texts), texts
    assert any(t.startswith("State utility regulators on Tuesday fined Granite Ridge Power") for t in texts), texts
    for story in pipeline.final_stories():
        assert all(s.text.rstrip("\"'”’)]").endswith((".", "!", "?", "…")) for s in story.summary), story.summary
        assert all(s.text.count('"') % 2 == 0 for s in story.summary), story.summary
    # The splitter leaves the closing quote of '"Today it finally feels like it belongs to everyone."' on its own.
    library = story_of(pipeline, ["ex-valley-herald-library-reopens-1"])
    assert '"Today it finally feels like it belongs to everyone."' in [s.text for s in library.summary]


def test_same_article_again_changes_nothing(played, extractor, examples_dir: Path) -> None:  # type: ignore[no-untyped-def]
    pipeline, _ = played
    first = next(read_records([examples_dir])).parse()
    [ex] = extractor.extract([first])
    sid = pipeline.index.story_of(first.id)
    assert sid is not None
    state = pipeline.states[sid]
    step = apply_article(state, sid, ex, StorySettings())
    assert step.duplicate and step.update is None and step.state == state


def test_same_input_gives_the_same_stories(extractor, examples_dir: Path, played) -> None:  # type: ignore[no-untyped-def]
    pipeline, _ = played
    again = Pipeline(extractor)
    list(again.add_raw(r.raw for r in read_records([examples_dir])))
    dump = [u.model_dump_json() for u in pipeline.final_stories()]
    assert dump == [u.model_dump_json() for u in again.final_stories()]


def test_three_source_rule_fires_exactly_once_for_the_big_story(played, expected) -> None:  # type: ignore[no-untyped-def]
    from agents.alerts.rules import evaluate_rules, parse_rules

    pipeline, results = played
    rules = parse_rules("rules: [{name: three, kind: sources, min_sources: 3}]")
    big = story_of(pipeline, expected["A"]["articles"])
    fired: dict[str, int] = {}
    alerts = []
    for r in results:
        if r.update is not None:
            for key, alert in evaluate_rules(rules, r.update, fired=fired):
                fired[key] = r.update.version
                alerts.append(alert)
    on_big = [a for a in alerts if a.story_id == big.story_id]
    assert len(on_big) == 1 and on_big[0].version == 3
    per_story = [a.story_id for a in alerts]
    assert len(per_story) == len(set(per_story)), "a rule fires once per story"


def _story_stage():  # type: ignore[no-untyped-def]
    """``deliver(msg)``: apply a story message as the story agent does (returns what it forwards); and the updates
    emitted so far."""
    from agents.story.state import apply_message

    settings = StorySettings()
    states: dict[str, object] = {}
    emitted: list[StoryUpdate] = []

    def deliver(msg) -> list:  # type: ignore[no-untyped-def]
        step = apply_message(states.get(msg.story_id), msg, settings)  # type: ignore[arg-type]
        states[msg.story_id] = step.state
        emitted.extend(step.updates)
        return step.forward

    return deliver, emitted


def _msg(story: str, **kw: object):  # type: ignore[no-untyped-def]
    from schemas import StoryArticle

    return StoryArticle(story_id=story, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("late_article_first", [True, False])
def test_a_merge_folds_one_story_into_another_the_same_way_whatever_the_timing(
    extractor, examples_dir: Path, late_article_first: bool
) -> None:
    arts = [r.parse() for r in read_records([examples_dir])]
    a1, b1, a2 = extractor.extract([arts[0], arts[2], arts[5]])  # three articles of the ferry fire story
    deliver, emitted = _story_stage()

    deliver(_msg("A", extraction=a1))
    deliver(_msg("B", extraction=b1))
    deliver(_msg("A", kind="expect_merge", other_story="B"))
    [absorb] = deliver(_msg("B", kind="merge_into", other_story="A"))
    late = _msg("A", extraction=a2)
    for msg in [late, absorb] if late_article_first else [absorb, late]:
        deliver(msg)
    # Redelivery of any of them changes nothing.
    assert deliver(_msg("A", kind="expect_merge", other_story="B")) == []
    deliver(absorb)
    deliver(late)

    b_versions = [u for u in emitted if u.story_id == "B"]
    assert [u.version for u in b_versions] == [1, 2] and b_versions[-1].merged_into == "A"
    a_versions = [u for u in emitted if u.story_id == "A"]
    assert [u.version for u in a_versions] == [1, 2, 3]
    assert a_versions[1].changes.merged_stories == ["B"] and a_versions[1].changes.new_articles == [b1.article.id]
    assert a_versions[2].changes.new_articles == [a2.article.id]
    assert a_versions[2].article_count == 3


@pytest.mark.parametrize("late_article_first", [True, False])
def test_a_split_moves_articles_to_a_story_of_their_own_whatever_the_timing(
    extractor, examples_dir: Path, late_article_first: bool
) -> None:
    arts = [r.parse() for r in read_records([examples_dir])]
    a1, a2, a3 = extractor.extract([arts[0], arts[2], arts[5]])
    deliver, emitted = _story_stage()

    deliver(_msg("A", extraction=a1))
    deliver(_msg("A", extraction=a2))
    deliver(_msg("B", kind="expect_split", other_story="A"))
    moved = [a2.article.id, a3.article.id]  # a3 went to B directly: A never had it
    [absorb] = deliver(_msg("A", kind="split_off", other_story="B", article_ids=moved))
    assert absorb.split and [a.article_id for a in absorb.articles] == [a2.article.id]
    late = _msg("B", extraction=a3)
    for msg in [late, absorb] if late_article_first else [absorb, late]:
        deliver(msg)
    # Redelivery changes nothing, and a redelivered split sends the same articles again.
    [again] = deliver(_msg("A", kind="split_off", other_story="B", article_ids=moved))
    assert again == absorb
    deliver(again)
    deliver(late)
    # After a crash the story stage reads A's messages again from before the split: the article that left stays gone.
    deliver(_msg("A", extraction=a1))
    deliver(_msg("A", extraction=a2))

    a_versions = [u for u in emitted if u.story_id == "A"]
    assert [u.version for u in a_versions] == [1, 2, 3]
    assert a_versions[-1].changes.split_stories == ["B"] and a_versions[-1].article_count == 1
    assert [s.article_id for s in a_versions[-1].sources] == [a1.article.id]
    b_versions = [u for u in emitted if u.story_id == "B"]
    assert [u.version for u in b_versions] == [1, 2]  # the moved article first, then the one that waited
    assert b_versions[0].changes.split_stories == ["A"] and b_versions[0].changes.merged_stories == []
    assert {s.article_id for s in b_versions[-1].sources} == {a2.article.id, a3.article.id}


def test_a_split_waits_for_the_articles_of_a_merge_in_progress(extractor, examples_dir: Path) -> None:
    """Merged and split in one step: the split moves the articles the merge brings, once they are here."""
    arts = [r.parse() for r in read_records([examples_dir])]
    a1, b1 = extractor.extract([arts[0], arts[2]])
    deliver, emitted = _story_stage()

    deliver(_msg("A", extraction=a1))
    deliver(_msg("B", extraction=b1))
    deliver(_msg("A", kind="expect_merge", other_story="B"))
    [merged] = deliver(_msg("B", kind="merge_into", other_story="A"))
    deliver(_msg("C", kind="expect_split", other_story="A"))
    assert deliver(_msg("A", kind="split_off", other_story="C", article_ids=[b1.article.id])) == []  # held
    [absorb] = deliver(merged)  # B's articles arrive; the split that waited goes on
    assert [a.article_id for a in absorb.articles] == [b1.article.id]
    deliver(absorb)
    finals = {u.story_id: u for u in emitted}
    assert [s.article_id for s in finals["A"].sources] == [a1.article.id]
    assert [s.article_id for s in finals["C"].sources] == [b1.article.id]


def test_stories_the_index_evicts_leave_the_story_state_but_keep_their_final_version(
    extractor, examples_dir: Path, played
) -> None:  # type: ignore[no-untyped-def]
    """The story stage forgets what the clusterer's window dropped: its state is as bounded as the index."""
    from agents.cluster.index import ClusterSettings

    full, _ = played
    small = Pipeline(extractor, cluster_settings=ClusterSettings(max_stories=2))
    list(small.add_raw(r.raw for r in read_records([examples_dir])))
    live = [sid for sid, state in small.states.items() if state.merged_into is None]
    assert len(live) <= 2
    assert small.closed, "with room for two stories, the examples' six cannot all stay"
    assert set(small.closed).isdisjoint(small.states)
    # Every article still reached a story and every story's last version is still known.
    assert len(small.final_stories()) >= len(full.final_stories())
    assert {s.article_id for u in small.final_stories() for s in u.sources} == {
        s.article_id for u in full.final_stories() for s in u.sources
    }


def test_an_evict_message_drops_the_state() -> None:
    from agents.story.state import apply_message
    from schemas.messages import StoryArticle

    step = apply_message(None, StoryArticle(story_id="s-1", kind="evict"), StorySettings())
    assert step.evicted and not step.updates and not step.forward


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 3), max_size=6), min_size=1, max_size=30),
    st.sampled_from([0.0, 0.5, 0.8, 1.0]),
)
def test_wire_copies_are_found_as_a_pairwise_scan_finds_them(fingerprints: list[list[int]], threshold: float) -> None:
    """Each article copies the first earlier original whose fingerprint agrees with its own in ``threshold`` of the
    values (compared all at once with NumPy; fingerprints of other lengths or none agree in nothing)."""

    def agree(a: list[int], b: list[int]) -> float:
        return sum(x == y for x, y in zip(a, b, strict=True)) / len(a) if a and len(a) == len(b) else 0.0

    articles = [
        StoredArticle(article_id=f"a{i}", content_hash=str(i), source="x", title="t", fingerprint=fp)
        for i, fp in enumerate(fingerprints)
    ]
    expected: dict[str, str | None] = {}
    originals: list[StoredArticle] = []
    for art in articles:
        match = next((o for o in originals if agree(o.fingerprint, art.fingerprint) >= threshold), None)
        expected[art.article_id] = match.article_id if match else None
        if match is None:
            originals.append(art)
    assert syndication_groups(articles, threshold) == expected


def test_a_large_story_summarizes_the_same_with_and_without_the_kept_sentence_groups() -> None:
    """Large stories keep their sentence groups between updates; every summary must equal one made from scratch,
    also when an article sorts before the ones already grouped (a late report of an earlier publication)."""
    from datetime import UTC, datetime, timedelta

    from agents.story import state as story_mod

    pool = [
        "The ferry caught fire on Tuesday morning near the harbor entrance.",
        "A ferry caught fire Tuesday morning near the entrance of the harbor.",
        "Two people died and fourteen were injured, officials said on Wednesday.",
        "Officials said two people died and 14 were injured in the blaze.",
        "Investigators are trying to determine what caused the engine room fire.",
        "The vessel had more than two hundred passengers on board at the time.",
        "Rescue boats from the island reached the burning ship within minutes.",
    ]
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def article(i: int, hours: float) -> StoredArticle:
        return StoredArticle(
            article_id=f"a{i:02d}",
            content_hash=str(i),
            source=f"outlet{i % 9}",
            title="Ferry fire",
            seen_at=start + timedelta(hours=hours),
            sentences=[pool[(i * 3 + k) % len(pool)] for k in range(3)],
        )

    arrivals = [article(i, i) for i in range(30)] + [article(30, 2.5), article(31, 40)]  # a30 sorts early
    settings_ = StorySettings()
    story_mod._GROUP_CACHE.clear()
    for k in range(1, len(arrivals) + 1):
        new = {arrivals[k - 1].article_id}
        warm = story_mod.build_story("s-x", arrivals[:k], new_ids=new, settings=settings_)
        kept = dict(story_mod._GROUP_CACHE)
        story_mod._GROUP_CACHE.clear()
        cold = story_mod.build_story("s-x", arrivals[:k], new_ids=new, settings=settings_)
        story_mod._GROUP_CACHE.update(kept)
        assert warm.summary == cold.summary, k
    assert story_mod._GROUP_CACHE, "a story of 32 articles keeps its groups"
