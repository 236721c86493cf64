"""Big stories: past its window a story folds its oldest articles, keeps exact totals and stays bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agents.cluster.settings import ClusterSettings
from agents.inprocess import Pipeline
from agents.story.state import StorySettings, StoryState, apply_article, apply_message
from schemas import ArticleExtraction, ArticleFacts, StoryArticle, StoryUpdate
from streams.ingest.readers import read_records

SMALL = StorySettings(window_articles=6, fold_batch=2)  # a window of 4 to 6 articles: folds early and often
WHOLE = StorySettings(  # never folds nor caps: the whole story, as the story stage told it before folding
    window_articles=100_000, max_sources=100_000, max_events=100_000, max_event_refs=100_000,
    max_entities=100_000, max_conflict_sources=100_000, max_outlets=100_000,
)  # fmt: skip


@pytest.fixture(scope="module")
def examples(extractor, examples_dir: Path) -> list[ArticleExtraction]:  # type: ignore[no-untyped-def]
    arts = [r.parse() for r in read_records([examples_dir])]
    return [e for e in extractor.extract(arts) if isinstance(e, ArticleExtraction)]


def live(examples: list[ArticleExtraction], count: int) -> list[ArticleExtraction]:
    """``count`` articles of one live story: the examples in turn, a minute apart, new ids on each round."""
    start = datetime(2026, 3, 1, tzinfo=UTC)
    out = []
    for n in range(count):
        ex = examples[n % len(examples)]
        lap = n // len(examples)
        art = ex.article.model_copy(
            update={"published": start + timedelta(minutes=n), "id": f"{ex.article.id}~{lap}" if lap else ex.article.id}
        )
        out.append(ex.model_copy(update={"article": art}))
    return out


def fold(extractions: list[ArticleExtraction], settings: StorySettings) -> tuple[StoryState, list[StoryUpdate]]:
    state: StoryState | None = None
    updates: list[StoryUpdate] = []
    for ex in extractions:
        step = apply_article(state, "s-big", ex, settings)
        state = step.state
        updates.extend(step.updates)
    assert state is not None
    return state, updates


def test_a_story_within_its_window_is_the_whole_story_byte_for_byte(examples: list[ArticleExtraction]) -> None:
    stream = live(examples, 6)
    _, small = fold(stream, SMALL)
    _, whole = fold(stream, WHOLE)
    assert [u.model_dump_json() for u in small] == [u.model_dump_json() for u in whole]


def test_past_its_window_a_story_keeps_exact_totals(examples: list[ArticleExtraction]) -> None:
    stream = live(examples, 60)
    state, small = fold(stream, SMALL)
    _, whole = fold(stream, WHOLE)
    assert len(state.packed_articles) <= SMALL.window_articles  # the rest is folded
    last, reference = small[-1], whole[-1]
    assert last.article_count == reference.article_count == 60
    assert last.outlets == reference.outlets
    assert last.independent_source_count == reference.independent_source_count
    assert (last.first_seen, last.last_seen) == (reference.first_seen, reference.last_seen)
    assert last.changes.new_articles == [stream[-1].article.id]
    # The sources list the first reports and the most recent, and say how many there are.
    assert last.truncated is not None and last.truncated.sources == 60
    ids = [s.article_id for s in last.sources]
    assert ids[0] == stream[0].article.id and ids[-1] == stream[-1].article.id

    # The event most reported keeps counting every article that reports it.
    def total(u: StoryUpdate) -> int:
        return max(e.article_total or len(e.article_ids) for e in u.events)

    assert total(last) == total(reference)


def test_a_folded_event_keeps_its_id_and_new_reports_still_join_it(examples: list[ArticleExtraction]) -> None:
    stream = live(examples, 60)
    _, updates = fold(stream, SMALL)
    first_top = max(updates[len(examples) - 1].events, key=lambda e: len(e.article_ids))
    last = updates[-1]
    same = [e for e in last.events if e.id == first_top.id]
    assert same, "the event the first round reported most is still the story's, under its published id"
    assert (same[0].article_total or len(same[0].article_ids)) > len(first_top.article_ids)
    assert stream[-1].article.id in {a for e in last.events for a in e.article_ids}


def test_state_and_update_stay_bounded_as_the_story_grows(examples: list[ArticleExtraction]) -> None:
    stream = live(examples, 240)
    state_at, update_at = {}, {}
    state: StoryState | None = None
    last: StoryUpdate | None = None
    for n, ex in enumerate(stream, 1):
        step = apply_article(state, "s-big", ex, SMALL)
        state, last = step.state, step.update or last
        if n in (120, 240):  # both past the window and the caps (100 sources)
            assert last is not None
            state_at[n], update_at[n] = len(state.model_dump_json()), len(last.model_dump_json())
    assert state_at[240] < state_at[120] * 1.25  # only the folded ids' digests grow (8 bytes an article)
    assert update_at[240] < update_at[120] * 1.1


def test_a_redelivered_folded_article_is_a_duplicate(examples: list[ArticleExtraction]) -> None:
    stream = live(examples, 30)
    state, _ = fold(stream, SMALL)
    assert stream[0].article.id not in state.packed_articles
    again = apply_article(state, "s-big", stream[0], SMALL)
    assert again.duplicate and not again.updates


def _with_toll(ex: ArticleExtraction, killed: int) -> ArticleExtraction:
    return ex.model_copy(update={"facts": ArticleFacts(type="shooting", killed=killed, date="2026-03-01")})


def test_a_toll_that_rises_after_its_first_reports_were_folded_is_a_development(
    examples: list[ArticleExtraction],
) -> None:
    stream = [_with_toll(ex, 1) for ex in live(examples, 30)]
    rising = [*stream, _with_toll(live(examples, 31)[-1], 3), _with_toll(live(examples, 32)[-1], 2)]
    state, updates = fold(rising, SMALL)
    assert state.folded is not None and stream[0].article.id not in state.packed_articles
    risen = next(u for u in updates if rising[30].article.id in u.changes.new_articles)
    assert risen.facts.killed == 3
    assert [(d.field, d.from_, d.to) for d in risen.changes.developments] == [("killed", 1, 3)]
    assert updates[-1].facts.killed == 3  # a toll does not fall
    assert updates[-1].facts.date == "2026-03-01"  # the first report's date, though it was folded long ago


def test_capped_lists_say_their_totals(examples: list[ArticleExtraction]) -> None:
    capped = StorySettings(max_sources=4, max_entities=3, max_event_refs=2, max_events=2)
    stream = live(examples, 12)
    _, updates = fold(stream, capped)
    _, whole = fold(stream, WHOLE)
    last, reference = updates[-1], whole[-1]
    assert last.truncated is not None
    assert len(last.sources) == 4 and last.truncated.sources == 12
    assert len(last.entities) == 3 and last.truncated.entities == len(reference.entities)
    assert [e.mentions for e in last.entities] == [e.mentions for e in reference.entities[:3]]
    assert len(last.events) >= 2 and last.truncated.events == len(reference.events)
    for event in last.events:
        assert len(event.article_ids) <= 2
        full = next(e for e in reference.events if e.id == event.id)
        assert (event.article_total or len(event.article_ids)) == len(full.article_ids)
    assert last.changes.new_articles == [stream[-1].article.id]  # always every new article


def test_an_update_over_the_message_limit_is_refused_and_the_story_goes_on(examples: list[ArticleExtraction]) -> None:
    stream = live(examples, 3)
    state, updates = fold(stream[:2], SMALL)
    tight = SMALL.model_copy(update={"max_message_bytes": len(updates[-1].model_dump_json()) + 10})
    refused = apply_article(state, "s-big", stream[2], tight)
    assert refused.too_large is not None and "message limit" in refused.too_large
    assert refused.state == state and not refused.updates  # the previous state, nothing sent
    # Once the limit is raised (or the story shrinks) the next message goes through.
    assert apply_article(refused.state, "s-big", stream[2], SMALL).update is not None
    # The in-process pipeline records the refusal, as the broker path dead-letters the message.
    # (its clusterer splits no story past this small window: Pipeline refuses settings that would)
    pipeline = Pipeline(
        None, cluster_settings=ClusterSettings(split_max_articles=tight.window_articles), story_settings=tight
    )
    pipeline.states["s-big"] = state
    pipeline._deliver([StoryArticle(story_id="s-big", extraction=stream[2])])
    assert [why for _, why in pipeline.refused] == [refused.too_large]
    assert pipeline.states["s-big"] == state


def test_a_merge_message_still_works_past_the_window(examples: list[ArticleExtraction]) -> None:
    stream = live(examples, 20)
    state, _ = fold(stream, SMALL)
    step = apply_message(state, StoryArticle(story_id="s-big", kind="merge_into", other_story="s-other"), SMALL)
    assert step.update is not None and step.update.merged_into == "s-other"
    assert step.update.article_count == 20


def test_a_big_story_merged_into_another_brings_its_folded_articles_counts(examples: list[ArticleExtraction]) -> None:
    stream = live(examples, 60)
    mine, theirs = stream[:30], stream[30:]
    state_a, _ = fold(mine, SMALL)
    state_b: StoryState | None = None
    for ex in theirs:
        state_b = apply_article(state_b, "s-other", ex, SMALL).state
    assert state_a.folded is not None and state_b is not None and state_b.folded is not None
    gone = apply_message(state_b, StoryArticle(story_id="s-other", kind="merge_into", other_story="s-big"), SMALL)
    assert gone.update is not None and gone.update.merged_into == "s-big"
    absorb = gone.forward[0]
    step = apply_message(state_a, absorb, SMALL)
    assert step.update is not None and step.update.changes.merged_stories == ["s-other"]
    _, whole = fold(stream, WHOLE)
    assert step.update.article_count == 60
    assert step.update.outlets == whole[-1].outlets
    # An article the merged story had folded, delivered again to the story it joined: a duplicate.
    assert apply_article(step.state, "s-big", theirs[0], SMALL).duplicate
    # The absorb message, redelivered, changes nothing.
    assert apply_message(step.state, absorb, SMALL).duplicate


def test_articles_without_a_named_outlet_are_counted_not_listed(examples: list[ArticleExtraction]) -> None:
    # No source, no URL: each article is its own outlet ("unknown:<id>"); no fingerprints, so none is a wire copy.
    unnamed = [
        ex.model_copy(
            update={"article": ex.article.model_copy(update={"source": None, "url": None}), "text_fingerprint": []}
        )
        for ex in live(examples, 40)
    ]
    settings = SMALL.model_copy(update={"max_outlets": 10})
    state, updates = fold(unnamed, settings)
    _, whole = fold(unnamed, WHOLE)
    last = updates[-1]
    assert len(whole[-1].outlets) == 40 and whole[-1].independent_source_count == 40
    assert len(last.outlets) <= 10 and last.truncated is not None and last.truncated.outlets == 40
    assert unnamed[-1].article.outlet in last.outlets  # the window's are listed
    assert last.independent_source_count == 40
    assert state.folded is not None and state.folded.outlets == []  # counted, never listed in the state
