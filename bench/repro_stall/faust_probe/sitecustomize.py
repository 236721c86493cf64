"""Faust consumer probe for the stall investigation (docs/stall-investigation.md); debugging aid, not used by storywire.

Put this directory on PYTHONPATH and set STALL_INSTR to an existing directory: every Python process that has
STORYWIRE_BROKER set (the workers the tests start) then writes ``instr-<pid>.jsonl`` there -- what Faust fetched and
handed over, gaps, commits, seeks, rebalances, acks of ``*-articles`` topics, extract batches, and once a second its
per-partition state ``[committed, read offset, aiokafka position, acked pending, smallest acked, gap]``.
STALL_SEEK_DELAY=<seconds> sleeps before every ``perform_seek`` (widens the end-of-recovery window).

    mkdir -p /tmp/probe && STALL_INSTR=/tmp/probe PYTHONPATH=bench/repro_stall/faust_probe \\
        .venv/bin/pytest tests/integration/test_stall_regression.py -k kill_9
"""

import os

_DIR = os.environ.get("STALL_INSTR")
if _DIR and os.environ.get("STORYWIRE_BROKER"):
    import json
    import threading
    import time

    _fh = None
    _lock = threading.Lock()

    def _log(kind, **kw):
        global _fh
        with _lock:
            if _fh is None:
                _fh = open(os.path.join(_DIR, f"instr-{os.getpid()}.jsonl"), "a", buffering=1)
            _fh.write(json.dumps({"t": round(time.time(), 3), "k": kind, **kw}, default=str) + "\n")

    def _tp(tp):
        return f"{tp.topic.split('-', 2)[-1]}[{tp.partition}]"

    def _install():
        from faust.transport import consumer as fc

        C = fc.Consumer
        orig_getmany = C.getmany

        async def getmany(self, timeout):
            records, active = None, None
            orig_wait = self._wait_next_records

            async def wait(t):
                nonlocal records, active
                records, active = await orig_wait(t)
                if records:
                    snap_active = set(active) if active is not None else None
                    _log(
                        "fetched",
                        tps={_tp(tp): [rs[0].offset, rs[-1].offset, len(rs)] for tp, rs in records.items()},
                        nactive=len(snap_active) if snap_active is not None else None,
                    )
                return records, active

            self._wait_next_records = wait
            try:
                yielded = {}
                async for tp, msg in orig_getmany(self, timeout):
                    yielded.setdefault(tp, []).append(msg.offset)
                    if tp.topic.endswith("-articles"):
                        _log("y", tp=_tp(tp), o=msg.offset, r=self._read_offset.get(tp), g=msg.generation_id)
                    yield tp, msg
            finally:
                del self._wait_next_records
                if yielded:
                    _log(
                        "yielded",
                        tps={_tp(tp): [o[0], o[-1], len(o)] for tp, o in yielded.items()},
                        read={_tp(tp): self._read_offset.get(tp) for tp in yielded},
                    )
                if records:
                    for tp, rs in records.items():
                        got = yielded.get(tp, [])
                        if len(got) != len(rs):
                            _log(
                                "getmany_drop",
                                tp=_tp(tp),
                                fetched=[rs[0].offset, rs[-1].offset, len(rs)],
                                yielded=len(got),
                                in_active=(active is None or tp in active),
                                in_buffered=tp in self._buffered_partitions,
                                flow=self.flow_active,
                                gen=self.app.consumer_generation_id,
                            )

        C.getmany = getmany

        orig_add_gap = C._add_gap

        async def _add_gap(self, tp, a, b):
            _log("add_gap", tp=_tp(tp), a=a, b=b, committed=self._committed_offset.get(tp))
            return await orig_add_gap(self, tp, a, b)

        C._add_gap = _add_gap

        orig_new_offset = C._new_offset

        def _new_offset(self, tp):
            acked = self._acked.get(tp)
            before = (min(acked), len(acked)) if acked else None
            r = orig_new_offset(self, tp)
            if acked and r is None:
                _log("new_offset_none", tp=_tp(tp), committed=self._committed_offset.get(tp), acked_min_len=before)
            return r

        C._new_offset = _new_offset

        orig_commit_offsets = C._commit_offsets

        async def _commit_offsets(self, offsets, start_new_transaction=True):
            before = {_tp(tp): self._committed_offset.get(tp) for tp in offsets}
            r = await orig_commit_offsets(self, offsets, start_new_transaction)
            _log(
                "commit",
                ok=r,
                offsets={_tp(tp): o for tp, o in offsets.items()},
                before=before,
                assignment=len(self.assignment()),
            )
            return r

        C._commit_offsets = _commit_offsets

        orig_perform_seek = C.perform_seek

        seek_delay = float(os.environ.get("STALL_SEEK_DELAY", "0") or 0)

        async def perform_seek(self):
            if seek_delay:  # widen the window between resume_partitions and the seek (a slow broker round trip)
                import asyncio

                _log("seek_delay", s=seek_delay)
                await asyncio.sleep(seek_delay)
            await orig_perform_seek(self)
            _log(
                "perform_seek",
                committed={_tp(tp): o for tp, o in self._committed_offset.items()},
                read={_tp(tp): o for tp, o in self._read_offset.items()},
            )

        C.perform_seek = perform_seek

        orig_seek = C.seek

        async def seek(self, partition, offset):
            _log("seek", tp=_tp(partition), offset=offset)
            return await orig_seek(self, partition, offset)

        C.seek = seek

        orig_revoked = C.on_partitions_revoked
        orig_assigned = C.on_partitions_assigned

        async def on_partitions_revoked(self, revoked):
            _log("revoked", n=len(revoked))
            return await orig_revoked(self, revoked)

        async def on_partitions_assigned(self, assigned, generation_id=0):
            _log("assigned", n=len(assigned), gen=generation_id)
            r = await orig_assigned(self, assigned, generation_id)
            _log("assigned_done", gen=generation_id)
            return r

        C.on_partitions_revoked = on_partitions_revoked
        C.on_partitions_assigned = on_partitions_assigned

        orig_ack = C.ack

        def ack(self, message):
            r = orig_ack(self, message)
            if message.topic.endswith("-articles"):
                _log("ack", tp=_tp(message.tp), o=message.offset, r=r, c=self._committed_offset.get(message.tp))
            if not r and not getattr(message, "_instr_acked", False):
                committed = self._committed_offset.get(message.tp)
                if committed is not None and message.offset < committed:
                    _log("ack_below_committed", tp=_tp(message.tp), offset=message.offset, committed=committed)
            return r

        C.ack = ack

        def dumper(consumer):
            while True:
                time.sleep(1.0)
                try:
                    parts = {}
                    aio = getattr(getattr(consumer, "_thread", None), "_consumer", None)
                    assignment = None
                    if aio is not None and aio._subscription.subscription is not None:
                        assignment = aio._subscription.subscription.assignment
                    for tp in list(set(consumer._acked) | set(consumer._committed_offset)):
                        acked = list(consumer._acked.get(tp, ()))
                        pos = None
                        if assignment is not None:
                            try:
                                from aiokafka.structs import TopicPartition as ATP

                                st = assignment.state_value(ATP(tp.topic, tp.partition))
                                pos = getattr(st, "_position", None) if st else None
                            except Exception:
                                pass
                        gap = consumer._gap.get(tp)
                        parts[_tp(tp)] = [
                            consumer._committed_offset.get(tp),
                            consumer._read_offset.get(tp),
                            pos,
                            len(acked),
                            min(acked) if acked else None,
                            str(gap) if gap else None,
                        ]
                    _log("state", parts=parts, active=len(consumer._active_partitions or ()), flow=consumer.flow_active)
                except Exception as exc:
                    _log("state_err", err=repr(exc))

        orig_on_start = C.on_start

        async def on_start(self):
            r = await orig_on_start(self)
            threading.Thread(target=dumper, args=(self,), daemon=True).start()
            return r

        C.on_start = on_start

        import faust.streams as fs

        orig_take_events = fs.Stream.take_events

        async def take_events(self, max_, within):
            async for events in orig_take_events(self, max_, within):
                _log("batch", ev=[[_tp(e.message.tp), e.message.offset, e.message.generation_id] for e in events])
                yield events

        fs.Stream.take_events = take_events

    try:
        _install()
    except Exception as exc:  # pragma: no cover
        _log("install_err", err=repr(exc))
