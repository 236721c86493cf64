"""Terminal rendering of story updates (rich), shared by ``tail`` and ``demo``."""

from __future__ import annotations

import re

from rich.table import Table
from rich.text import Text

from schemas import StoryUpdate

__all__ = ["StoryBoard", "display_names", "entity_name", "outlet_name", "plural"]

# Internal ids look like "np:vessel", "gpe:marion-county", "person:maria-okafor": a label, a colon, a slug.
_ENTITY_ID = re.compile(r"^(?P<label>[a-z_]+):(?P<slug>[\w-]*)$")
_NAMED = frozenset("person org gpe loc fac norp event product work_of_art law".split())


def entity_name(entity_id: str) -> str:
    """A readable name for an internal id the story does not name: ``np:vessel`` → ``vessel``,
    ``gpe:marion-county`` → ``Marion County``; anything that is not such an id comes back as it is."""
    m = _ENTITY_ID.match(entity_id)
    if m is None:
        return entity_id
    words = m.group("slug").replace("_", " ").replace("-", " ").split()
    if not words:
        return "(unnamed)"
    if m.group("label") in _NAMED:
        return " ".join(w if w.isupper() else w.capitalize() for w in words)
    return " ".join(words)


def display_names(update: StoryUpdate) -> dict[str, str]:
    """Every participant and entity id of a story → the name a person reads (the story's entities, then each
    event's own names; ids named nowhere get :func:`entity_name`)."""
    names: dict[str, str] = {}
    for ev in update.events:
        for pid in (*ev.actors, *ev.targets, *([ev.where] if ev.where else [])):
            names[pid] = entity_name(pid)
        names.update({k: v for k, v in ev.names.items() if v})
    names.update({x.id: x.name for x in update.entities if x.name})
    return names


def outlet_name(outlet: str) -> str:
    """How a source is named to a person: an outlet without a name (``unknown:<article id>``, from before ingest
    named sources by their file) is named by what follows the prefix."""
    return outlet.removeprefix("unknown:") if outlet.startswith("unknown:") else outlet


def plural(n: int, word: str) -> str:
    """``1 article``, ``2 articles``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class StoryBoard:
    """Latest version of every story seen so far, rendered as a table (newest change first)."""

    def __init__(self) -> None:
        self.latest: dict[str, StoryUpdate] = {}
        self.order: dict[str, int] = {}
        self.merged: dict[str, str] = {}  # story id → the story it was folded into
        self._tick = 0

    def add(self, update: StoryUpdate) -> bool:
        """Keep ``update`` if it is newer than what we have; True when it changed the board."""
        known = self.latest.get(update.story_id)
        if known is not None and known.version >= update.version:
            return False
        if update.merged_into is not None:  # folded into another story: it lives on there
            self.latest.pop(update.story_id, None)
            self.order.pop(update.story_id, None)
            self.merged[update.story_id] = update.merged_into
            return True
        if update.story_id in self.merged:
            return False
        self.latest[update.story_id] = update
        self._tick += 1
        self.order[update.story_id] = self._tick
        return True

    def article_ids(self) -> set[str]:
        return {s.article_id for u in self.latest.values() for s in u.sources}

    def render(self, title: str = "storywire — stories") -> Table:
        table = Table(title=title, expand=True, show_lines=False)
        table.add_column("story", style="cyan", no_wrap=True)
        table.add_column("ver", justify="right")
        table.add_column("sources", justify="right", no_wrap=True)
        table.add_column("outlets")
        table.add_column("events", justify="right")
        table.add_column("conflicts", justify="right")
        table.add_column("title")
        newest = max(self.order.values(), default=0)
        for sid in sorted(self.latest, key=lambda s: -self.order[s]):
            u = self.latest[sid]
            style = "bold green" if self.order[sid] == newest else ""
            conflicts = Text(str(len(u.conflicts)), style="bold red" if u.conflicts else "dim")
            table.add_row(
                sid,
                str(u.version),
                f"{u.independent_source_count} ind / {u.article_count}",
                ", ".join(outlet_name(o) for o in u.outlets),
                str(len(u.events)),
                conflicts,
                Text(u.title, style=style),
            )
        return table
