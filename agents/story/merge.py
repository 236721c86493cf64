"""Cross-source deduplication of a story's events and entities, with the conflicts between sources (pure).

``merge_events`` groups the event frames that several articles report about one happening into one
:class:`StoryEvent` citing every source, and reports where the sources disagree (a count, a duration, a date,
the name of the holder of one office) as :class:`Conflict` s instead of silently picking one value.

The result depends only on the *set* of reports: the input is deduplicated and put in a canonical order
first, so merging is order-independent and giving an article's frames twice changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from agents.extract.entities import (
    LONG_TOKEN,
    TWO_EDIT_TOKEN,
    entity_slug,
    name_tokens,
    name_words_match,
    names_match,
    role_is_specific,
    tokens_match,
)
from agents.extract.lexicon import INCIDENT_TYPES, event_class, event_key
from schemas.extraction import Entity, EventFrame
from schemas.story import AttributeValue, Conflict, ConflictValue, StoryEntity, StoryEvent

__all__ = ["GroupMemo", "Report", "assign_events", "entity_id_map", "merge_entities", "merge_events", "role_conflicts"]

Report = tuple[str, str, EventFrame]  # (article_id, source outlet, frame)

SYMMETRIC_TYPES = frozenset({"call", "meeting", "merger"})
UNTYPED = "other"  # the type of a given trigger word outside the extractor's lexicon (storywire eval-events)
MAX_DAYS_APART = 3  # two reports of one happening may date it a few days apart (time zones, "last weekend")
# Verbs of saying: each act of saying is a happening of its own, so two reports of one name one speaker ("Smith
# said" / "Smith told"; "police said" / "police said"), and a saying whose speaker is not found stays alone.
REPORTING_KEYS = frozenset(event_key(w) for w in (
    "say", "tell", "report", "add", "state", "confirm", "note", "explain", "claim", "write", "insist", "argue",
    "comment", "reveal", "acknowledge", "quote", "cite", "ask", "reply", "respond", "according", "describe",
    "stress", "remark", "disclose", "tweet", "post",
))  # fmt: skip
# NER often calls a surname an ORG, or a nationality a GPE: names in one group may join across labels.
_LABEL_GROUPS = {"person": "agent", "org": "agent", "gpe": "place", "loc": "place", "norp": "place", "fac": "place"}


# --- entities -------------------------------------------------------------------------------------------------


def _words(name: str) -> int:
    return len(entity_slug(name.split(":", 1)[-1]).split("-"))


@dataclass(frozen=True, slots=True)
class _Name:
    """What the grouping reads of one id and its name (computed once per id and name)."""

    name: str
    label: str
    tokens: tuple[str, ...]  # name_tokens of the name
    id_tokens: tuple[str, ...]  # name_tokens of the id
    one_form: bool  # the id's words are its name's words
    slug: str
    words: int
    filed: tuple[_Key, ...]  # _block_keys: where it is filed as a group's head, and what it looks up
    probes: tuple[_Key, ...]


def _name(eid: str, name: str) -> _Name:
    label = eid.split(":", 1)[0]
    tokens, id_tokens = name_tokens(name), name_tokens(eid)
    filed, probes = _block_keys(_LABEL_GROUPS.get(label, label), tokens, id_tokens)
    return _Name(
        name, label, tokens, id_tokens, tokens == id_tokens, entity_slug(name), _words(name),
        tuple(filed), tuple(probes),
    )  # fmt: skip


@dataclass
class GroupMemo:
    """A story's last entity grouping, per id: what was read of it and its representative. The next grouping of the
    story (grown by an article) decides again only the ids near a change and keeps the other decisions.

    An exact shortcut, whatever memo is given (even another story's, or none): an id's decision depends only on
    its name and on the groups filed under the keys it looks up, so it is kept only when the id and its name are
    the same as last time and no head filed under those keys appeared, disappeared or was renamed since; every
    other id is decided as a full pass decides it (tests/unit/agents/story/test_merge.py compares the two)."""

    names: dict[str, _Name] = field(default_factory=dict)
    rep: dict[str, str] = field(default_factory=dict)


def _group_ids(names: Mapping[str, str], memo: GroupMemo | None = None) -> dict[str, str]:
    """Map every entity id to its group's representative: the fullest name among ids that name one entity.

    ``names`` maps id -> display name. A short form ("putin") joins a fuller name ("vladimir-putin") only when
    exactly one group can take it, so "Smith" does not fuse John Smith and Jane Smith.

    An id is compared only with the groups filed under a key it looks up (:func:`_block_keys`: every pair that
    :func:`names_match` can accept meets there), so a story of hundreds of articles and thousands of names is not
    compared pair by pair; the groups are tried in the order they were made, as a scan of all of them would.
    With ``memo`` (:class:`GroupMemo`, updated in place), only the ids near a change since the memo's grouping are
    decided again.
    """
    old = memo.names if memo is not None else {}
    old_rep = memo.rep if memo is not None else {}
    info: dict[str, _Name] = {}
    for eid, name in names.items():
        known = old.get(eid)
        info[eid] = known if known is not None and known.name == name else _name(eid, name)
    # Keys under which the heads may differ from the memo's grouping: those of its heads now gone or renamed, and
    # (below) those of every id whose being a head changes.
    dirty: set[_Key] = set()
    for eid, known in old.items():
        if old_rep.get(eid) == eid and info.get(eid) is not known:
            dirty.update(known.filed)
    order = sorted(names, key=lambda i: (-info[i].words, -len(names[i]), i))
    rep: dict[str, str] = {}
    heads: list[_Name] = []
    head_ids: list[str] = []
    blocks: defaultdict[_Key, list[int]] = defaultdict(list)  # key -> indexes into heads
    for eid in order:
        me = info[eid]
        kept = old.get(eid) is me
        if kept and dirty.isdisjoint(me.probes):
            head = old_rep[eid]  # the same name among the same groups: the same decision
        else:
            near = sorted({i for key in me.probes for i in blocks.get(key, ())})  # (all of the same label group)
            fits = [
                head_ids[i] for i in near
                if (heads[i].label == me.label or heads[i].slug == me.slug or me.words < heads[i].words)
                and (name_words_match(me.tokens, heads[i].tokens)
                     or ((not me.one_form or not heads[i].one_form)
                         and name_words_match(me.id_tokens, heads[i].id_tokens)))
            ]  # fmt: skip
            if len(fits) > 1:
                last = me.slug.split("-")[-1]
                fits = [h for h in fits if tokens_match(last, info[h].slug.split("-")[-1])] or fits
            head = fits[0] if len(fits) == 1 else eid
            if (head == eid) != (kept and old_rep[eid] == eid):
                dirty.update(me.filed)
        rep[eid] = head
        if head == eid:
            for key in me.filed:
                blocks[key].append(len(heads))
            heads.append(me)
            head_ids.append(eid)
    if memo is not None:
        memo.names, memo.rep = info, rep
    return rep


def _block_keys(group: str, *forms: tuple[str, ...]) -> tuple[set[_Key], set[_Key]]:
    """Keys under which a name (the :func:`name_tokens` of each of its forms: display name, id) is filed, and the
    keys it looks up, such that two names :func:`names_match` can accept meet: the label group, the form, and the
    words that must match (the last words: "last"; a one-word name and the first word of a name of three or more:
    "one" / "lead"). A word is keyed as ``tokens_match`` compares it: a short word by itself, a long one by its
    first letter and length (one edit apart, or two when both have 11 letters or more: the lengths differ by one,
    or by two between such long words)."""
    filed: set[_Key] = set()
    probes: set[_Key] = set()
    for form, words in enumerate(forms):
        if not words:
            continue
        roles = [("last", "last", words[-1])]
        if len(words) == 1:
            roles.append(("one", "lead", words[0]))
        elif len(words) >= 3:
            roles.append(("lead", "one", words[0]))
        for kind, counterpart, word in roles:
            if len(word) < LONG_TOKEN:
                filed.add((group, form, kind, word))
                probes.add((group, form, counterpart, word))
            else:
                filed.add((group, form, kind, (word[0], len(word))))
                probes.update(
                    (group, form, counterpart, (word[0], len(word) + d))
                    for d in range(-2, 3)
                    if abs(d) < 2 or min(len(word), len(word) + d) >= TWO_EDIT_TOKEN
                )
    return filed, probes


_Key = tuple[str, int, str, "str | tuple[str, int]"]


def _entity_names(entity_lists: Iterable[Iterable[Entity]]) -> tuple[dict[str, str], list[Entity]]:
    """Every id's fullest name, and all the entities (in any order: what is made of them does not depend on it)."""
    flat = [e for lst in entity_lists for e in lst]
    names: dict[str, str] = {}
    for e in flat:
        current = names.get(e.id)
        if current is None or (len(e.name), e.name) > (len(current), current):
            names[e.id] = e.name
    return names, flat


def entity_id_map(entity_lists: Iterable[Iterable[Entity]], *, memo: GroupMemo | None = None) -> dict[str, str]:
    """Article-level entity id -> story-level id (one per real entity across the articles' spellings).

    ``memo``: the story's :class:`GroupMemo` from its last call, which makes this call cheaper (same result)."""
    names, _ = _entity_names(entity_lists)
    return _group_ids(names, memo)


def merge_entities(
    entity_lists: Iterable[Iterable[Entity]], *, id_map: Mapping[str, str] | None = None
) -> list[StoryEntity]:
    """The story's entities: one per real entity across articles, mention counts summed, aliases united.

    ``id_map``: :func:`entity_id_map` of the same lists, when the caller has it already."""
    names, flat = _entity_names(entity_lists)
    rep = id_map if id_map is not None else _group_ids(names)
    mentions: Counter[str] = Counter()
    labels: defaultdict[str, Counter[str]] = defaultdict(Counter)
    aliases: defaultdict[str, set[str]] = defaultdict(set)
    display: dict[str, str] = {}
    for e in flat:
        head = rep[e.id]
        mentions[head] += e.mentions
        labels[head][e.label] += e.mentions
        aliases[head].update(e.aliases or [e.name])
        aliases[head].add(e.name)
        best = display.get(head)
        if best is None or (_words(e.name), len(e.name), e.name) > (_words(best), len(best), best):
            display[head] = e.name
    # One name, two labels across articles ("Port Halloway" a place in one report and a person in another): one
    # entity, under the head with more mentions, its label the one most mentions carry.
    by_name: dict[str, str] = {}
    for head in sorted(mentions, key=lambda h: (-mentions[h], h)):
        key = display[head].lower()
        first = by_name.setdefault(key, head)
        if first != head:
            mentions[first] += mentions.pop(head)
            labels[first].update(labels.pop(head))
            aliases[first].update(aliases.pop(head))
    # Built without validation (model_construct): every value is already of its field's type (str ids, names and
    # labels from validated entities, int sums, sorted lists of str), and a story of hundreds of articles holds
    # thousands of entities, whose validation was a fifth of its step.
    return [
        StoryEntity.model_construct(
            id=head,
            name=display[head],
            label=min(labels[head].items(), key=lambda kv: (-kv[1], kv[0]))[0],
            mentions=mentions[head],
            aliases=sorted(aliases[head]),
        )
        for head in sorted(mentions, key=lambda h: (-mentions[h], h))
    ]


def role_conflicts(reports: Iterable[tuple[str, str, Iterable[Entity]]]) -> list[Conflict]:
    """Story-level conflicts: sources that name the holder of one office differently.

    ``reports`` are ``(article_id, source, entities)``. Only offices one person holds at a time count ("us
    president", "pope", "harbor master captain"), and names that can be one person ("Ruiz" / "Elena Ruiz") do not
    conflict. The conflicts have ``event_id=""`` (they belong to the story, not to one event) and
    ``attribute="name:<role>"``, like the event-level ones :func:`merge_events` reports.
    """
    holders: defaultdict[str, defaultdict[AttributeValue, set[str]]] = defaultdict(lambda: defaultdict(set))
    sources: dict[str, str] = {}
    for article_id, source, entities in reports:
        sources[article_id] = source
        for e in entities:
            for role in e.roles:
                if role_is_specific(role):
                    holders[role][e.name].add(article_id)
    conflicts: list[Conflict] = []
    for role in sorted(holders):
        named = holders[role]
        # Short forms fold into the fullest name they can be ("Ruiz" into "Elena Ruiz").
        folded: defaultdict[AttributeValue, set[str]] = defaultdict(set)
        for name, arts in named.items():
            fuller = [o for o in named if o != name and names_match(str(name), str(o)) and len(str(o)) > len(str(name))]
            folded[max(fuller, key=lambda o: (len(str(o)), str(o))) if fuller else name] |= arts
        if len(folded) > 1:
            conflicts.append(_conflict("", f"name:{role}", folded, sources))
    return conflicts


# --- events ---------------------------------------------------------------------------------------------------


@dataclass
class _Member:
    article_id: str
    source: str
    frame: EventFrame
    actors: list[str]
    targets: list[str]
    roles: dict[str, str]
    names: dict[str, str]
    named_actors: set[str] = field(init=False)  # actors that are entities (no "np:" phrases)
    entities: set[str] = field(init=False)  # named participants
    saying: bool = field(init=False)  # a verb of saying: its happening is told by who speaks

    def __post_init__(self) -> None:
        self.named_actors = {a for a in self.actors if not a.startswith("np:")}
        self.entities = self.named_actors | {t for t in self.targets if not t.startswith("np:")}
        self.saying = event_key(self.frame.trigger) in REPORTING_KEYS


@dataclass
class _Cluster:
    """A happening being formed: its members, and what :func:`_score` reads of them, kept up to date as they join
    (a story of hundreds of articles scores each report against each cluster of its kind; recomputing these from
    the members on every comparison made a story's merge cubic in its size)."""

    type: str
    key: str  # event_class of its frames: the type, or type and event word for word-bound types
    members: list[_Member] = field(default_factory=list)
    articles: set[str] = field(default_factory=set)
    entities: set[str] = field(default_factory=set)
    actors: set[str] = field(default_factory=set)  # named actors (no "np:" phrases)
    speakers: set[str] = field(default_factory=set)  # every actor, common-noun phrases too ("police said")
    roles: dict[str, str] = field(default_factory=dict)  # a later member's role for an id wins, as in a dict merge
    days: set[date] = field(default_factory=set)
    wheres: set[str] = field(default_factory=set)
    cities: set[AttributeValue] = field(default_factory=set)
    triggers: set[str] = field(default_factory=set)
    # ``entities`` filed under their _match_keys, so that a participant is compared only with those it may match
    by_key: defaultdict[tuple[str, str, str], set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, member: _Member) -> None:
        self.members.append(member)
        self.articles.add(member.article_id)
        for p in member.entities - self.entities:
            for key in _match_keys(p)[0]:
                self.by_key[key].add(p)
        self.entities |= member.entities
        self.actors |= member.named_actors
        self.speakers.update(member.actors)
        self.roles.update(member.roles)
        frame = member.frame
        if (day := _day(frame.when)) is not None:
            self.days.add(day)
        if frame.where:
            self.wheres.add(frame.where)
        if (city := frame.attributes.get("city")) is not None:
            self.cities.add(city)
        self.triggers.add(frame.trigger)


def _day(value: str | None) -> date | None:
    if value is None or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _role_pairs(mine: set[str], theirs: set[str], my_roles: Mapping[str, str], their_roles: Mapping[str, str]) -> int:
    """How many of my unmatched participants hold an office that one of theirs holds (same office, other name)."""
    offices = {their_roles[t] for t in theirs if t in their_roles}
    return sum(1 for p in mine if my_roles.get(p) in offices)


@functools.lru_cache(maxsize=1 << 14)  # a story's merge asks for the same pairs on every article (<= 4.5 MiB)
def _may_be_one(a: str, b: str) -> bool:
    """Two story-level participant ids that outlets may use for one entity: same kind and a matching surname.

    Entity linking across outlets misses variants ("Mark Felt" / "W. Mark Felt", "Fred LaRue" / "Frederick
    C. LaRue", "Duncan Rait" / "Duncan Raite"); they must not make two reports look like different events.
    """
    if a == b:
        return True
    la, _, na = a.partition(":")
    lb, _, nb = b.partition(":")
    if _LABEL_GROUPS.get(la, la) != _LABEL_GROUPS.get(lb, lb) or not na or not nb:
        return False
    if names_match(na, nb):
        return True
    ta, tb = na.split("-"), nb.split("-")
    last_a, last_b = ta[-1], tb[-1]
    if tokens_match(last_a, last_b):
        return len(ta) == 1 or len(tb) == 1 or ta[0][:1] == tb[0][:1]  # "Louis Gigante" is not "Vincent Gigante"
    # One letter apart in a short surname, first names equal ("duncan-rait" / "duncan-raite").
    return (
        len(ta) > 1
        and len(tb) > 1
        and ta[0] == tb[0]
        and min(len(last_a), len(last_b)) >= 4
        and (last_a.startswith(last_b) or last_b.startswith(last_a))
        and abs(len(last_a) - len(last_b)) == 1
    )


@functools.lru_cache(maxsize=1 << 13)  # the participants of the stories merged lately (<= ~3 MiB)
def _match_keys(p: str) -> tuple[tuple[tuple[str, str, str], ...], tuple[tuple[str, str, str], ...]]:
    """Keys under which a participant id is filed, and the keys it looks up, such that two ids that
    :func:`_may_be_one` can accept (other than one id twice) meet under at least one: every way it accepts a pair
    needs the same label group and either the same first letter of the last word (of the id's words or of their
    :func:`name_tokens`: ``tokens_match`` compares first letters) or, between a one-word name and a name of three
    words or more, the same first letter of their first words."""
    label, _, rest = p.partition(":")
    group = _LABEL_GROUPS.get(label, label)
    words = name_tokens(rest)
    common = [(group, "last", rest.split("-")[-1][:1])]
    if words:
        common.append((group, "name", words[-1][:1]))
    filed, probes = list(common), list(common)
    if len(words) == 1:
        filed.append((group, "one", words[0][:1]))
        probes.append((group, "lead", words[0][:1]))
    elif len(words) >= 3:
        filed.append((group, "lead", words[0][:1]))
        probes.append((group, "one", words[0][:1]))
    return tuple(filed), tuple(probes)


def _near(p: str, cluster: _Cluster) -> set[str]:
    """The cluster's participants that :func:`_may_be_one` may accept with ``p`` (a superset; see _match_keys)."""
    by_key = cluster.by_key
    return {t for key in _match_keys(p)[1] for t in by_key.get(key, ())}


def _mine_matched(mine: set[str], cluster: _Cluster) -> set[str]:
    """``_shared(mine, cluster.entities)``, comparing each of mine only with the participants it may match."""
    theirs = cluster.entities
    return {p for p in mine if p in theirs or any(_may_be_one(p, t) for t in _near(p, cluster))}


def _theirs_matched(mine: set[str], cluster: _Cluster) -> set[str]:
    """``_shared(cluster.entities, mine)`` likewise (``_may_be_one`` is symmetric)."""
    out = mine & cluster.entities
    for p in mine:
        out.update(t for t in _near(p, cluster) if t not in out and _may_be_one(p, t))
    return out


def _same_place(a: str, b: str) -> bool:
    """Two place ids that may name one place: the same, or one names a part of the other ("Banstead" / "Banstead
    High Street") or spells it otherwise."""
    return a == b or names_match(a.partition(":")[2], b.partition(":")[2])


def _shared(mine: set[str], theirs: set[str]) -> set[str]:
    """My participants that are, or may be, one of theirs."""
    return {p for p in mine if p in theirs or any(_may_be_one(p, t) for t in theirs)}


def _score(member: _Member, cluster: _Cluster) -> int:
    """-1 when the frame cannot report the cluster's happening, else how well it fits (``cluster`` is of the
    frame's event class: :func:`_cluster_reports` offers no other)."""
    if member.article_id in cluster.articles:
        return -1
    if member.saying:
        # The speaker may be a common noun here ("police said"): outlets name who speaks as the source did.
        speakers = set(member.actors)
        if not _shared(speakers, cluster.speakers):
            return -1  # a saying by no speaker, or by another one, is a saying of its own
    day = _day(member.frame.when)
    days = cluster.days
    if day is not None and days and max(abs((day - min(days)).days), abs((max(days) - day).days)) > MAX_DAYS_APART:
        return -1
    mine, theirs = member.entities, cluster.entities
    shared = _mine_matched(mine, cluster)
    only_mine = mine - shared
    # The cluster's participants none of mine match: read only when some of mine are unmatched (nothing below
    # depends on them otherwise).
    only_theirs = theirs - _theirs_matched(mine, cluster) if only_mine else set()
    paired = _role_pairs(only_mine, only_theirs, member.roles, cluster.roles)
    if mine and theirs and cluster.type not in INCIDENT_TYPES and cluster.type != UNTYPED:
        # Incidents are told through victims, suspects and officials that differ by outlet: only time and place
        # keep two incidents apart. Other events are who did what to whom. An event word outside the lexicon has
        # no frame that says which dependent is the agent and which the patient ("X died" / "Y killed X"), so its
        # participants can support a merge but do not block one.
        if not shared and not paired:
            return -1
        if cluster.type in SYMMETRIC_TYPES and len(only_mine) > paired and only_theirs:
            return -1  # call(A, B) vs call(A, C): another call, unless B and C hold one office
        # Other agents tell another happening; but an agent the other reports name in another role is the parse's
        # reading of a headline ("Williams arrested": Williams as the subject), not another participant.
        my_actors = member.named_actors
        their_actors = cluster.actors
        apart = (
            my_actors
            and their_actors
            and not _shared(my_actors, their_actors)
            and not _shared(my_actors, theirs)
            and not _shared(their_actors, mine)
        )
        if cluster.type not in SYMMETRIC_TYPES and apart:
            if not _role_pairs(my_actors, their_actors, member.roles, cluster.roles):
                return -1
    where = member.frame.where
    wheres = cluster.wheres
    city = member.frame.attributes.get("city")
    cities = cluster.cities
    if not shared and (
        (where and wheres and not any(_same_place(where, w) for w in wheres))
        or (city and cities and city not in cities)
    ):
        return -1
    score = 10 * len(shared) + 5 * paired + 1
    score += 2 if where and where in wheres else 0
    score += 2 if day is not None and day in days else 0
    score += 1 if member.frame.trigger in cluster.triggers else 0
    return score


def _canonical_reports(reports: Iterable[Report]) -> list[tuple[str, str, EventFrame]]:
    """Distinct reports in a canonical order: the most informative frames first, then by article and position."""
    seen: dict[str, tuple[str, str, EventFrame]] = {}
    for article_id, source, frame in reports:
        seen[_report_key(article_id, source, frame)] = (article_id, source, frame)

    def order(item: tuple[str, tuple[str, str, EventFrame]]) -> tuple[int, str, int, str]:
        key, (article_id, _, frame) = item
        entities = {p for p in (*frame.actors, *frame.targets) if not p.startswith("np:")}
        return (-len(entities), article_id, frame.start, key)

    return [value for _, value in sorted(seen.items(), key=order)]


def _cluster_reports(items: list[tuple[str, str, EventFrame]], entity_ids: Mapping[str, str] | None) -> list[_Cluster]:
    """Group canonical-order reports into happenings: each frame joins the best-fitting earlier cluster."""
    names: dict[str, str] = {}
    for _, _, frame in items:
        for p in (*frame.actors, *frame.targets):
            if not p.startswith("np:"):
                candidate = frame.names.get(p, p.split(":", 1)[-1].replace("-", " "))
                if p not in names or (len(candidate), candidate) > (len(names[p]), names[p]):
                    names[p] = candidate
    rep = dict(entity_ids) if entity_ids is not None else _group_ids(names)

    def canon(p: str) -> str:
        return rep.get(p, p)

    clusters: list[_Cluster] = []
    of_key: dict[str, list[_Cluster]] = {}  # a frame only reports a happening of its own event class
    for article_id, source, frame in items:
        member = _Member(
            article_id,
            source,
            frame,
            list(dict.fromkeys(canon(a) for a in frame.actors)),
            list(dict.fromkeys(canon(t) for t in frame.targets)),
            {canon(k): v for k, v in frame.roles.items()},
            {canon(k): v for k, v in frame.names.items()},
        )
        key = event_class(frame.type, frame.trigger)
        candidates = of_key.setdefault(key, [])
        best, best_score = None, 0
        for cluster in candidates:  # in the order they formed: the first of the best scores wins
            score = _score(member, cluster)
            if score > best_score:
                best, best_score = cluster, score
        if best is None:
            best = _Cluster(frame.type, key)
            clusters.append(best)
            candidates.append(best)
        best.add(member)
    return clusters


def _cluster_ids(clusters: list[_Cluster]) -> list[str]:
    """The event id of every cluster (in cluster order), unique within the story."""
    base_ids = Counter(_event_id(c) for c in clusters)
    given: Counter[str] = Counter()
    ids: list[str] = []
    for cluster in clusters:
        event_id = _event_id(cluster, unique=base_ids[_event_id(cluster)] == 1)
        given[event_id] += 1
        if given[event_id] > 1:  # identical frames of one article under two outlets: malformed, still distinct
            event_id = f"{event_id}-{given[event_id]}"
        ids.append(event_id)
    return ids


def _report_key(article_id: str, source: str, frame: EventFrame) -> str:
    return json.dumps([article_id, source, frame.model_dump(mode="json")], sort_keys=True)


def assign_events(reports: Iterable[Report], *, entity_ids: Mapping[str, str] | None = None) -> list[str]:
    """The id of the :class:`StoryEvent` that :func:`merge_events` puts each report into, in input order.

    The same grouping as ``merge_events(reports, entity_ids=...)`` (one shared code path), for callers that
    need to know which frame went where (``storywire eval-events``). Equal reports get the same id.
    """
    given = list(reports)
    clusters = _cluster_reports(_canonical_reports(given), entity_ids)
    by_key: dict[str, str] = {}
    for cluster, event_id in zip(clusters, _cluster_ids(clusters), strict=True):
        for m in cluster.members:
            by_key[_report_key(m.article_id, m.source, m.frame)] = event_id
    return [by_key[_report_key(*r)] for r in given]


def merge_events(
    reports: Iterable[Report],
    *,
    entity_ids: Mapping[str, str] | None = None,
    grouped: dict[str, list[Report]] | None = None,
) -> tuple[list[StoryEvent], list[Conflict]]:
    """Merge the event frames of a story's articles into events citing every source, plus the conflicts.

    ``reports`` are ``(article_id, source, frame)``. ``entity_ids`` (from :func:`entity_id_map` over the story's
    articles) maps article-level entity ids to the story's; without it, participants are unified by name here.
    Pure, deterministic, order-independent and idempotent. :func:`assign_events` tells which report went where;
    ``grouped``, when given, is filled with each event's reports (event id -> reports).
    """
    clusters = _cluster_reports(_canonical_reports(reports), entity_ids)
    events: list[StoryEvent] = []
    conflicts: list[Conflict] = []
    for cluster, event_id in zip(clusters, _cluster_ids(clusters), strict=True):
        if grouped is not None:
            grouped[event_id] = [(m.article_id, m.source, m.frame) for m in cluster.members]
        event, found = _story_event(cluster, event_id)
        events.append(event)
        conflicts.extend(found)
    events.sort(key=lambda e: (e.when is None, e.when or "", e.type, e.id))
    conflicts.sort(key=lambda c: (c.event_id, c.attribute))
    return events, conflicts


def _seed(cluster: _Cluster) -> _Member:
    """The first member in (article id, position, event word) order; the frame's JSON breaks a tie (hand-made
    input only), so it is written only for the tied members."""

    def place(m: _Member) -> tuple[str, int, str]:
        return (m.article_id, m.frame.start, m.frame.trigger)

    first = min(cluster.members, key=place)
    tied = [m for m in cluster.members if place(m) == place(first)]
    return first if len(tied) == 1 else min(tied, key=lambda m: m.frame.model_dump_json())


def _event_id(cluster: _Cluster, *, unique: bool = True) -> str:
    """Derived from the cluster's first member in (article id, position) order: stable while that member stays.

    Two frames of one article at one position (only hand-made input has them) also hash the frame itself.
    """
    seed = _seed(cluster)
    key = f"{cluster.type}|{seed.article_id}|{seed.frame.start}|{seed.frame.trigger}"
    if not unique:
        key += f"|{seed.source}|" + json.dumps(seed.frame.model_dump(mode="json"), sort_keys=True)
    return "ev-" + hashlib.sha1(key.encode()).hexdigest()[:12]


def _majority(values: Mapping[AttributeValue, set[str]]) -> AttributeValue:
    """The value most articles give; ties go to the larger number or the first string."""

    def key(value: AttributeValue) -> tuple[int, float, str]:
        number = float(value) if isinstance(value, int | float) else 0.0
        return (-len(values[value]), -number, str(value))

    return min(values, key=key)


def _conflict(
    event_id: str, attribute: str, values: Mapping[AttributeValue, set[str]], sources: Mapping[str, str]
) -> Conflict:
    return Conflict(
        event_id=event_id,
        attribute=attribute,
        values=[
            ConflictValue(value=v, sources=sorted({sources[a] for a in arts}), article_ids=sorted(arts))
            for v, arts in sorted(values.items(), key=lambda kv: str(kv[0]))
        ],
    )


def _story_event(cluster: _Cluster, event_id: str) -> tuple[StoryEvent, list[Conflict]]:
    members = cluster.members
    sources = {m.article_id: m.source for m in members}
    conflicts: list[Conflict] = []

    attributes: dict[str, AttributeValue] = {}
    by_attribute: defaultdict[str, defaultdict[AttributeValue, set[str]]] = defaultdict(lambda: defaultdict(set))
    for m in members:
        for key, value in m.frame.attributes.items():
            by_attribute[key][value].add(m.article_id)
    for key in sorted(by_attribute):
        values = by_attribute[key]
        attributes[key] = _majority(values)
        if len(values) > 1:
            conflicts.append(_conflict(event_id, key, values, sources))

    whens: defaultdict[AttributeValue, set[str]] = defaultdict(set)
    for m in members:
        if m.frame.when:
            whens[m.frame.when].add(m.article_id)
    days: dict[AttributeValue, set[str]] = {w: a for w, a in whens.items() if isinstance(w, str) and len(w) == 10}
    when = str(_majority(days)) if days else (max(whens, key=lambda w: (len(str(w)), str(w))) if whens else None)
    if len(days) > 1:
        conflicts.append(_conflict(event_id, "when", days, sources))

    wheres: defaultdict[AttributeValue, set[str]] = defaultdict(set)
    for m in members:
        if m.frame.where:
            wheres[m.frame.where].add(m.article_id)
    where = str(_majority(wheres)) if wheres else None

    # The same office named with different names by different sources ("Pope Leo" / "Pope John XIV").
    holders: defaultdict[str, defaultdict[AttributeValue, set[str]]] = defaultdict(lambda: defaultdict(set))
    for m in members:
        for pid, role in m.roles.items():
            holders[role][m.names.get(pid, pid)].add(m.article_id)
    for role in sorted(holders):
        named = holders[role]
        distinct = {
            n
            for n in named
            if not any(names_match(str(n), str(o)) and o != n and len(str(o)) > len(str(n)) for o in named)
        }
        if len(distinct) > 1:
            conflicts.append(_conflict(event_id, f"name:{role}", {n: named[n] for n in distinct}, sources))

    actors = list(dict.fromkeys(a for m in members for a in m.actors))
    targets = [t for t in dict.fromkeys(t for m in members for t in m.targets) if t not in actors]
    seed = _seed(cluster)
    names = {k: v for m in members for k, v in sorted(m.names.items()) if k in actors or k in targets}
    event = StoryEvent(
        id=event_id,
        type=cluster.type,
        trigger=seed.frame.trigger,
        actors=actors,
        targets=targets,
        when=when,
        where=where,
        attributes=attributes,
        description=seed.frame.sentence[:300],
        sources=sorted(set(sources.values())),
        article_ids=sorted(sources),
        names=dict(sorted(names.items())),
    )
    return event, conflicts
