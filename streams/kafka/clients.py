"""Plain Kafka clients (kafka-python < 3) for ingest, tail, audit and the tests.

Every client takes its arguments from :func:`streams.security.kafka_client_args` (TLS, SASL). Before the first
client of a process connects, :func:`check_broker` tries one connection and turns a TLS or login problem into a
one-line :class:`KafkaSecurityError` (the clients themselves would retry until a timeout and say "no brokers
available"); a check that passed is remembered for the process.
"""

from __future__ import annotations

import hashlib
import ssl
import threading
import time
from collections.abc import Iterator
from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, NoBrokersAvailable, TopicAlreadyExistsError

from streams.security import SecurityConfigError, kafka_client_args
from streams.settings import Settings
from streams.topics import ALL_TOPICS, partitions_for

__all__ = [
    "LARGE_FETCHES",
    "KafkaSecurityError",
    "KafkaUnavailable",
    "check_broker",
    "client_args",
    "consume_all",
    "ensure_topics",
    "make_consumer",
    "make_producer",
]


class KafkaUnavailable(RuntimeError):
    """No broker answers at the configured address, or it cannot be used (the message says what to do)."""


class KafkaSecurityError(KafkaUnavailable):
    """The broker answers, but TLS or the SASL login fails: a setting to change, retrying will not help.
    ``kind`` is the :class:`streams.kafka.diagnose.Diagnosis` kind (``untrusted_certificate``, …)."""

    def __init__(self, message: str, kind: str = "bad_configuration") -> None:
        super().__init__(message)
        self.kind = kind


def _unavailable(settings: Settings, detail: str = "") -> KafkaUnavailable:
    return KafkaUnavailable(
        f"no Kafka broker answers at {settings.bootstrap_servers} (STORYWIRE_BROKER={settings.broker})"
        + (f": {detail}" if detail else "")
        + "; start one with `storywire broker` or `docker compose up kafka`"
    )


def client_args(settings: Settings, **extra: Any) -> dict[str, Any]:
    """:func:`streams.security.kafka_client_args` plus ``extra`` (a settings problem: :class:`KafkaSecurityError`)."""
    try:
        return {**kafka_client_args(settings), **extra}
    except SecurityConfigError as exc:
        raise KafkaSecurityError(str(exc)) from None


_checked: set[str] = set()
_checked_lock = threading.Lock()


def _check_key(settings: Settings) -> str:
    sec = settings.security
    secret = (sec.password.get_secret_value() if sec.password else "") + "\0" + str(sec.password_file or "")
    parts = [settings.bootstrap_servers, sec.model_dump_json(exclude={"password", "key_password"})]
    return hashlib.sha256("\0".join([*parts, secret]).encode()).hexdigest()


def check_broker(settings: Settings, *, timeout: float = 20.0, recheck: bool = False) -> None:
    """Make sure the clients can connect and log in; wait up to ``timeout`` s for a broker that does not answer
    (0: one attempt).

    Raises :class:`KafkaSecurityError` at once for a TLS or login problem (one line that names the
    ``STORYWIRE_SECURITY__*`` setting to change), :class:`KafkaUnavailable` when no broker answered in time.
    """
    from streams.kafka.diagnose import diagnose

    key = _check_key(settings)
    if not recheck and key in _checked:
        return
    deadline = time.monotonic() + timeout
    while True:
        result = diagnose(settings)
        if result.ok:
            with _checked_lock:
                _checked.add(key)
            return
        if not result.retryable:
            raise KafkaSecurityError(result.message, result.kind)
        if time.monotonic() > deadline:
            raise _unavailable(settings, result.message)
        time.sleep(0.5)


def _failed(settings: Settings, exc: BaseException) -> KafkaUnavailable:
    """A client could not be made although the check passed (the broker went away, …): say why, if we can."""
    with _checked_lock:
        _checked.discard(_check_key(settings))
    try:
        check_broker(settings, timeout=0.0, recheck=True)
    except KafkaUnavailable as specific:
        return specific
    return _unavailable(settings, f"{type(exc).__name__}: {exc}")


def ensure_topics(settings: Settings, timeout: float = 20.0) -> None:
    """Create the pipeline's topics with their partition counts; existing topics are kept as they are."""
    check_broker(settings, timeout=timeout)
    deadline = time.monotonic() + timeout
    while True:
        try:
            admin = KafkaAdminClient(**client_args(settings, client_id="storywire-admin"))
            break
        except (NoBrokersAvailable, ssl.SSLError) as exc:
            if time.monotonic() > deadline:
                raise _failed(settings, exc) from None
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
    check_broker(settings, timeout=0.0)
    try:
        return KafkaProducer(
            **client_args(
                settings, acks="all", linger_ms=5, max_request_size=16 * 1024 * 1024, client_id="storywire-producer"
            )
        )
    except (NoBrokersAvailable, ssl.SSLError) as exc:
        raise _failed(settings, exc) from None


# The embedded broker answers a fetch with more than fetch_max_bytes: every plain consumer accepts large frames.
LARGE_FETCHES: dict[str, int] = {
    "max_partition_fetch_bytes": 16 * 1024 * 1024,
    "receive_message_max_bytes": 128 * 1024 * 1024,
}


def make_consumer(
    settings: Settings, *topics: str, group_id: str | None = None, from_beginning: bool = True, timeout_ms: int = 1000
) -> KafkaConsumer:
    check_broker(settings, timeout=0.0)
    try:
        return KafkaConsumer(
            *(settings.topic(t) for t in topics),
            **client_args(
                settings,
                group_id=group_id,
                auto_offset_reset="earliest" if from_beginning else "latest",
                enable_auto_commit=group_id is not None,
                consumer_timeout_ms=timeout_ms,
                client_id="storywire-consumer",
                **LARGE_FETCHES,
            ),
        )
    except (NoBrokersAvailable, ssl.SSLError) as exc:
        raise _failed(settings, exc) from None


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
