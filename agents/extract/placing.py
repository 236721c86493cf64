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

from agents.extract.entities import CanonicalEntities, name_spans
from agents.extract.gazetteer import City, cities_named, distance_km
from agents.extract.places import CityState, state_name
from schemas.extraction import Place

__all__ = ["dateline", "outlet_start", "resolve_place"]

_NEIGHBOURHOOD_KM = 20.0  # a place this close to a city five times its size is part of it
_POLICE_KM = 40.0  # as far from the centre of a large city as its own police work
_NOT_PLACES = frozenset({"u.s.", "us", "united states", "america", "usa", "the united states"})
_PLACE_LIKE = frozenset({"GPE", "LOC", "PERSON", "ORG", "NORP"})
_WHERE_LABELS = frozenset({"GPE", "LOC", "FAC"})


_CAPITALIZED = re.compile(r"(?:[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})")
_AREA_WORDS = re.compile(
    r"\b(?:County|Parish|Township|Borough|District|Street|Avenue|Road|Park|Ave|Blvd|Rd|Dr|Ln|Hwy|Pkwy)\b"
)


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
    names = [n for n in names if (state_name(n) is None or _in_district(n)) and not _AREA_WORDS.search(n)]
    kin = _person_words(ents)
    out: list[str] = []
    for n in names:
        if n in kin:
            continue
        out.append(n)
        school = _SCHOOL.match(n)
        if school:  # "Riverdale High School students": the school is named for its town
            out.append(school.group(1))
    return list(dict.fromkeys(out))


_SCHOOL = re.compile(r"^((?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+) (?:High|Middle|Elementary|Junior High) School$")


_NAME_WORD = re.compile(r"[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?")


def _person_words(ents: CanonicalEntities) -> set[str]:
    """The first and last names of the people the text names in full ("Copeland" of "Samyah Copeland", "Morgan" of
    "Morgan Slaight"): told alone they are the person again, not a town of that name. A name the gazetteer holds as a
    whole ("Boiling Springs") is no person's, nor a large city's name outside a person's ("Denver Broncos")."""
    out: set[str] = set()
    for e in ents.entities:
        words = e.name.split()
        if e.label not in {"PERSON", "GPE", "ORG", "FAC"} or len(words) != 2 or cities_named(e.name):
            continue
        if (
            all(_NAME_WORD.fullmatch(w) for w in words)
            and not _AREA_WORDS.search(e.name)
            and not _COMPASS.search(e.name)
        ):
            # The tagger calls some people places or organisations, but "Denver Broncos" is a team of Denver: a
            # large city's name in an entity not tagged as a person stays a place.
            out.update(w for w in words if e.label == "PERSON" or not _large_city(w))
    return out


def _large_city(name: str) -> bool:
    return any(c.population >= _CITY_OF_PARTS for c in cities_named(name))


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
    for start, end in name_spans(name, text):
        # "D.C. She": a sentence's end; "Miami Gardens": a longer name
        if not name.endswith(".") and text[end : end + 1] == " " and "A" <= text[end + 1 : end + 2] <= "Z":
            continue
        if not outlet[0] <= start < outlet[1]:
            return start
    return -1


# A dateline: "BELOIT —", "KILLINGLY (AP) —", "NEW STANTON (KDKA) –", "(CAMPBELLSBURG) -", "HILLIARD, OH (WCMH) –"
# at the start of one of the first lines of the text.
_DATELINE = re.compile(
    r"^[ \t]*(?:\((?P<paren>[A-Z][A-Z .'’-]{2,30})\)|(?P<city>[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]*){0,3}))"
    r"(?:,\s*(?P<state>[A-Z][A-Za-z.]{1,14}(?:\s[A-Z][a-z.]+)?))?\s*(?:\([^)\n]{1,30}\)\s*)?(?:--|[-—–])(?:\s|$)",
    re.M,
)
# "Killingly (AP) —", "Glen Flora, Wis. (WQOW) -": a dateline in the text's own case, told by the agency's or the
# station's letters in brackets.
_AGENCY_DATELINE = re.compile(
    r"^[ \t]*(?P<city>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})(?:,\s*(?P<state>[A-Z][A-Za-z.]{1,14}(?:\s[A-Z][a-z.]+)?))?"
    r"\s*\((?:AP|[A-Z][A-Z0-9 -]{1,9})\)\s*(?:--|[-—–])(?:\s|$)",
    re.M,
)
_DATELINE_LINES = 6
_NOT_DATELINE = re.compile(r"\b(?:UPDATE|UPDATED|BREAKING|VIDEO|PHOTOS?|WATCH|EXCLUSIVE|MEDIA|LIVE|NEWS)\b")


def dateline(text: str) -> tuple[str, str | None] | None:
    """The dateline's city (title-cased) and its state where it gives one, from the first lines after the
    headline; None without a dateline, or for a county's or a state's name ("HENRY COUNTY, Ind." / "WASHINGTON")."""
    lines = text.split("\n")[1:]
    head = "\n".join([line for line in lines if line.strip()][:_DATELINE_LINES])
    match = _DATELINE.search(head) or _AGENCY_DATELINE.search(head)
    if match is None:
        return None
    raw = (match.groupdict().get("paren") or match.group("city") or "").strip()
    if _NOT_DATELINE.search(raw) or _call_letters_alone(raw) or raw.endswith(("COUNTY", "PARISH")):
        return None
    raw = re.sub(r"\b(ST|FT|MT)\.(?=[A-Z])", r"\1. ", raw)  # "ST.AUGUSTINE" is St. Augustine
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
    found = [span for span in name_spans(name, text, fold=True) if not _at_hospital(span, text)]
    return len(found) > 1


# "in a Fargo hospital", "Magnolia Regional Medical Center", "taken to a hospital in Worcester": the town of the
# hospital the victim was taken to, not where it happened.
_HOSPITAL_AFTER = re.compile(
    r"(?:\s+[A-Z][\w.'-]*){0,3}\s+(?:[Hh]ospitals?|Medical\s+Center|Medical\s+Centre|Health\s+System|Trauma|ICU)\b"
)
_HOSPITAL_BEFORE = re.compile(
    r"\b(?:taken|transported|rushed|flown|airlifted|driven|brought|transferred)\s+(?:him|her|them\s+)?to\b"
    r"[^.;\n]{0,80}\b(?:hospitals?|Hospital|Medical\s+Center|center)\b[^.;\n]{0,25}\bin\s+$"
    r"|\b(?:Hospital|Medical\s+Center|Medical\s+Centre|Health\s+Center)\s+in\s+$"  # "at UMass Memorial Hospital in"
)


def _at_hospital(span: tuple[int, int], text: str) -> bool:
    start, end = span
    return bool(_HOSPITAL_AFTER.match(text, end) or _HOSPITAL_BEFORE.search(text[max(0, start - 140) : start]))


# "about 14 miles north of Adrian", "five miles from Hartwell": a town the place is measured from, not the place.
_MEASURED_FROM = re.compile(
    r"\b(?:miles?|mi\.|kilometers?|kilometres?|km)\s+(?:(?:north|south|east|west)(?:east|west)?(?:ern)?\s+)?"
    r"(?:of|from)\s+(?:downtown\s+)?$",
    re.I,
)
# "Jane Doe, 20, of Tennille, Georgia", "John Roe, of Miami": where a person lives, not where it happened.
_HOME_OF = re.compile(r"(?:\b\d{1,3}|\b[A-Z][a-z]+),\s+of\s+$")


def _hospital_town(name: str, text: str) -> bool:
    """Whether the text names a place only as the town of a hospital."""
    found = name_spans(name, text)
    return bool(found) and all(_at_hospital(span, text) for span in found)


def _home_only(name: str, text: str) -> bool:
    """Whether the text names a place only as the town someone is from ("Jane Doe, 20, of Tennille, Georgia, was
    found dead") or a distance is measured from ("14 miles north of Adrian"): a report that names where it
    happened says so; one that names only a victim's home does not."""
    found = name_spans(name, text)
    return bool(found) and all(
        _HOME_OF.search(text, max(0, start - 40), start) or _MEASURED_FROM.search(text, max(0, start - 40), start)
        for start, _ in found
    )


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


_HEADLINE_AT = re.compile(
    r"\b(?:in|near|outside|(?:north|south|east|west)(?:east|west)?\s+of)\s+((?:[A-Z][a-z]+[ -]){0,2}[A-Z][a-z]+)",
    re.I,
)


def _headline_towns(headline: str) -> list[str]:
    """Towns of the United States a headline puts the incident in, near or beside ("… in Elgin", "… East of
    Bozeman"), the longest name first."""
    out = []
    for match in _HEADLINE_AT.finditer(headline):
        words = match.group(1).split()
        if not words[0][:1].isupper():
            continue
        for size in range(len(words), 0, -1):
            name = " ".join(words[:size])
            if state_name(name) is None and any(c.country == "United States" for c in cities_named(name)):
                out.append(name)
                break
    return out


# The incident's own sentence: one that tells of casualties or of where "it happened" ("A 2-year-old boy was shot
# and killed near his home in Denmark", "The shooting happened … at a home on Farmers Crossing Road in White Plains").
_CASUALTY_SENTENCE = re.compile(
    r"\b(?:shot|shooting|shootings|killed|dead|died|dies|wounded|injured|murdered|slain|stabbed|gunfire|fatally|"
    r"happened|occurred)\b",
    re.I,
)
_INCIDENT_AT = re.compile(
    r"\b(?:in|near|outside(?:\s+of)?|suburb\s+of)\s+(?:the\s+(?:[Tt]own|[Vv]illage|[Cc]ity)\s+of\s+)?"
    r"((?:[A-Z][a-z]+[ -]){0,2}[A-Z][a-z]+)(?![\w-])",
)
# What follows a capitalized name that makes it no town: a possessive ("Pittsburgh's Allentown neighborhood"), a
# county, a street or a hospital.
_NOT_TOWN_AFTER = re.compile(
    r"['’]s?\b|\s*(?:County|Parish|Township|Borough|Co\.|Hospital|Medical|Regional|Area|Drive|Street|St\.|Road|"
    r"Rd\.|Avenue|Ave\.|Lane|Boulevard|Blvd\.|Highway|Way|Court|Trail|Park)\b"
)
_AT_HOSPITAL_BEFORE = re.compile(r"\b(?:hospital|medical center)\b[^.]*$", re.I)
_INCIDENT_LINES = 12  # the lead: the first paragraphs after the headline
# A sentence ends after a word's full stop, not an abbreviation's ("9 a.m. Monday", "Sept. 19", "Lt. Jane Doe").
_SENTENCE_END = re.compile(
    r"(?:(?<=[a-z]{3}[.!?])|(?<=[A-Z][a-z]{4}[.!?])|(?<=\d[.!?])|(?<=[.!?][\"”]))\s+(?=[A-Z\"“])"
)
_TIME_WORDS = frozenset(
    "January February March April May June July August September October November December Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday".split()
)


def _incident_towns(text: str) -> list[str]:
    """The town the lead's first sentence of the incident puts it in ("… shot and killed near his home in Denmark",
    "… died after an accidental shooting in Elgin Friday"): not the headline's (read apart), nor a hospital's town,
    a county, a street, a state or a part of a city; a name the gazetteer lacks is given as the text writes it."""
    at = 0
    seen = 0
    for line in text.split("\n"):
        start, at = at, at + len(line) + 1
        if not line.strip() or start == 0:
            continue
        seen += 1
        if seen > _INCIDENT_LINES:
            break
        for sentence in _SENTENCE_END.split(line):
            if not _CASUALTY_SENTENCE.search(sentence):
                continue
            for match in _INCIDENT_AT.finditer(sentence):
                raw = match.group(1)
                words = raw.replace("-", " ").split()
                if (
                    _NOT_TOWN_AFTER.match(sentence, match.end(1))
                    or _AREA_WORDS.search(raw)
                    or _COMPASS.search(raw)
                    or words[0] in _TIME_WORDS
                    or _AT_HOSPITAL_BEFORE.search(sentence, 0, match.start())
                ):
                    continue
                while words and (words[-1] in _TIME_WORDS or state_name(words[-1]) is not None):
                    words = words[:-1]  # "in Elgin Friday", "in Ivanhoe Texas"
                name = " ".join(words)
                if words and not any(state_name(w) for w in words) and name.lower() not in _NOT_PLACES:
                    return [name]  # the whole name: "Pine Hollow" is not Pine
    return []


_RESIDENT = re.compile(
    r"\s+(?:[a-z]+\s+)?(?:man|woman|men|women|teen|teenager|boy|girl|child|toddler|student|senior|officer|resident|"
    r"couple|family|mother|father|mom|dad|native|deputy)s?\b",
    re.I,
)


def _end_of(name: str, headline: str) -> int:
    found = name_spans(name, headline)
    return found[0][1] if found else len(headline)


# A state's own police ("Michigan State Police", "Florida Highway Patrol"): the text names that state.
_STATE_POLICE = re.compile(r"^(?:the\s+)?(.+?)\s+(?:State\s+Police|State\s+Patrol|(?:State\s+)?Highway\s+Patrol)$")


def _states_named(
    ents: CanonicalEntities, pairs: Sequence[CityState], text: str = "", outlet: tuple[int, int] | None = None
) -> list[str]:
    """The states the text names: in "City, State" pairs, as places, as a state's police. Given the headline's
    ``outlet`` span, the states named only there are left out."""
    if outlet is not None:
        pairs = [p for p in pairs if not outlet[0] <= p.start < outlet[1]]
    found = [p.state for p in pairs]
    gpes = [e.name for e in ents.entities if e.label == "GPE"]
    found += [s for n in gpes if (s := state_name(n)) and (outlet is None or _first_mention(n, text, outlet) >= 0)]
    found += [
        s for e in ents.entities if e.label == "ORG" and (m := _STATE_POLICE.match(e.name)) and (s := state_name(m[1]))
    ]
    return list(dict.fromkeys(found))


def _vote_region(names: Sequence[str], station: Sequence[str] = ()) -> str | None:
    """The US state most of the text's places lie in (a city of 100,000 or more counts twice); on a tie, the one of
    the tied states that the headline's outlet names a town of ("… - WSB-TV Atlanta" for a Decatur found in Georgia
    and in Illinois), else None."""
    winners = _vote_winners(names)
    if len(winners) > 1 and station:
        winners = [w for w in winners if w in _vote_winners(station)] or winners
    return winners[0] if len(winners) == 1 else None


def _vote_winners(names: Sequence[str]) -> list[str]:
    votes: dict[str, int] = {}
    for name in dict.fromkeys(names):
        best: dict[str, int] = {}
        for c in cities_named(name):
            if c.region is not None:
                best[c.region] = max(best.get(c.region, 0), 2 if c.population >= 100_000 else 1)
        for region, weight in best.items():
            votes[region] = votes.get(region, 0) + weight
    top = max(votes.values(), default=0)
    return [r for r, v in votes.items() if v == top]


def _outlet_towns(title: str) -> list[str]:
    """The towns a headline's outlet name gives ("… - 13 WTHR Indianapolis", "… | Chattanooga News, Weather")."""
    out = []
    for match in _CAPITALIZED.finditer(title, outlet_start(title)):
        words = match.group(0).split()
        taken: set[int] = set()
        for size in range(len(words), 0, -1):  # the longest name first: "Weather Cape Girardeau" → Cape Girardeau
            for start in range(len(words) - size + 1):
                name = " ".join(words[start : start + size])
                span = set(range(start, start + size))
                if span & taken or state_name(name) is not None:
                    continue
                if any(c.country == "United States" for c in cities_named(name)):
                    out.append(name)
                    taken |= span
    return out


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


def _choose(
    names: Sequence[str], region: str | None, trusted: Sequence[str], lacking: Sequence[str] = ()
) -> tuple[str, City | None] | None:
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
        if region is not None and name in lacking and not _cities(name, region):
            return name, None
    return None


def _enclosing(city: City, others: Sequence[tuple[City, ...]], within: float = _NEIGHBOURHOOD_KM) -> City | None:
    """A much larger city the text names that this place lies inside of."""
    for group in others:
        for other in group:
            if other.population >= max(5 * city.population, _CITY_OF_PARTS) and distance_km(city, other) < within:
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

    A state that only the headline's outlet name gives ("… - KSLA News 12 Shreveport, Louisiana") is the station's:
    regional stations cover the next state too. Where none of the text's places is a town of that state, the town of
    the lead's incident sentence or dateline is placed as if the text named no state ("A shooting … in Statesboro"
    under "WTOC-TV: Savannah, Beaufort, SC"); a report that names no town at all is in the station's own city.
    """
    place = _resolve(city, region, own_name, ents, pairs, text, title, outlet_states=True)
    if place is None or place.city is not None:
        return place
    first_line = text.split("\n", 1)[0]
    outlet = (outlet_start(first_line), len(first_line))
    if region is not None and not _in_outlet(city, pairs, outlet):
        return place  # the incident's own "City, State"
    if _states_named(ents, pairs, text, outlet) or place.region not in _states_named(ents, pairs):
        return place  # the text names a state of its own, or the outlet gave none
    again = _resolve(None, None, own_name, ents, pairs, text, title, outlet_states=False)
    stated = dateline(text)
    lead = [*_incident_towns(text), *([stated[0]] if stated else [])]
    if again is None or again.city is None or again.name not in lead or again.country != place.country:
        return _station_home(place, ents, pairs, text, outlet)
    return again


def _station_home(
    place: Place, ents: CanonicalEntities, pairs: Sequence[CityState], text: str, outlet: tuple[int, int]
) -> Place:
    """A local station's report that names no place besides its state ("… - WMC Action News 5 - Memphis,
    Tennessee" over a story of a shooting at home): the station's own city."""
    towns = [e.name for e in ents.entities if e.label == "GPE" and state_name(e.name) is None]
    if any(_first_mention(n, text, outlet) >= 0 and n.lower() not in _NOT_PLACES for n in towns):
        return place
    home = [p for p in pairs if outlet[0] <= p.start < outlet[1] and p.state == place.region]
    found = [c for p in home[-1:] for c in _cities(p.city, p.state)]
    if not found:
        return place
    return Place(name=found[0].name, city=found[0].name, region=found[0].region, country=found[0].country)


def _place_like(name: str, text: str) -> bool:
    """Whether a name the tagger took for a place may be one: not an abbreviation ("Cpt"), nor a person told with an
    age ("Marcus Hill, 17,")."""
    return len(name) > 3 and not re.search(re.escape(name) + r",\s*\d{1,3}\b", text)


def _in_outlet(city: str | None, pairs: Sequence[CityState], outlet: tuple[int, int]) -> bool:
    """The frame's "City, State" is the headline's outlet name ("… - WTOC-TV: Savannah, Beaufort, SC")."""
    at = [p.start for p in pairs if p.city == city]
    return bool(at) and all(outlet[0] <= start < outlet[1] for start in at)


def _resolve(
    city: str | None,
    region: str | None,
    own_name: str | None,
    ents: CanonicalEntities,
    pairs: Sequence[CityState],
    text: str,
    title: str,
    *,
    outlet_states: bool,
) -> Place | None:
    """:func:`resolve_place`'s reading, with the states only the outlet name gives (``outlet_states``) or without."""
    first_line = text.split("\n", 1)[0]
    outlet = (outlet_start(first_line), len(first_line))
    # A station's home city in the headline ("… - KAIT Jonesboro, AR") is not where it happened; its state is
    # still the text's.
    kept = [p for p in pairs if not outlet[0] <= p.start < outlet[1]]
    if city and _in_outlet(city, pairs, outlet):
        city, region = None, None  # the frame read the station's "City, State": the text's own pairs come first
    states = [region] if region else _states_named(ents, pairs, *((text, outlet) if not outlet_states else ()))
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
    if not states:  # "Three People Dead East of Bozeman": a headline's town after "in", "near", "east of"
        names += [n for n in _headline_towns(headline) if n not in names]
    lead = list(names)  # the headline's towns and the frame's, the dateline's: before the incident sentence's
    names += [n for n in _named_places(ents, text, outlet) if n not in names]
    names += [stated[0]] if stated and stated[0] not in names else []
    hospital = [n for n in names if _hospital_town(n, text)]  # tried last
    home = [n for n in names if _home_only(n, text)]  # never the place, but in the state the text is about
    names = [n for n in names if n not in hospital and n not in home] + hospital
    if city is not None and _home_only(city, text):
        city = None
    if not names:
        return Place(region=states[0], country="United States") if len(states) == 1 else None
    support = _support_names(ents)
    # Without a state named, the city whose police handle the case says which state ("Cincinnati police").
    station = _outlet_towns(title) if not states else []
    voted = states[0] if len(states) == 1 else _vote_region([*names, *home, *support], station)
    police = _police_city(text, outlet, voted) or (None if states else _police_city(text, outlet, None))
    chosen_region = police.region if police is not None and not states else voted
    if chosen_region is None and states:
        chosen_region = states[0]
    if chosen_region is not None and chosen_region not in states:
        # No state named (or only other stories' states on a long page), but the text's places agree on one: the
        # headline's towns of that state come first ("… stabbed outside Watsonville" under a "SANTA CRUZ —" dateline).
        in_title = _title_places(headline, [chosen_region])
        names = [*in_title, *(n for n in names if n not in in_title)]
    # The lead's incident sentence names the town before the text's other places do ("A 2-year-old boy was shot
    # near his home in Denmark" over a page's other stories). A town the gazetteer lacks in the text's own state is
    # taken as the text writes it, unless the text names a large city of that state it may be a part of.
    towns = _incident_towns(text) if chosen_region is not None else []
    # A dateline with its state that the text never names again is where the reporter filed from when the lead
    # tells of another town ("INDIANAPOLIS, Ind. —" over "Four people were shot outside a bar in Kokomo").
    filed = None
    if stated and stated[1] and towns and towns[0] != stated[0] and not _told_again(stated[0], text):
        filed = stated[0]
    lacking: list[str] = []
    own_states = [*_states_named(ents, pairs), *([stated[1]] if stated and stated[1] else [])]
    # (a large city's dateline still counts: "MEMPHIS, Tenn. — … shot in Orange Mound" is in Memphis)
    large = [c for n in [*names, *support] for c in _cities(n, chosen_region) if c.population >= _CITY_OF_PARTS]
    if police is None and not large and chosen_region in own_states:
        lacking = [n for n in towns if not _cities(n, chosen_region) and _town_like(n)]
    towns = [n for n in towns if _cities(n, chosen_region) or n in lacking]
    if towns:
        at = max((names.index(n) + 1 for n in lead if n in names and n not in hospital and n != filed), default=0)
        moved = [filed] if filed in names[:at] else []
        names = list(dict.fromkeys([*(n for n in names[:at] if n not in moved), *towns, *moved, *names[at:]]))
    trusted = [n for n in [*(p.city for p in pairs), *([stated[0]] if told and stated else [])] if _town_like(n)]
    found = _choose(names, chosen_region, trusted, lacking)
    if found is None and police is not None:  # no town the gazetteer knows, but the police's city
        return Place(name=police.name, city=police.name, region=police.region, country=police.country)
    if found is None:
        # No town: the place is the first name the tagger took for a place ("the Broad River"), not a person's
        # name or a police force's that the gazetteer was asked about.
        labels = {e.name: e.label for e in ents.entities}
        where = next((n for n in names if labels.get(n) in _WHERE_LABELS and _place_like(n, text)), city)
        if where is None and chosen_region is None:
            return None
        return Place(name=where, city=city, region=chosen_region, country="United States" if chosen_region else None)
    name, chosen = found
    if chosen is None:
        return Place(name=name, city=name, region=chosen_region, country="United States")
    if chosen.name.lower() != name.lower():  # a part of the city named for it: "Southwest Baltimore"
        return Place(name=name, city=chosen.name, region=chosen.region, country=chosen.country)
    # (a large city named only for its hospital does not hold the place: "taken to a New Orleans hospital")
    others = [cities_named(n) for n in [*names, *support] if n != name and n not in hospital]
    if police is not None:
        others.insert(0, (police,))  # "Chicago police said": the place is a neighbourhood of Chicago
    larger = _enclosing(chosen, others)
    if larger is None and police is not None and _enclosing(chosen, [(police,)], _POLICE_KM) is not None:
        larger = police  # "San Diego police" at "Rancho Penasquitos": a city's police work inside its limits
    if larger is not None and larger.region == chosen.region:
        return Place(name=name, city=larger.name, region=larger.region, country=larger.country)
    return Place(name=name, city=chosen.name, region=chosen.region or chosen_region, country=chosen.country)
