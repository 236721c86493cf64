"""Crashes, rebalances and replays lose nothing and duplicate nothing (real broker, real kill -9)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from agents.inprocess import Pipeline
from schemas import ArticleExtraction, StoryUpdate
from streams.kafka.audit import audit_topics
from streams.kafka.clients import consume_all, ensure_topics, make_consumer, make_producer
from streams.kafka.processes import WorkerProcess
from streams.kafka.replay import compare_streams, read_update_stream, run_replay
from streams.kafka.watch import OutputWatcher
from streams.settings import Settings
from streams.topics import ARTICLE_EXTRACTIONS, ARTICLES
from tests.conftest import shared_path

pytestmark = [pytest.mark.integration, pytest.mark.slow]

N_ARTICLES = 500


@pytest.fixture(scope="module")
def headlines() -> list[bytes]:
    """500 real headlines (UCI News Aggregator, many outlets, ~40 stories) as raw article messages."""
    path = shared_path("eval", "uci-headlines-dev.jsonl")
    lines = path.read_bytes().splitlines()[:N_ARTICLES]
    return [json.dumps({k: v for k, v in json.loads(line).items() if k != "story"}).encode() for line in lines]


def ids_of(raws: list[bytes]) -> list[str]:
    return [json.loads(r)["id"] for r in raws]


def produce(settings: Settings, raws: list[bytes]) -> None:
    producer = make_producer(settings)
    for raw in raws:
        producer.send(settings.topic(ARTICLES), key=json.loads(raw)["id"].encode(), value=raw)
    producer.flush()
    producer.close()


def start_run(settings: Settings, raws: list[bytes]) -> tuple[set[str], OutputWatcher]:
    """Topics created, every article produced up front, and a watcher of the outputs from the beginning."""
    ensure_topics(settings)
    produce(settings, raws)
    return set(ids_of(raws)), OutputWatcher(settings)


def in_process_stream(updates: list[StoryUpdate]) -> dict[str, dict[int, list[str]]]:
    stream: dict[str, dict[int, list[str]]] = {}
    for u in updates:
        stream.setdefault(u.story_id, {})[u.version] = [u.model_dump_json()]
    return stream


def wait_reflected(
    watcher: OutputWatcher, workers: list[WorkerProcess], ids: set[str], count: int, timeout: float
) -> None:
    ok = watcher.wait_until(
        lambda w: len(ids & w.handled_article_ids()) >= count or not any(x.running for x in workers), timeout
    )
    got = len(ids & watcher.handled_article_ids())
    logs = "\n".join(w.log_tail(25) for w in workers)
    assert ok and got >= count, f"{got} of {count} articles reached a story in {timeout:.0f} s\n{logs}"


def kill_then_restart(
    settings: Settings, ids: set[str], watcher: OutputWatcher, tmp_path: Path, until: Callable[[WorkerProcess], None]
) -> None:
    """A worker killed with SIGKILL (no commit, no flush) once ``until(worker)`` returns, then a new worker, until
    every article of ``ids`` is in a story; the watcher is closed."""
    first = WorkerProcess(settings, tmp_path / "first.log").start()
    try:
        until(first)
        first.kill()
        assert len(ids & watcher.handled_article_ids()) < len(ids), "the crash came too late to test anything"
        second = WorkerProcess(settings, tmp_path / "second.log").start()
        try:
            wait_reflected(watcher, [second], ids, len(ids), 300)
            watcher.wait_quiet(3.0)
        finally:
            second.stop()
    finally:
        first.kill()
        watcher.close()


def recorded_extraction_order(settings: Settings) -> list[ArticleExtraction]:
    """article-extractions from offset 0 (one partition: the total order the clusterer saw), first copy of each."""
    consumer = make_consumer(settings, ARTICLE_EXTRACTIONS, timeout_ms=500)
    seen: set[str] = set()
    out = []
    try:
        for _t, _p, _o, _k, value in consume_all(consumer, 3.0):
            ex = ArticleExtraction.model_validate_json(value)
            if ex.article.id not in seen:
                seen.add(ex.article.id)
                out.append(ex)
    finally:
        consumer.close()
    return out


def test_kill_9_mid_stream_then_restart_gives_the_uninterrupted_stories(
    make_settings, headlines: list[bytes], extractor, tmp_path: Path
) -> None:
    settings = make_settings(article_partitions=1, story_partitions=4)
    ids, watcher = start_run(settings, headlines)
    kill_then_restart(settings, ids, watcher, tmp_path, lambda first: wait_reflected(watcher, [first], ids, 150, 180))

    # The uninterrupted run: the same articles in the same order through the same pure pipeline.
    reference = Pipeline(extractor)
    list(reference.add_raw(headlines))
    report = compare_streams(read_update_stream(settings), in_process_stream(reference.updates))
    assert report.equal, "\n".join(report.differences[:20])
    audit = audit_topics(settings)
    assert audit.complete, audit.to_json()
    assert sum(p.assigned for p in audit.partitions) >= N_ARTICLES


def test_two_workers_and_a_rebalance_give_the_same_stories_as_one(
    make_settings, headlines: list[bytes], tmp_path: Path
) -> None:
    settings = make_settings(article_partitions=2, story_partitions=4)
    ids, watcher = start_run(settings, headlines)
    a = WorkerProcess(settings, tmp_path / "a.log").start()
    b = WorkerProcess(settings, tmp_path / "b.log")
    try:
        wait_reflected(watcher, [a], ids, 100, 180)
        b.start()
        wait_reflected(watcher, [a, b], ids, 300, 240)
        assert a.stop() is not None  # stopped halfway: its partitions move to b
        wait_reflected(watcher, [b], ids, N_ARTICLES, 300)
        watcher.wait_quiet(3.0)
    finally:
        a.stop()
        b.stop()
        watcher.close()

    # One worker given the order the clusterer saw gives exactly these stories and versions.
    order = recorded_extraction_order(settings)
    assert sorted(e.article.id for e in order) == sorted(ids)
    reference = Pipeline(extractor=None)  # type: ignore[arg-type]  # extraction is given: no spaCy needed
    for ex in order:
        reference.add_extraction(ex)
    report = compare_streams(read_update_stream(settings), in_process_stream(reference.updates))
    assert report.equal, "\n".join(report.differences[:20])
    assert audit_topics(settings).complete


def test_replay_from_offset_zero_reproduces_the_stream(make_settings, examples_dir: Path, tmp_path: Path) -> None:
    from streams.ingest.readers import read_records

    settings = make_settings(article_partitions=1, story_partitions=2)
    raws = [r.raw for r in read_records([examples_dir])]
    ids, watcher = start_run(settings, raws)
    worker = WorkerProcess(settings, tmp_path / "w.log").start()
    try:
        wait_reflected(watcher, [worker], ids, len(raws), 180)
    finally:
        worker.stop()
        watcher.close()
    report = run_replay(settings, run="t", timeout=240, log_dir=tmp_path)
    assert report.equal, "\n".join(report.differences)
    assert report.original_stories == report.replayed_stories >= 5
