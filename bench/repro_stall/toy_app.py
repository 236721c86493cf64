"""Toy Faust app for the stall investigation: source → group_by → Table, one sink record per message.

Run as a worker: ``python bench/repro_stall/toy_app.py worker --without-web -l info``.
Environment: TOY_BROKER (kafka://host:port), TOY_APP_ID, TOY_SOURCE, TOY_SINK, TOY_TIMEOUTS ("60/60/3" = session/
rebalance/heartbeat), TOY_SLEEP (seconds of work per message), TOY_STATE_LOG (file: a JSON line of consumer state
every second), TOY_FETCH_GUARD=1 (install streams/faust_patches/fetch_guard.py),
TOY_DEBUG (comma-separated loggers put at DEBUG, e.g. "aiokafka.consumer.fetcher").
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path

import faust

BROKER = os.environ.get("TOY_BROKER", "kafka://127.0.0.1:9092")
APP_ID = os.environ.get("TOY_APP_ID", "toy")
SOURCE = os.environ.get("TOY_SOURCE", "toy-src")
SINK = os.environ.get("TOY_SINK", "toy-sink")
SESSION, REBALANCE, HEARTBEAT = (float(x) for x in os.environ.get("TOY_TIMEOUTS", "60/60/3").split("/"))
SLEEP = float(os.environ.get("TOY_SLEEP", "0.005"))
STATE_LOG = os.environ.get("TOY_STATE_LOG", "")
PARTITIONS = int(os.environ.get("TOY_PARTITIONS", "4"))

if os.environ.get("TOY_FETCH_GUARD") == "1":  # the workaround under test (streams/faust_patches/fetch_guard.py)
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from streams.faust_patches.fetch_guard import install_fetch_guard

    install_fetch_guard()

app = faust.App(
    APP_ID,
    broker=BROKER,
    store="memory://",
    topic_partitions=PARTITIONS,
    topic_allow_declare=True,
    consumer_auto_offset_reset="earliest",
    broker_session_timeout=SESSION,
    broker_rebalance_timeout=REBALANCE,
    broker_heartbeat_interval=HEARTBEAT,
    web_enabled=False,
)


class Msg(faust.Record, serializer="json"):
    id: int
    key: str


source = app.topic(SOURCE, value_type=Msg, partitions=PARTITIONS)
sink = app.topic(SINK, value_type=Msg, partitions=1)
counts = app.Table("counts", default=int, partitions=PARTITIONS)


@app.agent(source)
async def process(stream: faust.StreamT[Msg]) -> None:
    async for msg in stream.group_by(Msg.key, name=f"{APP_ID}-by-key"):
        counts[msg.key] += 1
        if SLEEP:
            await asyncio.sleep(SLEEP)
        await sink.send(key=msg.key, value=msg)


def _tp(tp: object) -> str:
    return f"{tp.topic}[{tp.partition}]"  # type: ignore[attr-defined]


@app.timer(1.0)
async def dump_state() -> None:
    """One JSON line of what Faust's consumer believes, per partition (to find a stalled one)."""
    if not STATE_LOG:
        return
    consumer = app.consumer
    try:
        thread = consumer._thread  # aiokafka ConsumerThread
        aio = thread._ensure_consumer()
        assigned = sorted(aio.assignment(), key=_tp)
        paused = {_tp(tp) for tp in aio.paused()}
        fetcher = aio._fetcher
        subs = aio._subscription.subscription
        assignment = subs.assignment if subs else None
        parts = {}
        for tp in assigned:
            st = assignment.state_value(tp) if assignment else None
            parts[_tp(tp)] = {
                "aio_position": getattr(st, "_position", None) if st else None,
                "aio_highwater": getattr(st, "highwater", None) if st else None,
                "aio_paused": getattr(st, "paused", None) if st else None,
                "aio_reset": getattr(st, "_reset_strategy", None) if st else None,
                "faust_committed": consumer._committed_offset.get(tp),
                "faust_read": consumer._read_offset.get(tp),
                "faust_highwater": consumer.highwater(tp) if hasattr(consumer, "highwater") else None,
                "paused": _tp(tp) in paused,
                "acked_pending": len(consumer._acked.get(tp, ())),
                "acked_min": min(consumer._acked[tp]) if consumer._acked.get(tp) else None,
                "gap": str(consumer._gap.get(tp)) if consumer._gap.get(tp) else None,
                "unacked": sum(1 for m in consumer._unacked_messages if m.tp == tp),
                "fetch_buffered": tp in getattr(fetcher, "_records", {}),
            }
        channels = {}
        for agent in app.agents.values():
            for actor in getattr(agent, "_actors", []) or []:
                st = getattr(actor, "stream", None)
                depth = 0
                while st is not None and depth < 4:  # the agent's stream, then group_by's stream (`_next`)
                    ch = st.channel
                    q = getattr(ch, "queue", None)
                    label = f"{depth}:{getattr(ch, 'topics', None) or ch}"
                    if q is not None:
                        channels[label] = q.qsize()
                    st = getattr(st, "_next", None)
                    depth += 1
        line = {
            "t": time.time(),
            "pid": os.getpid(),
            "active_partitions": sorted(_tp(tp) for tp in (consumer._active_partitions or ())),
            "paused_faust": sorted(_tp(tp) for tp in consumer._paused_partitions),
            "parts": parts,
            "records_in_fetcher": len(getattr(fetcher, "_records", {}) or {}),
            "generation": app.consumer_generation_id,
            "flow_active": consumer.flow_active,
            "flow_control": app.flow_control.is_active(),
            "in_recovery": app.in_recovery,
            "channels": channels,
            "table": dict(counts.items()),
        }
    except Exception as exc:  # debugging aid only
        line = {"t": time.time(), "pid": os.getpid(), "error": repr(exc)}
    with open(STATE_LOG, "a") as fh:
        fh.write(json.dumps(line, default=str) + "\n")


_debug_names = list(filter(None, os.environ.get("TOY_DEBUG", "").split(",")))
if _debug_names:  # own handler: Faust's worker logging setup keeps its handlers at the --loglevel
    _handler = logging.FileHandler(os.environ.get("TOY_DEBUG_LOG", f"debug-{os.getpid()}.log"))
    _handler.setLevel(logging.DEBUG)
    _handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"))
    for name in _debug_names:
        logging.getLogger(name).setLevel(logging.DEBUG)
        logging.getLogger(name).addHandler(_handler)

if __name__ == "__main__":
    app.main()
