"""The Faust agents. Thin: they move messages and call the pure functions of agents/."""

from __future__ import annotations

import base64
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from agents.alerting import alert_step, load_rules
from agents.clustering import StoryIndex
from agents.extract_pool import ExtractPool
from agents.pipeline import evict_messages, merge_messages
from agents.story import apply_message
from schemas import Article, ArticleError, ArticleExtraction, DeadLetter, StoryArticle, StoryUpdate
from schemas.article import distrust_future_published, parse_article

if TYPE_CHECKING:
    from faust.types import EventT, StreamT

    from streams.app import Streams

__all__ = ["attach", "dead_letter_for"]

log = logging.getLogger("storywire.agents")


def _b64(raw: bytes | None) -> str | None:
    return None if raw is None else base64.b64encode(raw).decode("ascii")


def dead_letter_for(
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes | None,
    code: str,
    reason: str,
    now: datetime,
) -> DeadLetter:
    """The dead-letter message for one raw input record."""
    return DeadLetter(
        topic=topic,
        partition=partition,
        offset=offset,
        key=_b64(key),
        value=_b64(value or b"") or "",
        error_code=code,
        reason=reason,
        time=now,
    )


def attach(sw: Streams) -> None:
    """Declare the agents of the pipeline on ``sw.app``."""
    settings = sw.settings
    app = sw.app
    pool = ExtractPool(
        settings.extract_processes,
        initargs=(settings.model, settings.extract_batch_size),
        start_method=settings.extract_start_method,
    )

    @app.on_before_shutdown.connect
    async def _stop_extraction(*args: Any, **kwargs: Any) -> None:
        await pool.shutdown()

    async def send_dead_letter(event: EventT[bytes], code: str, reason: str) -> None:
        msg = event.message
        raw_key = msg.key if isinstance(msg.key, bytes) or msg.key is None else str(msg.key).encode()
        dl = dead_letter_for(msg.topic, msg.partition, msg.offset, raw_key, msg.value, code, reason, datetime.now(UTC))
        log.warning("dead-lettered %s: %s (%s)", dl.where, reason, code)
        await sw.dead_letters.send(key=f"{msg.topic}:{msg.partition}:{msg.offset}", value=dl)

    @app.agent(sw.articles, name=f"{settings.topic_prefix}extract")
    async def extract(stream: StreamT[bytes]) -> None:
        """articles → article-extractions (bad input → articles-dead-letter)."""
        await pool.start()  # spaCy loads in the extraction process(es) while the consumer joins the group
        batches = stream.take_events(settings.extract_batch_size, within=settings.extract_batch_within)  # type: ignore[attr-defined]
        async for events in batches:
            parsed: list[tuple[Article, EventT[bytes]]] = []
            for event in events:
                try:
                    article = parse_article(event.value, max_chars=settings.max_text_chars)
                except ArticleError as err:
                    await send_dead_letter(event, err.code, err.reason)
                    continue
                received = datetime.fromtimestamp(event.message.timestamp, UTC)
                parsed.append((distrust_future_published(article, received), event))
            if not parsed:
                continue
            results = await pool.extract([a for a, _ in parsed])
            for (article, event), result in zip(parsed, results, strict=True):
                if isinstance(result, ArticleError):
                    await send_dead_letter(event, result.code, result.reason)
                else:
                    where = {"input_partition": event.message.partition, "input_offset": event.message.offset}
                    await sw.extractions.send(key=article.id, value=result.model_copy(update=where))

    index_box: dict[str, StoryIndex] = {}

    def story_index() -> StoryIndex:
        if "i" not in index_box:
            index = StoryIndex(settings.cluster)
            # The index adopts the table's profiles and the table is given the index's own (live_profile below):
            # with the memory:// store one object per story, not two.
            index.restore((v for v in sw.cluster_index.values() if v is not None), adopt=True)
            index_box["i"] = index
        return index_box["i"]

    @app.on_partitions_revoked.connect
    async def _forget_index(*args: Any, **kwargs: Any) -> None:
        index_box.clear()  # rebuilt from the table by whoever owns the partition next

    @app.agent(sw.extractions, name=f"{settings.topic_prefix}cluster")
    async def cluster(stream: StreamT[ArticleExtraction]) -> None:
        """article-extractions → story-articles (single writer: one partition, one index)."""
        async for extraction in stream:
            index = story_index()
            assignment = index.assign(extraction)
            keep = assignment.story_id
            for msg in merge_messages(assignment):
                # Delivered before the index that reflects the merge is saved: after a crash the merge is either
                # decided again (same input, same state) or already announced; never saved but unannounced.
                await (await sw.story_articles.send(key=msg.story_id, value=msg))
            sw.cluster_index[keep] = index.live_profile(keep) or assignment.profile
            for gone in [*assignment.evicted, *assignment.merged]:
                sw.cluster_index.pop(gone, None)
            await sw.story_articles.send(
                key=keep,
                value=StoryArticle(
                    story_id=keep, extraction=extraction, score=assignment.score, new_story=assignment.new_story
                ),
            )
            for msg in evict_messages(assignment):
                await sw.story_articles.send(key=msg.story_id, value=msg)

    # Stories whose updates are on their way while their state is not saved yet: the alerts agent (same worker,
    # co-partitioned) must not take a new story's first update for one the story agent has evicted.
    sending: set[str] = set()

    @app.agent(sw.story_articles, name=f"{settings.topic_prefix}story")
    async def story(stream: StreamT[StoryArticle]) -> None:
        """story-articles → story-updates, emitting only on real change (merges forward articles between stories)."""
        async for msg in stream:
            step = apply_message(sw.stories.get(msg.story_id), msg, settings.story)
            if step.evicted:
                if msg.story_id in sw.stories:  # redelivered: already gone
                    del sw.stories[msg.story_id]  # a changelog tombstone: the table stays bounded like the index
                if msg.story_id in sw.fired_alerts:  # same key, same partition: the alerts agent's entry goes too
                    del sw.fired_alerts[msg.story_id]
            elif not step.duplicate:
                # Send, then save: the state is saved only once its updates are delivered, so a crash in between
                # makes the redelivered message compute and send the same versions again (same content), and a
                # saved state never runs ahead of story-updates. A redelivered duplicate therefore has nothing
                # to re-send.
                sending.add(msg.story_id)
                try:
                    sent = [await sw.story_updates.send(key=msg.story_id, value=u) for u in step.updates]
                    for delivery in sent:
                        await delivery
                    sw.stories[msg.story_id] = step.state
                finally:
                    sending.discard(msg.story_id)
            for fwd in step.forward:
                await sw.story_articles.send(key=fwd.story_id, value=fwd)

    rules = load_rules(settings.alert_rules)

    @app.agent(sw.story_updates, name=f"{settings.topic_prefix}alerts")
    async def alerts(stream: StreamT[StoryUpdate]) -> None:
        """story-updates → alerts; a rule fires once per story and condition."""
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
            if after is None or (sid not in sw.stories and sid not in sending):
                if sid in sw.fired_alerts:
                    del sw.fired_alerts[sid]
            elif after != (before or {}):
                sw.fired_alerts[sid] = after

    sw.agents.update(extract=extract, cluster=cluster, story=story, alerts=alerts)
