"""Produce articles to the ``articles`` topic (kafka-python)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kafka import KafkaProducer

from schemas.article import ArticleError
from streams.readers import InputRecord
from streams.settings import Settings
from streams.topics import ARTICLES

__all__ = ["IngestSummary", "ingest_records"]


@dataclass
class IngestSummary:
    sent: int = 0
    duplicates: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # origin, reason

    @property
    def reasons(self) -> Counter[str]:
        return Counter(r.split(":", 1)[0] for _, r in self.rejected)


def ingest_records(
    records: Iterable[InputRecord],
    settings: Settings,
    producer: KafkaProducer | None,
    *,
    on_sent: Callable[[str, bytes], None] | None = None,
) -> IngestSummary:
    """Validate each record and send it keyed by its article id; ``producer=None`` is a dry run.

    An article id already sent by this command is skipped, so re-running over the same files is harmless
    downstream too (the pipeline is idempotent per article id).
    """
    summary = IngestSummary()
    seen: set[str] = set()
    topic = settings.topic(ARTICLES)
    for rec in records:
        try:
            article = rec.parse(settings.max_text_chars)
        except ArticleError as err:
            summary.rejected.append((rec.origin, f"{err.code}: {err.reason}"))
            continue
        if article.id in seen:
            summary.duplicates += 1
            continue
        seen.add(article.id)
        payload = article.model_dump_json(exclude_none=True).encode("utf-8")
        if producer is not None:
            producer.send(topic, key=article.id.encode("utf-8"), value=payload)
        summary.sent += 1
        if on_sent is not None:
            on_sent(article.id, payload)
    if producer is not None:
        producer.flush()
    return summary


def dump_line(payload: bytes) -> str:
    """One JSON object a line, as ``--dry-run`` prints it."""
    return json.dumps(json.loads(payload), ensure_ascii=False)
