"""Set the fetch wait of Faust's worker consumer (hard-coded to 1500 ms; checked on faust-streaming 0.15.3)."""

from __future__ import annotations

from typing import Any

__all__ = ["install_fetch_max_wait"]


def install_fetch_max_wait(ms: int) -> None:
    """Faust hard-codes fetch_max_wait_ms=1500 for its worker consumer; set it on the consumer it creates.

    The embedded broker does not answer a waiting fetch early when records arrive on one of several partitions,
    so every hop waits out the full time (p50 ~1.9 s article → story update at 1500 ms, ~0.4 s at 100 ms;
    docs/benchmarks.md). 100 ms by default (``STORYWIRE_FETCH_MAX_WAIT_MS``; at most 10 empty fetches/s per idle
    worker). It was off while the commit stall of docs/stall-investigation.md was open (with 100 ms the kill -9 test
    left commits behind in 3 of 6 runs); with the commit guard it passed 5 of 5 runs at 100 ms.
    """
    from faust.transport.drivers import aiokafka as faust_aiokafka

    thread_cls = faust_aiokafka.AIOKafkaConsumerThread
    create = getattr(thread_cls, "_storywire_create_worker_consumer", thread_cls._create_worker_consumer)

    def _create_worker_consumer(self: Any, transport: Any) -> Any:
        consumer = create(self, transport)
        consumer._fetch_max_wait_ms = ms
        return consumer

    setattr(thread_cls, "_storywire_create_worker_consumer", create)  # noqa: B010
    setattr(thread_cls, "_create_worker_consumer", _create_worker_consumer)  # noqa: B010
