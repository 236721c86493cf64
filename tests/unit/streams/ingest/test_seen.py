"""Dedup at the door: URL normalization, text keys, the state file, and the Ingestor's skip rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from schemas.article import article_id_for_url
from streams.ingest.producer import Ingestor
from streams.ingest.readers import InputRecord
from streams.ingest.seen import (
    DedupIndex,
    FeedValidators,
    IngestState,
    StateFileError,
    canonical_url,
    text_key,
    url_key,
)
from streams.settings import Settings
from tests.unit.streams.ingest.samples import FakeProducer


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.example.com/news/ferry-fire",
        "http://example.com/news/ferry-fire/",
        "HTTPS://Example.COM/news/ferry-fire?utm_source=rss&utm_medium=feed",
        "https://example.com:443/news/ferry-fire#comments",
        "https://example.com/news/ferry-fire?fbclid=abc123&gclid=x",
        "https://example.com//news//ferry-fire",
    ],
)
def test_url_variants_are_one_page(variant: str) -> None:
    assert url_key(variant) == url_key("https://example.com/news/ferry-fire")
    assert article_id_for_url(canonical_url(variant)) == article_id_for_url("https://example.com/news/ferry-fire")


def test_canonical_url_keeps_what_selects_the_content() -> None:
    assert canonical_url("HTTP://WWW.Example.com:8080/a/B/?utm_campaign=x&page=2&id=7#top") == (
        "http://www.example.com:8080/a/B?id=7&page=2"
    )
    assert url_key("https://example.com/story?id=1") != url_key("https://example.com/story?id=2")
    assert url_key("https://example.com/a/B") != url_key("https://example.com/a/b")  # paths are case-sensitive
    assert canonical_url("  not a url ") == "not a url"


def test_text_key_ignores_whitespace_and_case_but_not_the_outlet() -> None:
    a = text_key("Herald", "Fire at the port.\n\nTwo hurt.")
    assert a == text_key("herald", "  fire at the PORT. Two   hurt. ")
    assert a != text_key("Gazette", "Fire at the port. Two hurt.")  # a wire copy at another outlet is kept
    assert text_key("Herald", "  \n ") is None


def test_dedup_index_is_bounded_oldest_first() -> None:
    index = DedupIndex(limit=3)
    index.add(["a", "b", "c"])
    index.add(["d"])
    assert "a" not in index and index.keys() == ["b", "c", "d"]
    assert index.seen(["x", "c"]) == "c" and index.seen(["x"]) is None
    index.discard(["c"])
    assert "c" not in index


def test_state_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "state.json"
    state = IngestState.load(path)
    assert len(state.sent) == 0 and not state.feeds
    state.sent.add(["id:a", "url:example.com/a"])
    state.feeds["http://x/rss"] = FeedValidators('"abc"', "Tue, 10 Mar 2026 10:00:00 GMT")
    state.save()
    again = IngestState.load(path)
    assert again.sent.keys() == ["id:a", "url:example.com/a"]
    assert again.feeds["http://x/rss"].etag == '"abc"'
    assert not list(path.parent.glob(".ingest-state-*"))  # no temporary file left behind


def test_unreadable_state_file_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json")
    with pytest.raises(StateFileError, match="delete it to start afresh"):
        IngestState.load(path)


def _rec(origin: str, **article: Any) -> InputRecord:
    return InputRecord(origin, json.dumps(article).encode())


def test_ingestor_skips_same_url_same_text_and_same_id() -> None:
    producer = FakeProducer()
    ingestor = Ingestor(Settings(topic_prefix="t-"), producer)  # type: ignore[arg-type]
    records = [
        _rec("a", url="https://example.com/news/fire?utm_source=x", source="Herald", text="Fire at the port."),
        _rec("b", url="http://www.example.com/news/fire/", source="Herald", text="A different text."),  # same URL
        _rec("c", id="c1", source="Herald", text="fire at the  port."),  # same text, same outlet
        _rec("d", id="d1", source="Gazette", text="Fire at the port."),  # a wire copy elsewhere: kept
        _rec("e", id="d1", source="Gazette", text="Other text"),  # same id
        _rec("f", id="f1", text=""),  # rejected: no title, no text
    ]
    for rec in records:
        ingestor.add_record(rec)
    ingestor.flush()
    s = ingestor.summary
    assert (s.sent, s.duplicates, [r.code for r in s.rejected]) == (2, 3, ["empty_text"])
    keys = [k.decode() for _, k, _ in producer.sent]
    assert keys == [article_id_for_url("https://example.com/news/fire"), "d1"]
    assert {t for t, _, _ in producer.sent} == {"t-articles"}
    assert "rejected 1 (empty_text 1)" in s.line()


def test_failed_send_is_reported_and_not_remembered(tmp_path: Path) -> None:
    state = IngestState.load(tmp_path / "state.json")
    producer = FakeProducer(failing={"bad"})
    ingestor = Ingestor(Settings(), producer, state=state)  # type: ignore[arg-type]
    ingestor.add_record(_rec("ok.json", id="ok", text="fine"))
    ingestor.add_record(_rec("bad.json", id="bad", text="never arrives"))
    ingestor.flush()
    assert ingestor.summary.sent == 1
    assert [(r.origin, r.code) for r in ingestor.summary.rejected] == [("bad.json", "send_failed")]
    saved = IngestState.load(tmp_path / "state.json")
    assert "id:ok" in saved.sent and "id:bad" not in saved.sent


def test_dry_run_saves_no_state(tmp_path: Path) -> None:
    state = IngestState.load(tmp_path / "state.json")
    ingestor = Ingestor(Settings(), None, state=state)
    ingestor.add_record(_rec("x", id="x", text="t"))
    ingestor.flush()
    assert ingestor.summary.sent == 1 and not (tmp_path / "state.json").exists()
