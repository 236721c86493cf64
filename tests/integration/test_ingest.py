"""`storywire ingest` of feeds on a real broker: ingesting twice leaves each article once on the topic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.cli import cli
from streams.kafka.clients import consume_all, ensure_topics, make_consumer
from streams.settings import Settings
from streams.topics import ARTICLES
from tests.unit.streams.ingest.samples import BRIDGE_PAGE, news_site, rss_feed, serve

pytestmark = pytest.mark.integration


def _env(settings: Settings) -> dict[str, str]:
    return {
        "STORYWIRE_BROKER": settings.broker,
        "STORYWIRE_TOPIC_PREFIX": settings.topic_prefix,
        "STORYWIRE_DATA_DIR": str(settings.data_dir),
    }


def test_feed_ingested_twice_is_on_the_topic_once(make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings()
    ensure_topics(settings)
    state = tmp_path / "ingest-state.json"
    runner = CliRunner()
    with serve() as site:
        news_site(site)
        feeds = [f"{site.base}/rss.xml", f"{site.base}/atom.xml"]
        first = runner.invoke(cli, ["ingest", "--state", str(state), *feeds], env=_env(settings))
        assert first.exit_code == 0, first.output
        assert first.stderr.splitlines()[-1].startswith("sent 4, skipped as duplicate 1"), first.stderr

        # The RSS feed changes: its old items come again with one new item; only the new one is sent.
        site.add("/news/new-story", BRIDGE_PAGE.replace("Granite Ridge bridge", "Granite Ridge ferry pier"))
        new_item = f"<item><title>Pier plans unveiled</title><link>{site.base}/news/new-story</link></item>"
        site.add("/rss.xml", rss_feed(site.base).replace("<item>", new_item + "<item>", 1), "application/rss+xml")
        second = runner.invoke(cli, ["ingest", "--state", str(state), *feeds], env=_env(settings))
        assert second.exit_code == 0, second.output
        assert second.stderr.splitlines()[-1].startswith("sent 1, skipped as duplicate 3"), second.stderr

    consumer = make_consumer(settings, ARTICLES)
    try:
        messages = list(consume_all(consumer, idle_seconds=3.0))  # end offsets of the embedded broker lie
    finally:
        consumer.close()
    keys = [key.decode() for _, _, _, key, _ in messages if key is not None]
    assert len(messages) == 5 and len(set(keys)) == 5, keys
    for _, _, _, key, value in messages:
        article = json.loads(value)
        assert key is not None and article["id"] == key.decode()
    titles = sorted(json.loads(v)["title"] for *_, v in messages)
    assert titles.count("Lifeboat tows drifting fishing boat off Lantern Island") == 2  # two outlets
    assert "Pier plans unveiled" in titles
