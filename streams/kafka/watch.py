"""Follow the output topics with a plain consumer: story updates, dead letters and alerts."""

from __future__ import annotations

import time
from collections.abc import Callable

from kafka.errors import KafkaError
from pydantic import ValidationError

from schemas import Alert, DeadLetter, StoryUpdate
from streams.board.terminal import StoryBoard
from streams.kafka.clients import make_consumer
from streams.settings import Settings
from streams.topics import ALERTS, ARTICLES_DEAD_LETTER, STORY_UPDATES

__all__ = ["OutputWatcher"]


class OutputWatcher:
    """Reads story-updates, articles-dead-letter and alerts from the beginning; keeps everything it saw."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.consumer = make_consumer(settings, STORY_UPDATES, ARTICLES_DEAD_LETTER, ALERTS, timeout_ms=200)
        self.board = StoryBoard()
        self.updates: list[StoryUpdate] = []
        self.dead_letters: list[DeadLetter] = []
        self.alerts: list[Alert] = []
        self.undecodable: list[tuple[str, bytes]] = []
        self._names = {settings.topic(n): n for n in (STORY_UPDATES, ARTICLES_DEAD_LETTER, ALERTS)}

    def poll(self, timeout_ms: int = 200) -> int:
        """Read what is there; return how many messages arrived."""
        try:
            batch = self.consumer.poll(timeout_ms=timeout_ms)
        except KafkaError:
            time.sleep(timeout_ms / 1000)
            return 0
        n = 0
        for tp, records in sorted(batch.items(), key=lambda kv: (kv[0].topic, kv[0].partition)):
            kind = self._names.get(tp.topic)
            for rec in records:
                n += 1
                try:
                    if kind == STORY_UPDATES:
                        update = StoryUpdate.model_validate_json(rec.value)
                        self.updates.append(update)
                        self.board.add(update)
                    elif kind == ARTICLES_DEAD_LETTER:
                        self.dead_letters.append(DeadLetter.model_validate_json(rec.value))
                    elif kind == ALERTS:
                        self.alerts.append(Alert.model_validate_json(rec.value))
                except ValidationError:
                    self.undecodable.append((tp.topic, rec.value))
        return n

    def handled_article_ids(self) -> set[str]:
        """Articles reflected in a story or dead-lettered (by the key the ingest gave them)."""
        import base64

        ids = self.board.article_ids()
        for dl in self.dead_letters:
            if dl.key:
                ids.add(base64.b64decode(dl.key).decode("utf-8", errors="replace"))
        return ids

    def wait_until(
        self,
        condition: Callable[[OutputWatcher], bool],
        timeout: float,
        on_poll: Callable[[OutputWatcher], None] | None = None,
    ) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            if condition(self):
                return True
            if time.monotonic() > deadline:
                return False
            if self.poll() and on_poll is not None:
                on_poll(self)

    def wait_quiet(self, seconds: float, on_poll: Callable[[OutputWatcher], None] | None = None) -> None:
        """Read until nothing arrives for ``seconds``."""
        last = time.monotonic()
        while time.monotonic() - last < seconds:
            if self.poll():
                last = time.monotonic()
                if on_poll is not None:
                    on_poll(self)

    def close(self) -> None:
        self.consumer.close()
