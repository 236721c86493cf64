"""A story's facts: its articles' accounts of the main incident folded into one, newest report first (pure).

Reports are read in the order they were published (arrival order where no date is given). A later report that
moves a fact forward is a development, not a disagreement: a toll that rises, someone injured who has died, an
arrest. So the death toll is the highest any report gives (a toll does not fall), and the injured count is the
newest report's among those that give that toll (those who died are no longer counted as injured). The date is
the one the first report gives (the nearest to the incident: later reports of a hearing or a funeral name other
days); type and place are what most reports say.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime

from rapidfuzz.distance import OSA, Levenshtein

from schemas.extraction import ArticleFacts, Participant, Place
from schemas.story import Conflict, Development, StoryFacts

__all__ = [
    "FactReport",
    "Provenance",
    "developments",
    "fold_facts",
    "is_development",
    "name_words",
    "participant_key",
]

FactReport = tuple[str, str, datetime | None, ArticleFacts]  # article id, outlet, published, the article's facts
Provenance = dict[str, tuple[str, str]]  # field -> (article id, outlet) of the report its value comes from

_STATUS_ORDER = ("killed", "injured", "unharmed", "arrested")
_WORD = re.compile(r"[A-Za-z]+")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def name_words(name: str) -> list[str]:
    """A person's name as lowercase words without accents or generational suffixes ("Kendall Reed Jr." → kendall,
    reed; "José Peña" → jose, pena: sources spell a name with and without its accents)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return [w.lower() for w in _WORD.findall(plain) if w.lower() not in _SUFFIXES]


def participant_key(name: str) -> tuple[str, str]:
    """(surname, first name) of a person's name: "Jane Q. Doe" and "Jane Doe" are one participant; "J. Doe"
    keys as ("doe", "j") and joins a known "Jane Doe" (see :func:`_slot_key`), while "James Doe" and "John Doe"
    of one family stay two."""
    words = name_words(name)
    if not words:
        return (name.lower(), "")
    return (words[-1], words[0] if len(words) > 1 else "")


def _slot_key(key: tuple[str, str], known: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """The known participant a name joins: a surname alone joins the one of that surname, an initial the one
    whose first name starts with it."""
    surname, first = key
    if key in known:
        return key
    same = [k for k in known if k[0] == surname]
    if not same and len(first) > 1 and len(surname) >= 5:
        # one spelling slip between sources ("Melody Cerros" / "Melody Cuerros", "MacFarlane" / "McFarlane")
        fits = [k for k in known if k[1] == first and len(k[0]) >= 5 and Levenshtein.distance(k[0], surname) == 1]
        if len(fits) == 1:
            return fits[0]
    if not first:
        return same[0] if len(same) == 1 else key
    if len(first) >= 5:
        # one slip in the first name between sources ("Rachel" / "Rachael", "Kirsten" / "Kristen")
        fits = [k for k in same if len(k[1]) >= 5 and k[1][0] == first[0] and OSA.distance(k[1], first) == 1]
        if len(fits) == 1:
            return fits[0]
    if len(first) == 1:
        fits = [k for k in same if k[1].startswith(first)]
        return fits[0] if len(fits) == 1 else key
    fits = [k for k in same if len(k[1]) == 1 and first.startswith(k[1])]
    return fits[0] if len(fits) == 1 else key


def _in_time_order(reports: Sequence[FactReport]) -> list[FactReport]:
    """Published order; reports without a date keep their arrival place after the dated ones before them."""
    keyed = []
    last: datetime | None = None
    for n, report in enumerate(reports):
        last = report[2] or last
        keyed.append((last.isoformat() if last else "", n, report))
    return [r for _, _, r in sorted(keyed, key=lambda k: (k[0], k[1]))]


def _most_common(values: Sequence[str]) -> str | None:
    if not values:
        return None
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)  # ties: the first reported


def _place(places: Sequence[Place]) -> Place | None:
    with_city = [p for p in places if p.city]
    # The city most reports give; between cities given equally often, the one in the state most reports give
    # (a report that names no town still names the state), then the first reported.
    regions = Counter(p.region for p in places if p.region)
    support: dict[str | None, tuple[int, int]] = {}  # city -> (reports giving it, reports giving its best state)
    for p in with_city:
        told, state = support.get(p.city, (0, 0))
        support[p.city] = (told + 1, max(state, regions[p.region] if p.region else 0))
    city = max(support, key=support.__getitem__, default=None)  # ties: the first reported (dicts keep that order)
    chosen = [p for p in with_city if p.city == city] or list(places)
    if not chosen:
        return None
    region = _most_common([p.region for p in chosen if p.region]) or _most_common(
        [p.region for p in places if p.region]
    )
    country = _most_common([p.country for p in chosen if p.country])
    name = _most_common([p.name for p in chosen if p.name])
    return Place(name=name, city=city, region=region, country=country)


def _participants(ordered: Sequence[FactReport], provenance: Provenance, moved: list[str]) -> list[Participant]:
    merged: dict[tuple[str, str], dict[str, object]] = {}
    for aid, source, _, facts in ordered:
        for p in facts.participants:
            key = _slot_key(participant_key(p.name), list(merged))
            slot = merged.setdefault(key, {"names": [], "ages": [], "roles": [], "status": set()})
            slot["names"].append(p.name)  # type: ignore[attr-defined]
            if p.age is not None:
                slot["ages"].append(p.age)  # type: ignore[attr-defined]
            if p.role:
                slot["roles"].append(p.role)  # type: ignore[attr-defined]
            status: set[str] = slot["status"]  # type: ignore[assignment]
            before = set(status)
            for s in (p.status or "").split(", "):
                if s == "killed":
                    status.discard("injured")  # injured on day one, dead on day two: the newer report holds
                if s and not (s == "injured" and "killed" in status):
                    status.add(s)
            if before and status != before:  # a status that moved forward: a development of this report
                provenance[f"participant:{key[0]}|{key[1]}"] = (aid, source)
                moved.append(aid)
    # Ages other reports give people they name in full ("Jane Doe, 34,"), for participants told without one
    told: dict[tuple[str, str], list[int]] = {}
    for *_, facts in ordered:
        for told_name, told_age in facts.ages.items():
            key = _slot_key(participant_key(told_name), list(merged))
            if key in merged:
                told.setdefault(key, []).append(told_age)
    out = []
    # How many participants carry each surname: a family's spelling is the one its other members are told by
    surnames = [{participant_key(n)[0] for n in slot["names"]} for slot in merged.values()]  # type: ignore[attr-defined]
    keys = list(merged)
    for at, slot in enumerate(merged.values()):
        names: list[str] = slot["names"]  # type: ignore[assignment]
        family = Counter(w for n, words in enumerate(surnames) if n != at for w in words)
        ages: list[int] = slot["ages"]  # type: ignore[assignment]
        roles: list[str] = slot["roles"]  # type: ignore[assignment]
        status = slot["status"]  # type: ignore[assignment]
        # The fullest name; of its spellings, the one most reports give, then the one its family is told by, then
        # the newest (a later report corrects)
        fullest = max(len(n.split()) for n in names)
        counts = Counter(n for n in names if len(n.split()) == fullest)
        last = {n: at for at, n in enumerate(names)}
        name = max(counts, key=lambda n: (counts[n], family[participant_key(n)[0]], last[n]))
        if not ages:
            ages = told.get(keys[at], [])
        age = Counter(ages).most_common(1)[0][0] if ages else None
        role = "suspect" if "suspect" in roles else (_most_common(roles) if roles else None)
        text = ", ".join(s for s in _STATUS_ORDER if s in status) or None
        out.append(Participant(name=name, age=age, role=role, status=text))
    return out


def fold_facts(reports: Sequence[FactReport]) -> tuple[StoryFacts, Provenance]:
    """The story's facts from its articles' reports, and where its values come from.

    The provenance maps ``killed``, ``injured`` and ``participant:<surname>|<first name>`` to the report that set the
    current value, and ``latest`` to the newest report that moved a fact forward (the story's title follows it).
    """
    ordered = _in_time_order([r for r in reports if r[3].type is not None])
    if not ordered:
        return StoryFacts(), {}
    provenance: Provenance = {}
    moved: list[str] = []  # articles whose report moved a fact forward
    killed: int | None = None
    for aid, source, _, facts in ordered:
        if facts.killed is not None and (killed is None or facts.killed > killed):
            if killed is not None:
                moved.append(aid)  # the toll rose with this report
            killed, provenance["killed"] = facts.killed, (aid, source)
    injured: int | None = None
    for aid, source, _, facts in ordered:
        if facts.injured is not None and (facts.killed is None or killed is None or facts.killed >= killed):
            if facts.injured == 0 and injured:
                continue  # a later report of the dead alone does not undo the wounded an earlier one counted
            injured, provenance["injured"] = facts.injured, (aid, source)
    if injured is None:  # no report gives the final toll with its wounded: the newest count of the wounded
        for aid, source, _, facts in ordered:
            if facts.injured is not None:
                injured, provenance["injured"] = facts.injured, (aid, source)
    participants = _participants(ordered, provenance, moved)
    position = {aid: n for n, (aid, _, _, _) in enumerate(ordered)}
    if moved:
        newest = max(moved, key=position.__getitem__)
        provenance["latest"] = next((aid, src) for aid, src, _, _ in ordered if aid == newest)
    # The date the first report gives: the nearest to the incident, before later reports about a hearing or a
    # funeral name other days (an incident happens before its first report, so never after that report's date).
    dates = [f.date for _, _, _, f in ordered if f.date][:1]
    sources = list(dict.fromkeys(src for _, src, _, _ in ordered if src))
    return (
        StoryFacts(
            type=_most_common([f.type for _, _, _, f in ordered if f.type]),
            date=dates[0] if dates else None,
            place=_place([f.place for _, _, _, f in ordered if f.place is not None]),
            killed=killed,
            injured=injured,
            participants=participants,
            sources=sources,
        ),
        provenance,
    )


def developments(
    before: StoryFacts | None, after: StoryFacts, provenance: Provenance, new_ids: set[str]
) -> list[Development]:
    """What moved forward from the previous version's facts to these: the tolls, and each participant's status.

    A change is a development only where the report its value comes from is new in this version; a value that
    changes because the story merged with another, or an older report arrived late, is not news of the incident.
    """
    if before is None:
        return []
    out = []
    for name in ("killed", "injured"):
        old, new, where = getattr(before, name), getattr(after, name), provenance.get(name)
        if old is not None and new is not None and old != new and where is not None and where[0] in new_ids:
            out.append(Development(field=name, from_=old, to=new, article_id=where[0], source=where[1]))
    old_status = {participant_key(p.name): p.status for p in before.participants}
    for p in after.participants:
        key = participant_key(p.name)
        was, where = old_status.get(key), provenance.get(f"participant:{key[0]}|{key[1]}")
        if was is not None and p.status is not None and was != p.status and where is not None and where[0] in new_ids:
            out.append(
                Development(
                    field=f"participants.{p.name}.status", from_=was, to=p.status, article_id=where[0], source=where[1]
                )
            )
    return out


def is_development(conflict: Conflict, published: Mapping[str, datetime | None]) -> bool:
    """Whether two sides of a casualty count are one count moving forward in time rather than a disagreement.

    They are when every report of one side came out before every report of the other (the same moment cannot be
    told twice), and, for the death toll, the later side is the higher: tolls rise. Sources that disagree about
    the same moment, or whose reports interleave, stay a conflict.
    """
    if conflict.attribute not in ("killed", "injured") or len(conflict.values) != 2:
        return False
    sides = []
    for side in conflict.values:
        times = [published.get(aid) for aid in side.article_ids]
        known = [t for t in times if t is not None]
        if not known or len(known) != len(times) or not isinstance(side.value, int | float):
            return False
        sides.append((min(known), max(known), side.value))
    earlier, later = sorted(sides, key=lambda s: (s[0], s[1]))
    if earlier[1] >= later[0]:
        return False
    return conflict.attribute != "killed" or later[2] > earlier[2]
