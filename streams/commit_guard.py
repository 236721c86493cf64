"""Guard against Faust delivering a pre-seek batch after its end-of-recovery seek (commits stuck, or records lost).

Faust 0.15.3 ends table recovery with (``Recovery._resume_streams`` / ``on_recovery_completed``)::

    consumer.resume_partitions(stream partitions)
    await consumer.perform_seek()       # aiokafka -> committed offsets; read offsets := committed offsets
    app.flow_control.resume()           # ... which also *clears every agent's queue* (clear_on_resume=True)

The fetcher is already running (it read the changelogs), so while ``perform_seek`` awaits, the drain loop
(``Consumer._drain_messages``) delivers stream records into the agents' queues, and it goes on delivering the rest of
that batch after the seek. Then:

* the records that were still queued are cleared by ``flow_control.resume()`` and never processed;
* the read offset jumped back to the committed offset and forward again, so the drain loop records a "gap"
  (``_add_gap``, meant for compacted topics) over offsets it did deliver, and the copies fetched again from the
  committed offset are dropped as already read.

So a cleared record is either inside that gap -- Faust commits past it without processing it: **lost** -- or,
when no gap covers it, never acknowledged: the commit **stops** there. And offsets both acknowledged and in the
gap appear twice in Faust's acked list, which ends a run of consecutive offsets at each repeat: the commit advances
by **one offset per commit** (2.8 s) for a while (robinhood/faust#559, #625).

The guard makes a seek end the batch being delivered: records of a batch fetched before ``perform_seek`` are not
delivered after it (aiokafka is at the committed offset and fetches them again), and a record whose delivery
straddled the seek does not move the read offset. Everything from the committed offset is then delivered once more,
after the queues were cleared: no gap, nothing cleared for good. It also drops repeated offsets from the acked list
before Faust looks for the run (a genuine gap still ends with a repeat: Faust includes the next delivered offset).
``install_commit_guard()`` is idempotent; ``STORYWIRE_COMMIT_GUARD=0`` leaves Faust as it is. See
docs/stall-investigation.md.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

__all__ = ["install_commit_guard"]

log = logging.getLogger("storywire.commit_guard")


def install_commit_guard() -> bool:
    """Patch Faust's consumer (idempotent). ``build_app`` calls it unless ``STORYWIRE_COMMIT_GUARD=0``."""
    from faust.transport.consumer import Consumer

    if getattr(Consumer, "_storywire_commit_guard", False):
        return True
    original_perform_seek: Any = Consumer.perform_seek
    original_wait_next_records: Any = Consumer._wait_next_records
    original_getmany: Any = Consumer.getmany
    original_new_offset: Any = Consumer._new_offset

    def seeks(consumer: Any) -> int:
        return int(getattr(consumer, "_storywire_seeks", 0))

    async def perform_seek(self: Any) -> None:
        await original_perform_seek(self)
        self._storywire_seek_read = dict(self._read_offset)  # the read offsets the seek set
        self._storywire_seeks = seeks(self) + 1

    async def _wait_next_records(self: Any, timeout: float) -> Any:
        result = await original_wait_next_records(self, timeout)
        self._storywire_fetched_at = seeks(self)  # the batch comes from the positions after this many seeks
        return result

    def stale(self: Any) -> bool:
        if seeks(self) == getattr(self, "_storywire_fetched_at", 0):
            return False
        log.info("a seek came while a fetched batch was delivered: the rest is fetched again from the seek")
        return True

    async def getmany(self: Any, timeout: float) -> AsyncIterator[Any]:
        batch = original_getmany(self, timeout)
        try:
            async for tp, message in batch:
                if stale(self):  # fetched before the seek: aiokafka fetches it again from the committed offset
                    break
                yield tp, message
                if stale(self):  # the seek came while this record was being delivered: keep the seek's read offset
                    self._read_offset[tp] = self._storywire_seek_read.get(tp)
                    break
        finally:
            await batch.aclose()

    def _new_offset(self: Any, tp: Any) -> int | None:
        acked = self._acked[tp]
        gap = self._gap.get(tp)
        if acked and gap:
            # Faust's own merge of the gap (up to the largest acked offset, then chop), done here without repeats.
            candidates = sorted(gap.overlap(0, max(acked)), key=lambda iv: iv.begin)
            if candidates:
                filled = [o for iv in candidates for o in range(iv.begin, iv.end)]
                new_max = max(filled[-1], max(acked) + 1)
                acked.extend(filled)
                gap.chop(0, new_max)
        if len(acked) != len(set(acked)):
            acked[:] = sorted(set(acked))
        return original_new_offset(self, tp)  # type: ignore[no-any-return]

    setattr(Consumer, "perform_seek", perform_seek)  # noqa: B010 — a patch of a library method
    setattr(Consumer, "_wait_next_records", _wait_next_records)  # noqa: B010
    setattr(Consumer, "getmany", getmany)  # noqa: B010
    setattr(Consumer, "_new_offset", _new_offset)  # noqa: B010
    setattr(Consumer, "_storywire_commit_guard", True)  # noqa: B010
    return True
