"""Broker outage: a clear message while waiting, no error storm, and a clean exit when the broker lost its data."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from streams.kafka.broker import EmbeddedBroker
from streams.kafka.clients import ensure_topics
from streams.kafka.processes import WorkerProcess
from streams.settings import Settings
from streams.watchdog import EXIT_BROKER_LOST_DATA

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def wait_for(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_embedded_broker_restart_makes_the_worker_exit_with_a_clear_message(tmp_path: Path) -> None:
    broker = EmbeddedBroker(log_path=tmp_path / "broker.log").start()
    settings = Settings(broker=broker.kafka_url, app_id="outage", data_dir=tmp_path / "state")
    ensure_topics(settings)
    log = tmp_path / "worker.log"
    worker = WorkerProcess(settings, log).start()
    restarted: EmbeddedBroker | None = None
    try:
        assert wait_for(lambda: "Worker ready" in log.read_text(), 90), worker.log_tail()
        broker.kill()
        assert wait_for(lambda: "is unreachable; waiting" in log.read_text(), 20), worker.log_tail()
        lines_at_warning = len(log.read_text().splitlines())
        time.sleep(12)
        during = log.read_text().splitlines()[lines_at_warning:]
        assert worker.running, "the worker waits for the broker"
        assert len(during) <= 5, "while waiting the worker reports, it does not flood the log:\n" + "\n".join(during)
        assert any("still unreachable" in line for line in during)

        restarted = EmbeddedBroker(port=broker.port, log_path=tmp_path / "broker2.log").start()  # memory-only: empty
        assert wait_for(lambda: not worker.running, 30), worker.log_tail()
        assert worker.proc is not None and worker.proc.returncode == EXIT_BROKER_LOST_DATA
        text = log.read_text()
        assert "lost its data" in text and "docker-compose.yml" in text
        assert "Traceback" not in text
    finally:
        worker.kill()
        broker.stop()
        if restarted is not None:
            restarted.stop()
