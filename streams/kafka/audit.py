"""Completeness audit: is every input record reflected in a story or dead-lettered?"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from pydantic import ValidationError

from schemas import DeadLetter, StoryArticle, StoryUpdate
from streams.kafka.clients import consume_all, make_consumer
from streams.settings import Settings
from streams.topics import ARTICLES, ARTICLES_DEAD_LETTER, STORY_ARTICLES, STORY_UPDATES

__all__ = ["AuditReport", "PartitionAudit", "audit_topics"]


@dataclass
class PartitionAudit:
    """One partition of ``articles``: what happened to each of its records."""

    partition: int
    consumed: int = 0  # records read from the topic
    assigned: int = 0  # records whose article reached a story (story-articles)
    dead_lettered: int = 0
    missing: list[int] = field(default_factory=list)  # offsets neither assigned nor dead-lettered


@dataclass
class AuditReport:
    partitions: list[PartitionAudit]
    stories: int
    articles_in_stories: int
    not_in_any_story: list[str]  # assigned, but absent from every story's latest version
    in_several_stories: list[str]

    @property
    def complete(self) -> bool:
        return not any(p.missing for p in self.partitions) and not self.not_in_any_story and not self.in_several_stories

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "complete": self.complete})


def audit_topics(settings: Settings, idle_seconds: float = 3.0) -> AuditReport:
    """Read the topics from the beginning (until idle: the embedded broker's end offsets can't be trusted)."""
    consumer = make_consumer(settings, ARTICLES, STORY_ARTICLES, ARTICLES_DEAD_LETTER, STORY_UPDATES, timeout_ms=500)
    names = {settings.topic(n): n for n in (ARTICLES, STORY_ARTICLES, ARTICLES_DEAD_LETTER, STORY_UPDATES)}
    produced: dict[int, set[int]] = defaultdict(set)
    assigned: dict[int, set[int]] = defaultdict(set)
    dead: dict[int, set[int]] = defaultdict(set)
    latest: dict[str, StoryUpdate] = {}
    assigned_ids: set[str] = set()
    try:
        for topic, partition, offset, _key, value in consume_all(consumer, idle_seconds):
            kind = names.get(topic)
            try:
                if kind == ARTICLES:
                    produced[partition].add(offset)
                elif kind == STORY_ARTICLES:
                    ex = StoryArticle.model_validate_json(value).extraction
                    if ex is None:  # a merge message, not an article
                        continue
                    assigned_ids.add(ex.article.id)
                    if ex.input_partition is not None and ex.input_offset is not None:
                        assigned[ex.input_partition].add(ex.input_offset)
                elif kind == ARTICLES_DEAD_LETTER:
                    dl = DeadLetter.model_validate_json(value)
                    if dl.topic == settings.topic(ARTICLES):
                        dead[dl.partition].add(dl.offset)
                elif kind == STORY_UPDATES:
                    update = StoryUpdate.model_validate_json(value)
                    known = latest.get(update.story_id)
                    if known is None or update.version > known.version:
                        latest[update.story_id] = update
            except ValidationError:
                continue  # not ours to judge here: the audit counts what it can read
    finally:
        consumer.close()
    partitions = []
    for p in sorted(set(produced) | set(assigned) | set(dead)):
        offsets = produced.get(p, set())
        partitions.append(
            PartitionAudit(
                partition=p,
                consumed=len(offsets),
                assigned=len(offsets & assigned.get(p, set())),
                dead_lettered=len(offsets & dead.get(p, set())),
                missing=sorted(offsets - assigned.get(p, set()) - dead.get(p, set())),
            )
        )
    homes: dict[str, list[str]] = defaultdict(list)
    for u in latest.values():
        if u.merged_into is not None:  # its articles live on in the story it was folded into
            continue
        for s in u.sources:
            homes[s.article_id].append(u.story_id)
    return AuditReport(
        partitions=partitions,
        stories=sum(1 for u in latest.values() if u.merged_into is None),
        articles_in_stories=len(homes),
        not_in_any_story=sorted(assigned_ids - set(homes)),
        in_several_stories=sorted(a for a, sids in homes.items() if len(set(sids)) > 1),
    )
