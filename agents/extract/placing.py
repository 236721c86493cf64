"""Where an incident happened: city, region and country, from the text first and the gazetteer second (pure).

The text's own evidence wins: a "City, State" pair ("TULSA, Okla. —"), or a state it names. Where it names no
state, the gazetteer places the city, choosing among cities of the same name the one near the other places the
text names (Englewood beside Chicago is the Chicago neighbourhood, not the town in New Jersey), else the most
populous. A place that lies inside a much larger city the text also names is a neighbourhood: the city is the
larger one, and the place keeps its own name.
"""

from __future__ import annotations

from collections.abc import Sequence

from agents.extract.entities import CanonicalEntities
from agents.extract.gazetteer import City, cities_named, distance_km
from agents.extract.places import CityState, state_name
from schemas.extraction import Place

__all__ = ["resolve_place"]

_NEAR_KM = 60.0  # two places of one local story lie this close
_NEIGHBOURHOOD_KM = 20.0  # a place this close to a city five times its size is part of it
_NOT_PLACES = frozenset({"u.s.", "us", "united states", "america", "usa", "the united states"})


def _named_places(ents: CanonicalEntities, text: str) -> list[str]:
    """The GPE names of the text, in order of first mention, that are neither states nor the country."""
    spans = [(e.name, text.find(e.name)) for e in ents.entities if e.label == "GPE"]
    names = [n for n, at in sorted(spans, key=lambda p: (p[1] < 0, p[1])) if n.lower() not in _NOT_PLACES]
    return [n for n in names if state_name(n) is None]


def _states_named(ents: CanonicalEntities, pairs: Sequence[CityState]) -> list[str]:
    found = [p.state for p in pairs]
    found += [s for e in ents.entities if e.label == "GPE" and (s := state_name(e.name))]
    return list(dict.fromkeys(found))


def _choose(name: str, states: Sequence[str], others: Sequence[tuple[City, ...]]) -> City | None:
    """The city of that name the text means: in a state it names, else near its other places, else the largest."""
    candidates = cities_named(name)
    if not candidates:
        return None
    in_state = [c for c in candidates if c.region in states]
    if in_state:
        return in_state[0]
    if states:
        return None  # the text names a state and this name is not a city of it (a street, a neighbourhood)

    def support(c: City) -> int:
        return sum(1 for group in others if any(o is not c and distance_km(c, o) < _NEAR_KM for o in group))

    best = max(support(c) for c in candidates)
    return next(c for c in candidates if support(c) == best)


def _enclosing(city: City, others: Sequence[tuple[City, ...]]) -> City | None:
    """A much larger city the text names that this place lies inside of."""
    for group in others:
        for other in group:
            if other.population >= 5 * max(city.population, 1) and distance_km(city, other) < _NEIGHBOURHOOD_KM:
                return other
    return None


def resolve_place(
    city: str | None,
    region: str | None,
    own_name: str | None,
    ents: CanonicalEntities,
    pairs: Sequence[CityState],
    text: str,
) -> Place | None:
    """City, region and country of an incident (None when the text names no place at all).

    ``city`` / ``region`` are what the incident frame read from the text ("City, State" pairs, a named state);
    ``own_name`` is the place the incident sentence names ("in Englewood").
    """
    states = [region] if region else _states_named(ents, pairs)
    names = [n for n in ([city] if city else []) + ([own_name] if own_name else []) if n]
    names += [n for n in _named_places(ents, text) if n not in names]
    if not names:
        return Place(region=region, country="United States") if region else None
    groups = [cities_named(n) for n in names[1:6]]
    chosen = _choose(names[0], states, groups)
    if chosen is None:
        if city or region:
            return Place(name=names[0], city=city, region=region, country="United States" if region else None)
        return Place(name=names[0])
    larger = _enclosing(chosen, groups)
    if larger is not None and larger.region == chosen.region:
        return Place(name=names[0], city=larger.name, region=larger.region, country=larger.country)
    return Place(name=names[0], city=chosen.name, region=region or chosen.region, country=chosen.country)
