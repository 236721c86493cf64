"""Small helpers for integration tests: a worker with its own topics, producing, waiting."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kafka import KafkaProducer

from streams.kafka.clients import ensure_topics, make_producer
from streams.kafka.processes import WorkerProcess
from streams.kafka.watch import OutputWatcher
from streams.settings import Settings
from streams.topics import ARTICLES


@contextmanager
def running_pipeline(settings: Settings, log_dir: Path) -> Iterator[tuple[KafkaProducer, OutputWatcher, WorkerProcess]]:
    """Topics, one worker process, a producer and an output watcher; all stopped afterwards."""
    ensure_topics(settings)
    worker = WorkerProcess(settings, log_dir / f"{settings.app_id}-worker.log").start()
    producer = make_producer(settings)
    watcher = OutputWatcher(settings)
    try:
        yield producer, watcher, worker
    finally:
        watcher.close()
        producer.close()
        worker.stop()


def send(producer: KafkaProducer, settings: Settings, value: bytes | dict[str, object], key: str | None = None) -> None:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode("utf-8")
    producer.send(settings.topic(ARTICLES), key=key.encode() if key else None, value=raw)
    producer.flush()


def wait_for_article(watcher: OutputWatcher, worker: WorkerProcess, article_id: str, timeout: float = 120.0) -> None:
    ok = watcher.wait_until(lambda w: article_id in w.board.article_ids() or not worker.running, timeout)
    assert ok and worker.running, (
        f"article {article_id} never reached a story (worker {'running' if worker.running else 'exited'}); "
        f"worker log tail:\n{worker.log_tail(40)}"
    )
