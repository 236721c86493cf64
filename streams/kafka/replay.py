"""Replay: re-run the pipeline from offset 0 of ``articles`` into fresh output topics and compare the streams."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from schemas import StoryUpdate
from streams.kafka.clients import consume_all, ensure_topics, make_consumer
from streams.kafka.processes import WorkerProcess
from streams.settings import Settings
from streams.topics import ARTICLES, STORY_UPDATES

__all__ = ["ReplayReport", "compare_streams", "read_update_stream", "replay_settings", "run_replay"]


def read_update_stream(settings: Settings, idle_seconds: float = 3.0) -> dict[str, dict[int, list[str]]]:
    """story id → version → every distinct JSON body seen for it (more than one = a version with two contents)."""
    consumer = make_consumer(settings, STORY_UPDATES, timeout_ms=500)
    stream: dict[str, dict[int, list[str]]] = defaultdict(dict)
    try:
        for _t, _p, _o, _k, value in consume_all(consumer, idle_seconds):
            try:
                u = StoryUpdate.model_validate_json(value)
            except ValidationError:
                continue
            bodies = stream[u.story_id].setdefault(u.version, [])
            body = u.model_dump_json()
            if body not in bodies:
                bodies.append(body)
    finally:
        consumer.close()
    return dict(stream)


@dataclass
class ReplayReport:
    original_stories: int
    replayed_stories: int
    differences: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.differences


def compare_streams(
    original: dict[str, dict[int, list[str]]], replayed: dict[str, dict[int, list[str]]]
) -> ReplayReport:
    """Same story ids, same versions 1..n with no gap, the same single content for every version."""
    report = ReplayReport(len(original), len(replayed))
    diff = report.differences
    for sid in sorted(set(original) - set(replayed)):
        diff.append(f"story {sid} is missing from the replay")
    for sid in sorted(set(replayed) - set(original)):
        diff.append(f"story {sid} appears only in the replay")
    for sid in sorted(set(original) & set(replayed)):
        a, b = original[sid], replayed[sid]
        for name, stream in (("original", a), ("replay", b)):
            if sorted(stream) != list(range(1, len(stream) + 1)):
                diff.append(f"story {sid}: {name} versions are not 1..{len(stream)}: {sorted(stream)}")
            diff.extend(
                f"story {sid} v{v}: {name} has {len(bodies)} different contents"
                for v, bodies in sorted(stream.items())
                if len(bodies) > 1
            )
        if sorted(a) != sorted(b):
            diff.append(f"story {sid}: versions {sorted(a)} vs {sorted(b)} in the replay")
        for v in sorted(set(a) & set(b)):
            if a[v][0] != b[v][0]:
                diff.append(f"story {sid} v{v}: content differs")
    return report


def replay_settings(settings: Settings, run: str) -> Settings:
    """A fresh app id and fresh output topics that read the original ``articles`` topic from offset 0."""
    return settings.model_copy(
        update={
            "app_id": f"{settings.app_id}-replay-{run}",
            "topic_prefix": f"{settings.topic_prefix}replay-{run}-",
            "input_topic_prefix": settings.input_topic_prefix
            if settings.input_topic_prefix is not None
            else settings.topic_prefix,
            "data_dir": settings.data_dir / f"replay-{run}",
        }
    )


def _count_articles(settings: Settings) -> int:
    consumer = make_consumer(settings, ARTICLES, timeout_ms=500)
    try:
        return sum(1 for _ in consume_all(consumer, 2.0))
    finally:
        consumer.close()


def run_replay(
    settings: Settings,
    *,
    run: str | None = None,
    timeout: float = 600.0,
    log_dir: Path | None = None,
) -> ReplayReport:
    """Run a second pipeline from offset 0 of ``articles`` into fresh topics; compare its story-updates stream."""
    from streams.kafka.audit import audit_topics

    run = run or time.strftime("%Y%m%d%H%M%S")
    fresh = replay_settings(settings, run)
    ensure_topics(fresh)
    total = _count_articles(settings)
    worker = WorkerProcess(fresh, (log_dir or fresh.data_dir) / "replay-worker.log").start()
    try:
        deadline = time.monotonic() + timeout
        while True:
            report = audit_topics(fresh, idle_seconds=2.0)
            handled = sum(p.assigned + p.dead_lettered for p in report.partitions)
            if handled >= total and not any(p.missing for p in report.partitions):
                break
            if not worker.running:
                raise RuntimeError(f"the replay worker exited; see {worker.log_path}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the replay handled {handled} of {total} articles in {timeout:.0f} s")
            time.sleep(1.0)
        time.sleep(1.0)
        replayed = read_update_stream(fresh)
    finally:
        worker.stop()
    return compare_streams(read_update_stream(settings), replayed)
