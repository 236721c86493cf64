"""Plain Kafka clients (kafka-python < 3) for ingest, tail, audit and the tests."""

from __future__ import annotations

import time
from collections.abc import Iterator

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, NoBrokersAvailable, TopicAlreadyExistsError

from streams.settings import Settings
from streams.topics import ALL_TOPICS, partitions_for

__all__ = ["LARGE_FETCHES", "KafkaUnavailable", "consume_all", "ensure_topics", "make_consumer", "make_producer"]


class KafkaUnavailable(RuntimeError):
    """No broker answers at the configured address."""


def _unavailable(settings: Settings) -> KafkaUnavailable:
    return KafkaUnavailable(
        f"no Kafka broker answers at {settings.bootstrap_servers} (STORYWIRE_BROKER={settings.broker}); "
        "start one with `storywire broker` or `docker compose up kafka`"
    )


def ensure_topics(settings: Settings, timeout: float = 20.0) -> None:
    """Create the pipeline's topics with their partition counts; existing topics are kept as they are."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers, client_id="storywire-admin")
            break
        except NoBrokersAvailable:
            if time.monotonic() > deadline:
                raise _unavailable(settings) from None
            time.sleep(0.5)
    try:
        for name in ALL_TOPICS:
            topic = NewTopic(settings.topic(name), partitions_for(name, settings), settings.replication_factor)
            try:
                admin.create_topics([topic])
            except TopicAlreadyExistsError:
                pass
    finally:
        admin.close()


def make_producer(settings: Settings) -> KafkaProducer:
    try:
        return KafkaProducer(
            bootstrap_servers=settings.bootstrap_servers,
            acks="all",
            linger_ms=5,
            max_request_size=16 * 1024 * 1024,
            client_id="storywire-producer",
        )
    except NoBrokersAvailable:
        raise _unavailable(settings) from None


# The embedded broker answers a fetch with more than fetch_max_bytes: every plain consumer accepts large frames.
LARGE_FETCHES: dict[str, int] = {
    "max_partition_fetch_bytes": 16 * 1024 * 1024,
    "receive_message_max_bytes": 128 * 1024 * 1024,
}


def make_consumer(
    settings: Settings, *topics: str, group_id: str | None = None, from_beginning: bool = True, timeout_ms: int = 1000
) -> KafkaConsumer:
    try:
        return KafkaConsumer(
            *(settings.topic(t) for t in topics),
            bootstrap_servers=settings.bootstrap_servers,
            group_id=group_id,
            auto_offset_reset="earliest" if from_beginning else "latest",
            enable_auto_commit=group_id is not None,
            consumer_timeout_ms=timeout_ms,
            client_id="storywire-consumer",
            **LARGE_FETCHES,
        )
    except NoBrokersAvailable:
        raise _unavailable(settings) from None


def consume_all(
    consumer: KafkaConsumer, idle_seconds: float = 2.0
) -> Iterator[tuple[str, int, int, bytes | None, bytes]]:
    """Read until nothing new arrived for ``idle_seconds`` (end offsets of the embedded broker can't be trusted)."""
    last = time.monotonic()
    while time.monotonic() - last < idle_seconds:
        try:
            batch = consumer.poll(timeout_ms=200)
        except KafkaError:
            time.sleep(0.2)
            continue
        for tp, records in sorted(batch.items(), key=lambda kv: (kv[0].topic, kv[0].partition)):
            for r in records:
                last = time.monotonic()
                yield tp.topic, tp.partition, r.offset, r.key, r.value
