"""A very large story: its recent articles in full, the older ones folded into tallies, its messages capped (pure).

A story within ``StorySettings.window_articles`` and ``window_days`` is built from all its articles
(:func:`agents.story.state.build_story`), as it always was. Past the window, each step builds the story from a
:class:`FoldedStory` (what the older articles told, in tallies that the next step can still match against) and the
window's articles, and then folds the oldest articles of the window into the tallies:

- events: each folded event's aggregate (participants, places, dates, attribute values with their sources, counts
  and time span); a window report joins a folded event as it would join a cluster of its reports
  (:func:`agents.story.merge._cluster_reports` with the folded events as seeds), so a new report of an old event
  still merges into it, and its attribute values count;
- entities: per story entity, mentions per label and aliases; given to the entity grouping as one entity per label,
  so that mentions stay exact sums and new spellings still group with old names;
- summary: a bounded pool of sentence groups (the most cited) with their counts;
- facts: :class:`FactsTally`, the state of :func:`agents.story.facts.fold_facts` after the folded reports, so that
  the story's facts (and their developments) are exactly what fold_facts gives for reports that arrive in time
  order (a report published before the window's start counts as if published at it);
- sources: the first reports, the outlets, the outlets of originals, the most recent originals' fingerprints.

The message's lists are capped (:func:`cap_update`) with their totals beside them. What is approximate, and where:
docs/operations.md, "Very large stories".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process

from agents.extract.entities import names_match
from agents.story.facts import FactReport, Provenance, participant_key
from agents.story.merge import (
    _canonical_reports,
    _Cluster,
    _day,
    _event_id,
    _Member,
)
from agents.story.settings import StorySettings
from schemas import Conflict, StoredArticle, StorySource, SummarySentence
from schemas.extraction import Entity, EventFrame, Participant, Place
from schemas.story import AttributeValue, ConflictValue, StoryEvent, StoryFacts, StoryUpdate

__all__ = ["FactsTally", "FoldedStory", "cap_update"]


# --- tallies ---------------------------------------------------------------------------------------------------


class ValueTally(BaseModel):
    """One value of an attribute (or a date, a place, an office holder's name) and the reports that give it."""

    value: AttributeValue
    count: int = 0  # articles
    sources: list[str] = Field(default_factory=list)  # every outlet (sorted)
    article_ids: list[str] = Field(default_factory=list)  # the most recent (bounded)
    first: datetime | None = None  # earliest and latest publication of its reports
    last: datetime | None = None
    untimed: bool = False  # some report has no time


def _add_value(
    tallies: dict[AttributeValue, ValueTally],
    value: AttributeValue,
    aid: str,
    src: str,
    when: datetime | None,
    cap: int,
) -> None:
    t = tallies.get(value)
    if t is None:
        t = tallies[value] = ValueTally(value=value)
    t.count += 1
    if src not in t.sources:
        t.sources = sorted({*t.sources, src})
    t.article_ids = [*t.article_ids, aid][-cap:]
    if when is None:
        t.untimed = True
    else:
        t.first = when if t.first is None else min(t.first, when)
        t.last = when if t.last is None else max(t.last, when)


class EventTally(BaseModel):
    """A folded event: what its folded reports say, as counts."""

    id: str
    type: str
    key: str
    trigger: str
    description: str = ""
    article_count: int = 0
    article_ids: list[str] = Field(default_factory=list)  # the most recent
    sources: dict[str, int] = Field(default_factory=dict)  # outlet -> articles (every outlet)
    actors: dict[str, int] = Field(default_factory=dict)  # participant -> reports (the most reported)
    targets: dict[str, int] = Field(default_factory=dict)
    speakers: list[str] = Field(default_factory=list)
    names: dict[str, str] = Field(default_factory=dict)
    roles: dict[str, str] = Field(default_factory=dict)
    days: list[str] = Field(default_factory=list)
    cities: list[AttributeValue] = Field(default_factory=list)
    triggers: list[str] = Field(default_factory=list)
    attributes: dict[str, list[ValueTally]] = Field(default_factory=dict)
    whens: list[ValueTally] = Field(default_factory=list)
    wheres: list[ValueTally] = Field(default_factory=list)
    holders: dict[str, list[ValueTally]] = Field(default_factory=dict)  # office -> the names given


class EntityTally(BaseModel):
    id: str
    name: str
    labels: dict[str, int]  # label -> mentions
    aliases: list[str] = Field(default_factory=list)  # bounded

    @property
    def mentions(self) -> int:
        return sum(self.labels.values())


class SentenceTally(BaseModel):
    text: str
    words: list[str]
    position: int
    count: int  # articles that say it (originals)
    article_ids: list[str] = Field(default_factory=list)  # the most recent
    sources: list[str] = Field(default_factory=list)


class _Ranked(BaseModel):
    """Values in the order first reported, with counts (what ``_most_common`` / ``Counter.most_common`` read)."""

    counts: dict[str, int] = Field(default_factory=dict)

    def add(self, value: str) -> None:
        self.counts[value] = self.counts.get(value, 0) + 1

    def most_common(self) -> str | None:
        if not self.counts:
            return None
        best = max(self.counts.values())
        return next(v for v, c in self.counts.items() if c == best)  # ties: the first reported


class _PlaceStats(BaseModel):
    count: int = 0
    region: _Ranked = Field(default_factory=_Ranked)
    country: _Ranked = Field(default_factory=_Ranked)
    name: _Ranked = Field(default_factory=_Ranked)

    def add(self, p: Place) -> None:
        self.count += 1
        if p.region:
            self.region.add(p.region)
        if p.country:
            self.country.add(p.country)
        if p.name:
            self.name.add(p.name)


class _ParticipantTally(BaseModel):
    name: str
    ages: dict[int, int] = Field(default_factory=dict)
    roles: _Ranked = Field(default_factory=_Ranked)
    status: list[str] = Field(default_factory=list)
    reports: int = 0


class FactsTally(BaseModel):
    """:func:`agents.story.facts.fold_facts` as a running fold: add reports in time order, read the facts at any
    point. Exactly fold_facts' result for the same reports (tests/unit/agents/story/test_fold.py)."""

    n: int = 0  # reports added (with a type)
    types: _Ranked = Field(default_factory=_Ranked)
    date: str | None = None
    cities: dict[str, _PlaceStats] = Field(default_factory=dict)  # insertion order: first reported
    places: _PlaceStats = Field(default_factory=_PlaceStats)  # every place
    killed: int | None = None
    killed_from: tuple[str, str] | None = None
    # newest report giving the wounded, by the toll it gives ("" none), for tolls not below the highest
    injured_by_toll: dict[str, tuple[int, str, str, int]] = Field(default_factory=dict)
    injured_newest: tuple[int, str, str, int] | None = None
    participants: dict[str, _ParticipantTally] = Field(default_factory=dict)  # "surname|initial"
    provenance: dict[str, tuple[str, str]] = Field(default_factory=dict)  # participant:* entries
    latest: tuple[str, str, int] | None = None  # newest report that moved a fact forward
    sources: list[str] = Field(default_factory=list)
    max_participants: int = 200
    max_cities: int = 100

    def add(self, report: FactReport) -> None:
        aid, source, _, facts = report
        if facts.type is None:
            return
        pos = self.n
        self.n += 1
        self.types.add(facts.type)
        if facts.date and self.date is None:  # the date the first report gives
            self.date = facts.date
        if facts.place is not None:
            self.places.add(facts.place)
            if facts.place.city:
                stats = self.cities.get(facts.place.city)
                if stats is None:
                    if len(self.cities) >= self.max_cities:  # bounded: the least reported city leaves
                        del self.cities[min(self.cities, key=lambda c: self.cities[c].count)]
                    stats = self.cities[facts.place.city] = _PlaceStats()
                stats.add(facts.place)
        if facts.killed is not None and (self.killed is None or facts.killed > self.killed):
            if self.killed is not None:
                self.latest = (aid, source, pos)
            self.killed, self.killed_from = facts.killed, (aid, source)
            floor = self.killed
            self.injured_by_toll = {k: v for k, v in self.injured_by_toll.items() if k == "" or int(k) >= floor}
        if facts.injured is not None:
            entry = (facts.injured, aid, source, pos)
            self.injured_newest = entry
            if facts.killed is None or self.killed is None or facts.killed >= self.killed:
                self.injured_by_toll["" if facts.killed is None else str(facts.killed)] = entry
        self._participants(aid, source, pos, facts.participants)
        if source and source not in self.sources:
            self.sources.append(source)

    def _participants(self, aid: str, source: str, pos: int, participants: Sequence[Participant]) -> None:
        for p in participants:
            surname, initial = participant_key(p.name)
            key = f"{surname}|{initial}"
            if initial == "":
                key = next((k for k in self.participants if k.partition("|")[0] == surname), key)
            slot = self.participants.get(key)
            if slot is None:
                if len(self.participants) >= self.max_participants:  # bounded: the least reported leaves
                    gone = min(self.participants, key=lambda k: self.participants[k].reports)
                    del self.participants[gone]
                    self.provenance.pop(f"participant:{gone}", None)
                slot = self.participants[key] = _ParticipantTally(name=p.name)
            slot.reports += 1
            if (len(p.name.split()), len(p.name)) > (len(slot.name.split()), len(slot.name)):
                slot.name = p.name
            if p.age is not None:
                slot.ages[p.age] = slot.ages.get(p.age, 0) + 1
            if p.role:
                slot.roles.add(p.role)
            status = set(slot.status)
            before = set(status)
            for s in (p.status or "").split(", "):
                if s == "killed":
                    status.discard("injured")
                if s and not (s == "injured" and "killed" in status):
                    status.add(s)
            if before and status != before:
                self.provenance[f"participant:{key}"] = (aid, source)
                self.latest = (aid, source, pos)
            slot.status = [s for s in _STATUS_ORDER if s in status] + sorted(status - set(_STATUS_ORDER))

    def facts(self) -> tuple[StoryFacts, Provenance]:
        """The story's facts after the reports added, and their provenance (as :func:`fold_facts` gives them)."""
        if self.n == 0:
            return StoryFacts(), {}
        provenance: Provenance = {}
        if self.killed_from is not None:
            provenance["killed"] = self.killed_from
        candidates = [v for k, v in self.injured_by_toll.items() if k == "" or int(k) == self.killed]
        injured_entry = max(candidates, key=lambda v: v[3]) if candidates else self.injured_newest
        if injured_entry is not None:
            provenance["injured"] = (injured_entry[1], injured_entry[2])
        for key in self.participants:
            if (where := self.provenance.get(f"participant:{key}")) is not None:
                provenance[f"participant:{key}"] = where
        if self.latest is not None:
            provenance["latest"] = (self.latest[0], self.latest[1])
        participants = []
        for slot in self.participants.values():
            roles = slot.roles.counts
            age = max(slot.ages.items(), key=lambda kv: kv[1])[0] if slot.ages else None  # ties: first given
            role = "suspect" if "suspect" in roles else slot.roles.most_common()
            text = ", ".join(s for s in _STATUS_ORDER if s in slot.status) or None
            participants.append(Participant(name=slot.name, age=age, role=role, status=text))
        return (
            StoryFacts(
                type=self.types.most_common(),
                date=self.date,
                place=self._place(),
                killed=self.killed,
                injured=injured_entry[0] if injured_entry is not None else None,
                participants=participants,
                sources=list(self.sources),
            ),
            provenance,
        )

    def _place(self) -> Place | None:
        if self.places.count == 0:
            return None
        if self.cities:
            best = max(c.count for c in self.cities.values())
            city: str | None = next(k for k, c in self.cities.items() if c.count == best)
            chosen = self.cities[city or ""]
        else:
            city, chosen = None, self.places
        region = chosen.region.most_common() or self.places.region.most_common()
        return Place(name=chosen.name.most_common(), city=city, region=region, country=chosen.country.most_common())


_STATUS_ORDER = ("killed", "injured", "unharmed", "arrested")


class FoldedStory(BaseModel):
    """What a very large story keeps of its folded (older) articles: bounded whatever the story's size."""

    article_count: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    first_sources: list[StorySource] = Field(default_factory=list)  # the first reports
    outlets: list[str] = Field(default_factory=list)
    original_outlets: list[str] = Field(default_factory=list)  # outlets of originals (not wire copies)
    fingerprints: list[tuple[str, list[int]]] = Field(default_factory=list)  # the most recent originals'
    events: list[EventTally] = Field(default_factory=list)
    entities: list[EntityTally] = Field(default_factory=list)
    roles: dict[str, list[ValueTally]] = Field(default_factory=dict)  # office -> the names given
    sentences: list[SentenceTally] = Field(default_factory=list)
    facts: FactsTally = Field(default_factory=FactsTally)
    facts_until: datetime | None = None  # newest publication among the folded facts' reports
    seen: dict[str, str] = Field(default_factory=dict)  # folded article id -> content hash (the most recent)
    # The previous version as a whole (its lists were capped): what ``changes`` compares with.
    prev_events: dict[str, dict[str, AttributeValue]] = Field(default_factory=dict)
    prev_conflicts: dict[str, str] = Field(default_factory=dict)
    prev_outlets: list[str] = Field(default_factory=list)


# --- building a large story --------------------------------------------------------------------------------------


class Built:
    """One build of a large story: the message's content before capping, and what folding needs of it."""

    def __init__(self) -> None:
        self.events: list[StoryEvent] = []
        self.counts: dict[str, int] = {}  # event id -> articles
        self.touched: set[str] = set()  # events with reports in the window
        self.conflicts: list[Conflict] = []
        self.clusters: list[tuple[_Cluster, str]] = []
        self.rep: dict[str, str] = {}
        self.copy_of: dict[str, str | None] = {}
        self.groups: list[_Group] = []
        self.provenance: Provenance = {}
        self.outlets: list[str] = []


class _Group:
    def __init__(self, text: str, words: set[str], position: int, base: SentenceTally | None = None) -> None:
        self.text, self.words, self.position, self.base = text, words, position, base
        self.articles: list[str] = []  # window articles (story order)


def entity_lists(folded: FoldedStory) -> list[list[Entity]]:
    """The folded entities as the entity grouping and merge read them: one entity per label, with its mentions."""
    return [
        [
            Entity.model_construct(id=t.id, name=t.name, label=label, mentions=n, aliases=list(t.aliases), roles=[])
            for label, n in t.labels.items()
        ]
        for t in folded.entities
    ]


def seed_clusters(folded: FoldedStory, rep: Mapping[str, str]) -> list[_Cluster]:
    """The folded events as clusters the window's reports can join (participants mapped to today's ids)."""
    seeds = []
    for t in folded.events:

        def canon(p: str) -> str:
            return rep.get(p, p)

        c = _Cluster(t.type, t.key)
        actors = [canon(a) for a in t.actors]
        entities = {p for p in (*actors, *(canon(x) for x in t.targets)) if not p.startswith("np:")}
        c.seed_from(entities, (a for a in actors if not a.startswith("np:")), (canon(s) for s in t.speakers))
        c.roles.update({canon(k): v for k, v in t.roles.items()})
        c.days.update(d for d in (_day(x) for x in t.days) if d is not None)
        c.wheres.update(str(w.value) for w in t.wheres)
        c.cities.update(t.cities)
        c.triggers.update(t.triggers)
        c.base = t
        seeds.append(c)
    return seeds


def cluster_event(
    cluster: _Cluster,
    event_id: str,
    published: Mapping[str, datetime | None],
    rep: Mapping[str, str],
    settings: StorySettings,
) -> tuple[StoryEvent, list[tuple[Conflict, Mapping[AttributeValue, ValueTally]]], int]:
    """A large story's event from its folded tally (if any) and its window members; its conflicts; its articles."""
    base: EventTally | None = cluster.base if isinstance(cluster.base, EventTally) else None
    cap = settings.max_event_ids

    def canon(p: str) -> str:
        return rep.get(p, p)

    def tallied(ts: Iterable[ValueTally], mapping: bool = False) -> dict[AttributeValue, ValueTally]:
        out: dict[AttributeValue, ValueTally] = {}
        for t in ts:
            v = canon(t.value) if mapping and isinstance(t.value, str) else t.value
            known = out.get(v)
            out[v] = t.model_copy() if known is None else _merged(known, t, cap)
        return out

    attributes: dict[str, dict[AttributeValue, ValueTally]] = {}
    whens: dict[AttributeValue, ValueTally] = {}
    wheres: dict[AttributeValue, ValueTally] = {}
    holders: dict[str, dict[AttributeValue, ValueTally]] = {}
    sources: Counter[str] = Counter()
    actors: Counter[str] = Counter()
    targets: Counter[str] = Counter()
    names: dict[str, str] = {}
    article_ids: list[str] = []
    count = 0
    if base is not None:
        attributes = {k: tallied(v) for k, v in base.attributes.items()}
        whens, wheres = tallied(base.whens), tallied(base.wheres)
        holders = {k: tallied(v) for k, v in base.holders.items()}
        sources.update(base.sources)
        actors.update({canon(k): v for k, v in base.actors.items()})
        targets.update({canon(k): v for k, v in base.targets.items()})
        names.update({canon(k): v for k, v in base.names.items()})
        article_ids = list(base.article_ids)
        count = base.article_count
    seen: set[str] = set()
    for m in sorted(cluster.members, key=lambda m: (_iso(published.get(m.article_id)), m.article_id)):
        when = published.get(m.article_id)
        for key, value in m.frame.attributes.items():
            _add_value(attributes.setdefault(key, {}), value, m.article_id, m.source, when, cap)
        if m.frame.when:
            _add_value(whens, m.frame.when, m.article_id, m.source, when, cap)
        if m.frame.where:
            _add_value(wheres, m.frame.where, m.article_id, m.source, when, cap)
        for pid, role in m.roles.items():
            _add_value(holders.setdefault(role, {}), m.names.get(pid, pid), m.article_id, m.source, when, cap)
        actors.update(m.actors)
        targets.update(m.targets)
        names.update(m.names)
        if m.article_id not in seen:
            seen.add(m.article_id)
            sources[m.source] += 1
            article_ids.append(m.article_id)
            count += 1
    conflicts: list[tuple[Conflict, Mapping[AttributeValue, ValueTally]]] = []
    attrs: dict[str, AttributeValue] = {}
    for key in sorted(attributes):
        values = attributes[key]
        attrs[key] = _majority_tally(values)
        if len(values) > 1:
            conflicts.append((_conflict(event_id, key, values, settings), values))
    days: dict[AttributeValue, ValueTally] = {w: t for w, t in whens.items() if isinstance(w, str) and len(w) == 10}
    when_value = (
        str(_majority_tally(days)) if days else (max(whens, key=lambda w: (len(str(w)), str(w))) if whens else None)
    )
    if len(days) > 1:
        conflicts.append((_conflict(event_id, "when", days, settings), days))
    where = str(_majority_tally(wheres)) if wheres else None
    for role in sorted(holders):
        named = holders[role]
        distinct = {
            n: t
            for n, t in named.items()
            if not any(names_match(str(n), str(o)) and o != n and len(str(o)) > len(str(n)) for o in named)
        }
        if len(distinct) > 1:
            conflicts.append((_conflict(event_id, f"name:{role}", distinct, settings), distinct))
    top_actors = [a for a, _ in actors.most_common(settings.max_event_ids)]
    top_targets = [t for t, _ in targets.most_common(settings.max_event_ids) if t not in top_actors]
    listed = set(top_actors) | set(top_targets)
    seed_member = _seed_member(cluster)
    trigger = base.trigger if base is not None else seed_member.frame.trigger if seed_member else ""
    description = base.description if base is not None else seed_member.frame.sentence[:300] if seed_member else ""
    all_sources = sorted(sources)
    ids = sorted(article_ids[-cap:])
    event = StoryEvent(
        id=event_id,
        type=cluster.type,
        trigger=trigger,
        actors=top_actors,
        targets=top_targets,
        when=when_value,
        where=where,
        attributes=attrs,
        description=description,
        sources=all_sources[:cap],
        article_ids=ids,
        names={k: v for k, v in sorted(names.items()) if k in listed},
        source_count=len(all_sources) if len(all_sources) > cap or count > cap else None,
        article_count=count if len(all_sources) > cap or count > cap else None,
    )
    return event, conflicts, count


def _iso(t: datetime | None) -> str:
    return t.isoformat() if t is not None else "~"


def _seed_member(cluster: _Cluster) -> _Member | None:
    if not cluster.members:
        return None
    return min(cluster.members, key=lambda m: (m.article_id, m.frame.start, m.frame.trigger))


def _merged(a: ValueTally, b: ValueTally, cap: int) -> ValueTally:
    firsts = [t for t in (a.first, b.first) if t is not None]
    lasts = [t for t in (a.last, b.last) if t is not None]
    return ValueTally(
        value=a.value,
        count=a.count + b.count,
        sources=sorted({*a.sources, *b.sources}),
        article_ids=[*a.article_ids, *b.article_ids][-cap:],
        first=min(firsts) if firsts else None,
        last=max(lasts) if lasts else None,
        untimed=a.untimed or b.untimed,
    )


def _majority_tally(values: Mapping[AttributeValue, ValueTally]) -> AttributeValue:
    """:func:`agents.story.merge._majority` on counts."""

    def key(value: AttributeValue) -> tuple[int, float, str]:
        number = float(value) if isinstance(value, int | float) else 0.0
        return (-values[value].count, -number, str(value))

    return min(values, key=key)


def _conflict(
    event_id: str, attribute: str, values: Mapping[AttributeValue, ValueTally], settings: StorySettings
) -> Conflict:
    cap = settings.max_conflict_sources
    sides = []
    for v, t in sorted(values.items(), key=lambda kv: str(kv[0])):
        capped = len(t.sources) > cap or t.count > cap
        sides.append(
            ConflictValue(
                value=v,
                sources=t.sources[:cap],
                article_ids=sorted(t.article_ids[-cap:]),
                article_count=t.count if capped else None,
                source_count=len(t.sources) if capped else None,
            )
        )
    return Conflict(event_id=event_id, attribute=attribute, values=sides)


def is_development(conflict: Conflict, spans: Mapping[AttributeValue, ValueTally]) -> bool:
    """:func:`agents.story.facts.is_development` on the sides' time spans (a large story lists only some of a side's
    articles, but keeps when the first and the last of them came out)."""
    if conflict.attribute not in ("killed", "injured") or len(conflict.values) != 2:
        return False
    sides = []
    for side in conflict.values:
        t = spans.get(side.value)
        if t is None or t.untimed or t.first is None or t.last is None or not isinstance(side.value, int | float):
            return False
        sides.append((t.first, t.last, side.value))
    earlier, later = sorted(sides, key=lambda s: (s[0], s[1]))
    if earlier[1] >= later[0]:
        return False
    return conflict.attribute != "killed" or later[2] > earlier[2]


# --- summary ------------------------------------------------------------------------------------------------------


def summarize(
    folded: FoldedStory,
    window: Sequence[StoredArticle],
    copy_of: Mapping[str, str | None],
    new_ids: set[str],
    settings: StorySettings,
    built: Built,
    *,
    lead: StoredArticle | None,
) -> list[SummarySentence]:
    """The summary of a large story: the pool of folded sentence groups and the window's originals' sentences,
    scored as :func:`agents.story.state.summarize` scores them (articles that say it, centrality, lead)."""
    from agents.story.state import _SENTENCE_END, _content_words

    groups = [_Group(t.text, set(t.words), t.position, t) for t in folded.sentences]
    texts = [g.text for g in groups]
    for art in window:
        if copy_of.get(art.article_id):
            continue
        for idx, sent in enumerate(art.sentences):
            words = _content_words(sent)
            if len(words) < 4 or len(sent) > 400 or not _SENTENCE_END.search(sent):
                continue
            hits = process.extract(
                sent, texts, scorer=fuzz.token_set_ratio, score_cutoff=settings.sentence_merge_ratio, limit=None
            )
            if hits:
                same = groups[min(hit[2] for hit in hits)]
            else:
                same = _Group(sent, words, idx)
                groups.append(same)
                texts.append(sent)
            if art.article_id not in same.articles:
                same.articles.append(art.article_id)
    built.groups = groups
    if not groups:
        return []
    copies: dict[str, list[str]] = {}
    for aid, orig in copy_of.items():
        if orig:
            copies.setdefault(orig, []).append(aid)
    by_id = {a.article_id: a for a in window}
    story_words: Counter[str] = Counter()
    for g in groups:
        story_words.update(g.words)

    def count(g: _Group) -> int:
        return (g.base.count if g.base is not None else 0) + len(g.articles)

    def score(g: _Group) -> tuple[float, str]:
        centrality = sum(story_words[w] for w in g.words) / (len(g.words) + 3)
        return (-(2.0 * count(g) + centrality + (1.0 if g.position == 0 else 0.0)), g.text)

    chosen: list[_Group] = []
    for g in sorted(groups, key=score):
        if len(chosen) >= settings.summary_sentences:
            break
        if not any(fuzz.token_set_ratio(g.text, c.text) >= 60 for c in chosen):
            chosen.append(g)
    cap = settings.max_event_ids
    summary = []
    for g in chosen:
        ids = list(g.base.article_ids) if g.base is not None else []
        for aid in g.articles:
            ids.append(aid)
            ids.extend(copies.get(aid, []))
        total = (g.base.count if g.base is not None else 0) + sum(1 + len(copies.get(a, [])) for a in g.articles)
        srcs = sorted({*(g.base.sources if g.base is not None else []), *(by_id[i].source for i in ids if i in by_id)})
        capped = total > cap or len(srcs) > cap
        summary.append(
            SummarySentence(
                text=g.text,
                article_ids=sorted(dict.fromkeys(ids[-cap:])),
                sources=srcs[:cap],
                article_count=total if capped else None,
                source_count=len(srcs) if capped else None,
            )
        )
    summary.sort(key=lambda s: 0 if new_ids & set(s.article_ids) else 1)
    first = next((t for t in (lead.sentences if lead is not None else []) if t), None)
    if lead is not None and first is not None:
        existing = next((s for s in summary if s.text == first), None)
        summary = [s for s in summary if s is not existing]
        opening = existing or SummarySentence(text=first, article_ids=[lead.article_id], sources=[lead.source])
        summary = [opening, *summary][: settings.summary_sentences]
    return summary


# --- capping ------------------------------------------------------------------------------------------------------


def cap_update(update: StoryUpdate, settings: StorySettings, keep_events: set[str], sources_total: int) -> StoryUpdate:
    """The update with its lists capped (each capped list named in ``truncated``, its full length beside it).

    ``keep_events``: events listed whatever their rank (those this version changes). ``update.sources`` are the
    first reports and the most recent already; ``sources_total`` is how many the story has."""
    truncated: list[str] = []
    extra: dict[str, Any] = {}
    if sources_total > len(update.sources) or len(update.sources) > settings.max_sources:
        half = settings.max_sources // 2
        srcs = update.sources
        if len(srcs) > settings.max_sources:
            srcs = [*srcs[:half], *srcs[-(settings.max_sources - half) :]]
        extra["sources"], extra["sources_total"] = srcs, sources_total
        truncated.append("sources")
    events = update.events
    if len(events) > settings.max_events:
        counts = {e.id: e.article_count or len(e.article_ids) for e in events}
        ranked = sorted(events, key=lambda e: (-counts[e.id], e.id))
        chosen = {e.id for e in ranked[: settings.max_events]} | (keep_events & set(counts))
        extra["events"] = [e for e in events if e.id in chosen]
        extra["events_total"] = len(events)
        truncated.append("events")
        listed = chosen
        conflicts = [c for c in update.conflicts if c.event_id == "" or c.event_id in listed]
        if len(conflicts) < len(update.conflicts):
            extra["conflicts"], extra["conflicts_total"] = conflicts, len(update.conflicts)
            truncated.append("conflicts")
    if len(update.entities) > settings.max_entities:
        extra["entities"] = update.entities[: settings.max_entities]
        extra["entities_total"] = len(update.entities)
        truncated.append("entities")
    if truncated:
        extra["truncated"] = truncated
    return update.model_copy(update=extra) if extra else update


def frames_of(articles: Iterable[StoredArticle]) -> list[tuple[str, str, EventFrame]]:
    return _canonical_reports((a.article_id, a.source, f) for a in articles for f in a.events)


__all__ += ["Built", "cluster_event", "entity_lists", "frames_of", "is_development", "seed_clusters", "summarize"]
__all__ += ["EntityTally", "EventTally", "SentenceTally", "ValueTally", "_event_id"]


# --- one step of a large story --------------------------------------------------------------------------------


def _order_key(a: StoredArticle) -> tuple[str, str]:
    return (a.seen_at.isoformat() if a.seen_at else "", a.article_id)


def _fact_reports(ordered: Iterable[StoredArticle]) -> list[FactReport]:
    from agents.story.facts import _in_time_order

    return _in_time_order([(a.article_id, a.source, a.published or a.seen_at, a.facts) for a in ordered])


def build_large(
    story_id: str,
    folded: FoldedStory,
    articles: Iterable[StoredArticle],
    new_ids: set[str],
    settings: StorySettings,
    memo: Any = None,
) -> tuple[StoryUpdate, Built]:
    """A large story's next content (version and changes left to the caller; lists not capped yet, but each
    event's, conflict side's and summary sentence's lists are), built from its folded tallies and its window."""
    from agents.story.merge import _cluster_reports, entity_id_map, merge_entities
    from agents.story.state import syndication_groups

    built = Built()
    ordered = sorted(articles, key=_order_key)
    pseudo = [
        StoredArticle.model_construct(article_id=aid, fingerprint=fp, content_hash="", source="", title="")
        for aid, fp in folded.fingerprints
    ]
    copy_all = syndication_groups([*pseudo, *ordered], settings.syndication_threshold)
    copy_of = {a.article_id: copy_all[a.article_id] for a in ordered}
    built.copy_of = copy_of
    lists = [*entity_lists(folded), *(a.entities for a in ordered)]
    rep = entity_id_map(lists, memo=memo)
    built.rep = rep
    seeds = seed_clusters(folded, rep)
    clusters = _cluster_reports(frames_of(ordered), rep, seeds)
    taken = {c.base.id for c in clusters if isinstance(c.base, EventTally)}
    published = {a.article_id: a.published or a.seen_at for a in ordered}
    events: list[StoryEvent] = []
    conflicts: list[Conflict] = []
    for cluster in clusters:
        if isinstance(cluster.base, EventTally):
            event_id = cluster.base.id
        else:
            event_id = _event_id(cluster)
            n = 2
            while event_id in taken:  # (as merge_events makes ids unique)
                event_id, n = f"{_event_id(cluster)}-{n}", n + 1
            taken.add(event_id)
        built.clusters.append((cluster, event_id))
        event, found, count = cluster_event(cluster, event_id, published, rep, settings)
        events.append(event)
        built.counts[event_id] = count
        if any(m.article_id in new_ids for m in cluster.members):
            built.touched.add(event_id)
        conflicts.extend(c for c, spans in found if not is_development(c, spans))
    events.sort(key=lambda e: (e.when is None, e.when or "", e.type, e.id))
    conflicts.sort(key=lambda c: (c.event_id, c.attribute))
    seen = {(c.attribute, tuple(sorted(str(v.value) for v in c.values))) for c in conflicts}
    for c in _role_conflicts(folded, ordered, settings):
        if (c.attribute, tuple(sorted(str(v.value) for v in c.values))) not in seen:
            conflicts.append(c)
    built.events, built.conflicts = events, conflicts
    tally = folded.facts.model_copy(deep=True)
    for report in _fact_reports(ordered):
        tally.add(report)
    facts, provenance = tally.facts()
    built.provenance = provenance
    latest = provenance.get("latest")
    lead = next((a for a in ordered if latest is not None and a.article_id == latest[0]), None)
    title = lead.title if lead is not None else (folded.first_sources[0].title if folded.first_sources else "")
    if lead is None and not folded.first_sources:
        title = ordered[0].title
    summary = summarize(folded, ordered, copy_of, new_ids, settings, built, lead=lead)
    times = [t for t in (folded.first_seen, folded.last_seen, *(a.seen_at for a in ordered)) if t is not None]
    outlets = sorted({*folded.outlets, *(a.source for a in ordered)})
    built.outlets = outlets
    originals = {*folded.original_outlets, *(a.source for a in ordered if not copy_of[a.article_id])}
    sources = [
        *folded.first_sources,
        *(
            StorySource(
                article_id=a.article_id, source=a.source, title=a.title, url=a.url, published=a.published,
                copy_of=copy_of[a.article_id],
            )
            for a in ordered
        ),
    ]  # fmt: skip
    update = StoryUpdate(
        story_id=story_id,
        version=1,
        updated_at=max(times) if times else None,
        title=title,
        summary=summary,
        events=events,
        entities=merge_entities(lists, id_map=rep),
        conflicts=conflicts,
        facts=facts,
        sources=sources,
        outlets=outlets,
        article_count=folded.article_count + len(ordered),
        independent_source_count=len(originals),
        first_seen=min(times) if times else None,
        last_seen=max(times) if times else None,
    )
    return update, built


def _role_conflicts(folded: FoldedStory, ordered: Sequence[StoredArticle], settings: StorySettings) -> list[Conflict]:
    """:func:`agents.story.merge.role_conflicts` over the folded office holders and the window's."""
    holders = _role_holders(folded, ordered, settings)
    conflicts = []
    for role in sorted(holders):
        named = holders[role]
        folded_names: dict[AttributeValue, ValueTally] = {}
        for name, t in named.items():
            fuller = [o for o in named if o != name and names_match(str(name), str(o)) and len(str(o)) > len(str(name))]
            target = max(fuller, key=lambda o: (len(str(o)), str(o))) if fuller else name
            known = folded_names.get(target)
            folded_names[target] = t if known is None else _merged(known, t, settings.max_conflict_sources)
        if len(folded_names) > 1:
            conflicts.append(_conflict("", f"name:{role}", folded_names, settings))
    return conflicts


def _role_holders(
    folded: FoldedStory, ordered: Sequence[StoredArticle], settings: StorySettings
) -> dict[str, dict[AttributeValue, ValueTally]]:
    from agents.extract.entities import role_is_specific

    holders = {role: {t.value: t.model_copy() for t in ts} for role, ts in folded.roles.items()}
    for a in ordered:
        when = a.published or a.seen_at
        for e in a.entities:
            for role in e.roles:
                if role_is_specific(role):
                    tallies = holders.setdefault(role, {})
                    if a.article_id not in (tallies.get(e.name) or ValueTally(value="")).article_ids:
                        _add_value(tallies, e.name, a.article_id, a.source, when, settings.max_conflict_sources)
    return holders


def to_fold(articles: Sequence[StoredArticle], settings: StorySettings) -> list[StoredArticle]:
    """The window's articles to fold now (story order): the oldest ``fold_batch`` once the window is full, and
    every article older than ``window_days`` before the newest."""
    ordered = sorted(articles, key=_order_key)
    times = [a.seen_at for a in ordered if a.seen_at is not None]
    out: list[StoredArticle] = []
    if times:
        horizon = max(times).timestamp() - settings.window_days * 86_400
        out = [a for a in ordered if a.seen_at is not None and a.seen_at.timestamp() < horizon]
    if len(ordered) > settings.window_articles:
        n = max(len(out), len(ordered) - settings.window_articles + settings.fold_batch - 1)
        out = ordered[: min(n, len(ordered) - 1)]
    return out[: len(ordered) - 1]  # the newest article stays


def needs_folding(articles: Sequence[StoredArticle], settings: StorySettings) -> bool:
    if len(articles) > settings.window_articles:
        return True
    times = [a.seen_at.timestamp() for a in articles if a.seen_at is not None]
    return bool(times) and max(times) - min(times) > settings.window_days * 86_400


def fold(folded: FoldedStory, gone: Sequence[StoredArticle], built: Built, settings: StorySettings) -> FoldedStory:
    """``folded`` with the articles ``gone`` (the window's oldest) folded in, from the build that included them."""
    ids = {a.article_id for a in gone}
    cap = settings.max_event_ids
    rep = built.rep
    out = folded.model_copy(deep=True)
    published = {a.article_id: a.published or a.seen_at for a in gone}
    # events
    tallies: list[EventTally] = []
    for cluster, event_id in built.clusters:
        members = [m for m in cluster.members if m.article_id in ids]
        base = cluster.base if isinstance(cluster.base, EventTally) else None
        if base is None and not members:
            continue
        tallies.append(_event_tally(cluster, event_id, base, members, rep, published, settings))
    tallies.sort(key=lambda t: -t.article_count)
    out.events = tallies[: settings.pool_events]
    # entities
    by_head: dict[str, EntityTally] = {}
    for t in folded.entities:
        _add_entity(by_head, rep.get(t.id, t.id), t.name, t.labels, t.aliases)
    for a in gone:
        for e in a.entities:
            _add_entity(by_head, rep.get(e.id, e.id), e.name, {e.label: e.mentions}, e.aliases or [e.name])
    out.entities = sorted(by_head.values(), key=lambda t: (-t.mentions, t.id))[: settings.pool_entities]
    # office holders
    out.roles = {
        role: list(names.values()) for role, names in _role_holders(folded, [a for a in gone], settings).items()
    }
    # summary candidates
    sentences: list[SentenceTally] = []
    by_id = {a.article_id: a for a in gone}
    for g in built.groups:
        mine = [aid for aid in g.articles if aid in ids]
        if g.base is None and not mine:
            continue
        base_ids = list(g.base.article_ids) if g.base is not None else []
        sentences.append(
            SentenceTally(
                text=g.text,
                words=sorted(g.words),
                position=g.position,
                count=(g.base.count if g.base is not None else 0) + len(mine),
                article_ids=[*base_ids, *mine][-cap:],
                sources=sorted({*(g.base.sources if g.base is not None else []), *(by_id[i].source for i in mine)}),
            )
        )
    sentences.sort(key=lambda t: -t.count)
    out.sentences = sentences[: settings.pool_sentences]
    # facts (in time order; a report published before the window's start counts as if published at it)
    for report in _fact_reports(gone):
        out.facts.add(report)
    # sources
    ordered = sorted(gone, key=_order_key)
    half = settings.max_sources // 2
    for a in ordered:
        if len(out.first_sources) < half:
            out.first_sources.append(
                StorySource(
                    article_id=a.article_id, source=a.source, title=a.title, url=a.url, published=a.published,
                    copy_of=built.copy_of.get(a.article_id),
                )
            )  # fmt: skip
        if a.source not in out.outlets:
            out.outlets.append(a.source)
        if not built.copy_of.get(a.article_id):
            if a.source not in out.original_outlets:
                out.original_outlets.append(a.source)
            if a.fingerprint and settings.pool_fingerprints:
                out.fingerprints = [*out.fingerprints, (a.article_id, list(a.fingerprint))][
                    -settings.pool_fingerprints :
                ]
        out.seen[a.article_id] = a.content_hash
        if a.seen_at is not None:
            out.first_seen = a.seen_at if out.first_seen is None else min(out.first_seen, a.seen_at)
            out.last_seen = a.seen_at if out.last_seen is None else max(out.last_seen, a.seen_at)
    if len(out.seen) > settings.pool_article_ids:
        out.seen = dict(list(out.seen.items())[-settings.pool_article_ids :])
    out.article_count += len(gone)
    return out


def _add_entity(
    by_head: dict[str, EntityTally], head: str, name: str, labels: Mapping[str, int], aliases: Iterable[str]
) -> None:
    t = by_head.get(head)
    if t is None:
        t = by_head[head] = EntityTally(id=head, name=name, labels={})
    elif (len(name.split()), len(name), name) > (len(t.name.split()), len(t.name), t.name):
        t.name = name
    for label, n in labels.items():
        t.labels[label] = t.labels.get(label, 0) + n
    known = set(t.aliases)
    t.aliases = [*t.aliases, *(x for x in dict.fromkeys(aliases) if x not in known)][:20]


def _event_tally(
    cluster: _Cluster,
    event_id: str,
    base: EventTally | None,
    members: Sequence[_Member],
    rep: Mapping[str, str],
    published: Mapping[str, datetime | None],
    settings: StorySettings,
) -> EventTally:
    cap = settings.max_event_ids

    def canon(p: str) -> str:
        return rep.get(p, p)

    if base is not None:
        t = base.model_copy(deep=True)
        t.actors = dict(Counter({canon(k): v for k, v in base.actors.items()}))
        t.targets = dict(Counter({canon(k): v for k, v in base.targets.items()}))
    else:
        seed = _seed_member(cluster)
        assert seed is not None
        t = EventTally(
            id=event_id, type=cluster.type, key=cluster.key, trigger=seed.frame.trigger,
            description=seed.frame.sentence[:300],
        )  # fmt: skip
    attributes = {k: {v.value: v for v in vs} for k, vs in t.attributes.items()}
    whens = {v.value: v for v in t.whens}
    wheres = {v.value: v for v in t.wheres}
    holders = {k: {v.value: v for v in vs} for k, vs in t.holders.items()}
    actors, targets = Counter(t.actors), Counter(t.targets)
    speakers, days, cities, triggers = set(t.speakers), set(t.days), set(t.cities), set(t.triggers)
    seen: set[str] = set()
    for m in members:
        when = published.get(m.article_id)
        for key, value in m.frame.attributes.items():
            _add_value(attributes.setdefault(key, {}), value, m.article_id, m.source, when, cap)
        if m.frame.when:
            _add_value(whens, m.frame.when, m.article_id, m.source, when, cap)
            if len(m.frame.when) == 10:
                days.add(m.frame.when)
        if m.frame.where:
            _add_value(wheres, m.frame.where, m.article_id, m.source, when, cap)
        for pid, role in m.roles.items():
            _add_value(holders.setdefault(role, {}), m.names.get(pid, pid), m.article_id, m.source, when, cap)
            t.roles[pid] = role
        actors.update(m.actors)
        targets.update(m.targets)
        speakers.update(m.actors)
        t.names.update(m.names)
        if (city := m.frame.attributes.get("city")) is not None:
            cities.add(city)
        triggers.add(m.frame.trigger)
        if m.article_id not in seen:
            seen.add(m.article_id)
            t.sources[m.source] = t.sources.get(m.source, 0) + 1
            t.article_ids = [*t.article_ids, m.article_id][-cap:]
            t.article_count += 1
    n = settings.pool_participants
    t.actors = dict(actors.most_common(n))
    t.targets = dict(targets.most_common(n))
    kept = set(t.actors) | set(t.targets)
    t.names = {k: v for k, v in t.names.items() if k in kept}
    t.roles = {k: v for k, v in t.roles.items() if k in kept}
    t.speakers = sorted(speakers)[: 4 * n]
    t.days, t.cities, t.triggers = sorted(days)[-n:], sorted(cities, key=str)[:n], sorted(triggers)[:n]
    t.attributes = {k: sorted(v.values(), key=lambda x: -x.count)[:n] for k, v in attributes.items()}
    t.whens = sorted(whens.values(), key=lambda x: -x.count)[:n]
    t.wheres = sorted(wheres.values(), key=lambda x: -x.count)[:n]
    t.holders = {k: sorted(v.values(), key=lambda x: -x.count)[:n] for k, v in holders.items()}
    return t


__all__ += ["build_large", "fold", "needs_folding", "to_fold"]


def exceeds(update: StoryUpdate, settings: StorySettings) -> bool:
    """Whether any list of a message built from all its articles is over its cap."""
    ids = settings.max_event_ids
    sides = settings.max_conflict_sources
    return (
        len(update.sources) > settings.max_sources
        or len(update.events) > settings.max_events
        or len(update.entities) > settings.max_entities
        or any(len(e.article_ids) > ids or len(e.sources) > ids for e in update.events)
        or any(len(v.article_ids) > sides or len(v.sources) > sides for c in update.conflicts for v in c.values)
        or any(len(s.article_ids) > ids or len(s.sources) > ids for s in update.summary)
    )


def cap_items(update: StoryUpdate, settings: StorySettings) -> StoryUpdate:
    """Each event's, conflict side's and summary sentence's lists capped, with their totals beside them."""
    ids, sides = settings.max_event_ids, settings.max_conflict_sources
    events = [
        e.model_copy(
            update={
                "sources": e.sources[:ids],
                "article_ids": e.article_ids[-ids:],
                "source_count": len(e.sources),
                "article_count": len(e.article_ids),
            }
        )
        if len(e.article_ids) > ids or len(e.sources) > ids
        else e
        for e in update.events
    ]
    conflicts = [
        c.model_copy(
            update={
                "values": [
                    v.model_copy(
                        update={
                            "sources": v.sources[:sides],
                            "article_ids": v.article_ids[-sides:],
                            "source_count": len(v.sources),
                            "article_count": len(v.article_ids),
                        }
                    )
                    if len(v.article_ids) > sides or len(v.sources) > sides
                    else v
                    for v in c.values
                ]
            }
        )
        for c in update.conflicts
    ]
    summary = [
        s.model_copy(
            update={
                "sources": s.sources[:ids],
                "article_ids": s.article_ids[-ids:],
                "source_count": len(s.sources),
                "article_count": len(s.article_ids),
            }
        )
        if len(s.article_ids) > ids or len(s.sources) > ids
        else s
        for s in update.summary
    ]
    return update.model_copy(update={"events": events, "conflicts": conflicts, "summary": summary})


class Digest(BaseModel):
    """What ``changes`` compares a version with, kept when the last version's lists were capped."""

    events: dict[str, dict[str, AttributeValue]] = Field(default_factory=dict)
    conflicts: dict[str, str] = Field(default_factory=dict)
    outlets: list[str] = Field(default_factory=list)


def digest(update: StoryUpdate) -> Digest:
    return Digest(
        events={e.id: dict(e.attributes) for e in update.events},
        conflicts={f"{c.event_id}:{c.attribute}": c.model_dump_json() for c in update.conflicts},
        outlets=list(update.outlets),
    )


def changes_since(before: Digest, title: str, cur: StoryUpdate, new_ids: list[str]) -> Any:
    """:func:`agents.story.state.describe_changes` against a digest of the previous version."""
    from schemas import Changes

    changed: list[str] = []
    for ev in cur.events:
        old = before.events.get(ev.id)
        if old is None:
            continue
        for attr in sorted(set(ev.attributes) | set(old)):
            if ev.attributes.get(attr) != old.get(attr):
                changed.append(f"{ev.id}.{attr}")
    new_conflicts = [
        f"{c.event_id}:{c.attribute}"
        for c in cur.conflicts
        if before.conflicts.get(f"{c.event_id}:{c.attribute}") != c.model_dump_json()
    ]
    return Changes(
        new_articles=sorted(new_ids),
        new_sources=sorted(set(cur.outlets) - set(before.outlets)),
        new_events=sorted(e.id for e in cur.events if e.id not in before.events),
        new_conflicts=sorted(new_conflicts),
        changed_attributes=changed,
        title_changed=title != cur.title,
    )


__all__ += ["Digest", "cap_items", "changes_since", "digest", "exceeds"]
