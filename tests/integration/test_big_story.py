"""A story of 5,000 articles through the broker: no message past the broker's limit, exact totals at the end, and
the same versions the in-process path gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer

from agents.story.state import StoryState, apply_message
from schemas import ArticleExtraction, StoryArticle
from streams.ingest.readers import read_records
from streams.kafka.clients import LARGE_FETCHES, client_args, consume_all, ensure_topics
from streams.kafka.processes import WorkerProcess
from streams.kafka.watch import OutputWatcher
from streams.topics import STORY_ARTICLES, STORY_UPDATES
from tests.unit.agents.story.test_fold import live

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ARTICLES = 5_000


def test_a_story_of_5000_articles_stays_within_the_message_limit_and_counts_every_article(
    make_settings,  # type: ignore[no-untyped-def]
    extractor,
    examples_dir: Path,
    tmp_path: Path,
) -> None:
    examples = [e for e in extractor.extract([r.parse() for r in read_records([examples_dir])])]
    stream = live([e for e in examples if isinstance(e, ArticleExtraction)], ARTICLES)
    messages = [
        StoryArticle(story_id="s-big", extraction=ex, score=1.0, new_story=n == 0) for n, ex in enumerate(stream)
    ]
    settings = make_settings(story_partitions=1, article_partitions=1)
    ensure_topics(settings)
    producer = KafkaProducer(**client_args(settings, acks="all", linger_ms=20, max_request_size=16 * 1024 * 1024))
    for msg in messages:
        producer.send(settings.topic(STORY_ARTICLES), key=b"s-big", value=msg.model_dump_json().encode())
    producer.flush()
    producer.close()

    watcher = OutputWatcher(settings)
    worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    try:

        def done(w: OutputWatcher) -> bool:
            last = w.board.latest.get("s-big")
            return (last is not None and last.article_count == ARTICLES) or not worker.running

        assert watcher.wait_until(done, 1_200) and worker.running, worker.log_tail(30)
        watcher.wait_quiet(3.0)
    finally:
        worker.stop()
        watcher.close()
    assert not watcher.dead_letters, [d.reason for d in watcher.dead_letters[:3]]

    # Every message the story stage wrote: its versions, and its saved states on the table's changelog.
    consumer = KafkaConsumer(
        **client_args(settings, auto_offset_reset="earliest", enable_auto_commit=False, **LARGE_FETCHES)
    )
    consumer.subscribe(pattern=f"^({re.escape(settings.topic(STORY_UPDATES))}|.*stories-changelog)$")
    sizes: dict[str, list[int]] = {}
    for topic, *_, value in consume_all(consumer, idle_seconds=3.0):
        sizes.setdefault("changelog" if topic.endswith("changelog") else "updates", []).append(len(value))
    consumer.close()
    assert set(sizes) == {"updates", "changelog"}
    limit = settings.story.max_message_bytes
    assert max(sizes["updates"]) <= limit and max(sizes["changelog"]) <= limit
    # Bounded, not merely under the broker's limit: the targets, with room.
    assert max(sizes["updates"]) <= 256 * 1024 and max(sizes["changelog"]) <= 1024 * 1024

    versions = [u for u in watcher.updates if u.story_id == "s-big"]
    last = versions[-1]
    assert last.article_count == ARTICLES
    assert len(last.outlets) == len({e.article.outlet for e in stream})
    assert last.truncated is not None and last.truncated.sources == ARTICLES

    # The in-process path: the same messages through the same pure step give the same versions, byte for byte.
    state: StoryState | None = None
    expected: list[str] = []
    for msg in messages:
        step = apply_message(state, msg, settings.story)
        state = step.state
        expected.extend(u.model_dump_json() for u in step.updates)
    assert [u.model_dump_json() for u in versions] == expected
