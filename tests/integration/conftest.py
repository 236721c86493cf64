"""A real Kafka broker for integration tests: testcontainers' Kafka where a Docker engine runs, else the
embedded tansu broker. The tests are the same either way; each uses its own topics (a unique prefix)."""

from __future__ import annotations

import itertools
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.settings import Settings

pytestmark = pytest.mark.integration


def docker_engine_available() -> bool:
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


class Broker:
    def __init__(self, url: str, embedded: object | None) -> None:
        self.url = url
        self.embedded = embedded


@pytest.fixture(scope="session")
def broker() -> Iterator[Broker]:
    if docker_engine_available() and not os.environ.get("STORYWIRE_TEST_EMBEDDED"):
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer("confluentinc/cp-kafka:7.6.1").with_kraft() as kafka:
            yield Broker("kafka://" + kafka.get_bootstrap_server(), None)
        return
    from streams.kafka.broker import BrokerError, EmbeddedBroker

    try:
        embedded = EmbeddedBroker(log_path=Path(os.environ.get("TMPDIR", "/tmp")) / "storywire-test-broker.log")
        embedded.start()
    except BrokerError as exc:
        pytest.fail(f"no Docker engine and the embedded broker cannot start: {exc}")
    try:
        yield Broker(embedded.kafka_url, embedded)
    finally:
        embedded.stop()


_counter = itertools.count()


@pytest.fixture
def make_settings(broker: Broker, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Settings with topics, consumer group and state of their own."""

    def make(**overrides: object) -> Settings:
        run = f"t{next(_counter)}-{uuid.uuid4().hex[:6]}"
        base: dict[str, object] = {
            "broker": broker.url,
            "app_id": f"storywire-{run}",
            "topic_prefix": f"{run}-",
            "data_dir": tmp_path / run,
            "article_partitions": 2,
            "story_partitions": 2,
        }
        base.update(overrides)
        return Settings(**base)  # type: ignore[arg-type]

    return make
