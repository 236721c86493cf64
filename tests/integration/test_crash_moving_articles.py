"""A kill -9 while a story splits in two, or while two stories merge: after the restart, the stories and their
versions are those of the uninterrupted in-process run (the messages that move articles between stories are
at-least-once and idempotent, docs/operations.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.inprocess import Pipeline
from schemas import StoryUpdate
from streams.kafka.audit import audit_topics
from streams.kafka.processes import WorkerProcess
from streams.kafka.replay import compare_streams, read_update_stream
from tests.conftest import shared_path
from tests.integration.test_reliability import in_process_stream, kill_then_restart, start_run

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def split_shown(u: StoryUpdate) -> bool:
    return bool(u.changes.split_stories)


def merge_shown(u: StoryUpdate) -> bool:
    return u.merged_into is not None or bool(u.changes.merged_stories)


# ECB+ topics, and when the worker is killed. Topics 7 and 28 (46 articles): each topic's two events are glued at
# first and split at articles 16 and 19. Topics 4 and 7 (45 articles): a split at article 14, and two stories of
# topic 4 merge at article 25.
CASES = {"split": ({"7", "28"}, split_shown), "merge": ({"4", "7"}, merge_shown)}


def topic_articles(topics: set[str]) -> list[bytes]:
    """The ECB+ dev articles of ``topics``, in file order, as raw article messages (labels removed)."""
    out = []
    for line in shared_path("eval", "ecbplus-dev.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        if record.pop("story").split("-")[0] in topics:
            out.append(json.dumps(record).encode())
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_kill_9_while_stories_split_or_merge_then_restart_gives_the_uninterrupted_stories(
    case: str, make_settings, extractor, tmp_path: Path
) -> None:
    topics, kill_when = CASES[case]
    raws = topic_articles(topics)
    reference = Pipeline(extractor)
    list(reference.add_raw(raws))
    assert any(kill_when(u) for u in reference.updates), f"the sample no longer shows a {case}"

    settings = make_settings(article_partitions=1, story_partitions=2)
    ids, watcher = start_run(settings, raws)

    # Killed as soon as the first split (merge) shows on story-updates: its other half may be on its way.
    def until_shown(first: WorkerProcess) -> None:
        ok = watcher.wait_until(lambda w: any(kill_when(u) for u in w.updates) or not first.running, 240)
        assert ok and first.running, first.log_tail(30)

    kill_then_restart(settings, ids, watcher, tmp_path, until_shown)

    report = compare_streams(read_update_stream(settings), in_process_stream(reference.updates))
    assert report.equal, "\n".join(report.differences[:20])
    assert audit_topics(settings).complete
