"""Stories the clusterer's window drops leave the ``stories`` table too (a changelog tombstone), on a broker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kafka import KafkaConsumer

from agents.clustering import ClusterSettings
from agents.pipeline import Pipeline
from streams.kafka_io import consume_all
from streams.readers import read_records
from tests.integration.helpers import running_pipeline, send

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_evicted_stories_are_deleted_from_the_story_table(
    make_settings, examples_dir: Path, tmp_path: Path, extractor
) -> None:
    records = list(read_records([examples_dir]))
    small = {"max_stories": 2}
    reference = Pipeline(extractor, cluster_settings=ClusterSettings(**small))
    list(reference.add_raw(r.raw for r in records))
    evicted = set(reference.closed)
    assert evicted, "the examples hold six stories: a window of two must evict some"

    settings = make_settings(cluster=small, article_partitions=1)
    ids = [r.parse().id for r in records]
    with running_pipeline(settings, tmp_path) as (producer, watcher, worker):
        for rec, article_id in zip(records, ids, strict=True):
            send(producer, settings, rec.raw, key=article_id)
        ok = watcher.wait_until(lambda w: set(ids) <= w.handled_article_ids() or not worker.running, 240)
        assert ok and worker.running, worker.log_tail(40)
        watcher.wait_quiet(2.0)
        changelog = f"{settings.app_id}-{settings.topic_prefix}stories-changelog"
        consumer = KafkaConsumer(
            changelog, bootstrap_servers=settings.bootstrap_servers, auto_offset_reset="earliest", group_id=None
        )
        try:
            latest: dict[str, bytes | None] = {}
            for _, _, _, key, value in consume_all(consumer, idle_seconds=3.0):
                latest[json.loads(key) if key and key.startswith(b'"') else (key or b"").decode()] = value
        finally:
            consumer.close()
    assert latest, f"nothing read from {changelog}"
    gone = {k for k, v in latest.items() if v is None}
    kept = {k for k, v in latest.items() if v is not None}
    assert evicted <= gone, f"evicted in process but still in the table: {sorted(evicted - gone)}"
    assert not gone & {sid for sid, s in reference.states.items() if s.merged_into is None}
    assert kept, "the live stories stay in the table"
