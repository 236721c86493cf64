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

__all__ = ["dateline", "outlet_start", "resolve_place"]

_NEIGHBOURHOOD_KM = 20.0  # a place this close to a city five times its size is part of it
_NOT_PLACES = frozenset({"u.s.", "us", "united states", "america", "usa", "the united states"})
_PLACE_LIKE = frozenset({"GPE", "LOC", "PERSON", "ORG", "NORP"})


_CAPITALIZED = re.compile(r"(?:[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})")
_AREA_WORDS = re.compile(r"\b(?:County|Parish|Township|Borough|District|Street|Avenue|Road|Park)\b")


def _named_places(ents: CanonicalEntities, text: str, outlet: tuple[int, int]) -> list[str]:
    """The names of the text that may be places, GPEs first, in order of first mention: neither states nor the
    country, nor names the text gives only in the headline's outlet name (spaCy often tags a small town as a person
    or an organisation: the gazetteer decides)."""
    spans = [
        (e.label != "GPE", _first_mention(e.name, text, outlet), e.name)
        for e in ents.entities
        if e.label in _PLACE_LIKE
    ]
    names = [n for _, at, n in sorted(spans) if at >= 0 and n.lower() not in _NOT_PLACES]
    return [n for n in names if (state_name(n) is None or _in_district(n)) and not _AREA_WORDS.search(n)]


# The part of a headline after " - " or " | " that names the outlet: "… - WQOW TV: Eau Claire, WI", "… | KSLA News 12
# Shreveport", "… - WTOC-TV: Savannah". A station's or paper's home city is not where the news happened.
_OUTLET_SEPARATOR = re.compile(r"\s+[-|–—]\s+|\s+[|]|[|]\s+")
_OUTLET_WORD = re.compile(
    r"\b(?:[KW][A-Z]{2,3}(?:-(?:TV|FM|AM|DT))?|[A-Z]*NEWS\d*|News\d*|TV|Channel|Radio|Television|Gazette|Tribune|"
    r"Times|Herald|Journal|Post|Press|Daily|NBC\w*|CBS\w*|ABC\w*|FOX\w*|Fox\s*\d+)\b|\.com\b"
)


def outlet_start(title: str) -> int:
    """Where a headline's outlet name begins (the headline's length when it names none)."""
    for sep in _OUTLET_SEPARATOR.finditer(title):
        if sep.start() > 0 and _OUTLET_WORD.search(title, sep.end()):
            return sep.start()
    return len(title)


def _first_mention(name: str, text: str, outlet: tuple[int, int]) -> int:
    """Where the text first names ``name`` by itself (not as the start of a longer name: "Miami" in "Miami Gardens"),
    outside the headline's outlet name (-1: nowhere else)."""
    longer = "" if name.endswith(".") else "(?! [A-Z])"  # "D.C. She": a sentence's end, not a longer name
    for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w){longer}", text):  # "Miami" in "Miami Gardens" is not
        if not outlet[0] <= match.start() < outlet[1]:
            return match.start()
    return -1


# A dateline: "BELOIT —", "KILLINGLY (AP) —", "NEW STANTON (KDKA) –", "(CAMPBELLSBURG) -", "HILLIARD, OH (WCMH) –"
# at the start of one of the first lines of the text.
_DATELINE = re.compile(
    r"^[ \t]*(?:\((?P<paren>[A-Z][A-Z .'’-]{2,30})\)|(?P<city>[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]*){0,3}))"
    r"(?:,\s*(?P<state>[A-Z][A-Za-z.]{1,14}(?:\s[A-Z][a-z.]+)?))?\s*(?:\([^)\n]{1,30}\)\s*)?(?:--|[-—–])(?:\s|$)",
    re.M,
)
_DATELINE_LINES = 6
_NOT_DATELINE = re.compile(r"\b(?:UPDATE|UPDATED|BREAKING|VIDEO|PHOTOS?|WATCH|EXCLUSIVE|MEDIA|LIVE|NEWS)\b")


def dateline(text: str) -> tuple[str, str | None] | None:
    """The dateline's city (title-cased) and its state where it gives one, from the first lines after the
    headline; None without a dateline, or for a county's or a state's name ("HENRY COUNTY, Ind." / "WASHINGTON")."""
    lines = text.split("\n")[1:]
    head = "\n".join([line for line in lines if line.strip()][:_DATELINE_LINES])
    match = _DATELINE.search(head)
    if match is None:
        return None
    raw = (match.group("paren") or match.group("city") or "").strip()
    if _NOT_DATELINE.search(raw) or _call_letters_alone(raw) or raw.endswith(("COUNTY", "PARISH")):
        return None
    name = " ".join(w.capitalize() if w.isalpha() else w.title() for w in raw.split())
    if state_name(name) is not None:
        return None
    state = state_name(match.group("state")) if match.group("state") else None
    if match.group("state") and state is None:
        return None
    return name, state


def _told_again(name: str, text: str) -> bool:
    """Whether the text names a dateline's city a second time (the headline included; in any case), not as the
    town of the hospital the victim was taken to."""
    found = [m for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I) if not _at_hospital(m, text)]
    return len(found) > 1


# "in a Fargo hospital", "Magnolia Regional Medical Center", "taken to a hospital in Worcester": the town of the
# hospital the victim was taken to, not where it happened.
_HOSPITAL_AFTER = re.compile(
    r"(?:\s+[A-Z][\w.'-]*){0,3}\s+(?:[Hh]ospitals?|Medical\s+Center|Medical\s+Centre|Health\s+System|Trauma|ICU)\b"
)
_HOSPITAL_BEFORE = re.compile(
    r"\b(?:taken|transported|rushed|flown|airlifted|driven|brought|transferred)\s+(?:him|her|them\s+)?to\b"
    r"[^.;\n]{0,80}\b(?:hospitals?|Hospital|Medical\s+Center|center)\b[^.;\n]{0,25}\bin\s+$"
)


def _at_hospital(match: re.Match[str], text: str) -> bool:
    return bool(
        _HOSPITAL_AFTER.match(text, match.end())
        or _HOSPITAL_BEFORE.search(text[max(0, match.start() - 140) : match.start()])
    )


def _hospital_town(name: str, text: str) -> bool:
    """Whether the text names a place only as the town of a hospital."""
    found = list(re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text))
    return bool(found) and all(_at_hospital(m, text) for m in found)


_COMPASS = re.compile(
    r"^(?:North|South|East|West|Northeast|Northwest|Southeast|Southwest|Downtown|Central|Upper|Lower)\b"
)


def _town_like(name: str) -> bool:
    """A name the text writes as a city that may be a town the gazetteer lacks: not a county or a street, and not
    a part of something ("Southwest Miami-Dade")."""
    return not _AREA_WORDS.search(name) and not _COMPASS.search(name) and not name.endswith((" Parish", " Co."))


def _call_letters_alone(raw: str) -> bool:
    return bool(re.fullmatch(r"[KW][A-Z]{2,3}", raw))


# "Cincinnati police", "Cincinnati Police Department", "Hilliard Police Lt.": the city whose police handle the case.
_POLICE = re.compile(r"(?<![\w.])((?:[A-Z][a-z]+[ -]){0,3}[A-Z][a-z]+)\s+[Pp]olice\b")
_LEADING_WORDS = frozenset({"The", "By", "In", "At", "From", "For", "With", "And", "Of", "To"})
_NOT_POLICE_CITY = frozenset({"State", "County", "Transit", "Capitol", "University", "Campus", "Metro", "Tribal"})


def _police_city(text: str, outlet: tuple[int, int], region: str | None) -> City | None:
    """The city the text names as the police's (of the region where it has one; its largest), else None."""
    for match in _POLICE.finditer(text):
        if outlet[0] <= match.start() < outlet[1]:
            continue
        words = match.group(1).replace("-", " ").split()
        while len(words) > 1 and words[-1] in {"Metro", "Metropolitan"}:
            words = words[:-1]  # "Indianapolis Metro Police"
        if words[-1] in _NOT_POLICE_CITY:
            continue
        if len(words) > 1 and words[0] in _LEADING_WORDS:
            words = words[1:]
        # The whole capitalized run is the city: "Eric Summerfield, police said" has no police of Summerfield.
        cities = [c for c in cities_named(" ".join(words)) if c.country == "United States"]
        cities = [c for c in cities if region is None or c.region == region]
        if cities:
            return cities[0]
    return None


def _title_places(title: str, states: Sequence[str]) -> list[str]:
    """Capitalized words of the headline that name a town of a state the text names ("Kokomo nightclub"); a town
    after "in", "at" or "near" first. Without a named state the headline's words are not trusted as places."""
    if not states:
        return []
    found: list[tuple[int, int, int, str]] = []
    for match in _CAPITALIZED.finditer(title):
        words = match.group(0).split()
        before = title[: match.start()].rstrip().split()[-1:]
        rank = 0 if before and before[0].lower() in {"in", "at", "near"} else 1
        for size in range(len(words), 0, -1):
            for start in range(len(words) - size + 1):
                name = " ".join(words[start : start + size])
                if any(c.region in states for c in cities_named(name)) and state_name(name) is None:
                    found.append((rank, match.start(), -size, name))
    return [n for *_, n in sorted(found)]  # the longest name first: "Miami Gardens" before "Miami"


_RESIDENT = re.compile(
    r"\s+(?:[a-z]+\s+)?(?:man|woman|men|women|teen|teenager|boy|girl|child|toddler|student|senior|officer|resident|"
    r"couple|family|mother|father|mom|dad|native|deputy)s?\b",
    re.I,
)


def _end_of(name: str, headline: str) -> int:
    match = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", headline)
    return match.end() if match else len(headline)


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


_DISTRICT = "District of Columbia"
_CITY_OF_PARTS = 100_000  # a city this large is told in parts: "Southwest Baltimore", "North Stockton"


def _part_of(name: str) -> str:
    """The city a part of it is named for: "Southwest Baltimore" → "Baltimore", "North Stockton" → "Stockton"
    ("Southeast D.C." → "Washington"); the name itself otherwise."""
    rest = _COMPASS.sub("", name).strip()
    if rest[:1].isupper() and not rest.startswith(("Side", "End")):
        name = rest
    if _in_district(name):
        return "Washington"
    return name


def _in_district(name: str) -> bool:
    """ "D.C.", "Washington, D.C.", "Southeast DC": the District of Columbia."""
    words = name.replace(",", " ").split()
    return bool(words) and words[-1] in {"D.C.", "DC"} and len(words) <= 3


def _cities(name: str, region: str | None) -> list[City]:
    """The cities a name may be, of the region where one is given ("D.C." is Washington, whatever state the text
    names besides)."""
    if _in_district(name):
        return [c for c in cities_named("Washington") if c.region == _DISTRICT]
    # Only a large city is told in parts by the compass: "West Jackson" is more likely a street than Jackson.
    found = cities_named(name) or [c for c in cities_named(_part_of(name)) if c.population >= _CITY_OF_PARTS]
    return [c for c in found if region is None or c.region == region]


def _choose(names: Sequence[str], region: str | None, trusted: Sequence[str]) -> tuple[str, City | None] | None:
    """The first name that is a city of the region (its largest of that name); without a region, the first name
    that is a city anywhere (its largest). A town the gazetteer does not hold (fewer than 1,000 people) is taken
    where the text itself writes it as a city: a dateline or a "City, State" pair (``trusted``). A part of a city
    named for it ("Southwest Baltimore") is in that city."""
    for name in names:
        candidates = _cities(name, region)
        if candidates:
            return name, candidates[0]
        if region is not None and name in trusted and not cities_named(name):
            return name, None
    return None


def _enclosing(city: City, others: Sequence[tuple[City, ...]]) -> City | None:
    """A much larger city the text names that this place lies inside of."""
    for group in others:
        for other in group:
            if (
                other.population >= max(5 * city.population, _CITY_OF_PARTS)
                and distance_km(city, other) < _NEIGHBOURHOOD_KM
            ):
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
    first_line = text.split("\n", 1)[0]
    outlet = (outlet_start(first_line), len(first_line))
    # A station's home city in the headline ("… - KAIT Jonesboro, AR") is not where it happened; its state is
    # still the text's.
    kept = [p for p in pairs if not outlet[0] <= p.start < outlet[1]]
    if city and not any(p.city == city for p in kept) and any(p.city == city for p in pairs):
        city = None
    states = [region] if region else _states_named(ents, pairs)
    pairs = kept
    stated = dateline(text)
    if stated is not None and stated[1] is not None and not states:
        states = [stated[1]]
    # The headline names where it happened more often than anything else; then the incident frame's own place,
    # the dateline, and the text's other places in order.
    headline = title[: outlet_start(title)]
    names = _title_places(headline, states)
    # A dateline without a state that the story never names again is the station's or bureau's home
    # ("WORCESTER (CBS) —" over a story from Orange): the last resort, not the first.
    told = stated is not None and (stated[1] is not None or _told_again(stated[0], text))
    # The frame's "City, State" pair comes before the dateline where it names the incident's own place or the
    # headline's; otherwise it is only the text's first pair, and the dateline is earlier.
    own_pair = city is not None and (city == own_name or city in headline)
    firsts = [city] if city and own_pair else []
    firsts += [stated[0]] if stated and told else []
    firsts += [city] if city and not own_pair else []
    firsts += [own_name] if own_name else []
    # A place named for its town ("the Rupert Gun Range", "Riverdale High School") puts the incident in that town.
    firsts += [" ".join(own_name.split()[:n]) for n in (3, 2, 1) if own_name and n < len(own_name.split())]
    # "Plainfield teen injured while hunting" over "BROOKLYN, Ind. —": the headline tells where the teen lives;
    # a dateline with its state, or the incident's own place, says where it happened.
    names += [n for n in firsts if n and n not in names]
    if stated is not None and stated[1] is not None and stated[0] in names:
        resident = [n for n in names if n != stated[0] and _RESIDENT.match(headline, _end_of(n, headline))]
        at = names.index(stated[0])
        names = [n for n in names[:at] if n not in resident] + [stated[0]] + resident + names[at + 1 :]
    names += [n for n in _named_places(ents, text, outlet) if n not in names]
    names += [stated[0]] if stated and stated[0] not in names else []
    hospital = [n for n in names if _hospital_town(n, text)]  # tried last
    names = [n for n in names if n not in hospital] + hospital
    if not names:
        return Place(region=states[0], country="United States") if len(states) == 1 else None
    support = _support_names(ents)
    # Without a state named, the city whose police handle the case says which state ("Cincinnati police").
    voted = states[0] if len(states) == 1 else _vote_region([*names, *support])
    police = _police_city(text, outlet, voted) or (None if states else _police_city(text, outlet, None))
    chosen_region = police.region if police is not None and not states else voted
    if chosen_region is None and states:
        chosen_region = states[0]
    if not states and chosen_region is not None:
        # No state named, but the text's places agree on one: the headline's towns of that state come first.
        in_title = _title_places(headline, [chosen_region])
        names = [*in_title, *(n for n in names if n not in in_title)]
    trusted = [n for n in [*(p.city for p in pairs), *([stated[0]] if told and stated else [])] if _town_like(n)]
    found = _choose(names, chosen_region, trusted)
    if found is None and police is not None:  # no town the gazetteer knows, but the police's city
        return Place(name=police.name, city=police.name, region=police.region, country=police.country)
    if found is None:
        return Place(name=names[0], city=city, region=chosen_region, country="United States" if chosen_region else None)
    name, chosen = found
    if chosen is None:
        return Place(name=name, city=name, region=chosen_region, country="United States")
    if chosen.name.lower() != name.lower():  # a part of the city named for it: "Southwest Baltimore"
        return Place(name=name, city=chosen.name, region=chosen.region, country=chosen.country)
    others = [cities_named(n) for n in [*names, *support] if n != name]
    if police is not None:
        others.insert(0, (police,))  # "Chicago police said": the place is a neighbourhood of Chicago
    larger = _enclosing(chosen, others)
    if larger is not None and larger.region == chosen.region:
        return Place(name=name, city=larger.name, region=larger.region, country=larger.country)
    return Place(name=name, city=chosen.name, region=chosen.region or chosen_region, country=chosen.country)
