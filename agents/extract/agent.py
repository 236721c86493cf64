"""The extract agent: articles → article-extractions, bad input → articles-dead-letter (raw bytes and reason)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from agents.extract.pool import ExtractPool
from schemas import Article, ArticleError, DeadLetter
from schemas.article import distrust_future_published, parse_article

if TYPE_CHECKING:
    from faust.types import EventT, StreamT

    from streams.topics import Streams

__all__ = ["attach"]

log = logging.getLogger("storywire.agents")


def attach(sw: Streams) -> None:
    """Declare the extract agent; spaCy runs in ``ExtractPool`` (a thread or processes), never on the event loop."""
    settings = sw.settings
    pool = ExtractPool(
        settings.extract_processes,
        initargs=(settings.model, settings.extract_batch_size),
        start_method=settings.extract_start_method,
    )

    @sw.app.on_before_shutdown.connect
    async def _stop_extraction(*args: Any, **kwargs: Any) -> None:
        await pool.shutdown()

    async def dead_letter(event: EventT[bytes], code: str, reason: str) -> None:
        msg = event.message
        key = msg.key if isinstance(msg.key, bytes) or msg.key is None else str(msg.key).encode()
        dl = DeadLetter.from_record(
            topic=msg.topic, partition=msg.partition, offset=msg.offset, key=key, value=msg.value,
            code=code, reason=reason, now=datetime.now(UTC),
        )  # fmt: skip
        log.warning("dead-lettered %s: %s (%s)", dl.where, reason, code)
        await sw.dead_letters.send(key=f"{msg.topic}:{msg.partition}:{msg.offset}", value=dl)

    @sw.app.agent(sw.articles, name=f"{settings.topic_prefix}extract")
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
                    await dead_letter(event, err.code, err.reason)
                    continue
                received = datetime.fromtimestamp(event.message.timestamp, UTC)
                parsed.append((distrust_future_published(article, received), event))
            results = await pool.extract([a for a, _ in parsed]) if parsed else []
            for (article, event), result in zip(parsed, results, strict=True):
                if isinstance(result, ArticleError):
                    await dead_letter(event, result.code, result.reason)
                else:
                    where = {"input_partition": event.message.partition, "input_offset": event.message.offset}
                    await sw.extractions.send(key=article.id, value=result.model_copy(update=where))

    sw.agents["extract"] = extract
