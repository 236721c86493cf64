"""Exact end offsets for Faust's table recovery.

Faust restores a table by reading its changelog up to the partition's end offset ("highwater"), which it asks
the broker for (ListOffsets). The embedded broker (tansu 0.6) under-reports that offset: it answers with the base
offset of the last record batch, so Faust stopped reading one batch early and silently restored stale state.
After a kill -9 this made the clusterer re-assign articles it had already placed (a different story than an
uninterrupted run). We check each reported end offset by fetching from it: on a correct broker nothing comes back
and the offset stands; on tansu the last batch comes back and the end moves past it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from streams.kafka.clients import LARGE_FETCHES
from streams.security import kafka_client_args

__all__ = ["install_exact_end_offsets", "probe_end_offsets"]

log = logging.getLogger("storywire.offsets")


def probe_end_offsets(
    client_args: Mapping[str, Any], reported: Mapping[Any, int], *, idle_polls: int = 2
) -> dict[Any, int]:
    """True end offsets: read forward from each reported end offset until the broker has nothing more.

    ``client_args``: :func:`streams.security.kafka_client_args` of the worker's settings (bootstrap, TLS, SASL).
    """
    ends = {tp: off for tp, off in reported.items() if off is not None}
    if not ends:
        return dict(reported)
    consumer = KafkaConsumer(
        **{
            **client_args,
            "group_id": None,
            "enable_auto_commit": False,
            "fetch_max_wait_ms": 50,
            "client_id": "storywire-end-offsets",
            **LARGE_FETCHES,
        }
    )
    try:
        ktps = {TopicPartition(tp.topic, tp.partition): tp for tp in ends}
        consumer.assign(list(ktps))
        for ktp, tp in ktps.items():
            consumer.seek(ktp, ends[tp])
        empty = 0
        while empty < idle_polls:
            batch = consumer.poll(timeout_ms=100)
            if not any(batch.values()):
                empty += 1
                continue
            empty = 0
            for ktp, records in batch.items():
                tp = ktps[ktp]
                ends[tp] = max(ends[tp], records[-1].offset + 1)
    finally:
        consumer.close()
    for tp, off in ends.items():
        if off != reported[tp]:
            log.info(
                "end offset of %s[%d] is %d, not the %d the broker reported", tp.topic, tp.partition, off, reported[tp]
            )
    return {**reported, **ends}


def _client_args(app: Any) -> dict[str, Any]:
    """The worker's Kafka client arguments (``build_app`` keeps its settings on the app)."""
    settings = getattr(app, "storywire_settings", None)
    if settings is not None:
        return kafka_client_args(settings)
    return {"bootstrap_servers": ",".join(f"{url.host}:{url.port or 9092}" for url in app.conf.broker)}


def install_exact_end_offsets() -> None:
    """Make Faust's consumer verify the end offsets it uses for recovery (idempotent)."""
    from faust.transport.drivers import aiokafka as faust_aiokafka

    thread_cls = faust_aiokafka.AIOKafkaConsumerThread
    if getattr(thread_cls, "_storywire_exact_end_offsets", False):
        return
    original = thread_cls._highwaters

    async def _highwaters(self: Any, partitions: Any) -> Mapping[Any, int]:
        reported = await original(self, partitions)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, probe_end_offsets, _client_args(self.app), dict(reported))

    setattr(thread_cls, "_highwaters", _highwaters)  # noqa: B010 — a patch of a library method
    setattr(thread_cls, "_storywire_exact_end_offsets", True)  # noqa: B010
