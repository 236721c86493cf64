"""The extract agent: articles in, extractions out; bad input dead-lettered with its raw bytes, the stream goes on."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from pathlib import Path

from schemas import ArticleExtraction, DeadLetter
from tests.agents.conftest import until


def test_good_articles_are_extracted_and_bad_ones_dead_lettered(app_under_test: Callable, examples_dir: Path) -> None:  # type: ignore[type-arg]
    sw, sent = app_under_test()
    good = sorted(examples_dir.glob("*.json"))[:2]
    bad = b"{not json"

    async def run() -> None:
        async with sw.agents["extract"].test_context() as agent:
            await agent.put(good[0].read_bytes(), key=b"k0", partition=0)
            await agent.put(bad, key=b"k1", partition=0)
            await agent.put(good[1].read_bytes(), key=b"k2", partition=0)
            await until(lambda: len(sent.values("extractions")) + len(sent.values("dead_letters")) == 3, 120)

    asyncio.run(run())
    extractions: list[ArticleExtraction] = sent.values("extractions")
    assert [e.input_offset for e in extractions] == [0, 2]  # the stream went on past the bad message
    assert all(key == e.article.id for (key, _), e in zip(sent.topics["extractions"], extractions, strict=True))
    assert all(e.entities and e.sentences for e in extractions)
    [dead] = sent.values("dead_letters")
    assert isinstance(dead, DeadLetter)
    assert dead.error_code == "not_json" and dead.offset == 1
    assert base64.b64decode(dead.value) == bad and base64.b64decode(dead.key or "") == b"k1"
