"""The alerts agent: story-updates → alerts; a rule fires once per story and condition."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.alerts.rules import alert_step, load_rules
from schemas import StoryUpdate

if TYPE_CHECKING:
    from faust.types import StreamT

    from streams.topics import Streams

__all__ = ["attach"]


def attach(sw: Streams) -> None:
    """Declare the alerts agent with the rules of ``settings.alert_rules`` (or the packaged defaults)."""
    rules = load_rules(sw.settings.alert_rules)

    @sw.app.agent(sw.story_updates, name=f"{sw.settings.topic_prefix}alerts")
    async def alerts(stream: StreamT[StoryUpdate]) -> None:
        """story-updates → alerts."""
        async for update in stream:
            sid = update.story_id
            before = sw.fired_alerts.get(sid)
            after, found = alert_step(rules, update, before)
            for key, alert in found:
                # Delivered before the story's fired keys are saved: a crash in between fires the alert again on
                # redelivery (at least once) instead of recording an alert that was never sent.
                await (await sw.alerts.send(key=key, value=alert))
            # A story folded into another is done; one the story agent has evicted meanwhile (its state is gone from
            # the co-partitioned stories table) keeps no entry either, or the entry would outlive the story.
            if after is None or (sid not in sw.stories and sid not in sw.stories_sending):
                if sid in sw.fired_alerts:
                    del sw.fired_alerts[sid]
            elif after != (before or {}):
                sw.fired_alerts[sid] = after

    sw.agents["alerts"] = alerts
