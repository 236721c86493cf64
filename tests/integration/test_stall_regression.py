"""Regression: after a kill -9 and a restart, no partition stalls and no record is skipped.

The cause (docs/stall-investigation.md): Faust hands its live set of active partitions to aiokafka; when the set
is momentarily empty (end of table recovery, before the stream partitions are resumed) aiokafka returns every
prefetched record and Faust drops them without acking or seeking back. The partition then stalls (commit stuck
below the hole) or, worse, its commit jumps over the hole. ``streams/faust_patches/fetch_guard.py`` is the workaround.

A second defect, at the end of the same recovery: Faust resumes the stream partitions, awaits ``perform_seek`` and
then clears the agents' queues, but goes on delivering the batch it fetched before the seek; the records cleared
from the queues are never delivered again (the commit stops, or passes them after a spurious "gap", whose offsets
Faust also counts twice: the commit then advances one offset per commit interval).
``streams/faust_patches/commit_guard.py`` is the workaround.

``STORYWIRE_FETCH_GUARD=0`` / ``STORYWIRE_COMMIT_GUARD=0`` turn the guards off: test 1 / the tests of section 2 then
fail deterministically, and the kill -9 test fails in some runs (timing dependent; see the document for rates).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from kafka import KafkaConsumer, TopicPartition

from streams.faust_patches.commit_guard import install_commit_guard
from streams.faust_patches.fetch_guard import install_fetch_guard
from streams.kafka.clients import consume_all, ensure_topics, make_consumer, make_producer
from streams.kafka.processes import WorkerProcess
from streams.kafka.watch import OutputWatcher
from streams.settings import Settings
from streams.topics import ARTICLE_EXTRACTIONS, ARTICLES, STORY_ARTICLES
from tests.conftest import shared_path

pytestmark = [pytest.mark.integration, pytest.mark.slow]

GUARDED = os.environ.get("STORYWIRE_FETCH_GUARD", "1") != "0"
COMMIT_GUARDED = os.environ.get("STORYWIRE_COMMIT_GUARD", "1") != "0"


# -- 1. the mechanism, deterministically, with the real aiokafka fetcher and Faust's driver code ---------------


async def _drop_window(bootstrap: str, topic_a: str, topic_b: str) -> tuple[list[int], int, list[int]]:
    """Prefetch B, fetch with Faust's live set {A}, empty the set mid-wait (as recovery does), wake the fetcher.

    Returns (offsets of B handed back while B was not active, B's position afterwards, offsets of B after resume).
    """
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from aiokafka.structs import TopicPartition as ATP
    from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

    a, b = ATP(topic_a, 0), ATP(topic_b, 0)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    for i in range(20):
        await producer.send(topic_b, b"b%d" % i, partition=0)
    await producer.flush()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        consumer.assign([a, b])
        fetcher = consumer._fetcher
        deadline = time.monotonic() + 15
        while b not in fetcher._records:  # aiokafka prefetches B in the background, as it does for a paused stream
            assert time.monotonic() < deadline, "aiokafka never prefetched the stream partition"
            await asyncio.sleep(0.05)
        live: set = {a}  # Faust's Consumer._active_partitions during recovery: only the changelog partition
        parent = SimpleNamespace(flow_active=True, _active_partitions=live, _buffered_partitions=set())
        thread = SimpleNamespace(consumer=parent)
        fetch = asyncio.ensure_future(
            AIOKafkaConsumerThread._fetch_records(thread, consumer, live, timeout=5.0, max_records=None)
        )
        await asyncio.sleep(0.3)  # the fetch is waiting for records of A
        live.clear()  # recovery done: Faust pauses the changelog partition; streams are not resumed yet
        await producer.send_and_wait(topic_a, b"wake", partition=0)  # any fetch response wakes the waiter
        records = await fetch
        handed_back = [r.offset for r in records.get(b, [])]
        # Faust's Consumer.getmany now yields only records of active partitions: B's are dropped, not acked.
        position = await consumer.position(b)
        live.add(b)  # streams resumed
        after: list[int] = []
        deadline = time.monotonic() + 5
        while len(after) < 20 and time.monotonic() < deadline:
            got = await AIOKafkaConsumerThread._fetch_records(thread, consumer, live, timeout=0.5, max_records=None)
            after.extend(r.offset for r in got.get(b, []))
        return handed_back, position, after
    finally:
        await consumer.stop()
        await producer.stop()


def test_records_fetched_while_no_partition_is_active_are_not_lost(broker) -> None:  # type: ignore[no-untyped-def]
    if broker.embedded is None:
        pytest.skip("uses the embedded broker's address directly")
    if GUARDED:
        install_fetch_guard()
    run = uuid.uuid4().hex[:6]
    topic_a, topic_b = f"stall-a-{run}", f"stall-b-{run}"
    broker.embedded.create_topics([(topic_a, 1), (topic_b, 1)])
    handed_back, position, after = asyncio.run(_drop_window(broker.embedded.bootstrap, topic_a, topic_b))
    # Without the guard: the 20 records of B come back while B is not active (Faust drops them), aiokafka's
    # position is already 20, and nothing of B is ever delivered again.
    assert (handed_back, position, after) == ([], 0, list(range(20))), (
        f"records of an inactive partition handed to Faust (which drops them): {handed_back}; aiokafka position "
        f"afterwards {position}; delivered after resume: {after}"
    )


# -- 2. the end of recovery: a seek while a fetched batch is delivered, with Faust's real drain loop ------------


async def _deliveries_across_the_recovery_seek() -> tuple[list[int], object]:
    """Faust's ``_drain_messages`` / ``getmany`` / ``_fetch_records`` / ``perform_seek`` at the end of a rebalance.

    Committed 140, records 140-199 of a stream partition, already resumed. The app is still rebalancing: while the
    drain loop runs, ``perform_seek`` completes (aiokafka back at 140), then ``flow_control.resume()`` clears the
    agents' queues and the rebalance ends, as in ``Recovery._resume_streams``. Only aiokafka (its fetcher and
    position) is a stand-in. Returns the offsets that reach the agent's queue after the clear, and Faust's gap.
    """
    import contextlib

    import faust
    from aiokafka.structs import ConsumerRecord
    from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread
    from faust.types import TP

    app = faust.App(f"seek-{uuid.uuid4().hex[:6]}", broker="kafka://127.0.0.1:1", store="memory://")
    consumer = app.consumer  # created, never started
    tp = TP("stream", 0)
    app.topics._acking_topics.add(tp.topic)  # as the conductor does for a topic an agent consumes
    committed, end = 140, 200
    state = {"position": committed, "fetches": 0}
    drain_stopped = asyncio.Event()
    queue: list[int] = []

    async def fetched_records(partitions: object, timeout: float = 0, max_records: object = None) -> dict:
        if tp not in partitions or state["position"] >= end:  # type: ignore[operator]
            await asyncio.sleep(0.01)
            return {}
        offsets = range(state["position"], end)
        state["position"] = end  # aiokafka moves past what it hands over
        return {tp: [ConsumerRecord(tp.topic, 0, o, 0, 0, b"k", b"v", None, 1, 1, ()) for o in offsets]}

    def seek(partition: object, offset: int) -> None:
        state["position"] = offset

    fetcher = SimpleNamespace(
        _closed=False,
        fetched_records=fetched_records,
        _subscriptions=SimpleNamespace(fetch_context=contextlib.nullcontext),
    )
    aiokafka = SimpleNamespace(_closed=False, _fetcher=fetcher, seek=seek)
    thread = SimpleNamespace(consumer=consumer, app=app)

    async def fetch(active_partitions: object, timeout: float) -> object:  # Faust's consumer thread, inline
        state["fetches"] += 1
        return await AIOKafkaConsumerThread._fetch_records(thread, aiokafka, active_partitions, timeout=timeout)  # type: ignore[arg-type]

    async def seek_to_committed() -> dict[TP, int]:
        state["position"] = committed
        return {tp: committed}

    async def deliver(message: object) -> None:  # the conductor: into the agent's queue
        queue.append(message.offset)  # type: ignore[attr-defined]

    async def end_of_recovery() -> None:
        while len(queue) < 7 and state["fetches"] < 3:  # the seek completes while the drain loop runs
            await asyncio.sleep(0)
        await consumer.perform_seek()
        queue.clear()  # FlowControlEvent.resume() clears every queue created with clear_on_resume (the agents')
        app.rebalancing = False  # on_rebalance_end()
        while state["fetches"] < 12:
            await asyncio.sleep(0.01)
        drain_stopped.set()

    consumer._getmany = fetch  # type: ignore[method-assign]
    consumer._active_partitions = {tp}
    consumer.seek_to_committed = seek_to_committed  # type: ignore[method-assign]
    consumer.callback = deliver
    consumer.highwater = lambda tp: end  # type: ignore[method-assign]
    consumer._committed_offset[tp] = committed
    app.rebalancing = True
    recovery = asyncio.ensure_future(end_of_recovery())
    await asyncio.wait_for(consumer._drain_messages(SimpleNamespace(_stopped=drain_stopped)), 20)
    await recovery
    return queue, consumer._gap.get(tp)


def test_records_fetched_before_the_end_of_a_rebalance_are_delivered_after_it() -> None:
    if COMMIT_GUARDED:
        install_commit_guard()
    queued, gap = asyncio.run(_deliveries_across_the_recovery_seek())
    # Without the guard the drain loop delivers 140-146 before the seek and goes on with 147-199 after it; the queue
    # is cleared in between and the copies fetched again from 140 count as already read: 140-146 never reach the
    # agent (the commit stops at 140, or passes them when the drain loop records the read offset's jump as a gap).
    # With it: nothing of the stream partition is fetched before the rebalance ends, then 140-199 once each.
    assert (queued, gap) == (list(range(140, 200)), None), (
        f"reached the agent after the clear: {queued[:3]}..{queued[-3:]} ({len(queued)}), never: "
        f"{sorted(set(range(140, 200)) - set(queued))}; gap: {gap}"
    )


def test_offsets_both_acked_and_in_a_gap_commit_in_one_step() -> None:
    """Faust merges a gap into its acked list without removing offsets already there; each repeat ended the run of
    consecutive offsets, so the commit advanced by one offset per commit (2.8 s) across the gap."""
    import faust
    from faust.types import TP
    from faust.types.tuples import Message

    if COMMIT_GUARDED:
        install_commit_guard()
    app = faust.App(f"gap-{uuid.uuid4().hex[:6]}", broker="kafka://127.0.0.1:1", store="memory://")
    consumer = app.consumer
    tp = TP("stream", 0)
    app.topics._acking_topics.add(tp.topic)
    consumer._committed_offset[tp] = 140
    for offset in range(140, 200):
        consumer.ack(Message(tp.topic, 0, offset, 0.0, None, None, b"k", b"v", None, tp=tp))
    asyncio.run(consumer._add_gap(tp, 141, 147))  # the drain loop after its read offset went back to 140
    commits = []
    for _ in range(3):
        offset = consumer._new_offset(tp)
        if offset is not None:
            consumer._committed_offset[tp] = offset
        commits.append(offset)
    assert commits == [200, None, None], f"commits: {commits} (one offset per commit interval)"


# -- 3. the scenario: our worker, kill -9 mid-stream, restart ----------------------------------------------------

N_ARTICLES = 200
CRASHES = 3


def _headlines(n: int) -> list[bytes]:
    lines = shared_path("eval", "uci-headlines-dev.jsonl").read_bytes().splitlines()[:n]
    return [json.dumps({k: v for k, v in json.loads(line).items() if k != "story"}).encode() for line in lines]


def _records_per_partition(settings: Settings, name: str) -> dict[int, int]:
    """Offset after the last record of each partition, read from offset 0 until idle (never end_offsets)."""
    consumer = make_consumer(settings, name, timeout_ms=500)
    ends: dict[int, int] = {}
    try:
        for _t, partition, offset, _k, _v in consume_all(consumer, 2.0):
            ends[partition] = max(ends.get(partition, 0), offset + 1)
    finally:
        consumer.close()
    return ends


def _committed(settings: Settings, name: str, partitions: list[int]) -> dict[int, int | None]:
    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=settings.app_id)
    try:
        return {p: consumer.committed(TopicPartition(settings.topic(name), p)) for p in partitions}
    finally:
        consumer.close()


def _stalled(settings: Settings) -> dict[str, dict[int, tuple[int | None, int]]]:
    """Per stage topic, the partitions whose committed offset is below the end of their data."""
    out: dict[str, dict[int, tuple[int | None, int]]] = {}
    for name in (ARTICLES, ARTICLE_EXTRACTIONS, STORY_ARTICLES):
        ends = _records_per_partition(settings, name)
        committed = _committed(settings, name, sorted(ends))
        behind = {p: (committed[p], end) for p, end in ends.items() if (committed[p] or 0) < end}
        if behind:
            out[name] = behind
    return out


def test_kill_9_and_restart_leave_no_partition_behind(make_settings, tmp_path: Path) -> None:
    settings = make_settings(article_partitions=4, story_partitions=4)
    ensure_topics(settings)
    raws = _headlines(N_ARTICLES)
    ids = {json.loads(r)["id"] for r in raws}
    producer = make_producer(settings)
    for raw in raws:
        producer.send(settings.topic(ARTICLES), key=json.loads(raw)["id"].encode(), value=raw)
    producer.flush()
    producer.close()

    watcher = OutputWatcher(settings)
    workers: list[WorkerProcess] = []
    try:
        # Several crashes: each restart with unprocessed records in the stream partitions is a chance for the race.
        for crash in range(1, CRASHES + 1):
            workers.append(WorkerProcess(settings, tmp_path / f"w{crash}.log").start())
            target = crash * N_ARTICLES // (CRASHES + 1)
            ok = watcher.wait_until(lambda w, t=target: len(ids & w.handled_article_ids()) >= t, 120)
            assert ok, f"worker {crash} did not get to {target} articles:\n{workers[-1].log_tail(30)}"
            workers[-1].kill()  # mid-stream: nothing committed or flushed since the last commit
        assert len(ids & watcher.handled_article_ids()) < N_ARTICLES, "the crashes came too late to test anything"
        workers.append(WorkerProcess(settings, tmp_path / "last.log").start())
        watcher.wait_until(lambda w: ids <= w.handled_article_ids() or not workers[-1].running, 120)
        missing = ids - watcher.handled_article_ids()
        # Every committed offset must reach the end of its partition's data. Commits lag: by the commit interval,
        # and after a restart on the embedded broker by a rebalance (the killed members linger until their 6 s
        # session times out, and commits of the first generation may be refused), so allow one minute.
        deadline = time.monotonic() + 60
        while (behind := _stalled(settings)) and time.monotonic() < deadline:
            time.sleep(1.0)
        assert not missing, (
            f"{len(missing)} of {N_ARTICLES} articles never reached a story:\n{workers[-1].log_tail(30)}"
        )
        # Without streams/faust_patches/commit_guard.py a commit could crawl one offset per commit interval after the
        # restart (Faust merged offsets it had delivered into its acked list twice): stuck for minutes, nothing lost.
        assert not behind, f"committed offsets behind the data (committed, end): {behind}\n{workers[-1].log_tail(30)}"
    finally:
        for w in workers:
            w.stop()
        watcher.close()
