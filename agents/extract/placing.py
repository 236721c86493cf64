"""Where an incident happened: city, region and country, from the text first and the gazetteer second (pure).

The text's own evidence wins: a "City, State" pair ("TULSA, Okla. —"), or a state it names. Where it names no
state, the gazetteer places the city, choosing among cities of the same name the one near the other places the
text names (Englewood beside Chicago is the Chicago neighbourhood, not the town in New Jersey), else the most
populous. A place that lies inside a much larger city the text also names is a neighbourhood: the city is the
larger one, and the place keeps its own name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.extract.entities import CanonicalEntities
from agents.extract.gazetteer import City, cities_named, distance_km
from agents.extract.places import CityState, state_name
from schemas.extraction import Place

__all__ = ["resolve_place"]

_NEIGHBOURHOOD_KM = 20.0  # a place this close to a city five times its size is part of it
_NOT_PLACES = frozenset({"u.s.", "us", "united states", "america", "usa", "the united states"})
_PLACE_LIKE = frozenset({"GPE", "LOC", "PERSON", "ORG", "NORP"})


_CAPITALIZED = re.compile(r"(?:[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})")
_AREA_WORDS = re.compile(r"\b(?:County|Parish|Township|Borough|District|Street|Avenue|Road|Park)\b")


def _named_places(ents: CanonicalEntities, text: str) -> list[str]:
    """The names of the text that may be places, GPEs first, in order of first mention: neither states nor the
    country (spaCy often tags a small town as a person or an organisation: the gazetteer decides)."""
    spans = [(e.label != "GPE", text.find(e.name), e.name) for e in ents.entities if e.label in _PLACE_LIKE]
    names = [n for _, at, n in sorted(spans) if at >= 0 and n.lower() not in _NOT_PLACES]
    return [n for n in names if state_name(n) is None and not _AREA_WORDS.search(n)]


def _title_places(title: str, states: Sequence[str]) -> list[str]:
    """Capitalized words of the headline that name a town of a state the text names ("Kokomo nightclub"); a town
    after "in", "at" or "near" first. Without a named state the headline's words are not trusted as places."""
    if not states:
        return []
    found: list[tuple[int, int, str]] = []
    for match in _CAPITALIZED.finditer(title):
        words = match.group(0).split()
        before = title[: match.start()].rstrip().split()[-1:]
        rank = 0 if before and before[0].lower() in {"in", "at", "near"} else 1
        for size in range(len(words), 0, -1):
            for start in range(len(words) - size + 1):
                name = " ".join(words[start : start + size])
                if any(c.region in states for c in cities_named(name)) and state_name(name) is None:
                    found.append((rank, match.start(), name))
    return [n for _, _, n in sorted(found)]


def _states_named(ents: CanonicalEntities, pairs: Sequence[CityState]) -> list[str]:
    found = [p.state for p in pairs]
    found += [s for e in ents.entities if e.label == "GPE" and (s := state_name(e.name))]
    return list(dict.fromkeys(found))


def _vote_region(names: Sequence[str]) -> str | None:
    """The US state most of the text's places lie in (a city of 100,000 or more counts twice); None on a tie."""
    votes: dict[str, int] = {}
    for name in dict.fromkeys(names):
        best: dict[str, int] = {}
        for c in cities_named(name):
            if c.region is not None:
                best[c.region] = max(best.get(c.region, 0), 2 if c.population >= 100_000 else 1)
        for region, weight in best.items():
            votes[region] = votes.get(region, 0) + weight
    if not votes:
        return None
    top = max(votes.values())
    winners = [r for r, v in votes.items() if v == top]
    return winners[0] if len(winners) == 1 else None


def _choose(names: Sequence[str], region: str | None) -> tuple[str, City] | None:
    """The first name that is a city of the region (its largest of that name); without a region, the first name
    that is a city anywhere (its largest)."""
    for name in names:
        candidates = [c for c in cities_named(name) if region is None or c.region == region]
        if candidates:
            return name, candidates[0]
    return None


def _enclosing(city: City, others: Sequence[tuple[City, ...]]) -> City | None:
    """A much larger city the text names that this place lies inside of."""
    for group in others:
        for other in group:
            if other.population >= 5 * max(city.population, 1) and distance_km(city, other) < _NEIGHBOURHOOD_KM:
                return other
    return None


def _support_names(ents: CanonicalEntities) -> list[str]:
    """Leading words of organisations and facilities that may be a city ("Chicago Police", "Baton Rouge General")."""
    out = []
    for e in ents.entities:
        if e.label in {"ORG", "FAC"}:
            words = e.name.split()
            out += [" ".join(words[:n]) for n in (1, 2, 3) if n < len(words)]
    return out


def resolve_place(
    city: str | None,
    region: str | None,
    own_name: str | None,
    ents: CanonicalEntities,
    pairs: Sequence[CityState],
    text: str,
    title: str = "",
) -> Place | None:
    """City, region and country of an incident (None when the text names no place at all).

    ``city`` / ``region`` are what the incident frame read from the text ("City, State" pairs, a named state);
    ``own_name`` is the place the incident sentence names ("in Englewood").
    """
    states = [region] if region else _states_named(ents, pairs)
    # The headline names where it happened more often than anything else; then the incident frame's own place,
    # the dateline, and the text's other places in order.
    names = _title_places(title, states)
    names += [n for n in ([city] if city else []) + ([own_name] if own_name else []) if n and n not in names]
    names += [n for n in _named_places(ents, text) if n not in names]
    if not names:
        return Place(region=region, country="United States") if region else None
    support = _support_names(ents)
    chosen_region = states[0] if len(states) == 1 else _vote_region([*names, *support])
    if chosen_region is None and states:
        chosen_region = states[0]
    if not states and chosen_region is not None:
        # No state named, but the text's places agree on one: the headline's towns of that state come first.
        in_title = _title_places(title, [chosen_region])
        names = [*in_title, *(n for n in names if n not in in_title)]
    found = _choose(names, chosen_region)
    if found is None:
        return Place(name=names[0], city=city, region=chosen_region, country="United States" if chosen_region else None)
    name, chosen = found
    others = [cities_named(n) for n in [*names, *support] if n != name]
    larger = _enclosing(chosen, others)
    if larger is not None and larger.region == chosen.region:
        return Place(name=name, city=larger.name, region=larger.region, country=larger.country)
    return Place(name=name, city=chosen.name, region=chosen.region or chosen_region, country=chosen.country)
