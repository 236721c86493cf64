"""US "City, State" places named in a text ("TULSA, Okla. —", "in Dayton, Ohio,") (pure).

Local news names a place as a city followed by its state, in full or as an AP/postal abbreviation.
The states are a fixed table; the city is the capitalized words in front of the comma.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["US_STATES", "CityState", "city_states", "state_name"]

# Full name -> (AP style abbreviation, postal code)
US_STATES: dict[str, tuple[str, str]] = {
    "Alabama": ("Ala.", "AL"), "Alaska": ("Alaska", "AK"), "Arizona": ("Ariz.", "AZ"), "Arkansas": ("Ark.", "AR"),
    "California": ("Calif.", "CA"), "Colorado": ("Colo.", "CO"), "Connecticut": ("Conn.", "CT"),
    "Delaware": ("Del.", "DE"), "District of Columbia": ("D.C.", "DC"), "Florida": ("Fla.", "FL"),
    "Georgia": ("Ga.", "GA"), "Hawaii": ("Hawaii", "HI"), "Idaho": ("Idaho", "ID"), "Illinois": ("Ill.", "IL"),
    "Indiana": ("Ind.", "IN"), "Iowa": ("Iowa", "IA"), "Kansas": ("Kan.", "KS"), "Kentucky": ("Ky.", "KY"),
    "Louisiana": ("La.", "LA"), "Maine": ("Maine", "ME"), "Maryland": ("Md.", "MD"),
    "Massachusetts": ("Mass.", "MA"), "Michigan": ("Mich.", "MI"), "Minnesota": ("Minn.", "MN"),
    "Mississippi": ("Miss.", "MS"), "Missouri": ("Mo.", "MO"), "Montana": ("Mont.", "MT"),
    "Nebraska": ("Neb.", "NE"), "Nevada": ("Nev.", "NV"), "New Hampshire": ("N.H.", "NH"),
    "New Jersey": ("N.J.", "NJ"), "New Mexico": ("N.M.", "NM"), "New York": ("N.Y.", "NY"),
    "North Carolina": ("N.C.", "NC"), "North Dakota": ("N.D.", "ND"), "Ohio": ("Ohio", "OH"),
    "Oklahoma": ("Okla.", "OK"), "Oregon": ("Ore.", "OR"), "Pennsylvania": ("Pa.", "PA"),
    "Rhode Island": ("R.I.", "RI"), "South Carolina": ("S.C.", "SC"), "South Dakota": ("S.D.", "SD"),
    "Tennessee": ("Tenn.", "TN"), "Texas": ("Texas", "TX"), "Utah": ("Utah", "UT"), "Vermont": ("Vt.", "VT"),
    "Virginia": ("Va.", "VA"), "Washington": ("Wash.", "WA"), "West Virginia": ("W.Va.", "WV"),
    "Wisconsin": ("Wis.", "WI"), "Wyoming": ("Wyo.", "WY"),
}  # fmt: skip

_BY_FORM: dict[str, str] = {}
for _name, (_ap, _postal) in US_STATES.items():
    _BY_FORM[_name.lower()] = _name
    _BY_FORM[_ap.lower()] = _name
    _BY_FORM[_ap.lower().rstrip(".")] = _name
    _BY_FORM[_postal.lower()] = _name
_BY_FORM.update(
    {
        "calif": "California",
        "penn": "Pennsylvania",
        "tex": "Texas",
        "wisc": "Wisconsin",
        "w va": "West Virginia",
        "w. va.": "West Virginia",
        "d.c": "District of Columbia",
    }
)

_FORMS = sorted(
    {
        *(n for n in US_STATES),
        *(ap for ap, _ in US_STATES.values()),
        *(p for _, p in US_STATES.values()),
        "Calif",
        "Penn.",
        "Tex.",
        "Wisc.",
    },
    key=len,
    reverse=True,
)
_CITY_WORD = r"(?:St\.|Ft\.|Mt\.|[A-Z][a-zA-Z'’-]+)"
_PLACE = re.compile(
    rf"(?<![\w.])(?P<city>{_CITY_WORD}(?:[ -]{_CITY_WORD}){{0,3}}),\s+(?P<state>"
    + "|".join(re.escape(f) for f in _FORMS)
    + r")(?![a-zA-Z])"
)
_PREPOSITIONS = frozenset({"In", "At", "Of", "Near", "From", "To", "For", "On", "Outside", "Inside"})
_NOT_CITY = frozenset(
    {
        "The",
        "In",
        "On",
        "At",
        "A",
        "An",
        "And",
        "But",
        "Police",
        "Officials",
        "Authorities",
        "He",
        "She",
        "They",
        "It",
        "Updated",
        "Posted",
        "Sheriff",
        "County",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    }
)


@dataclass(frozen=True)
class CityState:
    """A US city with its state's full name, and where the text names it."""

    city: str
    state: str
    start: int


def state_name(text: str) -> str | None:
    """Full state name for a name or abbreviation ("Okla." → "Oklahoma", "TX" → "Texas")."""
    return _BY_FORM.get(text.strip().lower()) or _BY_FORM.get(text.strip().lower().rstrip("."))


def _call_letters(words: list[str]) -> bool:
    return len(words) > 1 and words[0].isupper() and len(words[0]) > 2 and not words[1].isupper()


def city_states(text: str) -> list[CityState]:
    """Every "City, State" pair in order of appearance (datelines in capitals are title-cased)."""
    out: list[CityState] = []
    for match in _PLACE.finditer(text):
        state_text = match.group("state")
        # A two-letter postal code must be in capitals and end the phrase ("Dayton, OH," / "Dayton, OH 45402").
        if len(state_text) == 2 and (
            not state_text.isupper() or not re.match(r"(?:[,.;:)\n]|\s+\d|\s+[-—]|$)", text[match.end() :])
        ):
            continue
        words = match.group("city").split()
        # Headline case: "3 Suspicious Deaths In Bedford, NH" -> the words after the last preposition.
        cut = max((i + 1 for i, w in enumerate(words) if w in _PREPOSITIONS), default=0)
        words = words[cut:]
        # "Police", or a station's call letters before the city ("KAIT Jonesboro").
        while words and (words[0].strip(".") in _NOT_CITY or _call_letters(words)):
            words = words[1:]
        if not words:
            continue
        city = " ".join(words)
        if city.isupper():
            city = city.title()
        state = state_name(state_text)
        # "Ohio, Indiana and Illinois" is a list of states; "New York, N.Y." and "Washington, D.C." are cities.
        if (
            state is None
            or (state_name(city) not in {None, state} and state != "District of Columbia")
            or (state_name(city) == state and state_text == state)
        ):
            continue
        out.append(CityState(city=city, state=state, start=match.start("city") + match.group("city").find(words[0])))
    return out
