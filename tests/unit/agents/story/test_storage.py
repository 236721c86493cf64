"""The packed story state: what the ``stories`` table keeps gives the same next update, through its codec too."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from agents.story.state import StorySettings, StoryState, apply_article, apply_message, pack_model, unpack_model
from schemas import ArticleExtraction, StoredArticle, StoryArticle, StoryUpdate
from streams.codecs import PydanticCodec
from streams.ingest.readers import read_records


@pytest.fixture(scope="module")
def extractions(extractor, examples_dir: Path) -> list[ArticleExtraction]:  # type: ignore[no-untyped-def]
    arts = [r.parse() for r in read_records([examples_dir])]
    return [e for e in extractor.extract(arts) if isinstance(e, ArticleExtraction)]


def _fold(extractions: list[ArticleExtraction], story_id: str = "s-1") -> tuple[StoryState, list[StoryUpdate]]:
    state: StoryState | None = None
    updates: list[StoryUpdate] = []
    for ex in extractions:
        step = apply_article(state, story_id, ex, StorySettings())
        state = step.state
        updates.extend(step.updates)
    assert state is not None
    return state, updates


def test_pack_and_unpack_give_the_same_model(extractions: list[ArticleExtraction]) -> None:
    state, updates = _fold(extractions[:3])
    assert unpack_model(StoryUpdate, pack_model(updates[-1])) == updates[-1]
    assert state.last is not None and state.last.model_dump_json() == updates[-1].model_dump_json()
    assert set(state.articles) == {e.article.id for e in extractions[:3]}
    assert all(isinstance(a, StoredArticle) for a in state.articles.values())


def test_state_through_the_table_codec_gives_the_same_next_update(extractions: list[ArticleExtraction]) -> None:
    # A restarted worker reads the state back from the changelog with the table's codec: the next article must
    # produce byte for byte the update the running worker would have produced.
    codec = PydanticCodec(StoryState)
    settings = StorySettings()
    state: StoryState | None = None
    for ex in extractions[:6]:
        direct = apply_article(state, "s-1", ex, settings)
        restored_state = codec.loads(codec.dumps(state)) if state is not None else None
        restored = apply_article(restored_state, "s-1", ex, settings)
        assert [u.model_dump_json() for u in restored.updates] == [u.model_dump_json() for u in direct.updates]
        assert restored.state == direct.state
        state = direct.state


def test_packed_state_is_small(extractions: list[ArticleExtraction]) -> None:
    state, updates = _fold(extractions[:4])
    packed = sum(len(b) for b in state.packed_articles.values()) + len(state.packed_last or b"")
    unpacked = sum(len(a.model_dump_json()) for a in state.articles.values()) + len(updates[-1].model_dump_json())
    assert packed < unpacked / 2


def test_a_record_packed_before_the_preset_dictionary_still_unpacks(extractions: list[ArticleExtraction]) -> None:
    _, updates = _fold(extractions[:2])
    older = zlib.compress(updates[-1].model_dump_json().encode("utf-8"))  # how records were packed before
    assert unpack_model(StoryUpdate, older) == updates[-1]
    assert len(pack_model(updates[-1])) < len(older)  # the dictionary spares the field names


def test_a_compact_state_is_the_same_state(extractions: list[ArticleExtraction]) -> None:
    state, _ = _fold(extractions[:3])
    plain = StoryState.model_validate_json(state.model_dump_json())  # as read back from the changelog
    assert plain == state and plain.model_dump_json() == state.model_dump_json()
    assert state.absorbed == () and state.awaiting == () and state.waiting == ()
    assert state.model_copy(update={"awaiting": ("s-2",)}).awaiting == ("s-2",) and state.awaiting == ()


def test_a_state_in_the_older_unpacked_form_is_read_and_continues_alike(extractions: list[ArticleExtraction]) -> None:
    # Changelogs written before the state was packed hold ``articles`` and ``last`` as objects.
    state, _ = _fold(extractions[:3])
    assert state.last is not None
    legacy = {
        "story_id": state.story_id,
        "version": state.version,
        "articles": {k: a.model_dump(mode="json") for k, a in state.articles.items()},
        "last": state.last.model_dump(mode="json"),
    }
    import json

    read = StoryState.model_validate_json(json.dumps(legacy))
    assert read.articles == state.articles and read.last == state.last
    nxt = extractions[3]
    expect = apply_article(state, state.story_id, nxt, StorySettings())
    got = apply_article(read, state.story_id, nxt, StorySettings())
    assert [u.model_dump_json() for u in got.updates] == [u.model_dump_json() for u in expect.updates]


def test_duplicate_article_is_recognised_from_the_packed_state(extractions: list[ArticleExtraction]) -> None:
    state, _ = _fold(extractions[:2])
    step = apply_message(state, StoryArticle(story_id="s-1", extraction=extractions[1]), StorySettings())
    assert step.duplicate and step.updates == [] and step.state is state


def test_unpacked_articles_are_reused_and_bounded(extractions: list[ArticleExtraction]) -> None:
    """The memo of unpacked articles gives what the state holds, reuses the objects of a story's previous step,
    and keeps at most ``max_stories`` stories and ``max_articles`` articles (a larger story is not kept)."""
    from agents.story.state import _UnpackedArticles

    memo = _UnpackedArticles(max_stories=2, max_articles=5)
    states = {sid: _fold(extractions[:n], sid)[0] for sid, n in (("a", 3), ("b", 2), ("c", 4), ("big", 6))}
    first = memo.of(states["a"])
    assert first == states["a"].articles
    again = memo.of(states["a"])
    assert again == first and all(again[k] is first[k] for k in first)  # reused, not unpacked again
    memo.of(states["b"])
    assert memo.cached() == 5
    memo.of(states["c"])  # 3 + 2 + 4 > 5 articles and 3 > 2 stories: the least recent go
    assert memo.cached() == 4
    fresh = memo.of(states["a"])
    assert fresh == states["a"].articles and all(fresh[k] is not first[k] for k in first)
    assert memo.of(states["big"]) == states["big"].articles
    assert memo.cached() <= 5 and "big" not in memo._by_story


def test_entity_groupings_are_kept_bounded_and_change_no_update(
    extractions: list[ArticleExtraction], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A story's last entity grouping is kept for its next step (a shortcut: the updates are those of a story stage
    that keeps none), for at most ``max_stories`` stories and ``max_names`` names; a story with more keeps none."""
    import agents.story.state
    from agents.story.state import _Groupings

    kept = _Groupings(max_stories=2, max_names=10_000)
    monkeypatch.setattr(agents.story.state, "_GROUPINGS", kept)
    _, with_memo = _fold(extractions, "s-a")
    assert list(kept._by_story) == ["s-a"] and kept.names() > 0
    monkeypatch.setattr(agents.story.state, "_GROUPINGS", _Groupings(max_stories=0))
    _, without = _fold(extractions, "s-a")
    assert [u.model_dump_json() for u in with_memo] == [u.model_dump_json() for u in without]

    monkeypatch.setattr(agents.story.state, "_GROUPINGS", kept)
    memo = kept.take("s-a")
    assert kept.take("s-a") is not memo and len(memo.names) > 0  # taken: the story's next build gets it back
    kept.keep("s-a", memo)
    for sid in ("s-b", "s-c"):
        _fold(extractions[:2], sid)
    assert list(kept._by_story) == ["s-b", "s-c"]  # two stories at most: the least recent went
    small = _Groupings(max_stories=4, max_names=len(memo.names) - 1)
    small.keep("s-a", memo)
    assert small.names() == 0  # more names than the bound: not kept
