"""``storywire ingest`` against feeds and pages served on 127.0.0.1, with --dry-run (no broker), and the
poller behind --follow (conditional GET, state file) with a fake producer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from schemas.article import article_id_for_url
from streams.cli import cli
from streams.ingest.producer import Ingestor
from streams.ingest.seen import IngestState
from streams.settings import Settings
from tests.unit.streams.ingest.samples import FERRY_PAGE, FakeProducer, LocalSite, news_site, rss_feed, serve


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with serve() as s:
        yield news_site(s)


def _ingest(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["ingest", *args], env=env)


def _lines(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_dry_run_feeds_pages_and_files_with_errors_that_do_not_stop_the_rest(site: LocalSite, tmp_path: Path) -> None:
    (tmp_path / "local.txt").write_text("Harbour reopens\n\nThe harbour reopened on Thursday after the fire.\n")
    result = _ingest(
        "--dry-run",
        f"{site.base}/rss.xml",
        f"{site.base}/broken.xml",  # malformed feed
        f"{site.base}/news/index",  # a page with no article text
        f"{site.base}/atom.xml",
        f"{site.base}/news/bridge-vote?utm_source=newsletter",  # already read from the Atom feed
        str(tmp_path / "missing.jsonl"),
        str(tmp_path / "local.txt"),
        f"{site.base}/nothing-here",  # 404
    )
    assert result.exit_code == 0, result.output
    articles = _lines(result)
    by_title = {a["title"]: a for a in articles}
    assert len(articles) == 5, [a["title"] for a in articles]
    ferry = by_title["Ferry fire forces evacuation at Port Halloway"]
    assert ferry["id"] == article_id_for_url(f"{site.base}/news/ferry-fire") and ferry["source"] == "Coastal Herald"
    assert ferry["url"] == f"{site.base}/news/ferry-fire" and ferry["published"] == "2026-03-10T08:15:00Z"
    assert ferry["metadata"]["author"] == "Maria Okafor" and ferry["metadata"]["text_from"] == "page"  # type: ignore[index]
    assert "cookies" not in str(ferry["text"]) and str(ferry["text"]).startswith("A fire broke out")
    bridge = by_title["Council votes to rebuild the Granite Ridge bridge"]
    assert bridge["source"] == "Granite Ridge Gazette" and bridge["metadata"]["author"] == "Sam Patel"  # type: ignore[index]
    lanterns = [a for a in articles if str(a["title"]).startswith("Lifeboat")]
    assert {a["source"] for a in lanterns} == {"Coastal Herald", "Granite Ridge Gazette"}  # wire copies are kept
    assert by_title["Harbour reopens"]["id"] == "local"

    errors = [line for line in result.stderr.splitlines() if line.startswith("error ")]
    assert len(errors) == 5, result.stderr
    assert any(f"{site.base}/broken.xml: malformed feed" in e for e in errors)
    assert any(f"{site.base}/news/index: no article text found" in e for e in errors)
    assert any(f"{site.base}/news/gallery: no article text found" in e for e in errors)  # an entry's empty page
    assert any(f"{tmp_path / 'missing.jsonl'}: no such file" in e for e in errors)
    assert any(f"{site.base}/nothing-here: cannot fetch it: HTTP 404" in e for e in errors)
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[-1] == (
        "would send 5, skipped as duplicate 2, rejected 5 (fetch_failed 1, malformed_feed 1, missing_input 1, "
        "no_article_text 2)"
    )
    # the duplicate entry and the page read from the feed before were never fetched again
    assert site.hits("/news/ferry-fire") == 1 and site.hits("/news/bridge-vote") == 1
    assert all(h.get("User-Agent", "").startswith("storywire/") for _, h in site.requests)


def test_nothing_ingested_is_a_failure(site: LocalSite, tmp_path: Path) -> None:
    result = _ingest("--dry-run", f"{site.base}/broken.xml", f"{site.base}/news/index", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "nothing could be ingested" in result.stderr and "Traceback" not in result.output


def test_unreachable_host_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"id": "a", "text": "Fire at the port."}))
    result = _ingest("--dry-run", "--timeout", "2", "http://127.0.0.1:9/feed.xml", str(tmp_path / "a.json"))
    assert result.exit_code == 0
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert error.startswith("error http://127.0.0.1:9/feed.xml: cannot fetch it: cannot connect")


def test_follow_dry_run_polls_with_conditional_get(site: LocalSite) -> None:
    result = _ingest("--dry-run", "--follow", "--interval", "0.1", "--polls", "2", f"{site.base}/atom.xml")
    assert result.exit_code == 0, result.output
    assert len(_lines(result)) == 2 and "following 1 feed(s)" in result.stderr
    feed_requests = [h for p, h in site.requests if p == "/atom.xml"]
    assert len(feed_requests) == 3 and "If-None-Match" not in feed_requests[0]
    assert all(h["If-None-Match"] == site.routes["/atom.xml"].etag for h in feed_requests[1:])
    assert all(h["If-Modified-Since"] == site.routes["/atom.xml"].last_modified for h in feed_requests[1:])


def test_follow_needs_a_url(tmp_path: Path) -> None:
    result = _ingest("--follow", str(tmp_path))
    assert result.exit_code == 2 and "--follow polls feed URLs" in result.stderr
    assert _ingest("--polls", "2", str(tmp_path)).exit_code == 2


def test_progress_bar_on_request(site: LocalSite) -> None:
    result = _ingest("--dry-run", "--progress", f"{site.base}/atom.xml")
    assert result.exit_code == 0 and len(_lines(result)) == 2
    assert "1/1" in result.stderr


def test_poller_remembers_what_it_sent_across_restarts(site: LocalSite, tmp_path: Path) -> None:
    state_path = tmp_path / "state.json"
    feed_url = f"{site.base}/rss.xml"

    producer = FakeProducer()
    first = Ingestor(Settings(), producer, state=IngestState.load(state_path))  # type: ignore[arg-type]
    first.ingest_inputs([feed_url])
    assert first.summary.sent == 2 and first.feed_urls == [feed_url]
    assert first.poll_feeds() == 0  # 304: nothing new
    assert site.requests[-1][1].get("If-None-Match") == site.routes["/rss.xml"].etag

    # a restarted poller: the feed changed (one new item), only the new item is sent; known pages not refetched
    site.add("/news/new-story", site.routes["/news/bridge-vote"].body)
    changed = rss_feed(site.base).replace(
        "<item>",
        f"<item><title>Bridge plans unveiled</title><link>{site.base}/news/new-story</link></item><item>",
        1,
    )
    site.add("/rss.xml", changed, "application/rss+xml")
    ferry_hits = site.hits("/news/ferry-fire")
    producer2 = FakeProducer()
    second = Ingestor(Settings(), producer2, state=IngestState.load(state_path))  # type: ignore[arg-type]
    assert second.poll_feeds([feed_url]) == 1
    assert [k.decode() for _, k, _ in producer2.sent] == [article_id_for_url(f"{site.base}/news/new-story")]
    assert site.hits("/news/ferry-fire") == ferry_hits

    third = Ingestor(Settings(), FakeProducer(), state=IngestState.load(state_path))  # type: ignore[arg-type]
    assert third.poll_feeds([feed_url]) == 0 and third.summary.duplicates == 0  # 304 again


def test_an_entry_page_that_fails_falls_back_to_the_feed_summary(site: LocalSite, tmp_path: Path) -> None:
    """Issue 28, item 4: trafilatura's feed2.rss links to a page that cannot be fetched; the entry is not lost."""
    del site.routes["/news/ferry-fire"]
    producer = FakeProducer()
    ingestor = Ingestor(Settings(), producer, state=IngestState.load(tmp_path / "s.json"))  # type: ignore[arg-type]
    ingestor.ingest_inputs([f"{site.base}/rss.xml"])
    assert ingestor.summary.sent == 2 and sorted(ingestor.summary.reasons) == ["no_article_text"]
    ferry = next(json.loads(v) for _, _, v in producer.sent if json.loads(v)["title"].startswith("Ferry fire"))
    assert ferry["text"] == "A fire broke out on the ferry Northern Light."
    assert ferry["metadata"]["text_from"] == "feed-summary" and "HTTP 404" in ferry["metadata"]["page_error"]


def test_an_entry_without_a_summary_whose_page_fails_is_retried_next_poll(site: LocalSite, tmp_path: Path) -> None:
    del site.routes["/news/gallery"]  # the gallery entry has a title only
    ingestor = Ingestor(Settings(), FakeProducer(), state=IngestState.load(tmp_path / "s.json"))  # type: ignore[arg-type]
    ingestor.ingest_inputs([f"{site.base}/rss.xml"])
    assert ingestor.summary.sent == 2 and sorted(ingestor.summary.reasons) == ["fetch_failed"]
    assert "no summary to use instead" in ingestor.summary.rejected[0].reason
    site.add("/news/gallery", FERRY_PAGE.replace("Ferry fire", "Gallery fire"))
    assert ingestor.poll_feeds() == 1  # no validators were kept, so the feed was read again
