"""The story board's state: the latest version of every story, a bounded history of each, newest change first.

:class:`BoardState` keeps the versions; :class:`StoryBoardHub` owns it together with the browsers listening on
``/events`` and hands each of them a :func:`story_card` (the board row of a story as JSON) when a story changes.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from schemas import Participant, StoryFacts, StoryUpdate
from streams.board.terminal import outlet_name, plural

__all__ = [
    "MAX_STORIES",
    "MAX_VERSIONS",
    "BoardState",
    "SeenVersion",
    "StoryBoardHub",
    "change_summary",
    "facts_summary",
    "fmt_time",
    "participant_text",
    "story_card",
    "story_path",
]

MAX_VERSIONS = 100  # versions kept per story (the timeline)
MAX_STORIES = 5000  # stories kept; the least recently changed one is dropped beyond this


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
# Small formatting helpers (the board row here; the pages in streams/board/render.py use them too)
# ---------------------------------------------------------------------------------------------------------------


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


def facts_summary(facts: StoryFacts) -> str:
    """The story's facts in one line: what, where, when, how many dead and hurt ("" when nothing is known)."""
    parts: list[str] = []
    if facts.type:
        parts.append(facts.type)
    place = facts.place
    if place is not None:
        where = ", ".join(dict.fromkeys(p for p in (place.city or place.name, place.region or place.country) if p))
        if where:
            parts.append(where)
    if facts.date:
        parts.append(facts.date)
    counts = [f"{n} {word}" for n, word in ((facts.killed, "killed"), (facts.injured, "injured")) if n is not None]
    if counts:
        parts.append(", ".join(counts))
    return " · ".join(parts)


def participant_text(person: Participant) -> str:
    """A participant for people to read: "Jane Doe (23, victim, killed)"."""
    details = ", ".join(x for x in (str(person.age) if person.age else "", person.role or "", person.status or "") if x)
    return f"{person.name} ({details})"


def change_summary(update: StoryUpdate) -> list[str]:
    """Short phrases for what a version adds (``changes``), e.g. ``new outlet: Valley Herald``."""
    c = update.changes
    if update.version == 1:
        return ["first report"]
    out: list[str] = []
    if c.new_articles:
        out.append("+" + plural(len(c.new_articles), "article"))
    if c.new_sources:
        names = ", ".join(outlet_name(o) for o in c.new_sources)
        out.append(("new outlet: " if len(c.new_sources) == 1 else "new outlets: ") + names)
    if c.new_events:
        out.append("+" + plural(len(c.new_events), "event"))
    if c.new_conflicts:
        out.append("+" + plural(len(c.new_conflicts), "conflict"))
    if c.changed_attributes:
        out.append(plural(len(c.changed_attributes), "changed attribute"))
    for d in c.developments:
        out.append(f"{d.field.removeprefix('participants.')}: {d.from_} → {d.to}")
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
        "outlets": [outlet_name(o) for o in u.outlets],
        "event_count": len(u.events),
        "conflict_count": len(u.conflicts),
        "facts": facts_summary(u.facts),
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
