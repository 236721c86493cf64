"""Articles in, story updates out, on a real broker (the walking skeleton of the pipeline)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from agents.inprocess import Pipeline
from streams.ingest.readers import read_records
from tests.integration.helpers import running_pipeline, send, wait_for_article

pytestmark = [pytest.mark.integration, pytest.mark.slow]

UNRELATED = {
    "id": "test-unrelated-bakery",
    "source": "Riverside Post",
    "title": "Bakery wins national bread award",
    "published": "2026-02-01T09:00:00Z",
    "text": (
        "A family bakery in Millbrook, Vermont, won the national sourdough award on Saturday. "
        "Owner Grace Whitfield said the recipe came from her grandmother. "
        "The judges praised the crust and the open crumb of the winning loaf. "
        "The bakery plans to double its production next spring and hire four new bakers."
    ),
}


def test_seeds_form_one_story_and_duplicates_change_nothing(
    make_settings, seeds_dir: Path, tmp_path: Path, extractor
) -> None:
    settings = make_settings()
    seeds = list(read_records([seeds_dir]))
    assert len(seeds) == 2
    with running_pipeline(settings, tmp_path) as (producer, watcher, worker):
        for rec in seeds:
            article_id = rec.parse().id
            send(producer, settings, rec.raw, key=article_id)
            wait_for_article(watcher, worker, article_id)
        assert len(watcher.board.latest) == 1, [u.title for u in watcher.board.latest.values()]
        story = next(iter(watcher.board.latest.values()))
        assert story.version == 2
        assert story.article_count == 2 and len(story.outlets) == 2
        assert [u.version for u in watcher.updates] == [1, 2]
        # The broker path gives the very story `storywire stories` prints in process.
        in_process = Pipeline(extractor)
        list(in_process.add_raw(rec.raw for rec in seeds))
        [expected] = in_process.final_stories()
        assert story == expected

        send(producer, settings, UNRELATED, key=UNRELATED["id"])
        wait_for_article(watcher, worker, str(UNRELATED["id"]))
        assert len(watcher.board.latest) == 2
        other = next(u for u in watcher.board.latest.values() if u.story_id != story.story_id)
        assert other.version == 1 and other.article_count == 1

        # The first seed again: no new version of anything.
        first = seeds[0]
        send(producer, settings, first.raw, key=first.parse().id)
        send(
            producer,
            settings,
            UNRELATED | {"id": "test-after-duplicate", "title": "Bakery award, second report"},
            key="test-after-duplicate",
        )
        wait_for_article(watcher, worker, "test-after-duplicate")
        watcher.wait_quiet(1.0)
        versions = sorted((u.story_id, u.version) for u in watcher.updates)
        assert max(v for sid, v in versions if sid == story.story_id) == 2
        assert len(versions) == len(set(versions)), "a version was emitted twice"


def test_bad_messages_are_dead_lettered_and_the_stream_goes_on(make_settings, tmp_path: Path) -> None:
    settings = make_settings()
    not_json = b"this is not json {"
    not_article = json.dumps({"headline": "no text and no id"}).encode()
    with running_pipeline(settings, tmp_path) as (producer, watcher, worker):
        send(producer, settings, not_json, key="bad-1")
        send(producer, settings, not_article, key="bad-2")
        send(producer, settings, UNRELATED, key=str(UNRELATED["id"]))
        wait_for_article(watcher, worker, str(UNRELATED["id"]))
        assert watcher.wait_until(lambda w: len(w.dead_letters) >= 2, 30)
        by_key = {base64.b64decode(d.key or "").decode(): d for d in watcher.dead_letters}
        assert base64.b64decode(by_key["bad-1"].value) == not_json
        assert by_key["bad-1"].error_code == "not_json"
        assert base64.b64decode(by_key["bad-2"].value) == not_article
        assert by_key["bad-2"].error_code == "invalid_article"
        for dl in by_key.values():
            assert dl.topic == settings.topic("articles") and dl.offset >= 0 and dl.reason
