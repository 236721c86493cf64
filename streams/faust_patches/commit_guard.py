"""Guard against Faust clearing stream records it delivered at the end of a rebalance (commits stuck, or records lost).

Faust 0.15.3 ends table recovery with (``Recovery._resume_streams`` / ``on_recovery_completed``)::

    consumer.resume_partitions(stream partitions)
    await consumer.perform_seek()       # aiokafka -> committed offsets; read offsets := committed offsets
    app.flow_control.resume()           # ... which also *clears every agent's queue* (clear_on_resume=True)
    ...
    app.on_rebalance_end()

The fetcher is already running (it read the changelogs), so while ``perform_seek`` awaits, the drain loop
(``Consumer._drain_messages``) hands freshly fetched stream records to the agents' queues, and after the seek it goes
on with the rest of that batch. The records still queued are then cleared by ``flow_control.resume()``, and they are
never delivered again: the read offset has moved past them (the copies fetched again from the committed offset count
as already read), and without a committed offset aiokafka does not seek at all. So the partition's commit stops
below them for good, or -- when the drain loop saw its read offset jump back and recorded a "gap" (``_add_gap``,
meant for compacted topics) -- the commit passes them: silent loss. Offsets both acknowledged and in such a gap also
appear twice in Faust's acked list, and the commit then advances one offset per commit (robinhood/faust#559, #625).

The guard asks aiokafka for changelog partitions only while the app is rebalancing (``app.rebalancing``, until
``on_rebalance_end()``, which comes after the seek and the clear): stream records stay in aiokafka, unconsumed, and are
fetched from the committed offset once the rebalance is over. It also drops repeated offsets from the acked list
before Faust looks for the run of consecutive offsets (a genuine gap still ends with a repeat: Faust includes the
next delivered offset in it). ``install_commit_guard()`` is idempotent; ``STORYWIRE_COMMIT_GUARD=0`` leaves Faust as
it is. See docs/stall-investigation.md.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

__all__ = ["install_commit_guard"]

log = logging.getLogger("storywire.commit_guard")


def install_commit_guard() -> bool:
    """Patch Faust's consumer (idempotent). ``build_app`` calls it unless ``STORYWIRE_COMMIT_GUARD=0``."""
    from faust.transport.consumer import Consumer
    from faust.transport.drivers import aiokafka as faust_aiokafka

    thread_cls = faust_aiokafka.AIOKafkaConsumerThread
    if getattr(thread_cls, "_storywire_commit_guard", False):
        return True
    original_fetch_records: Any = thread_cls._fetch_records
    original_new_offset: Any = Consumer._new_offset

    async def _fetch_records(
        self: Any, consumer: Any, active_partitions: Any, timeout: float | None = None, max_records: int | None = None
    ) -> Any:
        parent = self.consumer
        if active_partitions is None or not getattr(getattr(parent, "app", None), "rebalancing", False):
            return await original_fetch_records(self, consumer, active_partitions, timeout, max_records)
        changelogs = {tp for tp in active_partitions if parent._is_changelog_tp(tp)}
        if not changelogs:  # only stream partitions: nothing to fetch until the rebalance is over
            await asyncio.sleep(min(timeout or 0.1, 0.1))
            return {}
        return await original_fetch_records(self, consumer, changelogs, timeout, max_records)

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

    setattr(thread_cls, "_fetch_records", _fetch_records)  # noqa: B010 — a patch of a library method
    setattr(Consumer, "_new_offset", _new_offset)  # noqa: B010
    setattr(thread_cls, "_storywire_commit_guard", True)  # noqa: B010
    return True
