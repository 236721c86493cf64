"""A big story stays bounded: its oldest articles folded into tallies, and its updates' lists capped (pure).

A story keeps its newest articles in full (the window, :class:`agents.story.settings.StorySettings`). Past the
window its oldest articles are folded, a batch at a time, into a :class:`Folded` record that the next step can
still match against and count from:

- the exact totals: articles, outlets, the outlets of originals (independent sources), first and last seen;
- the first reports' sources (the opening of the story's ``sources``) and the first article's title;
- each event's aggregate: a few of its reports (which new reports still merge with: the event keeps its id), its
  exact count of articles and the outlets that report it, its first article ids;
- the entities with their mention totals, and the holders of offices sources named;
- a pool of summary candidates with the number of articles that say each;
- the fact reports that decide the story's facts: the first ones (the date, the place) and the highest tolls;
- a digest of every folded article id, so that a redelivered old article is still a duplicate.

Stories within the window never fold, and their updates are the ones the whole-story build gives. The update's
lists are capped (:func:`cap_update`) with the totals beside them, for every story.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TypeVar

import numpy
from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process
from spacy.lang.en.stop_words import STOP_WORDS

from agents.story.merge import Report, entity_id_map, merge_entities, merge_events
from agents.story.settings import StorySettings
from schemas import (
    ArticleFacts,
    Conflict,
    Entity,
    EventFrame,
    StoredArticle,
    StoryEvent,
    StorySource,
    StoryUpdate,
    SummarySentence,
    Truncated,
)

__all__ = [
    "FactReportRecord",
    "Folded",
    "FoldedEvent",
    "FoldedSentence",
    "SampleReport",
    "cap_update",
    "combine_folded",
    "content_words",
    "count_folded_events",
    "fold_articles_into",
    "story_order",
    "summary_candidate",
    "to_fold",
    "union_folded",
    "was_folded",
    "with_folded",
]


class SampleReport(BaseModel):
    """One report of a folded event, kept so that new reports of the event still merge with it."""

    model_config = ConfigDict(frozen=True)

    article_id: str
    source: str
    frame: EventFrame

    def report(self) -> Report:
        return (self.article_id, self.source, self.frame)


class FoldedEvent(BaseModel):
    """A folded event: its published id, a few reports, and its exact totals over the folded articles."""

    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    samples: list[SampleReport]
    article_count: int
    first_ids: list[str]  # its first folded article ids
    outlets: list[int]  # indexes into Folded.outlets
    unknown: int = 0  # folded articles of it without a named outlet (each its own: ``unknown:<id>``)


class FoldedSentence(BaseModel):
    """A summary candidate of folded articles and how many articles say it."""

    model_config = ConfigDict(frozen=True)

    text: str
    position: int
    article_count: int
    article_ids: list[str]  # the first of them
    outlets: list[int]


class FactReportRecord(BaseModel):
    """One article's account of the incident (:data:`agents.story.facts.FactReport`), as the fold keeps it."""

    model_config = ConfigDict(frozen=True)

    article_id: str
    source: str
    published: datetime | None
    facts: ArticleFacts


class Folded(BaseModel):
    """What a story keeps of the articles that left its window (see the module's docstring)."""

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    article_count: int = 0
    outlets: list[str] = Field(default_factory=list)  # every outlet of a folded article, first seen first
    original_outlets: list[int] = Field(default_factory=list)  # outlets of folded originals (not wire copies)
    # Folded articles without a named outlet: each is its own source (``unknown:<id>``), counted, not listed.
    unknown_outlets: int = 0
    unknown_originals: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    title: str = ""  # the story's first article's
    first_sources: list[StorySource] = Field(default_factory=list)
    events: list[FoldedEvent] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    offices: list[tuple[str, str, str, str]] = Field(default_factory=list)  # (article id, outlet, name, role)
    sentences: list[FoldedSentence] = Field(default_factory=list)
    fact_reports: list[FactReportRecord] = Field(default_factory=list)

    def outlet_names(self, indexes: Iterable[int]) -> set[str]:
        return {self.outlets[i] for i in indexes}

    def role_reports(self) -> list[tuple[str, str, list[Entity]]]:
        """The offices named in folded articles, as :func:`agents.story.merge.role_conflicts` reads reports."""
        return [
            (aid, outlet, [Entity(id=f"person:{name}", name=name, label="PERSON", roles=[role])])
            for aid, outlet, name, role in self.offices
        ]


_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
# A summary line must end as a sentence does; datelines ("MILLBROOK, Vermont (Coastal Wire Service) —"), bylines,
# date lines ("Friday, November 11, 2011") and subheads that the sentence splitter cut off do not.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def content_words(text: str) -> set[str]:
    """The words of a sentence that say what it is about (no stop words, at least three letters), lowercased."""
    return {w.lower() for w in _WORD.findall(text) if w.lower() not in STOP_WORDS and len(w) > 2}


def summary_candidate(sentence: str, words: set[str]) -> bool:
    """Whether a sentence (with its :func:`content_words`) may be a summary line."""
    return len(words) >= 4 and len(sentence) <= 400 and _SENTENCE_END.search(sentence) is not None


def _digest(article_id: str) -> bytes:
    return hashlib.blake2b(article_id.encode(), digest_size=8).digest()


def with_folded(digests: bytes, article_ids: Iterable[str]) -> bytes:
    """The 8-byte digests of the folded article ids (``digests``, oldest first) with ``article_ids`` added: the
    newest ``FOLDED_IDS_KEPT`` (~11 bytes each in the changelog), so that a redelivered article, which comes back
    from the uncommitted offsets, is still known long after it was folded (:func:`was_folded`)."""
    new = b"".join(_digest(i) for i in sorted(article_ids))
    return (digests + new)[-8 * FOLDED_IDS_KEPT :]


def union_folded(mine: bytes, theirs: bytes) -> bytes:
    """The digests of two stories' folded articles (:func:`with_folded`), together (theirs first: ours are newer
    here), each once."""
    both = numpy.concatenate([numpy.frombuffer(theirs, dtype=">u8"), numpy.frombuffer(mine, dtype=">u8")])
    _, first = numpy.unique(both, return_index=True)
    return both[numpy.sort(first)].astype(">u8").tobytes()[-8 * FOLDED_IDS_KEPT :]


def was_folded(digests: bytes, article_id: str) -> bool:
    """Whether ``article_id`` is among the folded ones :func:`with_folded` keeps (a digest collision, one in 2**64
    per pair, would take a new article for an old one)."""
    if not digests:
        return False
    probe = numpy.frombuffer(_digest(article_id), dtype=">u8")[0]
    return bool((numpy.frombuffer(digests, dtype=">u8") == probe).any())


def story_order(a: StoredArticle) -> tuple[str, str]:
    """A story's order of its articles: when seen, then by id."""
    return (a.seen_at.isoformat() if a.seen_at else "", a.article_id)


def to_fold(articles: Iterable[StoredArticle], settings: StorySettings) -> list[StoredArticle]:
    """The articles to fold now: none while the story is within its window; past it, the oldest down to
    ``window_articles - fold_batch``, and any more than ``window_days`` older than the newest."""
    ordered = sorted(articles, key=story_order)
    if len(ordered) <= settings.window_articles:
        return []
    keep = max(1, settings.window_articles - settings.fold_batch)
    out = ordered[: len(ordered) - keep]
    newest = max((a.seen_at for a in ordered if a.seen_at), default=None)
    if newest is not None:
        for a in ordered[len(out) : -1]:
            if a.seen_at is not None and (newest - a.seen_at).total_seconds() > settings.window_days * 86400:
                out.append(a)
    return out


FOLDED_IDS_KEPT = 10_000  # folded article ids a story remembers (the newest)
_UNKNOWN = "unknown:"  # the outlet of an article with neither source nor URL (schemas.article.Article.outlet)
_T = TypeVar("_T")  # the items of a capped list (_ends)


def _outlet_index(folded: Folded, outlet: str) -> int:
    """The outlet's index in the folded outlets (added if new); -1 for an unnamed one (counted, not listed)."""
    if outlet.startswith(_UNKNOWN):
        return -1
    try:
        return folded.outlets.index(outlet)
    except ValueError:
        folded.outlets.append(outlet)
        return len(folded.outlets) - 1


def fold_articles_into(
    folded: Folded | None,
    leaving: Sequence[StoredArticle],
    view: StoryUpdate,
    settings: StorySettings,
) -> Folded:
    """``folded`` with the ``leaving`` articles folded in. ``view`` is the story's version built with them (its
    events' published ids, its sources' wire-copy marks and its title)."""
    out = Folded(title=view.title)
    if folded is not None:  # a copy whose lists are new (the old record may be shared: it is not changed)
        out = folded.model_copy(
            update={name: list(getattr(folded, name)) for name in ("outlets", "original_outlets", "first_sources")}
        )
    if folded is None and view.sources:
        out.title = next((a.title for a in leaving if a.article_id == view.sources[0].article_id), view.title)
    ordered = sorted(leaving, key=story_order)
    copy_of = {s.article_id: s.copy_of for s in view.sources}
    for a in ordered:
        index = _outlet_index(out, a.source)
        original = not copy_of.get(a.article_id)
        if index < 0:
            out.unknown_outlets += 1
            out.unknown_originals += original
        elif original and index not in out.original_outlets:
            out.original_outlets.append(index)
        if len(out.first_sources) < settings.max_sources // 2:
            out.first_sources.append(next(s for s in view.sources if s.article_id == a.article_id))
    out.article_count += len(ordered)
    times = [a.seen_at for a in ordered if a.seen_at] + [t for t in (out.first_seen, out.last_seen) if t]
    out.first_seen, out.last_seen = (min(times), max(times)) if times else (None, None)
    entity_lists = [out.entities, *(a.entities for a in ordered)]
    entity_ids = entity_id_map(entity_lists)
    out.events = _fold_events(out, ordered, view, entity_ids, settings)
    out.entities = _top_entities(entity_lists, entity_ids, settings)
    out.offices = _fold_offices(out.offices, ordered)
    out.sentences = _fold_sentences(out, ordered, copy_of, settings)
    out.fact_reports = _fold_facts(out.fact_reports, ordered, settings)
    return out


def _fold_events(
    out: Folded,
    leaving: Sequence[StoredArticle],
    view: StoryUpdate,
    entity_ids: Mapping[str, str],
    settings: StorySettings,
) -> list[FoldedEvent]:
    """The folded events with the leaving articles' reports counted in: each report goes to the folded event it
    merges with (by the story's own merge), or starts one under the id the story published for it."""
    reports: list[Report] = [s.report() for e in out.events for s in e.samples]
    reports += [(a.article_id, a.source, f) for a in leaving for f in a.events]
    grouped: dict[str, list[Report]] = {}
    merge_events(reports, entity_ids=entity_ids, grouped=grouped)
    owner = {(s.article_id, s.frame.start, s.frame.trigger): e for e in out.events for s in e.samples[:1]}
    leaving_ids = {a.article_id for a in leaving}
    published = [(e.id, e.type, set(e.article_ids)) for e in view.events]
    kept: dict[str, FoldedEvent] = {e.id: e for e in out.events}
    for fresh_id, members in sorted(grouped.items()):
        new_members = [m for m in members if m[0] in leaving_ids]
        if not new_members:
            continue
        ids = sorted({m[0] for m in new_members})
        mine = [owner[k] for k in ((m[0], m[2].start, m[2].trigger) for m in members) if k in owner]
        outlets = {i for i in (_outlet_index(out, m[1]) for m in new_members) if i >= 0}
        unknown = len({m[0] for m in new_members if m[1].startswith(_UNKNOWN)})
        if mine:
            base = kept[mine[0].id]
            samples = list(base.samples)
        else:
            kind = new_members[0][2].type
            shared = [(len(ids_ & set(ids)), eid) for eid, t, ids_ in published if t == kind and ids_ & set(ids)]
            event_id = max(shared, key=lambda s: (s[0], s[1]))[1] if shared else fresh_id
            base = FoldedEvent(id=event_id, type=kind, samples=[], article_count=0, first_ids=[], outlets=[])
            samples = []
        seen_values = {tuple(sorted(s.frame.attributes.items())) for s in samples}
        for aid, source, frame in sorted(new_members, key=lambda m: (-_richness(m[2]), m[0], m[2].start)):
            if len(samples) >= settings.folded_samples:
                break
            values = tuple(sorted(frame.attributes.items()))
            if not samples or values not in seen_values:  # a new value keeps its disagreement visible
                samples.append(SampleReport(article_id=aid, source=source, frame=frame))
                seen_values.add(values)
        kept[base.id] = base.model_copy(
            update={
                "samples": samples,
                "article_count": base.article_count + len(ids),
                "first_ids": (base.first_ids + ids)[: settings.max_event_refs],
                "outlets": sorted(set(base.outlets) | outlets),
                "unknown": base.unknown + unknown,
            }
        )
    ranked = sorted(kept.values(), key=lambda e: (-e.article_count, e.id))
    return ranked[: settings.folded_events]


def _richness(frame: EventFrame) -> int:
    return len({p for p in (*frame.actors, *frame.targets) if not p.startswith("np:")}) + len(frame.attributes)


_MAX_OFFICES = 40


def _fold_offices(
    offices: list[tuple[str, str, str, str]], leaving: Sequence[StoredArticle]
) -> list[tuple[str, str, str, str]]:
    """The first holders of each office named (enough to keep a disagreement about who holds it)."""
    out = list(offices)
    known = {(name, role) for _, _, name, role in out}
    for a in leaving:
        for e in a.entities:
            for role in e.roles:
                if (e.name, role) not in known and len(out) < _MAX_OFFICES:
                    out.append((a.article_id, a.source, e.name, role))
                    known.add((e.name, role))
    return out


def _fold_sentences(
    out: Folded, leaving: Sequence[StoredArticle], copy_of: Mapping[str, str | None], settings: StorySettings
) -> list[FoldedSentence]:
    pool = list(out.sentences)
    texts = [s.text for s in pool]
    for a in leaving:
        if copy_of.get(a.article_id):
            continue
        for idx, sent in enumerate(a.sentences):
            if not summary_candidate(sent, content_words(sent)):
                continue
            hit = process.extractOne(
                sent, texts, scorer=fuzz.token_set_ratio, score_cutoff=settings.sentence_merge_ratio
            )
            outlet = _outlet_index(out, a.source)
            if hit is not None:
                s = pool[hit[2]]
                pool[hit[2]] = s.model_copy(
                    update={
                        "article_count": s.article_count + 1,
                        "article_ids": ([*s.article_ids, a.article_id])[: settings.max_event_refs],
                        "outlets": sorted(set(s.outlets) | ({outlet} if outlet >= 0 else set())),
                    }
                )
            else:
                pool.append(
                    FoldedSentence(
                        text=sent,
                        position=idx,
                        article_count=1,
                        article_ids=[a.article_id],
                        outlets=[outlet] if outlet >= 0 else [],
                    )
                )
                texts.append(sent)
    return _top_sentences(pool, settings)


def _top_sentences(pool: list[FoldedSentence], settings: StorySettings) -> list[FoldedSentence]:
    """The ``folded_sentences`` candidates most articles say (the earliest first among equals), in pool order."""
    keep = sorted(range(len(pool)), key=lambda i: (-pool[i].article_count, pool[i].position, i))
    return [pool[i] for i in sorted(keep[: settings.folded_sentences])]


def _top_entities(lists: list[list[Entity]], entity_ids: Mapping[str, str], settings: StorySettings) -> list[Entity]:
    """The story entities of ``lists`` with their mention totals, the ``folded_entities`` most mentioned."""
    return [
        Entity(id=e.id, name=e.name, label=e.label, mentions=e.mentions, aliases=e.aliases[:10])
        for e in merge_entities(lists, id_map=entity_ids)[: settings.folded_entities]
    ]


def _fold_facts(
    reports: list[FactReportRecord], leaving: Sequence[StoredArticle], settings: StorySettings
) -> list[FactReportRecord]:
    """The fact reports that decide the story's facts: the first ones (its date, type and place) and those with the
    highest tolls, the newest first among equals (the toll and the wounded with it)."""
    every = reports + [
        FactReportRecord(article_id=a.article_id, source=a.source, published=a.published or a.seen_at, facts=a.facts)
        for a in leaving
        if a.facts.type is not None
    ]
    return _deciding_reports(every, settings)


def _deciding_reports(every: list[FactReportRecord], settings: StorySettings) -> list[FactReportRecord]:
    if len(every) <= settings.folded_fact_reports:
        return every
    half = settings.folded_fact_reports // 2
    rest = sorted(
        range(half, len(every)),
        key=lambda i: (-(every[i].facts.killed or 0), every[i].facts.injured is None, -i),
    )[: settings.folded_fact_reports - half]
    return [every[i] for i in sorted([*range(half), *rest])]


def combine_folded(mine: Folded | None, theirs: Folded, settings: StorySettings) -> Folded:
    """A story's folded tallies with those of a story merged into it (its articles that had left its window): the
    totals add up, the lists are joined and bounded again as a fold bounds them."""
    if mine is None:
        return theirs
    out = mine.model_copy(update={name: list(getattr(mine, name)) for name in ("outlets", "original_outlets")})
    moved = [_outlet_index(out, name) for name in theirs.outlets]  # their outlet index -> ours

    def ours(indexes: Iterable[int]) -> list[int]:
        return sorted({moved[i] for i in indexes})

    out.original_outlets = sorted(set(out.original_outlets) | set(ours(theirs.original_outlets)))
    out.article_count = mine.article_count + theirs.article_count
    out.unknown_outlets = mine.unknown_outlets + theirs.unknown_outlets
    out.unknown_originals = mine.unknown_originals + theirs.unknown_originals
    times = [t for t in (mine.first_seen, mine.last_seen, theirs.first_seen, theirs.last_seen) if t is not None]
    out.first_seen, out.last_seen = (min(times), max(times)) if times else (None, None)
    if theirs.first_seen is not None and (mine.first_seen is None or theirs.first_seen < mine.first_seen):
        out.title = theirs.title
    by_time = sorted(
        [*mine.first_sources, *theirs.first_sources], key=lambda s: (s.published is None, s.published, s.article_id)
    )
    out.first_sources = by_time[: settings.max_sources // 2]
    events = {e.id: e for e in mine.events}
    for e in theirs.events:
        e = e.model_copy(update={"outlets": ours(e.outlets)})
        known = events.get(e.id)
        events[e.id] = e if known is None else known.model_copy(
            update={
                "article_count": known.article_count + e.article_count,
                "first_ids": (known.first_ids + e.first_ids)[: settings.max_event_refs],
                "outlets": sorted(set(known.outlets) | set(e.outlets)),
                "unknown": known.unknown + e.unknown,
            }
        )  # fmt: skip
    out.events = sorted(events.values(), key=lambda e: (-e.article_count, e.id))[: settings.folded_events]
    lists = [mine.entities, theirs.entities]
    out.entities = _top_entities(lists, entity_id_map(lists), settings)
    out.offices = [*mine.offices, *(o for o in theirs.offices if o not in mine.offices)][:_MAX_OFFICES]
    pool = [*mine.sentences, *(c.model_copy(update={"outlets": ours(c.outlets)}) for c in theirs.sentences)]
    out.sentences = _top_sentences(pool, settings)
    reports = sorted(
        [*mine.fact_reports, *theirs.fact_reports], key=lambda r: (r.published is None, r.published, r.article_id)
    )
    out.fact_reports = _deciding_reports(reports, settings)
    return out


def count_folded_events(
    events: list[StoryEvent],
    conflicts: list[Conflict],
    grouped: Mapping[str, list[Report]],
    folded: Folded,
    window: Mapping[str, int],
) -> tuple[list[StoryEvent], list[Conflict]]:
    """The events merged from the window's reports and the folded events' samples, with the folded totals counted
    in: an event holding a folded event's first sample takes its id, its article count and its outlets; a folded
    event's other samples count nothing elsewhere (an event of samples alone is dropped). ``window``: the window's
    article ids in story order."""
    owner = {(s.article_id, s.frame.start, s.frame.trigger): e for e in folded.events for s in e.samples[:1]}
    out: list[StoryEvent] = []
    rename: dict[str, str] = {}
    for event in events:
        members = grouped[event.id]
        mine = list({id(e): e for e in (owner.get((m[0], m[2].start, m[2].trigger)) for m in members) if e}.values())
        live = sorted({m[0] for m in members if m[0] in window}, key=window.__getitem__)
        if not mine and not live:
            rename[event.id] = ""
            continue
        if not mine:
            if len(live) != len(event.article_ids):  # stray samples of events that live elsewhere: not counted
                live_sources = sorted({m[1] for m in members if m[0] in window})
                event = event.model_copy(update={"article_ids": sorted(live), "sources": live_sources})
            out.append(event)
            continue
        first = [i for e in mine for i in e.first_ids]
        outlets = folded.outlet_names(i for e in mine for i in e.outlets) | {m[1] for m in members if m[0] in window}
        article_ids = first + live
        total = sum(e.article_count for e in mine) + len(live)
        sources = len(outlets) + sum(e.unknown for e in mine)
        rename[event.id] = mine[0].id
        out.append(
            event.model_copy(
                update={
                    "id": mine[0].id,
                    "article_ids": article_ids,
                    "sources": sorted(outlets),
                    "article_total": total if total != len(article_ids) else None,
                    "source_total": sources if sources != len(outlets) else None,
                }
            )
        )
    kept = [
        c if c.event_id not in rename else c.model_copy(update={"event_id": rename[c.event_id]})
        for c in conflicts
        if rename.get(c.event_id, c.event_id) != "" or not c.event_id
    ]
    return out, kept


# --- caps -----------------------------------------------------------------------------------------------------


def _ends(items: list[_T], cap: int) -> list[_T]:
    """The first and the most recent of a list in story order, ``cap`` in all."""
    if len(items) <= cap:
        return items
    head = cap // 2
    return items[:head] + items[len(items) - (cap - head) :]


def cap_update(
    update: StoryUpdate, settings: StorySettings, changed: set[str], *, outlets: int | None = None
) -> StoryUpdate:
    """``update`` with its lists capped (settings ``max_*``), each capped list with its total beside it. An update
    within every cap is returned as it is. ``changed``: ids of the events this version changes (always listed);
    ``outlets``: the story's count of outlets, where the update does not list them all (folded unnamed ones)."""
    fields: dict[str, object] = {}
    totals: dict[str, int] = {}
    outlet_total = max(outlets or 0, len(update.outlets))
    if outlet_total > len(update.outlets) or len(update.outlets) > settings.max_outlets:
        named_first = sorted(update.outlets, key=lambda o: (o.startswith(_UNKNOWN), o))[: settings.max_outlets]
        fields["outlets"] = sorted(named_first)
        totals["outlets"] = outlet_total
    if len(update.sources) < update.article_count or len(update.sources) > settings.max_sources:
        fields["sources"] = _ends(update.sources, settings.max_sources)
        totals["sources"] = update.article_count
    events = list(update.events)
    if len(events) > settings.max_events:
        rank = sorted(events, key=lambda e: (e.id not in changed, -(e.article_total or len(e.article_ids)), e.id))
        keep = {e.id for e in rank[: max(settings.max_events, len(changed & {e.id for e in events}))]}
        events = [e for e in events if e.id in keep]
        totals["events"] = len(update.events)
    capped_events = [_cap_event(e, settings) for e in events]
    if capped_events != list(update.events):
        fields["events"] = capped_events
    if len(update.entities) > settings.max_entities:
        fields["entities"] = update.entities[: settings.max_entities]
        totals["entities"] = len(update.entities)
    shown = {e.id for e in events}
    conflicts = [c for c in update.conflicts if not c.event_id or c.event_id in shown]
    if len(conflicts) < len(update.conflicts):
        totals["conflicts"] = len(update.conflicts)
    capped_conflicts = [
        c.model_copy(update={"values": [_cap_side(v, settings) for v in c.values]})
        if any(
            len(v.sources) > settings.max_conflict_sources or len(v.article_ids) > settings.max_conflict_sources
            for v in c.values
        )
        else c
        for c in conflicts
    ]
    if capped_conflicts != list(update.conflicts):
        fields["conflicts"] = capped_conflicts
    summary = [_cap_sentence(s, settings) for s in update.summary]
    if summary != list(update.summary):
        fields["summary"] = summary
    if totals:
        fields["truncated"] = Truncated(**totals)
    return update.model_copy(update=fields) if fields else update


def _cap_event(e: StoryEvent, settings: StorySettings) -> StoryEvent:
    cap = settings.max_event_refs
    if len(e.article_ids) <= cap and len(e.sources) <= cap:
        return e
    return e.model_copy(
        update={
            "article_ids": _ends(e.article_ids, cap),
            "sources": e.sources[:cap],
            "article_total": e.article_total if e.article_total is not None else len(e.article_ids),
            "source_total": e.source_total if e.source_total is not None else len(e.sources),
        }
    )


def _cap_side(v: object, settings: StorySettings) -> object:
    from schemas import ConflictValue

    assert isinstance(v, ConflictValue)
    cap = settings.max_conflict_sources
    update: dict[str, object] = {}
    if len(v.sources) > cap:
        update.update(sources=v.sources[:cap], source_total=len(v.sources))
    if len(v.article_ids) > cap:
        update.update(article_ids=_ends(v.article_ids, cap), article_total=len(v.article_ids))
    return v.model_copy(update=update) if update else v


def _cap_sentence(s: SummarySentence, settings: StorySettings) -> SummarySentence:
    cap = settings.max_event_refs
    if len(s.article_ids) <= cap:
        return s
    return s.model_copy(update={"article_ids": _ends(s.article_ids, cap), "article_total": len(s.article_ids)})
