"""``storywire board`` as a process on a real broker: it reads story-updates from the beginning, orders stories by
when they changed (even when it reads the partitions one after another), serves the JSON API and stops on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime

import pytest

from schemas import StoryUpdate
from streams.kafka.clients import ensure_topics, make_producer
from streams.kafka.processes import settings_env
from streams.topics import STORY_UPDATES

pytestmark = [pytest.mark.integration]


def _get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.load(resp)


def test_board_command_serves_story_updates_in_change_order(make_settings) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings()
    ensure_topics(settings)
    now_ms = int(time.time() * 1000)
    # Partition 0 holds the newest change (s-new v2), partition 1 older ones; a duplicate of v1 too.
    messages = [
        (0, StoryUpdate(story_id="s-new", version=1, title="new story", updated_at=datetime(2026, 3, 1, tzinfo=UTC))),
        (0, StoryUpdate(story_id="s-new", version=2, title="new story, second source", article_count=2)),
        (1, StoryUpdate(story_id="s-old", version=1, title="<script>alert(1)</script>")),
        (1, StoryUpdate(story_id="s-old", version=1, title="<script>alert(1)</script>")),
    ]
    stamps = [now_ms - 50_000, now_ms - 10_000, now_ms - 40_000, now_ms - 30_000]
    producer = make_producer(settings)
    try:
        for (partition, update), ts in zip(messages, stamps, strict=True):
            producer.send(
                settings.topic(STORY_UPDATES),
                key=update.story_id.encode(),
                value=update.model_dump_json().encode(),
                partition=partition,
                timestamp_ms=ts,
            )
        producer.send(settings.topic(STORY_UPDATES), key=b"junk", value=b"not a story update", partition=1)
        producer.flush()
    finally:
        producer.close()

    env = {**os.environ, **settings_env(settings), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streams.cli", "board", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "story board on http://127.0.0.1:" in line, line
        url = line.split(" on ", 1)[1].split(" ", 1)[0]
        deadline = time.monotonic() + 30
        stories: list[dict[str, object]] = []
        while time.monotonic() < deadline:
            stories = _get_json(url + "api/stories")  # type: ignore[assignment]
            if len(stories) == 2 and stories[0]["version"] == 2:
                break
            time.sleep(0.3)
        assert [(s["story_id"], s["version"]) for s in stories] == [("s-new", 2), ("s-old", 1)]
        assert stories[0] == messages[1][1].model_dump(mode="json")
        versions = _get_json(url + "api/stories/s-new/versions")
        assert [v["version"] for v in versions] == [1, 2]  # type: ignore[union-attr, index]
        with urllib.request.urlopen(url + "stories/s-old", timeout=10) as resp:
            page = resp.read().decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
