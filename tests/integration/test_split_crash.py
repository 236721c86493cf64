"""A kill -9 while a story splits in two: after the restart, the stories and their versions are those of the
uninterrupted in-process run (the split's messages are at-least-once and idempotent, docs/operations.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.inprocess import Pipeline
from streams.kafka.audit import audit_topics
from streams.kafka.processes import WorkerProcess
from streams.kafka.replay import compare_streams, read_update_stream
from tests.conftest import shared_path
from tests.integration.test_reliability import in_process_stream, start_run, wait_reflected

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOPICS = {"7", "28"}  # ECB+ topics whose two events are glued at first and split at articles 16 and 19 of 46


@pytest.fixture(scope="module")
def two_topics() -> list[bytes]:
    """The ECB+ dev articles of two topics, in file order, as raw article messages (labels removed)."""
    out = []
    for line in shared_path("eval", "ecbplus-dev.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        if record.pop("story").split("-")[0] in TOPICS:
            out.append(json.dumps(record).encode())
    return out


def test_kill_9_while_a_story_splits_then_restart_gives_the_uninterrupted_stories(
    make_settings, two_topics: list[bytes], extractor, tmp_path: Path
) -> None:
    reference = Pipeline(extractor)
    list(reference.add_raw(two_topics))
    assert sum(1 for u in reference.updates if u.changes.split_stories) >= 4, "the sample no longer splits"

    settings = make_settings(article_partitions=1, story_partitions=2)
    ids, watcher = start_run(settings, two_topics)
    first = WorkerProcess(settings, tmp_path / "first.log").start()
    try:
        # Killed as soon as the first split shows on story-updates: its other half may be on its way.
        ok = watcher.wait_until(lambda w: any(u.changes.split_stories for u in w.updates) or not first.running, 240)
        assert ok and first.running, first.log_tail(30)
        first.kill()  # SIGKILL: no commit, no flush
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

    report = compare_streams(read_update_stream(settings), in_process_stream(reference.updates))
    assert report.equal, "\n".join(report.differences[:20])
    assert audit_topics(settings).complete
