"""The cluster agent: each extraction joins a story, keyed by story id; the same decisions as the in-process path."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from agents.inprocess import Pipeline
from schemas import ArticleExtraction, StoryArticle
from streams.ingest.readers import read_records
from tests.agents.conftest import until


def test_the_cluster_agent_assigns_stories_as_the_in_process_pipeline_does(
    app_under_test: Callable,  # type: ignore[type-arg]
    extractor,  # type: ignore[no-untyped-def]
    examples_dir: Path,
) -> None:
    articles = [r.parse() for r in read_records([examples_dir])]
    extractions = [e for e in extractor.extract(articles) if isinstance(e, ArticleExtraction)]
    in_process = Pipeline(extractor)
    expected = [in_process.add_extraction(e).story_id for e in extractions]
    assert len(set(expected)) < len(expected)  # some examples report the same story

    sw, sent = app_under_test()

    def assigned() -> list[StoryArticle]:
        return [m for m in sent.values("story_articles") if m.kind == "article"]

    async def run() -> None:
        async with sw.agents["cluster"].test_context() as agent:
            for extraction in extractions:
                await agent.put(extraction, key=extraction.article.id, partition=0)
            await until(lambda: len(assigned()) == len(extractions))

    asyncio.run(run())
    got = assigned()
    assert [m.story_id for m in got] == expected
    assert [key for key, m in sent.topics["story_articles"] if m.kind == "article"] == expected  # keyed by story
    assert [m.new_story for m in got] == [sid not in expected[:n] for n, sid in enumerate(expected)]
    assert set(sw.cluster_index.keys()) == set(expected)  # the index survives a restart through this table
