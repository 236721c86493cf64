"""The Faust pipeline and `storywire cluster` (in process) assign a sample of each dev file identically (ECB+'s
sample is long enough for the clusterer to split a story: the articles move on the broker path too)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams.eval.clustering import cluster_file
from streams.kafka.clients import ensure_topics
from streams.kafka.processes import WorkerProcess
from streams.kafka.watch import OutputWatcher
from tests.conftest import shared_path
from tests.integration.test_reliability import produce

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SAMPLE = {"ecbplus-dev": 220, "gvc-dev": 50, "uci-headlines-dev": 150}  # ECB+: its first split is at 214


@pytest.mark.parametrize("name", sorted(SAMPLE))
def test_broker_and_in_process_assignments_are_identical(name: str, make_settings, tmp_path: Path) -> None:
    lines = shared_path("eval", f"{name}.jsonl").read_text("utf-8").splitlines()[: SAMPLE[name]]
    sample = tmp_path / f"{name}-sample.jsonl"
    sample.write_text("\n".join(lines) + "\n", "utf-8")
    expected = dict(cluster_file(sample, progress=False))

    settings = make_settings(article_partitions=1, story_partitions=2)
    ensure_topics(settings)
    raws = [json.dumps({k: v for k, v in json.loads(line).items() if k != "story"}).encode() for line in lines]
    produce(settings, raws)
    watcher = OutputWatcher(settings)
    worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    try:
        ok = watcher.wait_until(lambda w: set(expected) <= w.handled_article_ids() or not worker.running, 300)
        assert ok and worker.running, worker.log_tail(30)
        watcher.wait_quiet(2.0)
    finally:
        worker.stop()
        watcher.close()
    on_broker = {s.article_id: u.story_id for u in watcher.board.latest.values() for s in u.sources}
    dead = set(expected) - set(on_broker)
    assert len(dead) <= len(expected) // 10, f"{len(dead)} articles were dead-lettered on the broker path"
    assert {a: expected[a] for a in on_broker} == on_broker
    if name == "ecbplus-dev":
        split = [u for u in watcher.updates if u.changes.split_stories]
        assert len(split) >= 2, "a story split in two: the part that stays and the new one say so"
