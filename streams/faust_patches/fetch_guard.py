"""Guard against Faust dropping fetched records when its set of active partitions changes mid-fetch.

Faust 0.15.3 hands its *live* ``Consumer._active_partitions`` set to aiokafka's ``Fetcher.fetched_records`` (in
the consumer thread) and, back in the event loop, drops every returned record whose partition is not in that set
any more -- without acking it and without seeking back. aiokafka has already moved its position past them, so
they are never fetched again by this process:

* aiokafka treats an *empty* partition set as "all partitions". At the end of table recovery Faust pauses the
  changelog partitions (the set becomes empty) and only later resumes the stream partitions. If the fetch waiter
  fires in that window, aiokafka returns the records it had prefetched for stream partitions, and Faust drops them.
* The stream partition then either stalls (its commit can never pass the hole: ``Consumer._new_offset`` refuses
  to commit past a gap at the head of the acked offsets) or, when a later record arrives with a known read
  offset, Faust records the hole as a "gap" (meant for compacted topics) and commits past it: silent loss.

It needs unprocessed records already in a stream partition when a worker starts, i.e. a restart after a crash.
See docs/stall-investigation.md. The guard gives aiokafka a snapshot of the set (never empty: an empty snapshot
fetches nothing), and seeks back to the first record of any partition that was paused while the fetch waited, so
that those records are fetched again once the partition is resumed.
"""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["install_fetch_guard"]

log = logging.getLogger("storywire.fetch_guard")


def install_fetch_guard() -> bool:
    """Patch Faust's aiokafka consumer thread (idempotent). ``build_app`` calls it unless
    ``STORYWIRE_FETCH_GUARD=0`` (Settings.fetch_guard)."""
    from faust.transport.drivers import aiokafka as faust_aiokafka

    thread_cls = faust_aiokafka.AIOKafkaConsumerThread
    if getattr(thread_cls, "_storywire_fetch_guard", False):
        return True
    original: Any = thread_cls._fetch_records

    async def _fetch_records(
        self: Any, consumer: Any, active_partitions: Any, timeout: float | None = None, max_records: int | None = None
    ) -> Any:
        if active_partitions is None:  # client-only apps read every partition
            return await original(self, consumer, None, timeout=timeout, max_records=max_records)
        wanted = frozenset(active_partitions)  # snapshot: Faust mutates the live set from the event-loop thread
        if not wanted:
            return {}  # aiokafka would read "no partitions" as "all partitions"
        records: dict[Any, Any] = await original(self, consumer, wanted, timeout=timeout, max_records=max_records)
        parent = self.consumer
        live = parent._active_partitions or set()
        buffered = parent._buffered_partitions
        if live != wanted:  # the window the guard exists for (Faust would have fetched with the changed set)
            log.info("active partitions changed during a fetch: %d before, %d after", len(wanted), len(live))
        for tp in [tp for tp in records if tp not in live and tp not in buffered]:
            batch = records.pop(tp)
            if batch:
                # Faust would drop these without acking them; make aiokafka fetch them again after resume.
                consumer.seek(tp, batch[0].offset)
                log.info("paused while fetching: %s[%d] rewound to %d", tp.topic, tp.partition, batch[0].offset)
        return records

    setattr(thread_cls, "_fetch_records", _fetch_records)  # noqa: B010 — a patch of a library method
    setattr(thread_cls, "_storywire_fetch_guard", True)  # noqa: B010
    return True
