"""RSS and Atom feeds (feedparser) → feed items → Article JSON objects."""

from __future__ import annotations

import calendar
import hashlib
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from streams.ingest.html import ExtractedPage, html_to_text
from streams.ingest.seen import canonical_url

__all__ = [
    "FULL_CONTENT_CHARS",
    "FeedItem",
    "MalformedFeed",
    "ParsedFeed",
    "is_json_feed",
    "item_article",
    "looks_like_html",
    "parse_feed",
    "parse_json_feed",
]

FULL_CONTENT_CHARS = 300  # an entry whose content has at least this much text is not fetched from its link


class MalformedFeed(ValueError):
    """Bytes that are not a well-formed RSS or Atom feed."""


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, with what an article needs."""

    title: str
    link: str | None  # canonical URL of the entry's page
    guid: str | None
    author: str | None
    published: datetime | None
    content: str  # plain text of the entry's full content (content:encoded, atom:content), may be empty
    summary: str  # plain text of the entry's summary/description, may be empty
    language: str | None = None

    @property
    def has_full_content(self) -> bool:
        """True when the feed carries the article itself, so its page need not be fetched."""
        return len(self.content) >= FULL_CONTENT_CHARS

    def label(self, feed_origin: str) -> str:
        """How errors name this entry: its link, else its guid or title within the feed."""
        return self.link or f"{feed_origin} entry {self.guid or self.title!r}"


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    link: str | None  # the site the feed belongs to
    language: str | None
    items: list[FeedItem]
    warning: str | None = None  # a recoverable problem (e.g. an undefined HTML entity) feedparser read past
    publisher: str | None = None  # who publishes it, where the feed says (a JSON Feed's author: "NPR")

    @property
    def outlet(self) -> str:
        """The feed's outlet name: its publisher, else its title, else the host of its site."""
        if self.publisher:
            return self.publisher
        if self.title:
            return self.title
        if self.link:
            return (urlsplit(self.link).hostname or "").removeprefix("www.")
        return ""


def looks_like_html(body: bytes, content_type: str = "") -> bool:
    """True for an HTML page, False for a feed: by the first bytes where they tell (feeds are often served
    as text/html), else by the content type."""
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return False
    if head.startswith(b"<!doctype html") or b"<html" in head:
        return True
    ctype = content_type.split(";", 1)[0].strip().lower()
    return ctype in ("text/html", "application/xhtml+xml")


def _datetime(struct: time.struct_time | None) -> datetime | None:
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)
    except (OverflowError, ValueError):
        return None


def _language(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().split("-", 1)[0].split("_", 1)[0].lower() or None


def _content_text(entry: Any) -> str:
    parts = [c.get("value", "") for c in entry.get("content", []) or []]
    best = max((html_to_text(p) for p in parts if p), key=len, default="")
    return best


def _describe(exc: BaseException | None) -> str:
    if exc is None:
        return "not an RSS or Atom feed"
    msg = getattr(exc, "getMessage", lambda: str(exc))()
    line = getattr(exc, "getLineNumber", lambda: None)()
    col = getattr(exc, "getColumnNumber", lambda: None)()
    return f"{msg} at line {line}, column {col}" if line is not None else str(msg)


def is_json_feed(data: Any) -> bool:
    """True for a decoded JSON Feed (https://jsonfeed.org: a ``version`` URL and ``items``)."""
    return (
        isinstance(data, dict)
        and str(data.get("version", "")).startswith("https://jsonfeed.org/version/")
        and isinstance(data.get("items"), list)
    )


def _iso_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _json_author(obj: dict[str, Any]) -> str | None:
    authors = obj.get("authors") or ([obj["author"]] if isinstance(obj.get("author"), dict) else [])
    names = [a.get("name") for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str)]
    return ", ".join(n for n in names if n) or None


def parse_json_feed(body: bytes | str | dict[str, Any], base_url: str | None = None) -> ParsedFeed:
    """Parse a JSON Feed (version 1 or 1.1): ``items[].content_text`` / ``content_html`` are the entries' text."""
    import json

    data: Any = body
    if isinstance(body, bytes | str):
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedFeed(f"not an RSS or Atom feed, nor a JSON Feed ({exc})") from None
    if not is_json_feed(data):
        raise MalformedFeed("not an RSS or Atom feed, nor a JSON Feed (no https://jsonfeed.org version and items)")
    link = data.get("home_page_url") if isinstance(data.get("home_page_url"), str) else None
    base = base_url or link
    language = _language(data.get("language"))
    items: list[FeedItem] = []
    for entry in data["items"]:
        if not isinstance(entry, dict):
            continue
        href = entry.get("url") if isinstance(entry.get("url"), str) else None
        if href and base:
            href = urljoin(base, href)
        if href and not href.lower().startswith(("http://", "https://")):
            href = None
        text = entry.get("content_text")
        content: str | None = None
        if isinstance(text, str) and text.strip():
            content = "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())
        elif isinstance(entry.get("content_html"), str):
            content = html_to_text(entry["content_html"])
        summary = entry.get("summary") if isinstance(entry.get("summary"), str) else ""
        items.append(
            FeedItem(
                title=" ".join(str(entry.get("title") or "").split()),
                link=canonical_url(href) if href else None,
                guid=str(entry["id"]) if entry.get("id") is not None else None,
                author=_json_author(entry) or _json_author(data),
                published=_iso_datetime(entry.get("date_published") or entry.get("date_modified")),
                content=content or "",
                summary=html_to_text(summary) if summary else "",
                language=_language(entry.get("language")) or language,
            )
        )
    title = " ".join(str(data.get("title") or "").split())
    return ParsedFeed(title, link, language, items, publisher=_json_author(data))


def parse_feed(body: bytes, base_url: str | None = None, headers: dict[str, str] | None = None) -> ParsedFeed:
    """Parse an RSS/Atom document or a JSON Feed; raise :class:`MalformedFeed` for anything that is not
    well-formed.

    feedparser reads past broken XML; we do not, except for undefined HTML entities (``&nbsp;`` in an
    RSS title is common and harmless): a truncated or garbled feed is an error, and the next poll retries.
    """
    if body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return parse_json_feed(body, base_url)
    import feedparser

    parsed: Any = feedparser.parse(body, response_headers=headers or {})
    exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.get("version"):
        raise MalformedFeed(f"not an RSS or Atom feed ({_describe(exc)})")
    warning = None
    if exc is not None:
        name = type(exc).__name__
        if name == "SAXParseException" and "undefined entity" not in str(exc):
            raise MalformedFeed(f"malformed feed: {_describe(exc)}")
        warning = f"read past a feed problem: {_describe(exc)}"
    feed = parsed.feed
    link = feed.get("link") or None
    base = base_url or link
    language = _language(feed.get("language"))
    items: list[FeedItem] = []
    for entry in parsed.entries:
        href = entry.get("link") or None
        if href and base:
            href = urljoin(base, href)
        if href and not href.lower().startswith(("http://", "https://")):
            href = None
        summary = html_to_text(entry.get("summary", "") or "")
        content = _content_text(entry)
        items.append(
            FeedItem(
                title=" ".join((entry.get("title") or "").split()),
                link=canonical_url(href) if href else None,
                guid=entry.get("id") or None,
                author=entry.get("author") or None,
                published=_datetime(entry.get("published_parsed") or entry.get("updated_parsed")),
                content=content,
                summary=summary,
                language=_language(entry.get("language")) or language,
            )
        )
    return ParsedFeed(" ".join((feed.get("title") or "").split()), link, language, items, warning)


def item_article(
    item: FeedItem,
    feed: ParsedFeed,
    feed_origin: str,
    page: ExtractedPage | None = None,
    *,
    page_error: str | None = None,
) -> dict[str, Any]:
    """The Article JSON object for a feed item, with its page's text where the feed has no full content.

    The feed's title, author and date win over the page's; the outlet is the feed's publisher or title (else its
    site). Without a page and without full content, the summary is the text (a headline-only article if none);
    ``page_error`` says why the page was not used (``metadata.page_error``: the text is the feed's own).
    """
    if page is not None:
        text, text_from = page.text, "page"
    elif item.has_full_content:
        text, text_from = item.content, "feed-content"
    else:
        text, text_from = (item.content or item.summary), "feed-summary"
    article: dict[str, Any] = {
        "title": item.title or (page.title if page else ""),
        "text": text,
        "source": feed.outlet or (page.sitename if page and page.sitename else ""),
    }
    if item.link:
        article["url"] = item.link
    else:
        ident = item.guid or f"{item.title}\n{text}"
        article["id"] = "feed-" + hashlib.sha1(f"{feed_origin}\n{ident}".encode()).hexdigest()[:16]
    published = item.published.isoformat() if item.published else (page.date if page else None)
    if published:
        article["published"] = published
    if item.language:
        article["language"] = item.language
    metadata: dict[str, Any] = {"feed": feed_origin, "text_from": text_from}
    author = item.author or (page.author if page else None)
    if author:
        metadata["author"] = author
    if item.guid:
        metadata["guid"] = item.guid
    if page_error:
        metadata["page_error"] = page_error
    article["metadata"] = metadata
    return article
