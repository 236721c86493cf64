"""The Faust app's declarations: topics, tables and their codecs (no broker needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.story.state import StoryState
from streams.app import build_app
from streams.codecs import codec_name
from streams.settings import Settings


@pytest.fixture(scope="module")
def sw(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return build_app(
        Settings(broker="kafka://127.0.0.1:1", app_id="decl-test", data_dir=Path(tmp_path_factory.mktemp("d")))
    )


def test_topics_are_kebab_case_with_their_partitions(sw) -> None:  # type: ignore[no-untyped-def]
    names = {
        t.get_topic_name(): t.partitions
        for t in (sw.articles, sw.dead_letters, sw.extractions, sw.story_articles, sw.story_updates, sw.alerts)
    }
    assert names == {
        "articles": 4,
        "articles-dead-letter": 1,
        "article-extractions": 1,
        "story-articles": 4,
        "story-updates": 4,
        "alerts": 4,
    }


def test_table_changelogs_use_the_pydantic_codec_and_recover_models(sw) -> None:  # type: ignore[no-untyped-def]
    # A worker restarted after a crash recovers tables from these changelogs: with Faust's default json codec
    # the values came back as plain dicts and the story agent crashed on them.
    assert sw.stories.changelog_topic.value_serializer == codec_name(StoryState)
    state = StoryState(story_id="s-1", version=3)
    assert sw.stories._to_value(state.model_dump(mode="json")) == state
    assert sw.stories._to_value(state) is state


def test_agents_are_declared(sw) -> None:  # type: ignore[no-untyped-def]
    assert set(sw.agents) == {"extract", "cluster", "story", "alerts"}


def test_worker_gc_threshold_comes_from_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A worker sets the youngest GC generation's threshold from STORYWIRE_GC_THRESHOLD (10,000 by default:
    Python's 700 costs the story stage ~30 %); 0 leaves Python's own, and the older generations keep theirs."""
    import gc

    before = gc.get_threshold()
    try:
        Settings().tune_gc()
        assert gc.get_threshold() == (10_000, *before[1:])
        monkeypatch.setenv("STORYWIRE_GC_THRESHOLD", "2500")
        Settings().tune_gc()
        assert gc.get_threshold() == (2500, *before[1:])
        monkeypatch.setenv("STORYWIRE_GC_THRESHOLD", "0")
        Settings().tune_gc()
        assert gc.get_threshold() == (2500, *before[1:])
    finally:
        gc.set_threshold(*before)


def test_splits_must_fit_the_story_window() -> None:
    """A split moves articles the story stage holds in full: a clusterer that splits bigger stories than the story
    stage's window is refused with both settings named, by the worker's settings and by the in-process pipeline."""
    from agents.cluster.settings import ClusterSettings
    from agents.inprocess import Pipeline
    from agents.story.settings import StorySettings

    wide = ClusterSettings(split_max_articles=30)
    with pytest.raises(ValueError, match=r"split_max_articles \(30\) is over story.window_articles \(24\)"):
        Settings(cluster=wide)
    with pytest.raises(ValueError, match="split_max_articles"):
        Pipeline(extractor=None, cluster_settings=wide)
    Settings(cluster=wide, story=StorySettings(window_articles=30))  # a window as wide is fine
    Pipeline(extractor=None, cluster_settings=wide.model_copy(update={"split_ratio": 0.0}))  # so is no splitting
