"""Guard against Faust's commit crawling one offset per commit after a restart.

Faust 0.15.3 (``faust/transport/consumer.py``) commits a partition up to the end of the first run of
consecutive acknowledged offsets (``Consumer._new_offset``). Two of its bookkeeping steps interact badly:

* At the end of table recovery Faust resumes the stream partitions and only then awaits ``perform_seek()``
  (``Recovery._resume_streams`` / ``on_recovery_completed``). Records fetched in between are delivered, so the
  drain loop's read offset is already past the committed offset when ``perform_seek`` resets it *to* the
  committed offset. The next record then looks as if it followed a hole, and ``_drain_messages`` records the
  offsets it has just delivered as a "gap" (``_add_gap``, meant for compacted topics and transaction markers).
* ``_new_offset`` merges the gap into the acked list without removing offsets that are already there, so every
  offset both delivered and in the gap appears twice. ``consecutive_numbers`` ends a run at a repeated number:
  each commit then advances by one offset (one per ``broker_commit_interval``, 2.8 s). With a few hundred
  records delivered in that window the committed offset looks stuck for many minutes although every record
  was processed (robinhood/faust#559 and #625 describe the same duplicates).

A gap made of delivered offsets has a second, rarer effect: a record delivered but still queued is counted as
acknowledged, so the commit may pass it before it is processed (lost if the worker crashes right then).

The guard (``install_commit_guard()``, idempotent) keeps out of a gap every offset that was delivered (acked,
or tracked as in flight), and drops repeated offsets from the acked list before Faust looks for the run.
Genuine gaps (offsets with no record) are kept, so compacted topics still commit past them. See
docs/stall-investigation.md.
"""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["install_commit_guard"]

log = logging.getLogger("storywire.commit_guard")

_MAX_GAP_CHECK = 100_000  # a larger gap (a compacted topic) is left to Faust as it is


def install_commit_guard() -> bool:
    """Patch Faust's consumer offset bookkeeping (idempotent). ``build_app`` calls it unless
    ``STORYWIRE_COMMIT_GUARD=0`` (Settings.commit_guard)."""
    from faust.transport.consumer import Consumer

    if getattr(Consumer, "_storywire_commit_guard", False):
        return True
    original_add_gap: Any = Consumer._add_gap
    original_new_offset: Any = Consumer._new_offset

    async def _add_gap(self: Any, tp: Any, offset_from: int, offset_to: int) -> None:
        if offset_to - offset_from > _MAX_GAP_CHECK:
            await original_add_gap(self, tp, offset_from, offset_to)
            return
        delivered = set(self._acked_index.get(tp, ()))
        delivered.update(m.offset for m in list(self._unacked_messages) if m.tp == tp)
        delivered.add(offset_to)  # Faust passes the record it is about to deliver as the end of the gap
        missing = [o for o in range(offset_from, offset_to + 1) if o not in delivered]
        if len(missing) < offset_to - offset_from + 1:
            log.info(
                "%s[%d]: offsets %d-%d reported as a gap, %d of them were delivered (read offset reset by a seek)",
                tp.topic,
                tp.partition,
                offset_from,
                offset_to,
                offset_to - offset_from + 1 - len(missing),
            )
        start = 0
        for i in range(1, len(missing) + 1):  # one gap per run of offsets that were never delivered
            if i == len(missing) or missing[i] != missing[i - 1] + 1:
                await original_add_gap(self, tp, missing[start], missing[i - 1])
                start = i

    def _new_offset(self: Any, tp: Any) -> int | None:
        acked = self._acked[tp]
        gap = self._gap.get(tp)
        if acked and gap:
            # Faust's own merge (overlap up to the largest acked offset, then chop), without repeats.
            candidates = sorted(gap.overlap(0, max(acked)), key=lambda iv: iv.begin)
            if candidates:
                filled = [o for iv in candidates for o in range(iv.begin, iv.end)]
                new_max = max(filled[-1], max(acked) + 1)
                acked.extend(filled)
                gap.chop(0, new_max)
        if len(acked) != len(set(acked)):
            acked[:] = sorted(set(acked))
        return original_new_offset(self, tp)  # type: ignore[no-any-return]

    setattr(Consumer, "_add_gap", _add_gap)  # noqa: B010 — a patch of a library method
    setattr(Consumer, "_new_offset", _new_offset)  # noqa: B010
    setattr(Consumer, "_storywire_commit_guard", True)  # noqa: B010
    return True
