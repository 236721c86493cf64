"""The HTML pages of the story board, rendered on the server with every value HTML-escaped.

The page skeletons are Jinja templates in ``streams/board/templates/`` (``layout.html``, extended by
``board.html``, ``story.html`` and ``missing.html``); the parts of the story page that repeat per sentence, event,
conflict, version, article and entity are built here with :func:`e`. Every ``{{ value }}`` of a template is escaped
like :func:`e` (``html.escape``, quotes included) rather than by MarkupSafe, which writes ``&#34;``/``&#39;``
for quotes: the pages stay byte for byte what the board has always served.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from schemas import StoryEvent, StorySource, StoryUpdate
from streams.board.state import (
    SeenVersion,
    StoryBoardHub,
    change_summary,
    facts_summary,
    fmt_time,
    participant_text,
    story_path,
)
from streams.board.terminal import display_names, entity_name, outlet_name, plural

__all__ = ["e", "render_board_page", "render_missing_page", "render_story_page", "safe_url"]


# ---------------------------------------------------------------------------------------------------------------
# Escaping
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


# ---------------------------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------------------------


def _escaped(value: object) -> object:
    """Jinja's ``finalize``: every ``{{ value }}`` is escaped by :func:`e` (already escaped markup is kept)."""
    return value if isinstance(value, Markup) else Markup(e(value))


_templates = Environment(
    loader=PackageLoader("streams.board", "templates"),
    autoescape=True,  # a safety net: _escaped() has escaped every value before it
    finalize=_escaped,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    auto_reload=False,
)
_templates.filters.update(
    fmt_time=fmt_time,
    plural=plural,
    story_path=story_path,
    url_segment=lambda s: quote(s, safe=""),
    outlet_name=outlet_name,
    facts_summary=facts_summary,
)


def render_board_page(hub: StoryBoardHub) -> str:
    """``/``: the table is filled (and kept live) by the script from ``/events``; a plain list without it."""
    stories = [s.update for s in hub.state.stories()]
    return _templates.get_template("board.html").render(stories=stories, source=hub.source)


def render_missing_page(story_id: str) -> str:
    """``/stories/{id}`` of a story the board does not have (served with status 404)."""
    return _templates.get_template("missing.html").render(story_id=story_id)


# ---------------------------------------------------------------------------------------------------------------
# The story page: its repeated parts, built with e()
# ---------------------------------------------------------------------------------------------------------------


def _sources_by_article(update: StoryUpdate) -> dict[str, StorySource]:
    return {s.article_id: s for s in update.sources}


def _article_link(article_id: str, by_id: dict[str, StorySource], label: str | None = None) -> str:
    """A citation: the article's URL when it has a safe one, else its entry in the article list of the page."""
    src = by_id.get(article_id)
    text = label or (outlet_name(src.source) if src and src.source else article_id)
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
    names = [outlet_name(o) for o in outlets if o]
    return '<span class="cites">' + " ".join(f'<span class="cite">{e(o)}</span>' for o in names) + "</span>"


def _event_label(ev: StoryEvent | None, event_id: str, names: dict[str, str] | None = None) -> str:
    """``fire (2026-03-10, Port Halloway)``: the event's type with what tells it apart from the others."""
    if ev is None:
        return event_id
    name = f"{ev.type} “{ev.trigger}”" if ev.trigger and ev.trigger != ev.type else ev.type
    where = _name(ev.where, names or {}) if ev.where else ev.attributes.get("city")
    detail = ", ".join(str(x) for x in (ev.when, where) if x)
    return f"{name} ({detail})" if detail else name


def _name(value: object, names: dict[str, str]) -> str:
    """The display name of a participant or place id (``np:vessel`` → ``vessel``); other values as they are."""
    text = "" if value is None else str(value)
    return names.get(text) or entity_name(text)


def _names(ids: Iterable[str], names: dict[str, str]) -> str:
    return ", ".join(_name(i, names) for i in ids)


def _facts_html(u: StoryUpdate) -> str:
    """The story's main event: what, when, where, the dead and hurt, and the people, as the newest reports say."""
    f = u.facts
    if f.type is None:
        return '<p class="none">No incident facts yet.</p>'
    place = f.place
    where = ", ".join(p for p in (place.name, place.city, place.region, place.country) if p) if place else ""
    where = ", ".join(dict.fromkeys(where.split(", "))) if where else ""

    def count(n: int | None) -> str:
        return "unknown" if n is None else str(n)

    rows = [
        ("what", f.type),
        ("when", f.date or "unknown"),
        ("where", where or "unknown"),
        ("killed", count(f.killed)),
        ("injured", count(f.injured)),
    ]
    people = ", ".join(e(participant_text(p)) for p in f.participants)
    cells = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows)
    if people:
        cells += f"<dt>people</dt><dd>{people}</dd>"
    cells += f"<dt>per</dt><dd>{e(', '.join(outlet_name(s) for s in f.sources))}</dd>"
    moved = "".join(
        f'<li>{e(d.field)}: {e(d.from_)} → {e(d.to)} <span class="cite">({e(outlet_name(d.source))})</span></li>'
        for d in u.changes.developments
    )
    developments = (
        f'<p class="developments-title">This version:</p><ul class="developments">{moved}</ul>' if moved else ""
    )
    return f'<dl class="facts">{cells}</dl>{developments}'


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
    story_names = display_names(u)
    rows = []
    for ev in u.events:
        names = {**story_names, **{k: v for k, v in ev.names.items() if v}}
        attrs = "".join(
            f'<li><span class="key">{e(k)}</span> <span class="val">{e(_name(v, names))}</span></li>'
            for k, v in ev.attributes.items()
        )
        where = _name(ev.where, names) if ev.where else ""
        who = []
        if ev.actors:
            who.append(f'<div><span class="key">who</span> {e(_names(ev.actors, names))}</div>')
        if ev.targets:
            who.append(f'<div><span class="key">to/at</span> {e(_names(ev.targets, names))}</div>')
        rows.append(
            f'<tr class="event" id="{e(ev.id)}"><td class="type"><span class="etype">{e(ev.type)}</span>'
            f'<div class="trigger">{e(ev.trigger)}</div></td>'
            f'<td class="what"><div class="desc">{e(ev.description)}</div>{"".join(who)}</td>'
            f'<td class="whenwhere"><div>{e(ev.when or "")}</div><div>{e(where)}</div></td>'
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
    names = display_names(u)
    blocks = []
    for c in u.conflicts:
        sides = "".join(
            f'<div class="side"><div class="value">{e(_name(v.value, names))}</div>'
            f'<div class="side-sources">{_citations(v.article_ids, v.sources, by_id)}</div>'
            f'<div class="side-count">{e(plural(len(v.sources) or len(v.article_ids), "source"))}</div></div>'
            for v in c.values
        )
        label = _event_label(events.get(c.event_id), c.event_id, names)
        blocks.append(
            f'<div class="conflict" data-attribute="{e(c.attribute)}" data-event="{e(c.event_id)}">'
            f'<h3><span class="attr">{e(c.attribute)}</span> <span class="of">in the '
            f'<a href="#{e(c.event_id)}">{e(label)}</a> event</span></h3>'
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
        outlet = outlet_name(s.source) or "unknown outlet"
        items.append(
            f'<li id="{e(_anchor(s.article_id))}"><span class="outlet">{e(outlet)}</span> '
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
        names_of = display_names(u)
        lines = []
        if c.new_articles:
            links = ", ".join(
                _article_link(a, by_id, f"{outlet_name(by_id[a].source)}: {by_id[a].title}" if a in by_id else a)
                for a in c.new_articles
            )
            lines.append(f'<li><span class="key">new articles</span> {links}</li>')
        if c.new_sources:
            outlets = ", ".join(outlet_name(o) for o in c.new_sources)
            lines.append(f'<li><span class="key">new outlets</span> {e(outlets)}</li>')
        if c.new_events:
            names = ", ".join(_event_label(events.get(i), i, names_of) for i in c.new_events)
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
    if not event_id:  # a story-level conflict (two names for one office)
        return f"{attribute.partition(':')[0]} (story)" if attribute else key
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
    # Markup: the helpers above have escaped every value they put into their HTML.
    return _templates.get_template("story.html").render(
        u=u,
        facts=Markup(_facts_html(u)),
        summary=Markup(_summary_html(u, by_id)),
        events=Markup(_events_html(u, by_id)),
        conflicts=Markup(_conflicts_html(u, by_id)),
        timeline=Markup(_timeline_html(versions)),
        articles=Markup(_sources_html(u)),
        entities=Markup(_entities_html(u)),
    )
