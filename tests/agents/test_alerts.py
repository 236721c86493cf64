"""The alerts agent: story updates in, alerts out, each rule once per story and condition."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from agents.inprocess import Pipeline
from schemas import Alert
from streams.ingest.readers import read_records
from tests.agents.conftest import until


def test_rules_fire_once_per_story_and_condition(app_under_test: Callable, extractor, examples_dir: Path) -> None:  # type: ignore[no-untyped-def,type-arg]
    pipeline = Pipeline(extractor)
    pipeline.add_articles([r.parse() for r in read_records([examples_dir])])
    updates = pipeline.updates
    sw, sent = app_under_test()

    async def run() -> None:
        async with sw.agents["alerts"].test_context() as agent:
            for update in updates:
                sw.stories[update.story_id] = object()  # the story agent's state: the story is live
                await agent.put(update, key=update.story_id, partition=0)
            await until(lambda: sw.fired_alerts.get(updates[-1].story_id) is not None or bool(sent.values("alerts")))
            count = len(sent.values("alerts"))
            for update in updates:  # redelivered: nothing fires twice
                await agent.put(update, key=update.story_id, partition=0)
            await asyncio.sleep(0.5)
            assert len(sent.values("alerts")) == count

    asyncio.run(run())
    alerts: list[Alert] = sent.values("alerts")
    assert alerts, "the examples hold a conflict and casualties: some default rule must fire"
    keys = [key for key, _ in sent.topics["alerts"]]
    assert len(keys) == len(set(keys))
    assert {a.rule for a in alerts} >= {"sources-disagree"}
    for alert in alerts:
        assert sw.fired_alerts[alert.story_id]  # saved, so a restart does not fire it again
