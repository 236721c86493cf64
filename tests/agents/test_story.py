"""The story agent: a story's articles in, its versions out; saved only after they are delivered."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from schemas import ArticleExtraction, StoryArticle, StoryUpdate
from streams.ingest.readers import read_records
from tests.agents.conftest import until


def _extraction(extractor, examples_dir: Path, n: int = 0) -> ArticleExtraction:  # type: ignore[no-untyped-def]
    article = [r.parse() for r in read_records([examples_dir])][n]
    extraction = extractor.extract([article])[0]
    assert isinstance(extraction, ArticleExtraction)
    return extraction


def test_the_story_agent_saves_a_state_only_after_its_updates_are_delivered(
    app_under_test: Callable,  # type: ignore[type-arg]
    extractor,  # type: ignore[no-untyped-def]
    examples_dir: Path,
) -> None:
    """Send, then save: a kill between the two must leave the saved story behind story-updates, never ahead of it,
    or the versions in between are never sent (the redelivered article is then a duplicate). While the broker has
    not acknowledged the update, the story is not saved; once it has, the story is saved with the version sent."""
    extraction = _extraction(extractor, examples_dir)
    sw, sent = app_under_test()
    sent.hold = True

    async def run() -> None:
        async with sw.agents["story"].test_context() as agent:
            await agent.put(StoryArticle(story_id="s-1", extraction=extraction, score=1.0, new_story=True))
            await until(lambda: sent.values("story_updates"))
            for _ in range(20):
                await asyncio.sleep(0)
            assert [u.version for u in sent.values("story_updates")] == [1]
            assert "s-1" not in sw.stories  # sent, not yet acknowledged: a kill now loses nothing
            sent.pending[0].set_result(None)
            await until(lambda: "s-1" in sw.stories)
            assert sw.stories["s-1"].version == 1

    asyncio.run(run())


def test_a_redelivered_article_makes_no_new_version(app_under_test: Callable, extractor, examples_dir: Path) -> None:  # type: ignore[no-untyped-def,type-arg]
    first, second = _extraction(extractor, examples_dir, 0), _extraction(extractor, examples_dir, 5)
    sw, sent = app_under_test()

    async def run() -> None:
        async with sw.agents["story"].test_context() as agent:
            for extraction in (first, second, first, second):  # at-least-once: both come again
                await agent.put(StoryArticle(story_id="s-1", extraction=extraction, score=1.0, new_story=False))
            await until(lambda: sw.stories.get("s-1") is not None and len(sw.stories["s-1"].packed_articles) == 2)
            await asyncio.sleep(0.3)

    asyncio.run(run())
    updates: list[StoryUpdate] = sent.values("story_updates")
    assert [u.version for u in updates] == [1, 2]
    assert updates[-1].article_count == 2
    assert sw.stories["s-1"].version == 2
