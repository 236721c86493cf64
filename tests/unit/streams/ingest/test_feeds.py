"""RSS/Atom parsing, feed items → articles, and HTML pages → article text (trafilatura)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from schemas.article import Article
from streams.ingest.feeds import MalformedFeed, item_article, looks_like_html, parse_feed
from streams.ingest.html import NoArticleText, extract_page, html_to_text
from streams.ingest.readers import InputError, read_records
from tests.unit.streams.ingest.samples import (
    BRIDGE_TITLE,
    EMPTY_PAGE,
    FERRY_PAGE,
    FERRY_TITLE,
    MALFORMED_FEED,
    article_page,
    atom_feed,
    rss_feed,
)

BASE = "https://coastal.example"


def test_rss_items_carry_title_link_author_date_and_content() -> None:
    feed = parse_feed(rss_feed(BASE).encode())
    assert feed.title == "Coastal Herald" and feed.outlet == "Coastal Herald" and feed.language == "en"
    assert feed.warning is None
    ferry, lantern, ferry_again, gallery = feed.items
    assert ferry.title == FERRY_TITLE
    assert ferry.link == f"{BASE}/news/ferry-fire"  # tracking parameters gone
    assert ferry.author == "Maria Okafor"
    assert ferry.published == datetime(2026, 3, 10, 8, 15, tzinfo=UTC)
    assert not ferry.has_full_content and ferry.summary.startswith("A fire broke out")
    assert lantern.has_full_content and lantern.content.count("\n\n") == 2  # three paragraphs
    assert "<p>" not in lantern.content
    assert ferry_again.link == "https://www.coastal.example/news/ferry-fire"
    assert gallery.summary == "" and gallery.author is None


def test_atom_entries() -> None:
    feed = parse_feed(atom_feed(BASE).encode())
    assert feed.outlet == "Granite Ridge Gazette"
    bridge, lantern = feed.items
    assert bridge.title == BRIDGE_TITLE and bridge.author == "Sam Patel"
    assert bridge.published == datetime(2026, 3, 9, 19, 0, tzinfo=UTC)
    assert bridge.link == f"{BASE}/news/bridge-vote" and not bridge.has_full_content
    assert lantern.has_full_content and lantern.author == "Lee Chang"


def test_item_article_from_full_content_is_a_valid_article() -> None:
    feed = parse_feed(rss_feed(BASE).encode())
    data = item_article(feed.items[1], feed, f"{BASE}/rss.xml")
    article = Article.model_validate(data)
    assert article.source == "Coastal Herald" and article.url == f"{BASE}/news/lantern-rescue"
    assert article.metadata == {
        "feed": f"{BASE}/rss.xml",
        "text_from": "feed-content",
        "author": "Joe Brandt",
        "guid": "lantern-rescue-1",
    }
    assert article.published == datetime(2026, 3, 11, 7, 30, tzinfo=UTC) and article.language == "en"


def test_item_article_with_its_page_keeps_feed_metadata() -> None:
    feed = parse_feed(rss_feed(BASE).encode())
    page = extract_page(FERRY_PAGE)
    article = Article.model_validate(item_article(feed.items[0], feed, "rss", page))
    assert article.title == FERRY_TITLE and article.text.startswith("A fire broke out in the engine room")
    assert article.metadata["text_from"] == "page" and article.metadata["author"] == "Maria Okafor"
    assert article.source == "Coastal Herald"


def test_item_without_link_gets_a_stable_id_from_its_guid() -> None:
    body = b"""<rss version="2.0"><channel><title>Wire</title>
    <item><title>Flash</title><guid isPermaLink="false">w-1</guid><description>Quake hits coast.</description></item>
    </channel></rss>"""
    feed = parse_feed(body)
    a = item_article(feed.items[0], feed, "wire.rss")
    assert a["id"] == item_article(feed.items[0], feed, "wire.rss")["id"] and a["id"].startswith("feed-")
    assert a["text"] == "Quake hits coast." and a["metadata"]["text_from"] == "feed-summary"


def test_malformed_feed_names_line_and_column() -> None:
    with pytest.raises(MalformedFeed, match=r"malformed feed: not well-formed .* at line 3, column \d+"):
        parse_feed(MALFORMED_FEED.encode())


@pytest.mark.parametrize("body", [b"", b"just some text", b'{"items": []}', EMPTY_PAGE.encode()])
def test_not_a_feed(body: bytes) -> None:
    with pytest.raises(MalformedFeed, match="not an RSS or Atom feed"):
        parse_feed(body)


def test_truncated_feed_is_malformed_but_an_undefined_entity_is_read_past() -> None:
    with pytest.raises(MalformedFeed, match="malformed feed"):
        parse_feed(rss_feed(BASE).encode()[:-200])
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>News&nbsp;Now</title>
    <item><title>One</title><link>https://n.example/1</link></item></channel></rss>"""
    feed = parse_feed(body)
    assert len(feed.items) == 1 and feed.warning and "undefined entity" in feed.warning


def test_looks_like_html() -> None:
    assert looks_like_html(b"<!DOCTYPE html><html>", "")
    assert looks_like_html(b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', "")
    assert looks_like_html(b"<p>hello</p>", "text/html; charset=utf-8")
    assert not looks_like_html(b'<?xml version="1.0"?><rss version="2.0">', "text/html")  # a feed served as HTML
    assert not looks_like_html(b'<feed xmlns="http://www.w3.org/2005/Atom">', "")
    assert not looks_like_html(b"anything", "application/rss+xml")


def test_article_page_text_without_boilerplate() -> None:
    page = extract_page(FERRY_PAGE)
    assert page.title == FERRY_TITLE
    assert page.author == "Maria Okafor" and page.date == "2026-03-10" and page.sitename == "The Coastal Herald"
    assert page.text.startswith("A fire broke out in the engine room") and page.text.count("\n\n") == 2
    for boilerplate in ("cookies", "Most read", "All rights reserved", "Privacy", "Share this", "By Maria", "Home"):
        assert boilerplate not in page.text


def test_page_with_no_article_text() -> None:
    with pytest.raises(NoArticleText, match="no article text"):
        extract_page(EMPTY_PAGE)
    with pytest.raises(NoArticleText):
        extract_page(b"")
    with pytest.raises(NoArticleText):
        extract_page(article_page("Short", ["Too short to be news."]))


def test_html_to_text() -> None:
    assert html_to_text("<p>One <b>two</b>.</p><p>Three&nbsp;four.</p><script>x()</script>") == (
        "One two.\n\nThree four."
    )
    assert html_to_text("plain &amp; simple") == "plain & simple"
    assert html_to_text("line one<br>line two") == "line one\n\nline two"


def test_html_files_in_a_directory(tmp_path: Path) -> None:
    (tmp_path / "ferry.html").write_text(
        article_page(FERRY_TITLE, FERRY_PAGE_PARAGRAPHS, canonical="https://h.example/ferry/")
    )
    (tmp_path / "plain.htm").write_text(article_page("Bridge", FERRY_PAGE_PARAGRAPHS[::-1]))
    (tmp_path / "index.html").write_text(EMPTY_PAGE)
    errors: list[InputError] = []
    records = list(read_records([tmp_path, tmp_path / "missing.txt"], on_error=errors.append))
    articles = {r.origin.rsplit("/", 1)[-1]: json.loads(r.raw) for r in records}
    assert articles["ferry.html"]["url"] == "https://h.example/ferry" and "id" not in articles["ferry.html"]
    assert articles["plain.htm"]["id"] == "plain" and articles["plain.htm"]["source"] == "The Coastal Herald"
    assert [(e.origin.rsplit("/", 1)[-1], e.code) for e in errors] == [
        ("index.html", "no_article_text"),
        ("missing.txt", "missing_input"),
    ]


FERRY_PAGE_PARAGRAPHS = [
    "A fire broke out in the engine room of the passenger ferry Northern Light shortly after it left port.",
    "Coastguard vessels and two tugboats reached the ferry within twenty minutes, the harbour authority said.",
    "Paramedics treated eleven people for smoke inhalation at the quay, and the cause is under investigation.",
]


def test_without_an_error_handler_a_page_without_text_is_logged_and_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "index.html").write_text(EMPTY_PAGE)
    (tmp_path / "a.txt").write_text("Title\n\nBody.")
    assert [r.origin for r in read_records([tmp_path])] == [str(tmp_path / "a.txt")]
    assert "index.html: no article text found" in caplog.text
