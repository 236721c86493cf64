"""The Kafka side of the story board: a kafka-python consumer thread that reads ``story-updates``."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from kafka import KafkaConsumer
from kafka.errors import KafkaError
from pydantic import ValidationError

from schemas import StoryUpdate

__all__ = ["StoryUpdateFeed"]

log = logging.getLogger(__name__)


class StoryUpdateFeed(threading.Thread):
    """Reads ``story-updates`` from the beginning (no consumer group) and hands every update to ``deliver``,
    with the time it was published (the record timestamp)."""

    def __init__(self, consumer: KafkaConsumer, deliver: Callable[[StoryUpdate, datetime | None], None]) -> None:
        super().__init__(name="storywire-board-feed", daemon=True)
        self.consumer = consumer
        self.deliver = deliver
        self.undecodable = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            while not self._stop_event.is_set():
                try:
                    batch = self.consumer.poll(timeout_ms=300)
                except KafkaError as exc:
                    log.warning("board: reading story-updates failed (%s); retrying", exc)
                    self._stop_event.wait(1.0)
                    continue
                for _tp, records in sorted(batch.items(), key=lambda kv: (kv[0].topic, kv[0].partition)):
                    for rec in records:
                        try:
                            update = StoryUpdate.model_validate_json(rec.value)
                        except ValidationError:
                            self.undecodable += 1
                            log.warning("board: skipped a message that is not a StoryUpdate (offset %s)", rec.offset)
                            continue
                        ts = getattr(rec, "timestamp", None)
                        at = datetime.fromtimestamp(ts / 1000, UTC) if isinstance(ts, int) and ts > 0 else None
                        self.deliver(update, at)
        finally:
            with contextlib.suppress(Exception):
                self.consumer.close()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout)
