"""Stories the clusterer's window drops leave the ``stories`` and ``fired-alerts`` tables too (changelog tombstones),
on a broker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kafka import KafkaConsumer

from agents.alerts.rules import alert_step, load_rules
from agents.cluster.index import ClusterSettings
from agents.inprocess import Pipeline
from streams.ingest.readers import read_records
from streams.kafka.clients import consume_all
from streams.topics import ALERTS
from tests.integration.helpers import running_pipeline, send

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_evicted_stories_are_deleted_from_the_story_and_alert_tables(
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
        latest = _latest(settings, "stories")
        alerted = _latest(settings, "fired-alerts")
        sent = _latest(settings, ALERTS, changelog=False)
    assert latest, "nothing read from the stories changelog"
    gone = {k for k, v in latest.items() if v is None}
    kept = {k for k, v in latest.items() if v is not None}
    assert evicted <= gone, f"evicted in process but still in the table: {sorted(evicted - gone)}"
    assert not gone & {sid for sid, s in reference.states.items() if s.merged_into is None}
    assert kept, "the live stories stay in the table"

    # The alerts agent keeps the keys each story fired; an evicted story's entry goes with it.
    rules, fired, expected = load_rules(None), {}, set()
    for u in reference.updates:
        state, found = alert_step(rules, u, fired.get(u.story_id))
        fired[u.story_id] = state
        expected |= {key for key, _ in found}
    assert set(sent) == expected, "every alert is sent, those of evicted stories too"
    evicted_alerted = {sid for sid in evicted if fired.get(sid)}
    live_alerted = {sid for sid, keys in fired.items() if keys and sid not in evicted}
    assert evicted_alerted and live_alerted, "the examples fire alerts on evicted and on live stories"
    kept_alerts = {k for k, v in alerted.items() if v is not None}
    assert not kept_alerts & evicted, f"evicted stories still in fired-alerts: {sorted(kept_alerts & evicted)}"
    assert live_alerted <= kept_alerts, f"live stories lost their fired alerts: {sorted(live_alerted - kept_alerts)}"


def _latest(settings, table: str, changelog: bool = True) -> dict[str, bytes | None]:  # type: ignore[no-untyped-def]
    """The last value of every key of a table's changelog, or of a topic (None: deleted)."""
    name = f"{settings.app_id}-{settings.topic_prefix}{table}-changelog" if changelog else settings.topic(table)
    consumer = KafkaConsumer(
        name, bootstrap_servers=settings.bootstrap_servers, auto_offset_reset="earliest", group_id=None
    )
    latest: dict[str, bytes | None] = {}
    try:
        for _, _, _, key, value in consume_all(consumer, idle_seconds=3.0):
            latest[json.loads(key) if key and key.startswith(b'"') else (key or b"").decode()] = value
    finally:
        consumer.close()
    return latest
