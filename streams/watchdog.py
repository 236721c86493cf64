"""Broker outage handling for a worker: one clear message instead of a storm, and a safe exit when needed.

While the broker is unreachable the worker says so once, then every ``report_every`` seconds, and quiets the
Kafka client loggers (aiokafka logs every failed reconnect, hundreds of lines a second). When the broker answers
again the worker checks that its topics are still there:

- they are (real Kafka restarted, a network blip): it resumes; the Kafka clients reconnect by themselves;
- they are not (the embedded broker is memory-only: a restart loses every topic, message and offset): the
  worker's tables no longer match anything, so it exits with code 3 and says how to start over;
- the outage lasts longer than ``outage_timeout``: it exits with code 4.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kafka import KafkaConsumer
from kafka.errors import KafkaError

__all__ = ["EXIT_BROKER_LOST_DATA", "EXIT_BROKER_UNREACHABLE", "BrokerWatchdog"]

log = logging.getLogger("storywire.watchdog")

EXIT_BROKER_LOST_DATA = 3
EXIT_BROKER_UNREACHABLE = 4
NOISY_LOGGERS = ("aiokafka", "kafka", "faust.transport")


def _topics(client_args: Mapping[str, Any]) -> set[str]:
    consumer = KafkaConsumer(
        **{
            **client_args,
            "client_id": "storywire-watchdog",
            "request_timeout_ms": 5000,
            "api_version_auto_timeout_ms": 5000,
        }
    )
    try:
        return set(consumer.topics())
    finally:
        consumer.close()


class BrokerWatchdog:
    """Checks the broker every ``interval`` seconds from inside a worker's event loop.

    ``client_args``: the Kafka client arguments (:func:`streams.security.kafka_client_args`, with TLS and SASL);
    without them, a plaintext client of ``hosts``.
    """

    def __init__(
        self,
        hosts: Sequence[tuple[str, int]],
        required_topics: Sequence[str],
        *,
        interval: float = 1.0,
        outage_timeout: float = 300.0,
        report_every: float = 10.0,
        exit: Callable[[int], None] = os._exit,
        client_args: Mapping[str, Any] | None = None,
    ) -> None:
        self.hosts = list(hosts)
        self.client_args = dict(client_args) if client_args else {"bootstrap_servers": self.bootstrap}
        self.required_topics = list(required_topics)
        self.interval = interval
        self.outage_timeout = outage_timeout
        self.report_every = report_every
        self._exit = exit
        self.down_since: float | None = None
        self._last_report = 0.0
        self._saved_levels: dict[str, int] = {}

    @property
    def bootstrap(self) -> str:
        return ",".join(f"{h}:{p}" for h, p in self.hosts)

    async def reachable(self) -> bool:
        for host, port in self.hosts:
            try:
                _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout=1.0)
            except (TimeoutError, OSError):
                continue
            writer.close()
            return True
        return False

    def _quiet(self) -> None:
        for name in NOISY_LOGGERS:
            logger = logging.getLogger(name)
            self._saved_levels.setdefault(name, logger.level)
            logger.setLevel(logging.CRITICAL)

    def _unquiet(self) -> None:
        for name, level in self._saved_levels.items():
            logging.getLogger(name).setLevel(level)
        self._saved_levels.clear()

    def _stop(self, code: int, message: str) -> None:
        log.error(message)
        logging.shutdown()
        self._exit(code)

    async def check(self) -> None:
        """One check; call every ``interval`` seconds."""
        now = time.monotonic()
        if not await self.reachable():
            if self.down_since is None:
                self.down_since = now
                self._last_report = now
                self._quiet()
                log.warning(
                    "broker %s is unreachable; waiting up to %.0f s for it to come back "
                    "(STORYWIRE_BROKER_OUTAGE_TIMEOUT). Kafka client errors are muted meanwhile.",
                    self.bootstrap,
                    self.outage_timeout,
                )
            elif now - self.down_since > self.outage_timeout:
                self._stop(
                    EXIT_BROKER_UNREACHABLE,
                    f"broker {self.bootstrap} unreachable for {now - self.down_since:.0f} s: giving up. "
                    "Start the broker (or fix STORYWIRE_BROKER) and start the worker again.",
                )
            elif now - self._last_report >= self.report_every:
                self._last_report = now
                log.warning("broker %s still unreachable after %.0f s; waiting", self.bootstrap, now - self.down_since)
            return
        if self.down_since is None:
            return
        outage = now - self.down_since
        try:
            topics = await asyncio.get_running_loop().run_in_executor(None, _topics, self.client_args)
        except KafkaError as exc:
            log.warning("broker %s accepts connections again but does not answer yet (%s)", self.bootstrap, exc)
            return
        missing = [t for t in self.required_topics if t not in topics]
        if missing:
            self._stop(
                EXIT_BROKER_LOST_DATA,
                f"broker {self.bootstrap} came back after {outage:.0f} s without the topics "
                f"{', '.join(missing)}: it lost its data (the embedded broker is memory-only), so this "
                "worker's tables match nothing any more. Start over (storywire broker, then storywire worker, "
                "then ingest again), or run on Kafka with persistent storage (docker-compose.yml).",
            )
            return
        self.down_since = None
        self._unquiet()
        log.warning("broker %s is back after %.0f s with its topics; resuming", self.bootstrap, outage)
