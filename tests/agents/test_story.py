"""The story agent: a story's articles in, its versions out; saved only after they are delivered."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from pathlib import Path

from agents.story.state import StorySettings, apply_article
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


def test_a_version_over_the_message_limit_is_dead_lettered_and_the_story_goes_on(  # type: ignore[no-untyped-def]
    app_under_test: Callable,  # type: ignore[type-arg]
    extractor,
    examples_dir: Path,
    caplog,
) -> None:
    """A story whose next version would not fit in one broker message (here a limit lowered by hand): the worker
    logs why, keeps the story's saved state, puts the message on the dead-letter topic, and goes on."""
    first, second = _extraction(extractor, examples_dir, 0), _extraction(extractor, examples_dir, 5)
    settings = StorySettings()
    one = apply_article(None, "s-1", first, settings)
    two = apply_article(one.state, "s-1", second, settings)
    sizes = [len(u.model_dump_json()) for u in (*one.updates, *two.updates)]
    assert sizes[0] < sizes[1]
    limit = sizes[0] + 10  # the story's first version fits, its second does not
    sw, sent = app_under_test(story=settings.model_copy(update={"max_message_bytes": limit}))

    async def run() -> None:
        async with sw.agents["story"].test_context() as agent:
            await agent.put(StoryArticle(story_id="s-1", extraction=first, score=1.0, new_story=True))
            await until(lambda: "s-1" in sw.stories)
            await agent.put(StoryArticle(story_id="s-1", extraction=second, score=1.0, new_story=False))
            await agent.put(StoryArticle(story_id="s-2", extraction=first, score=1.0, new_story=True))
            await until(lambda: "s-2" in sw.stories)

    with caplog.at_level("ERROR", logger="storywire.agents"):
        asyncio.run(run())
    assert len(sent.values("story_updates")[0].model_dump_json()) <= limit
    assert [u.story_id for u in sent.values("story_updates")] == ["s-1", "s-2"]  # the next story went on
    assert sw.stories["s-1"].version == 1 and len(sw.stories["s-1"].packed_articles) == 1  # its previous state
    letters = sent.values("dead_letters")
    assert [d.error_code for d in letters] == ["story_too_large"]
    assert StoryArticle.model_validate_json(base64.b64decode(letters[0].value)).extraction == second  # nothing lost
    assert f"over the {limit:,}-byte message limit" in caplog.text and "story s-1: version 2" in caplog.text
