"""Agent tests: each stage's Faust agent driven with ``agent.test_context()``, no broker.

Sends to output topics are recorded instead of produced, and table changes write no changelog; what a test sees is
exactly what the agent sent and saved.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from streams.app import build_app
from streams.settings import Settings
from streams.topics import Streams


@dataclass
class Sent:
    """What the agents sent, per output topic: (key, value) in order; ``hold`` keeps deliveries pending."""

    topics: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict)
    pending: list[asyncio.Future[None]] = field(default_factory=list)
    hold: bool = False

    def values(self, topic: str) -> list[Any]:
        return [v for _, v in self.topics.get(topic, [])]


def record_sends(sw: Streams) -> Sent:
    sent = Sent()
    for name in ("dead_letters", "extractions", "story_articles", "story_updates", "alerts"):
        topic = getattr(sw, name)
        sent.topics[name] = []

        async def send(key: Any = None, value: Any = None, _name: str = name, **kwargs: Any) -> asyncio.Future[None]:
            sent.topics[_name].append((key, value))
            delivery: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            if sent.hold:
                sent.pending.append(delivery)
            else:
                delivery.set_result(None)
            return delivery

        topic.send = send
    for table in (sw.cluster_index, sw.stories, sw.fired_alerts):
        table.on_key_set = lambda key, value: None  # no changelog without a broker
        table.on_key_del = lambda key: None
    return sent


@pytest.fixture
def app_under_test(tmp_path: Path) -> Callable[..., tuple[Streams, Sent]]:
    """``make(**settings)`` builds the app with its agents, its sends recorded."""

    def make(**overrides: Any) -> tuple[Streams, Sent]:
        settings = Settings(
            broker="kafka://127.0.0.1:1", app_id=f"agent-test-{tmp_path.name}", data_dir=tmp_path, **overrides
        )
        sw = build_app(settings)
        sw.app.finalize()
        sw.app.flow_control.resume()
        return sw, record_sends(sw)

    return make


async def until(reached: Callable[[], object], seconds: float = 30.0) -> None:
    """Wait for a condition the agent reaches asynchronously (fails with a clear message after ``seconds``)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not reached():
        if loop.time() > deadline:
            raise AssertionError(f"the agent did not get there within {seconds:.0f} s")
        await asyncio.sleep(0.01)
