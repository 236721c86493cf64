"""The story agent: story-articles → story-updates, a new version only on real change."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from agents.story.state import apply_message
from schemas import DeadLetter, StoryArticle

if TYPE_CHECKING:
    from faust.types import StreamT

    from streams.topics import Streams

__all__ = ["attach"]

log = logging.getLogger("storywire.agents")


def attach(sw: Streams) -> None:
    """Declare the story agent over the ``stories`` table (merges forward articles between stories)."""
    settings = sw.settings

    @sw.app.agent(sw.story_articles, name=f"{settings.topic_prefix}story")
    async def story(stream: StreamT[StoryArticle]) -> None:
        """story-articles → story-updates."""
        async for msg in stream:
            step = apply_message(sw.stories.get(msg.story_id), msg, settings.story)
            if step.too_large is not None:
                # The story keeps its saved state and goes on; the message is kept whole on the dead-letter topic.
                event = stream.current_event
                raw = event.message if event is not None else None
                value = (
                    raw.value if raw is not None and isinstance(raw.value, bytes) else msg.model_dump_json().encode()
                )
                dl = DeadLetter.from_record(
                    topic=raw.topic if raw is not None else sw.story_articles.get_topic_name(),
                    partition=raw.partition if raw is not None else -1,
                    offset=raw.offset if raw is not None else -1,
                    key=msg.story_id.encode(), value=value, code="story_too_large", reason=step.too_large,
                    now=datetime.now(UTC),
                )  # fmt: skip
                log.error(
                    "%s; the story keeps its previous state, the message is dead-lettered (%s)",
                    step.too_large,
                    dl.where,
                )
                await sw.dead_letters.send(key=f"{dl.topic}:{dl.partition}:{dl.offset}", value=dl)
                continue
            if step.evicted:
                if msg.story_id in sw.stories:  # redelivered: already gone
                    del sw.stories[msg.story_id]  # a changelog tombstone: the table stays bounded like the index
                if msg.story_id in sw.fired_alerts:  # same key, same partition: the alerts agent's entry goes too
                    del sw.fired_alerts[msg.story_id]
            elif not step.duplicate:
                # Send, then save: the state is saved only once its updates are delivered, so a crash in between
                # makes the redelivered message compute and send the same versions again (same content), and a
                # saved state never runs ahead of story-updates. A redelivered duplicate has nothing to re-send.
                sw.stories_sending.add(msg.story_id)
                try:
                    sent = [await sw.story_updates.send(key=msg.story_id, value=u) for u in step.updates]
                    for delivery in sent:
                        await delivery
                    sw.stories[msg.story_id] = step.state
                finally:
                    sw.stories_sending.discard(msg.story_id)
            for fwd in step.forward:
                await sw.story_articles.send(key=fwd.story_id, value=fwd)

    sw.agents["story"] = story
