"""Feeds and pages written for the ingest tests, and a local HTTP server (127.0.0.1) that serves them."""

from __future__ import annotations

import hashlib
import html
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

SITE_NAV = """<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li>
<li><a href="/opinion">Opinion</a></li></ul></nav>
<div class="cookie-banner">We use cookies to improve your experience on our site. <button>Accept all</button></div>
<form class="search"><input name="q" placeholder="Search"><button>Go</button></form></header>"""

SITE_FOOTER = """<aside><h3>Most read</h3><ul><li><a href="/a">Council approves new budget</a></li>
<li><a href="/b">Storm warning for the weekend</a></li><li><a href="/c">Local team wins cup</a></li></ul>
<div class="newsletter">Sign up for our newsletter</div></aside>
<footer><p>© 2026 The Coastal Herald. All rights reserved.</p><a href="/privacy">Privacy policy</a>
<a href="/terms">Terms of use</a> <a href="/contact">Contact us</a></footer>"""


def article_page(
    title: str,
    paragraphs: list[str],
    *,
    author: str = "Maria Okafor",
    published: str = "2026-03-10T08:15:00Z",
    site: str = "The Coastal Herald",
    canonical: str | None = None,
) -> str:
    """A real-looking article page: navigation, cookie banner, byline, article, sidebar, footer."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    canon = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | {html.escape(site)}</title>
<meta name="author" content="{html.escape(author)}">
<meta property="og:site_name" content="{html.escape(site)}">
<meta property="og:title" content="{html.escape(title)}">
<meta property="article:published_time" content="{published}">
{canon}
<script>window.analytics = {{"page": "article"}};</script>
</head><body>
{SITE_NAV}
<main><article>
<h1>{html.escape(title)}</h1>
<p class="byline">By {html.escape(author)}</p>
{body}
<div class="share">Share this article: <a href="#">Facebook</a> <a href="#">X</a> <a href="#">Email</a></div>
</article>
{SITE_FOOTER}</main>
</body></html>"""


FERRY_TITLE = "Ferry fire forces evacuation at Port Halloway"
FERRY_PARAGRAPHS = [
    "A fire broke out in the engine room of the passenger ferry Northern Light shortly after it left Port "
    "Halloway on Tuesday morning, forcing the evacuation of 212 passengers and crew, the harbour authority said.",
    "Coastguard vessels and two tugboats reached the ferry within twenty minutes. All passengers were moved to "
    "lifeboats and brought back to the harbour, where paramedics treated eleven people for smoke inhalation.",
    '"The crew followed every procedure and nobody was seriously hurt," harbour master Tom Reyes told reporters '
    "at the quay. The cause of the fire is under investigation.",
]
FERRY_PAGE = article_page(FERRY_TITLE, FERRY_PARAGRAPHS)

BRIDGE_TITLE = "Council votes to rebuild the Granite Ridge bridge"
BRIDGE_PARAGRAPHS = [
    "The Granite Ridge town council voted seven to two on Monday night to rebuild the old river bridge, which "
    "has been closed to traffic since the floods in January.",
    "The new bridge will cost 14 million dollars, most of it from a state grant, and should open in the spring "
    "of next year, mayor Ana Lindqvist said after the vote.",
]
BRIDGE_PAGE = article_page(BRIDGE_TITLE, BRIDGE_PARAGRAPHS, author="Sam Patel", published="2026-03-09T19:00:00Z")

# A section front: links and boilerplate, no article.
EMPTY_PAGE = f"""<!DOCTYPE html>
<html><head><title>News - The Coastal Herald</title></head><body>
{SITE_NAV}
<main><div class="grid"><a href="/news/1">Ferry fire</a> <a href="/news/2">Bridge vote</a>
<a href="/news/3">Weather</a></div></main>
<footer><p>© 2026 The Coastal Herald. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>"""

LANTERN_TEXT = (
    "<p>The lighthouse keeper on Lantern Island raised the alarm at dawn on Wednesday after spotting a fishing "
    "boat drifting towards the rocks with its engine dead.</p><p>A lifeboat crew from Port Halloway towed the "
    "boat and its three crew members to safety within the hour. None of the fishermen was hurt, the lifeboat "
    "station said in a statement.</p><p>It was the fourth rescue near the island this winter, and the harbour "
    "authority said it would review the lighting of the channel before the summer season begins.</p>"
)


def rss_feed(base: str) -> str:
    """RSS 2.0: one entry to fetch (tracking link), one with full content, a duplicate link, one empty page."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Coastal Herald</title>
  <link>{base}/</link>
  <description>News from the coast</description>
  <language>en-us</language>
  <item>
    <title>{FERRY_TITLE}</title>
    <link>{base}/news/ferry-fire?utm_source=rss&amp;utm_medium=feed</link>
    <guid>{base}/news/ferry-fire</guid>
    <dc:creator>Maria Okafor</dc:creator>
    <pubDate>Tue, 10 Mar 2026 08:15:00 GMT</pubDate>
    <description>A fire broke out on the ferry Northern Light.</description>
  </item>
  <item>
    <title>Lifeboat tows drifting fishing boat off Lantern Island</title>
    <link>{base}/news/lantern-rescue</link>
    <guid isPermaLink="false">lantern-rescue-1</guid>
    <dc:creator>Joe Brandt</dc:creator>
    <pubDate>Wed, 11 Mar 2026 07:30:00 GMT</pubDate>
    <description>A fishing boat was towed to safety.</description>
    <content:encoded><![CDATA[{LANTERN_TEXT}]]></content:encoded>
  </item>
  <item>
    <title>{FERRY_TITLE} (updated)</title>
    <link>https://WWW.{base.split("://", 1)[1]}/news/ferry-fire/#comments</link>
    <pubDate>Tue, 10 Mar 2026 09:00:00 GMT</pubDate>
  </item>
  <item>
    <title>Photo gallery: the week in pictures</title>
    <link>{base}/news/gallery</link>
  </item>
</channel>
</rss>"""


def atom_feed(base: str) -> str:
    """Atom 1.0: one entry with full HTML content, one with a summary and a link to fetch."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Granite Ridge Gazette</title>
  <link href="{base}/"/>
  <id>urn:uuid:granite-ridge-gazette</id>
  <updated>2026-03-11T08:00:00Z</updated>
  <entry>
    <title>{BRIDGE_TITLE}</title>
    <link href="{base}/news/bridge-vote"/>
    <id>urn:uuid:bridge-vote</id>
    <published>2026-03-09T19:00:00Z</published>
    <updated>2026-03-09T20:00:00Z</updated>
    <author><name>Sam Patel</name></author>
    <summary>The council voted to rebuild the bridge.</summary>
  </entry>
  <entry>
    <title>Lifeboat tows drifting fishing boat off Lantern Island</title>
    <link href="{base}/ridge/lantern-rescue"/>
    <id>urn:uuid:lantern-ridge</id>
    <published>2026-03-11T07:45:00Z</published>
    <author><name>Lee Chang</name></author>
    <content type="html">{html.escape(LANTERN_TEXT)}</content>
  </entry>
</feed>"""


MALFORMED_FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Broken Feed</title>
<item><title>Half an item</title><link>http://example.invalid/x</link> <<< not xml >>>
"""


@dataclass
class Route:
    body: bytes
    content_type: str
    last_modified: str = "Tue, 10 Mar 2026 10:00:00 GMT"

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:12] + '"'


@dataclass
class LocalSite:
    """Routes served on 127.0.0.1 (query strings ignored), with ETag/Last-Modified and a request log."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    base: str = ""

    def add(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8") -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(data, content_type)
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if urlsplit(p).path == path)


def _handler(site: LocalSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append((self.path, dict(self.headers.items())))
            route = site.routes.get(urlsplit(self.path).path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            self.send_header("ETag", route.etag)
            self.send_header("Last-Modified", route.last_modified)
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    return Handler


@contextmanager
def serve(site: LocalSite | None = None) -> Iterator[LocalSite]:
    """Serve ``site`` on 127.0.0.1 in a thread for the duration of the ``with`` block."""
    site = site or LocalSite()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def news_site(site: LocalSite) -> LocalSite:
    """The feeds and pages every ingest test uses, added to a served site."""
    site.add("/news/ferry-fire", FERRY_PAGE)
    site.add("/news/bridge-vote", BRIDGE_PAGE)
    site.add("/news/gallery", EMPTY_PAGE)
    site.add("/news/index", EMPTY_PAGE)
    site.add("/rss.xml", rss_feed(site.base), "application/rss+xml; charset=utf-8")
    site.add("/atom.xml", atom_feed(site.base), "application/atom+xml")
    site.add("/broken.xml", MALFORMED_FEED, "application/rss+xml")
    return site


class FakeFuture:
    def __init__(self, fail: bool = False) -> None:
        self._fail = fail
        self.exception = RuntimeError("broker said no") if fail else None

    def failed(self) -> bool:
        return self._fail


class FakeProducer:
    """Records sends; sends of keys in ``failing`` fail."""

    def __init__(self, failing: set[str] | None = None) -> None:
        self.sent: list[tuple[str, bytes, bytes]] = []
        self.failing = failing or set()

    def send(self, topic: str, key: bytes, value: bytes) -> FakeFuture:
        self.sent.append((topic, key, value))
        return FakeFuture(key.decode() in self.failing)

    def flush(self) -> None:
        pass
