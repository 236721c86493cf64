"""``storywire board``: a live web story board fed by ``story-updates``.

A small standalone aiohttp server. A kafka-python consumer (in a thread) reads ``story-updates`` from the
beginning and hands every :class:`StoryUpdate` to the event loop; the board keeps the latest version of every
story and a bounded history of the versions it saw, and pushes a one-line summary of each change to the
browsers over Server-Sent Events (``/events``). Pages are rendered on the server with every value HTML-escaped;
the browser script builds rows with DOM APIs and ``textContent`` only. No build step, no CDN: the CSS and the
script are served by this process (they live in this module so that a wheel install carries them).

Routes: ``/`` (the board), ``/stories/{id}`` (one story), ``/events`` (SSE, ``?story=ID`` to follow one),
``/api/stories``, ``/api/stories/{id}``, ``/api/stories/{id}/versions`` (StoryUpdate JSON), ``/static/*``.
Everything is read-only (GET/HEAD).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import web
from kafka import KafkaConsumer
from kafka.errors import KafkaError
from pydantic import ValidationError

from schemas import StoryEvent, StorySource, StoryUpdate
from streams.board.terminal import plural
from streams.kafka.clients import make_consumer
from streams.settings import Settings
from streams.topics import STORY_UPDATES

__all__ = [
    "BoardError",
    "BoardServer",
    "BoardState",
    "SeenVersion",
    "StoryBoardHub",
    "StoryUpdateFeed",
    "create_app",
    "render_board_page",
    "render_story_page",
    "safe_url",
    "story_card",
]

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
MAX_VERSIONS = 100  # versions kept per story (the timeline)
MAX_STORIES = 5000  # stories kept; the least recently changed one is dropped beyond this
KEEPALIVE_SECONDS = 15.0


# ---------------------------------------------------------------------------------------------------------------
# State: latest version of every story, bounded version history, newest change first
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeenVersion:
    """A story version as the board received it."""

    update: StoryUpdate
    at: datetime  # when the pipeline published it (the Kafka record's timestamp), else when the board got it
    seq: int  # board-wide receipt order (breaks ties between equal timestamps)

    @property
    def order(self) -> tuple[datetime, int]:
        """Sort key of "newest change first" (descending)."""
        return (self.at, self.seq)


class _StoryRecord:
    __slots__ = ("latest", "versions")

    def __init__(self, first: SeenVersion) -> None:
        self.latest = first
        self.versions: dict[int, SeenVersion] = {first.update.version: first}


class BoardState:
    """Latest version of every story plus the last ``max_versions`` versions of each, ordered by change.

    "Newest change first" follows the time each version was published to ``story-updates`` (the record
    timestamp), so a board that starts late and reads the partitions one after another still orders the stories
    as they changed. Delivery is at-least-once: a version seen again is ignored; an older version arriving late
    joins the history without changing the latest one or the order.
    """

    def __init__(self, max_versions: int = MAX_VERSIONS, max_stories: int = MAX_STORIES) -> None:
        if max_versions < 1 or max_stories < 1:
            raise ValueError("max_versions and max_stories must be at least 1")
        self.max_versions = max_versions
        self.max_stories = max_stories
        self._stories: dict[str, _StoryRecord] = {}
        self._seq = 0
        self.received = 0  # every update handed to add(), duplicates included
        self.duplicates = 0

    def add(self, update: StoryUpdate, at: datetime | None = None) -> SeenVersion | None:
        """Record ``update`` published at ``at`` (default: now); return it when it is the story's new latest
        version, None when the latest is unchanged (a duplicate or a late older version)."""
        self.received += 1
        now = datetime.now(UTC)
        at = min(at, now) if at is not None else now  # a clock ahead of ours must not pin a story on top
        record = self._stories.get(update.story_id)
        if record is None:
            self._seq += 1
            seen = SeenVersion(update, at, self._seq)
            self._stories[update.story_id] = _StoryRecord(seen)
            while len(self._stories) > self.max_stories:
                oldest = min(self._stories.values(), key=lambda r: r.latest.order)
                del self._stories[oldest.latest.update.story_id]
            return seen
        if update.version in record.versions:
            self.duplicates += 1
            return None
        if update.version < record.latest.update.version:
            # A late older version: history only (unless it is older than everything we keep).
            if len(record.versions) >= self.max_versions and update.version < min(record.versions):
                return None
            self._seq += 1
            record.versions[update.version] = SeenVersion(update, at, self._seq)
            self._trim(record)
            return None
        self._seq += 1
        seen = SeenVersion(update, at, self._seq)
        record.versions[update.version] = seen
        record.latest = seen
        self._trim(record)
        return seen

    def _trim(self, record: _StoryRecord) -> None:
        while len(record.versions) > self.max_versions:
            del record.versions[min(record.versions)]

    def stories(self) -> list[SeenVersion]:
        """Latest version of every live story, newest change first (a story folded into another is left out)."""
        live = (r.latest for r in self._stories.values() if r.latest.update.merged_into is None)
        return sorted(live, key=lambda s: s.order, reverse=True)

    def latest(self, story_id: str) -> SeenVersion | None:
        record = self._stories.get(story_id)
        return record.latest if record else None

    def versions(self, story_id: str) -> list[SeenVersion]:
        """The versions kept for ``story_id``, oldest first (empty when unknown)."""
        record = self._stories.get(story_id)
        return [record.versions[v] for v in sorted(record.versions)] if record else []

    def __len__(self) -> int:
        return len(self._stories)

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._stories


# ---------------------------------------------------------------------------------------------------------------
# Small formatting helpers
# ---------------------------------------------------------------------------------------------------------------


def e(value: object) -> str:
    """HTML-escape any value for text or a double-quoted attribute."""
    return escape("" if value is None else str(value), quote=True)


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL, else None (no ``javascript:`` or ``data:`` links)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def story_path(story_id: str) -> str:
    return "/stories/" + quote(story_id, safe="")


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def fmt_time(dt: datetime | None) -> str:
    """``2026-03-10 14:05 UTC`` (or an empty string)."""
    if dt is None:
        return ""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def change_summary(update: StoryUpdate) -> list[str]:
    """Short phrases for what a version adds (``changes``), e.g. ``new outlet: Valley Herald``."""
    c = update.changes
    if update.version == 1:
        return ["first report"]
    out: list[str] = []
    if c.new_articles:
        out.append("+" + plural(len(c.new_articles), "article"))
    if c.new_sources:
        out.append(("new outlet: " if len(c.new_sources) == 1 else "new outlets: ") + ", ".join(c.new_sources))
    if c.new_events:
        out.append("+" + plural(len(c.new_events), "event"))
    if c.new_conflicts:
        out.append("+" + plural(len(c.new_conflicts), "conflict"))
    if c.changed_attributes:
        out.append(plural(len(c.changed_attributes), "changed attribute"))
    if c.title_changed:
        out.append("new title")
    return out or ["updated"]


def story_card(seen: SeenVersion, *, snapshot: bool = False) -> dict[str, Any]:
    """The board row of a story as JSON (what ``/events`` sends)."""
    u = seen.update
    changed = u.updated_at or u.last_seen
    return {
        "story_id": u.story_id,
        "url": story_path(u.story_id),
        "version": u.version,
        "title": u.title,
        "article_count": u.article_count,
        "independent_source_count": u.independent_source_count,
        "outlets": list(u.outlets),
        "event_count": len(u.events),
        "conflict_count": len(u.conflicts),
        "news_time": _iso(changed),
        "news_time_text": fmt_time(changed),
        "at": _iso(seen.at),
        "at_ms": int(seen.at.timestamp() * 1000),
        "seq": seen.seq,
        "changes": change_summary(u),
        "snapshot": snapshot,
    }


# ---------------------------------------------------------------------------------------------------------------
# The hub: state + the browsers listening on /events
# ---------------------------------------------------------------------------------------------------------------


class StoryBoardHub:
    """Owns the :class:`BoardState` and the SSE subscribers. Use it from the event loop's thread only."""

    def __init__(self, state: BoardState | None = None, *, source: str = "") -> None:
        self.state = state or BoardState()
        self.source = source  # shown in the footer, e.g. "story-updates on 127.0.0.1:9092"
        self._subscribers: set[asyncio.Queue[dict[str, Any] | None]] = set()

    def add(self, update: StoryUpdate, at: datetime | None = None) -> bool:
        """Record an update (published at ``at``) and tell the browsers when it changed a story's latest version."""
        seen = self.state.add(update, at)
        if seen is None:
            return False
        card = story_card(seen)
        for queue in list(self._subscribers):
            try:
                queue.put_nowait(card)
            except asyncio.QueueFull:  # a browser that stopped reading: drop it, it will reconnect
                self._subscribers.discard(queue)
                with contextlib.suppress(asyncio.QueueFull):
                    queue.get_nowait()
                    queue.put_nowait(None)
        return True

    def subscribe(self) -> asyncio.Queue[dict[str, Any] | None]:
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(maxsize=1000)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        self._subscribers.discard(queue)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def close_subscribers(self) -> None:
        """End every open ``/events`` stream (at shutdown)."""
        for queue in list(self._subscribers):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)
        self._subscribers.clear()


# ---------------------------------------------------------------------------------------------------------------
# HTML (server-side, every value escaped with e())
# ---------------------------------------------------------------------------------------------------------------


def _layout(title: str, body: str, *, page: str, attrs: str = "") -> str:
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title>"
        '<link rel="stylesheet" href="/static/board.css">'
        '<script src="/static/board.js" defer></script>'
        f'</head><body data-page="{e(page)}"{attrs}>\n{body}\n</body></html>\n'
    )


def _header(extra: str = "") -> str:
    return (
        '<header class="top"><a class="brand" href="/">storywire</a>'
        '<span class="subtitle">live story board</span>'
        f'{extra}<span id="status" class="status">connecting…</span></header>'
    )


def render_board_page(hub: StoryBoardHub) -> str:
    """``/``: the table is filled (and kept live) by the script from ``/events``; a plain list without it."""
    stories = hub.state.stories()
    fallback = "".join(
        f'<li><a href="{e(story_path(s.update.story_id))}">{e(s.update.title)}</a> '
        f"v{s.update.version}, {s.update.independent_source_count} independent sources, "
        f"{plural(len(s.update.conflicts), 'conflict')}</li>"
        for s in stories
    )
    body = (
        _header('<span id="count" class="count"></span>') + '<main id="board">'
        '<table id="stories" class="stories"><thead><tr>'
        '<th class="title">story</th><th class="version">version</th>'
        '<th class="sources">articles / independent sources</th><th class="outlets">outlets</th>'
        '<th class="conflicts">conflicts</th><th class="changed">last change</th>'
        '</tr></thead><tbody id="rows"></tbody></table>'
        '<p id="empty" class="empty" hidden>No stories yet: waiting for story updates…</p>'
        f'<noscript><ul class="fallback">{fallback}</ul></noscript>'
        "</main>"
        f'<footer class="foot">read-only · newest change first · {e(hub.source)}</footer>'
    )
    return _layout("storywire — story board", body, page="board")


def _sources_by_article(update: StoryUpdate) -> dict[str, StorySource]:
    return {s.article_id: s for s in update.sources}


def _article_link(article_id: str, by_id: dict[str, StorySource], label: str | None = None) -> str:
    """A citation: the article's URL when it has a safe one, else its entry in the article list of the page."""
    src = by_id.get(article_id)
    text = label or (src.source if src and src.source else article_id)
    tip = src.title if src and src.title else article_id
    href = safe_url(src.url) if src else None
    if href:
        return f'<a class="cite" href="{e(href)}" title="{e(tip)}" rel="noopener noreferrer">{e(text)}</a>'
    return f'<a class="cite" href="#{e(_anchor(article_id))}" title="{e(tip)}">{e(text)}</a>'


def _anchor(article_id: str) -> str:
    return "article-" + quote(article_id, safe="")


def _citations(article_ids: Iterable[str], outlets: Iterable[str], by_id: dict[str, StorySource]) -> str:
    ids = list(article_ids)
    if ids:
        return '<span class="cites">' + " ".join(_article_link(a, by_id) for a in ids) + "</span>"
    names = [o for o in outlets if o]
    return '<span class="cites">' + " ".join(f'<span class="cite">{e(o)}</span>' for o in names) + "</span>"


def _badge(n: int) -> str:
    return f'<span class="conflict-badge">{e(plural(n, "conflict"))}</span>' if n else ""


def _event_label(ev: StoryEvent | None, event_id: str) -> str:
    """``fire (2026-03-10, Port Halloway)``: the event's type with what tells it apart from the others."""
    if ev is None:
        return event_id
    name = f"{ev.type} “{ev.trigger}”" if ev.trigger and ev.trigger != ev.type else ev.type
    where = ev.where or ev.attributes.get("city")
    detail = ", ".join(str(x) for x in (ev.when, where) if x)
    return f"{name} ({detail})" if detail else name


def _names(ids: Iterable[str], names: dict[str, str]) -> str:
    return ", ".join(names.get(i, i) for i in ids)


def _summary_html(u: StoryUpdate, by_id: dict[str, StorySource]) -> str:
    if not u.summary:
        return '<p class="none">No summary yet.</p>'
    items = "".join(
        f'<li class="sentence"><span class="text">{e(s.text)}</span> {_citations(s.article_ids, s.sources, by_id)}</li>'
        for s in u.summary
    )
    return f'<ol class="summary">{items}</ol>'


def _events_html(u: StoryUpdate, by_id: dict[str, StorySource]) -> str:
    if not u.events:
        return '<p class="none">No events extracted yet.</p>'
    rows = []
    for ev in u.events:
        attrs = "".join(
            f'<li><span class="key">{e(k)}</span> <span class="val">{e(v)}</span></li>'
            for k, v in ev.attributes.items()
        )
        who = []
        if ev.actors:
            who.append(f'<div><span class="key">who</span> {e(_names(ev.actors, ev.names))}</div>')
        if ev.targets:
            who.append(f'<div><span class="key">to/at</span> {e(_names(ev.targets, ev.names))}</div>')
        rows.append(
            f'<tr class="event" id="{e(ev.id)}"><td class="type"><span class="etype">{e(ev.type)}</span>'
            f'<div class="trigger">{e(ev.trigger)}</div></td>'
            f'<td class="what"><div class="desc">{e(ev.description)}</div>{"".join(who)}</td>'
            f'<td class="whenwhere"><div>{e(ev.when or "")}</div><div>{e(ev.where or "")}</div></td>'
            f'<td class="attrs"><ul class="kv">{attrs}</ul></td>'
            f'<td class="event-sources">{_citations(ev.article_ids, ev.sources, by_id)}</td></tr>'
        )
    return (
        '<table class="events"><thead><tr><th>event</th><th>what</th><th>when / where</th>'
        f"<th>details</th><th>sources</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _conflicts_html(u: StoryUpdate, by_id: dict[str, StorySource]) -> str:
    if not u.conflicts:
        return '<p class="none">No conflicts: the sources agree so far.</p>'
    events = {ev.id: ev for ev in u.events}
    blocks = []
    for c in u.conflicts:
        sides = "".join(
            f'<div class="side"><div class="value">{e(v.value)}</div>'
            f'<div class="side-sources">{_citations(v.article_ids, v.sources, by_id)}</div>'
            f'<div class="side-count">{e(plural(len(v.sources) or len(v.article_ids), "source"))}</div></div>'
            for v in c.values
        )
        blocks.append(
            f'<div class="conflict" data-attribute="{e(c.attribute)}" data-event="{e(c.event_id)}">'
            f'<h3><span class="attr">{e(c.attribute)}</span> <span class="of">in the '
            f'<a href="#{e(c.event_id)}">{e(_event_label(events.get(c.event_id), c.event_id))}</a> event</span></h3>'
            f'<div class="sides">{sides}</div></div>'
        )
    return "".join(blocks)


def _sources_html(u: StoryUpdate) -> str:
    items = []
    for s in u.sources:
        href = safe_url(s.url)
        title = s.title or s.article_id
        link = f'<a href="{e(href)}" rel="noopener noreferrer">{e(title)}</a>' if href else f"<span>{e(title)}</span>"
        copy = f' <span class="copy">copy of {e(s.copy_of)}</span>' if s.copy_of else ""
        items.append(
            f'<li id="{e(_anchor(s.article_id))}"><span class="outlet">{e(s.source or "unknown outlet")}</span> '
            f'{link} <span class="when">{e(fmt_time(s.published))}</span>{copy}</li>'
        )
    return f'<ul class="articles">{"".join(items)}</ul>' if items else '<p class="none">No articles.</p>'


def _entities_html(u: StoryUpdate) -> str:
    if not u.entities:
        return '<p class="none">No entities.</p>'
    items = "".join(
        f'<li title="{e(", ".join(x.aliases))}"><span class="name">{e(x.name)}</span> '
        f'<span class="label">{e(x.label)}</span> <span class="n">×{e(x.mentions)}</span></li>'
        for x in sorted(u.entities, key=lambda x: (-x.mentions, x.name))
    )
    return f'<ul class="entities">{items}</ul>'


def _timeline_html(versions: list[SeenVersion]) -> str:
    items = []
    for seen in reversed(versions):
        u = seen.update
        c = u.changes
        by_id = _sources_by_article(u)
        events = {ev.id: ev for ev in u.events}
        lines = []
        if c.new_articles:
            links = ", ".join(
                _article_link(a, by_id, f"{by_id[a].source}: {by_id[a].title}" if a in by_id else a)
                for a in c.new_articles
            )
            lines.append(f'<li><span class="key">new articles</span> {links}</li>')
        if c.new_sources:
            lines.append(f'<li><span class="key">new outlets</span> {e(", ".join(c.new_sources))}</li>')
        if c.new_events:
            names = ", ".join(_event_label(events.get(i), i) for i in c.new_events)
            lines.append(f'<li><span class="key">new events</span> {e(names)}</li>')
        if c.new_conflicts:
            names = ", ".join(_conflict_label(k, events) for k in c.new_conflicts)
            lines.append(f'<li><span class="key">new conflicts</span> {e(names)}</li>')
        if c.changed_attributes:
            names = ", ".join(_conflict_label(k.replace(".", ":", 1), events) for k in c.changed_attributes)
            lines.append(f'<li><span class="key">changed</span> {e(names)}</li>')
        if c.title_changed:
            lines.append(f'<li><span class="key">new title</span> {e(u.title)}</li>')
        if not lines:
            lines.append(f"<li>{e('; '.join(change_summary(u)))}</li>")
        items.append(
            f'<li class="version" data-version="{u.version}"><div class="vhead"><span class="vnum">v{u.version}</span> '
            f'<span class="vmeta">{e(plural(u.article_count, "article"))}, '
            f"{e(u.independent_source_count)} independent · {e(plural(len(u.conflicts), 'conflict'))} · "
            f"news time {e(fmt_time(u.updated_at or u.last_seen))} · published {e(fmt_time(seen.at))}"
            f'</span></div><ul class="changes">{"".join(lines)}</ul></li>'
        )
    return f'<ol class="timeline">{"".join(items)}</ol>'


def _conflict_label(key: str, events: dict[str, StoryEvent]) -> str:
    event_id, _, attribute = key.partition(":")
    ev = events.get(event_id)
    return f"{attribute} ({_event_label(ev, event_id)})" if attribute else key


def render_story_page(hub: StoryBoardHub, story_id: str) -> str | None:
    """``/stories/{id}``, or None when the story is unknown."""
    seen = hub.state.latest(story_id)
    if seen is None:
        return None
    u = seen.update
    by_id = _sources_by_article(u)
    versions = hub.state.versions(story_id)
    outlets = "".join(f'<span class="chip">{e(o)}</span>' for o in u.outlets)
    first, last = fmt_time(u.first_seen), fmt_time(u.last_seen)
    main = (
        f'<main id="story" data-version="{u.version}">'
        f'<p id="notice" class="notice" hidden></p>'
        f'<h1 class="story-title">{e(u.title)}</h1>'
        f'<div class="meta"><span class="vnum">v{u.version}</span> '
        f'<span class="sources"><b>{e(u.article_count)}</b> articles / '
        f"<b>{e(u.independent_source_count)}</b> independent sources</span> "
        f"{_badge(len(u.conflicts))}"
        f'<div class="outlets">{outlets}</div>'
        f'<div class="times">first seen {e(first)} · last seen {e(last)} · story <code>{e(u.story_id)}</code> · '
        f'<a href="/api/stories/{e(quote(u.story_id, safe=""))}">JSON</a></div></div>'
        f'<section id="summary"><h2>Summary</h2>{_summary_html(u, by_id)}</section>'
        f'<section id="events"><h2>Events</h2>{_events_html(u, by_id)}</section>'
        f'<section id="conflicts"><h2>Conflicts</h2>{_conflicts_html(u, by_id)}</section>'
        f'<section id="versions"><h2>Versions</h2>{_timeline_html(versions)}</section>'
        f'<section id="articles"><h2>Articles</h2>{_sources_html(u)}</section>'
        f'<section id="entities"><h2>Entities</h2>{_entities_html(u)}</section>'
        "</main>"
    )
    body = _header('<a class="back" href="/">← all stories</a>') + main
    return _layout(f"{u.title} — storywire", body, page="story", attrs=f' data-story-id="{e(u.story_id)}"')


# ---------------------------------------------------------------------------------------------------------------
# The web application
# ---------------------------------------------------------------------------------------------------------------

HUB_KEY: web.AppKey[StoryBoardHub] = web.AppKey("hub", StoryBoardHub)

_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@web.middleware
async def _security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    resp = await handler(request)
    if not resp.prepared:  # the SSE stream sets its headers itself before it starts
        resp.headers.update(_SECURITY_HEADERS)
    return resp


def _json(data: object, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(d, ensure_ascii=False))


def _not_found_json(story_id: str) -> web.Response:
    return _json({"error": "unknown story", "story_id": story_id}, status=404)


async def _index(request: web.Request) -> web.Response:
    return web.Response(text=render_board_page(request.app[HUB_KEY]), content_type="text/html")


async def _story(request: web.Request) -> web.Response:
    story_id = request.match_info["story_id"]
    page = render_story_page(request.app[HUB_KEY], story_id)
    if page is None:
        body = _header() + "<main><h1>Unknown story</h1>"
        body += f'<p>No story <code>{e(story_id)}</code> on this board (yet). <a href="/">All stories</a></p></main>'
        return web.Response(text=_layout("unknown story", body, page="missing"), status=404, content_type="text/html")
    return web.Response(text=page, content_type="text/html")


async def _api_stories(request: web.Request) -> web.Response:
    return _json([s.update.model_dump(mode="json") for s in request.app[HUB_KEY].state.stories()])


async def _api_story(request: web.Request) -> web.Response:
    story_id = request.match_info["story_id"]
    seen = request.app[HUB_KEY].state.latest(story_id)
    return _json(seen.update.model_dump(mode="json")) if seen else _not_found_json(story_id)


async def _api_versions(request: web.Request) -> web.Response:
    story_id = request.match_info["story_id"]
    versions = request.app[HUB_KEY].state.versions(story_id)
    if not versions:
        return _not_found_json(story_id)
    return _json([s.update.model_dump(mode="json") for s in versions])


def _sse(card: dict[str, Any]) -> bytes:
    data = json.dumps(card, ensure_ascii=False)
    return f"event: story\nid: {card['seq']}\ndata: {data}\n\n".encode()


async def _events(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: every story once (``snapshot``), then every change as it happens."""
    hub = request.app[HUB_KEY]
    only = request.query.get("story")
    resp = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )
    resp.headers.update(_SECURITY_HEADERS)
    await resp.prepare(request)
    queue = hub.subscribe()  # before the snapshot: nothing falls between the two
    try:
        await resp.write(b"retry: 2000\n\n")
        for seen in reversed(hub.state.stories()):  # oldest change first, so each card lands on top
            if only is None or seen.update.story_id == only:
                await resp.write(_sse(story_card(seen, snapshot=True)))
        await resp.write(b"event: ready\ndata: {}\n\n")
        while True:
            try:
                card = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                await resp.write(b": keep-alive\n\n")
                continue
            if card is None:
                break
            if only is None or card["story_id"] == only:
                await resp.write(_sse(card))
    except (ConnectionResetError, ConnectionError):
        pass
    finally:
        hub.unsubscribe(queue)
    return resp


async def _static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    asset = _ASSETS.get(name)
    if asset is None:
        raise web.HTTPNotFound()
    text, content_type = asset
    return web.Response(text=text, content_type=content_type, headers={"Cache-Control": "no-cache"})


async def _no_favicon(request: web.Request) -> web.Response:
    return web.Response(status=204)


def create_app(hub: StoryBoardHub) -> web.Application:
    """The aiohttp application of the board (read-only: GET and HEAD routes only)."""
    app = web.Application(middlewares=[_security_headers])
    app[HUB_KEY] = hub
    app.router.add_get("/", _index)
    app.router.add_get("/stories/{story_id}", _story)
    app.router.add_get("/events", _events)
    app.router.add_get("/api/stories", _api_stories)
    app.router.add_get("/api/stories/{story_id}", _api_story)
    app.router.add_get("/api/stories/{story_id}/versions", _api_versions)
    app.router.add_get("/static/{name}", _static)
    app.router.add_get("/favicon.ico", _no_favicon)
    return app


# ---------------------------------------------------------------------------------------------------------------
# Feeding the board from Kafka and running the server
# ---------------------------------------------------------------------------------------------------------------


class BoardError(RuntimeError):
    """The board cannot start (port taken, no broker, …); the message says what to do."""


class StoryUpdateFeed(threading.Thread):
    """Reads ``story-updates`` from the beginning (no consumer group) and hands every update to ``deliver``,
    with the time it was published (the record timestamp)."""

    def __init__(self, consumer: KafkaConsumer, deliver: Callable[[StoryUpdate, datetime | None], None]) -> None:
        super().__init__(name="storywire-board-feed", daemon=True)
        self.consumer = consumer
        self.deliver = deliver
        self.undecodable = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            while not self._stop_event.is_set():
                try:
                    batch = self.consumer.poll(timeout_ms=300)
                except KafkaError as exc:
                    log.warning("board: reading story-updates failed (%s); retrying", exc)
                    self._stop_event.wait(1.0)
                    continue
                for _tp, records in sorted(batch.items(), key=lambda kv: (kv[0].topic, kv[0].partition)):
                    for rec in records:
                        try:
                            update = StoryUpdate.model_validate_json(rec.value)
                        except ValidationError:
                            self.undecodable += 1
                            log.warning("board: skipped a message that is not a StoryUpdate (offset %s)", rec.offset)
                            continue
                        ts = getattr(rec, "timestamp", None)
                        at = datetime.fromtimestamp(ts / 1000, UTC) if isinstance(ts, int) and ts > 0 else None
                        self.deliver(update, at)
        finally:
            with contextlib.suppress(Exception):
                self.consumer.close()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout)


class BoardServer:
    """The board in a background thread (own event loop), optionally fed from Kafka.

    ``BoardServer(settings).start()`` reads ``story-updates`` of ``settings``; without settings the board is
    fed by :meth:`add` (tests). ``port=0`` picks a free port; :attr:`url` says where it listens.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        *,
        max_versions: int = MAX_VERSIONS,
    ) -> None:
        self.settings = settings
        self.host = host
        self.port = port
        source = f"{settings.topic(STORY_UPDATES)} on {settings.bootstrap_servers}" if settings else "no Kafka feed"
        self.hub = StoryBoardHub(BoardState(max_versions=max_versions), source=source)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._feed: StoryUpdateFeed | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            raise BoardError(
                f"cannot listen on {self.host}:{self.port} ({exc.strerror or exc}); pick another port with --port"
            ) from exc
        sock.listen(128)
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        return sock

    def start(self, timeout: float = 15.0) -> BoardServer:
        consumer = None
        if self.settings is not None:
            consumer = make_consumer(self.settings, STORY_UPDATES, timeout_ms=300)  # raises KafkaUnavailable
        try:
            sock = self._bind()
        except BoardError:
            if consumer is not None:
                consumer.close()
            raise
        self._thread = threading.Thread(target=self._run, args=(sock,), name="storywire-board", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout) or self._error is not None:
            raise BoardError(f"the board did not start: {self._error or 'timed out'}")
        if consumer is not None:
            loop = self._loop
            assert loop is not None

            def deliver(update: StoryUpdate, at: datetime | None) -> None:
                loop.call_soon_threadsafe(self.hub.add, update, at)

            self._feed = StoryUpdateFeed(consumer, deliver)
            self._feed.start()
        return self

    def _run(self, sock: socket.socket) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(sock))
        except BaseException as exc:  # reported to start() or logged
            self._error = exc
            self._ready.set()
            log.exception("board stopped with an error")
        finally:
            loop.close()

    async def _serve(self, sock: socket.socket) -> None:
        self._stopping = asyncio.Event()
        runner = web.AppRunner(create_app(self.hub), access_log=None)
        await runner.setup()
        site = web.SockSite(runner, sock, shutdown_timeout=2.0)
        await site.start()
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            self.hub.close_subscribers()
            await asyncio.sleep(0.05)  # let the /events handlers see the end of their streams
            await runner.cleanup()

    def add(self, update: StoryUpdate, at: datetime | None = None) -> None:
        """Feed one update from any thread (what the Kafka feed does)."""
        if self._loop is None:
            raise BoardError("the board is not running")
        self._loop.call_soon_threadsafe(self.hub.add, update, at)

    def call(self, fn: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Run ``fn`` on the board's event loop and return its result (to read the state safely)."""
        if self._loop is None:
            raise BoardError("the board is not running")

        async def wrapped() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(wrapped(), self._loop).result(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        if self._feed is not None:
            self._feed.stop()
            self._feed = None
        if self._loop is not None and self._stopping is not None and self.running:
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(timeout)

    def serve_forever(self) -> None:
        """Block until Ctrl-C (or the server thread ends)."""
        try:
            while self.running:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass

    def __enter__(self) -> BoardServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ---------------------------------------------------------------------------------------------------------------
# Static assets (served from memory; the script uses DOM APIs and textContent only)
# ---------------------------------------------------------------------------------------------------------------

BOARD_CSS = """
:root { --fg:#1d232b; --muted:#667085; --line:#e4e7ec; --bg:#f7f8fa; --card:#fff; --accent:#2155cd;
        --warn:#b42318; --warnbg:#fee4e2; --flash:#fff1b8; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color:var(--fg); background:var(--bg); }
a { color:var(--accent); text-decoration:none; } a:hover { text-decoration:underline; }
header.top { display:flex; gap:14px; align-items:baseline; padding:12px 20px; background:#111827; color:#e5e7eb; }
header.top a { color:#fff; } .brand { font-weight:700; font-size:17px; } .subtitle { color:#9ca3af; }
.count { color:#d1d5db; } .back { margin-left:8px; }
.status { margin-left:auto; font-size:12px; padding:2px 8px; border-radius:10px; background:#374151; }
.status.live { background:#065f46; color:#d1fae5; } .status.down { background:#7f1d1d; color:#fee2e2; }
main { padding:16px 20px; max-width:1400px; }
table.stories { width:100%; border-collapse:collapse; background:var(--card); border:1px solid var(--line); }
table.stories th { text-align:left; font-weight:600; color:var(--muted); font-size:12px; text-transform:uppercase;
                   letter-spacing:.03em; padding:8px 10px; border-bottom:1px solid var(--line); }
table.stories td { padding:9px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
tr.story.latest td:first-child { box-shadow: inset 3px 0 0 var(--accent); }
td.title a { font-weight:600; font-size:15px; }
td.title .changes { color:var(--muted); font-size:12px; margin-top:2px; }
td.version { white-space:nowrap; font-variant-numeric:tabular-nums; }
td.sources { white-space:nowrap; font-variant-numeric:tabular-nums; } td.sources b { font-size:15px; }
.chip { display:inline-block; padding:1px 7px; margin:1px 3px 1px 0; border-radius:9px; background:#eef2f6;
        font-size:12px; white-space:nowrap; }
.conflict-badge { display:inline-block; padding:1px 8px; border-radius:9px; background:var(--warnbg); color:var(--warn);
                  font-weight:600; font-size:12px; white-space:nowrap; }
td.changed { white-space:nowrap; } td.changed .newstime { color:var(--muted); font-size:12px; }
.empty { color:var(--muted); padding:20px; }
footer.foot { color:var(--muted); font-size:12px; padding:6px 20px 20px; }
@keyframes flash { from { background:var(--flash); } to { background:transparent; } }
tr.story.changed td, tr.story.new td, main.changed { animation: flash 4s ease-out; }
.bump { font-weight:700; color:#b54708; }
h1.story-title { margin:4px 0 6px; font-size:24px; }
.meta { color:var(--muted); margin-bottom:10px; } .meta .vnum { font-weight:700; color:var(--fg); margin-right:6px; }
.meta .outlets { margin:6px 0 2px; } .meta .times { font-size:12px; }
section { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:10px 16px; margin:14px 0; }
section h2 { font-size:15px; margin:4px 0 8px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
ol.summary li { margin:4px 0; } .cites { margin-left:4px; }
a.cite, span.cite { font-size:12px; background:#eef4ff; border-radius:8px; padding:0 6px; margin-right:3px;
                    white-space:nowrap; }
table.events { width:100%; border-collapse:collapse; } table.events th { text-align:left; color:var(--muted);
  font-size:12px; font-weight:600; padding:4px 6px; border-bottom:1px solid var(--line); }
table.events td { padding:6px; border-bottom:1px solid var(--line); vertical-align:top; }
.etype { font-weight:700; } .trigger { color:var(--muted); font-size:12px; }
.key { color:var(--muted); font-size:12px; }
ul.kv { list-style:none; margin:0; padding:0; }
.conflict { border:1px solid #fecdca; border-radius:6px; padding:8px 12px; margin:8px 0; background:#fffbfa; }
.conflict h3 { margin:0 0 8px; font-size:14px; } .conflict .attr { color:var(--warn); }
.conflict .of { color:var(--muted); font-weight:400; }
.sides { display:flex; gap:12px; flex-wrap:wrap; }
.side { flex:1 1 200px; background:#fff; border:1px solid var(--line); border-radius:6px; padding:8px 10px; }
.side .value { font-size:18px; font-weight:700; margin-bottom:4px; } .side-count { color:var(--muted); font-size:12px; }
ol.timeline { list-style:none; padding-left:0; margin:0; }
ol.timeline li.version { border-left:3px solid var(--line); padding:2px 0 6px 12px; margin-left:4px; }
ol.timeline li.version:first-child { border-left-color:var(--accent); }
.vhead .vnum { font-weight:700; } .vmeta { color:var(--muted); font-size:12px; }
ul.changes { margin:2px 0 0; padding-left:18px; }
ul.articles li, ul.entities li { margin:3px 0; } .outlet { font-weight:600; margin-right:4px; }
.when, .copy, .label, .n { color:var(--muted); font-size:12px; }
ul.entities { columns:3; } .notice { background:var(--flash); padding:4px 10px; border-radius:4px; }
.none { color:var(--muted); }
"""

BOARD_JS = r"""
"use strict";
(function () {
  // Every value from the stream is put into the page with textContent / text nodes, never parsed as HTML.
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function ago(iso) {
    if (!iso) return "";
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 5) return "just now";
    if (s < 60) return s + " s ago";
    const m = Math.round(s / 60);
    if (m < 60) return m + " min ago";
    const h = Math.round(m / 60);
    return h < 48 ? h + " h ago" : Math.round(h / 24) + " d ago";
  }
  function setStatus(text, cls) {
    const status = document.getElementById("status");
    if (!status) return;
    status.textContent = text;
    status.className = "status " + (cls || "");
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // ---- the board (/) ----
  function boardPage() {
    const tbody = document.getElementById("rows");
    const rows = new Map(); // story_id -> {tr, card}
    function row(card) {
      const tr = el("tr", "story");
      tr.dataset.storyId = card.story_id;
      tr.dataset.version = String(card.version);
      tr.dataset.seq = String(card.seq);
      tr.dataset.at = String(card.at_ms);
      tr.dataset.articles = String(card.article_count);
      tr.dataset.independent = String(card.independent_source_count);
      tr.dataset.conflicts = String(card.conflict_count);
      const title = el("td", "title");
      const link = el("a", "story-link", card.title);
      link.href = card.url;
      title.append(link, el("div", "changes", "v" + card.version + ": " + card.changes.join(" · ")));
      const version = el("td", "version", "v" + card.version);
      const sources = el("td", "sources");
      sources.append(el("b", "articles", card.article_count),
                     card.article_count === 1 ? " article / " : " articles / ",
                     el("b", "independent", card.independent_source_count), " independent");
      const outlets = el("td", "outlets");
      for (const o of card.outlets) outlets.append(el("span", "chip", o));
      const conflicts = el("td", "conflicts");
      if (card.conflict_count > 0) {
        conflicts.append(el("span", "conflict-badge", plural(card.conflict_count, "conflict")));
      }
      const changed = el("td", "changed");
      const when = el("time", "ago", ago(card.at));
      when.dateTime = card.at || "";
      when.title = "published to story-updates at " + (card.at || "");
      changed.append(when, el("div", "newstime", card.news_time_text ? "news time " + card.news_time_text : ""));
      tr.append(title, version, sources, outlets, conflicts, changed);
      return tr;
    }
    function newer(a, b) {  // is row a a newer change than row b? (timestamp, then board order)
      const at = Number(a.dataset.at), bt = Number(b.dataset.at);
      return at !== bt ? at > bt : Number(a.dataset.seq) > Number(b.dataset.seq);
    }
    function place(tr) {
      for (const other of tbody.children) {
        if (newer(tr, other)) { tbody.insertBefore(tr, other); return; }
      }
      tbody.append(tr);
    }
    function bump(tr, cls, differs) {
      const cell = differs ? tr.querySelector(cls) : null;
      if (cell) cell.classList.add("bump");
    }
    function upsert(card) {
      const known = rows.get(card.story_id);
      if (known && known.card.version >= card.version) return;
      const tr = row(card);
      if (known) known.tr.remove();
      place(tr);
      rows.set(card.story_id, { tr: tr, card: card });
      if (known || !card.snapshot) {
        tr.classList.add(known ? "changed" : "new");
        if (known) {
          const old = known.card;
          bump(tr, "td.version", true);
          bump(tr, "td.sources", old.article_count !== card.article_count ||
               old.independent_source_count !== card.independent_source_count);
          bump(tr, "td.conflicts", old.conflict_count !== card.conflict_count);
          bump(tr, "td.outlets", old.outlets.length !== card.outlets.length);
        }
      }
      for (const other of tbody.querySelectorAll("tr.latest")) other.classList.remove("latest");
      if (tbody.firstElementChild) tbody.firstElementChild.classList.add("latest");
      document.getElementById("count").textContent = rows.size + (rows.size === 1 ? " story" : " stories");
      document.getElementById("empty").hidden = rows.size > 0;
    }
    setInterval(function () {
      for (const t of tbody.querySelectorAll("time.ago")) t.textContent = ago(t.dateTime);
    }, 5000);
    const source = new EventSource("/events");
    source.addEventListener("story", function (ev) { upsert(JSON.parse(ev.data)); });
    source.addEventListener("ready", function () {
      setStatus("live", "live");
      document.getElementById("empty").hidden = rows.size > 0;
    });
    source.onerror = function () { setStatus("reconnecting…", "down"); };
  }

  // ---- one story (/stories/{id}): fetch the server-rendered (escaped) page again when a new version arrives ----
  function storyPage() {
    const id = document.body.dataset.storyId;
    let busy = false;
    let wanted = 0;
    function shown() {
      const current = document.getElementById("story");
      return current ? Number(current.dataset.version) : 0;
    }
    async function swap() {
      const resp = await fetch(window.location.pathname, { cache: "no-store" });
      if (!resp.ok) return;
      const doc = new DOMParser().parseFromString(await resp.text(), "text/html");  // inert: no scripts run
      const fresh = doc.getElementById("story");
      const current = document.getElementById("story");
      if (!fresh || !current || Number(fresh.dataset.version) <= shown()) return;
      const node = document.adoptNode(fresh);
      current.replaceWith(node);
      node.classList.add("changed");
      const notice = document.getElementById("notice");
      if (notice) { notice.textContent = "Updated live to v" + node.dataset.version + "."; notice.hidden = false; }
      document.title = doc.title;
    }
    async function refresh(version) {
      wanted = Math.max(wanted, version);
      if (busy) return;
      busy = true;
      try {
        while (shown() < wanted) {
          const before = shown();
          await swap();
          if (shown() === before) break;
        }
      } finally {
        busy = false;
      }
    }
    const source = new EventSource("/events?story=" + encodeURIComponent(id));
    source.addEventListener("story", function (ev) {
      const card = JSON.parse(ev.data);
      const current = document.getElementById("story");
      if (card.story_id === id && current && card.version > Number(current.dataset.version)) refresh(card.version);
    });
    source.addEventListener("ready", function () { setStatus("live", "live"); });
    source.onerror = function () { setStatus("reconnecting…", "down"); };
  }

  document.addEventListener("DOMContentLoaded", function () {
    const page = document.body.dataset.page;
    if (page === "board") boardPage();
    else if (page === "story") storyPage();
    else setStatus("", "");
  });
})();
"""

_ASSETS: dict[str, tuple[str, str]] = {
    "board.css": (BOARD_CSS, "text/css"),
    "board.js": (BOARD_JS, "application/javascript"),
}
