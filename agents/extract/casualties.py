"""Killed, injured and shot counts stated in a sentence ("two men were shot and killed", "7 deaths and 113
injuries"), read with regular expressions (pure functions over text).

:mod:`agents.extract.events` gives the counts of a sentence to the incident they tell of.
"""

from __future__ import annotations

import re

from agents.extract.numbers import parse_number

__all__ = ["CASUALTY_KEYS", "casualty_counts", "find_casualties", "settle_casualties"]

_NUMBER_WORD = (
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"hundred|thousand|dozen)"
)
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{_NUMBER_WORD}(?:[\s-]+(?:and[\s-]+)?{_NUMBER_WORD})*)"
_PEOPLE = (
    r"(?:people|persons?|m[ae]n|wom[ae]n|child(?:ren)?|kids?|teens?|teenagers?|boys?|girls?|victims?|"
    r"officers?|students?|adults?|residents?|workers?|passengers?|civilians?|soldiers?|others?|"
    r"bystanders?|babies|baby|infants?|toddlers?|customers|employees|individuals|youths?|relatives|"
    r"members?|suspects?|gunm[ae]n|patrons|guests|sons?|daughters?|brothers|sisters|friends)"
)
# "23-year-old", "young", "other" ... between the number and the noun (never another number)
_MODS = rf"(?:(?:\d+-year-old|(?!(?:and|or|of|in|{_NUMBER_WORD})\s)[a-zA-Z][a-zA-Z'-]*)\s+){{0,3}}?"
_AUXW = r"(?:were|was|are|is|have\s+been|has\s+been|had\s+been|been|got|later|also|reportedly|all|both|each)"
_HOWW = r"(?:fatally|critically|seriously|severely|gravely|mortally|non-fatally|slightly)"
_KILLED_WORD = (
    r"(?:killed|dead|died|murdered|slain|shot\s+dead|shot\s+to\s+death|fatally\s+(?:shot|wounded|injured)"
    r"|shot\s+and\s+killed|shot\s+and\s+fatally\s+wounded|gunned\s+down)"
)
_INJURED_WORD = r"(?:injured|wounded|hurt|hospitali[sz]ed|shot\s+and\s+(?:wounded|injured)|injured\s+by\s+gunfire)"
_NOT_FATAL = r"(?!\s+(?:and\s+killed|dead|to\s+death|and\s+fatally|fatally))"
_WHO = rf"\b(?P<n>{_NUM})[ \t]+{_MODS}(?:{_PEOPLE}\s+)?(?:{_AUXW}\s+)*"  # "two men were", "a 23-year-old man was"
_CASUALTY_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("killed", re.compile(rf"{_WHO}{_KILLED_WORD}\b", re.I)),
    ("injured", re.compile(rf"{_WHO}(?:{_HOWW}\s+)?{_INJURED_WORD}\b", re.I)),
    ("killed", re.compile(rf"\b(?:killing|killed|kills|murdering)\s+(?P<n>{_NUM})\b", re.I)),
    ("killed", re.compile(rf"\b(?:leaving|left)\s+(?P<n>{_NUM})\s+{_MODS}(?:{_PEOPLE}\s+)?dead\b", re.I)),
    ("injured", re.compile(rf"\b(?:injuring|wounding|injures|wounds|injured|wounded|hurting)\s+(?P<n>{_NUM})\b", re.I)),
    (
        "injured",
        re.compile(
            rf"\bsen(?:t|ds|ding)\s+(?P<n>{_NUM})\s+{_MODS}(?:{_PEOPLE}\s+)?to\s+"
            r"(?:the\s+|area\s+|a\s+)?hospitals?\b",
            re.I,
        ),
    ),
    ("killed", re.compile(rf"\b(?P<n>{_NUM})\s+(?:deaths|fatalities)\b", re.I)),
    ("injured", re.compile(rf"\b(?P<n>{_NUM})\s+(?:injuries)\b", re.I)),
    ("shot", re.compile(rf"{_WHO}shot\b{_NOT_FATAL}", re.I)),
    ("shot", re.compile(rf"\bshot\s+(?P<n>{_NUM})\s+{_MODS}{_PEOPLE}\b", re.I)),
    ("killed", re.compile(rf",\s*(?P<n>{_NUM})\s+(?:of\s+them\s+|of\s+whom\s+)?(?:fatally|died|dead)\b", re.I)),
    # "Darin Booker, 13, was shot and killed": one named victim with an age.
    ("killed", re.compile(rf"\b[A-Z][a-z]+\s+[A-Z][a-z]+,\s+\d{{1,2}},\s+(?:{_AUXW}\s+)+{_KILLED_WORD}\b(?P<n>)")),
    ("shot", re.compile(rf"\b[A-Z][a-z]+\s+[A-Z][a-z]+,\s+\d{{1,2}},\s+(?:{_AUXW}\s+)+shot\b{_NOT_FATAL}(?P<n>)")),
]
_WORD_ONLY = {"a", "an"}
# The frame attributes the counts are written to ("shot" only until settle_casualties turns it into injured).
CASUALTY_KEYS = frozenset({"killed", "injured", "shot"})
_SINGULAR_PERSON = re.compile(
    r"\s+(?:[\w'-]+\s+){0,3}?(?:man|woman|person|child|boy|girl|teen|teenager|officer|"
    r"victim|baby|infant|toddler|student|resident|worker|bystander|driver|passenger)\b",
    re.I,
)


_AGE_AFTER = re.compile(r"[\s-]*(?:years?|months?|weeks?)[\s-]*old\b", re.I)


def _year_or_age(text: str, match: re.Match[str]) -> bool:
    """ "2013" is a year; "Darin Booker, 13, was killed" gives an age between commas, not a count."""
    raw = match.group("n")
    if raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2100:
        return True
    before, after = text[: match.start("n")].rstrip(), text[match.end("n") :]
    if _AGE_AFTER.match(after):
        return True
    return before.endswith(",") and after.startswith(",") and raw.isdigit()


def casualty_counts(text: str) -> dict[str, int]:
    """Killed / injured counts stated in one sentence ("two men were shot and killed", "7 deaths and 113 injuries").

    "shot" counts everyone hit; when a sentence gives "shot" and "killed" but no "injured", the difference is
    the injured (non-fatal) count, as the Gun Violence Archive counts it.
    """
    return settle_casualties(find_casualties(text)[0])


_NEGATED = re.compile(r"\b(?:no|not|not\s+a\s+single)\s*$", re.I)


def find_casualties(text: str) -> tuple[dict[str, int], int]:
    """Counts and the offset of the first phrase that states one."""
    found: dict[str, int] = {}
    first = len(text)
    for kind, pattern in _CASUALTY_PATTERNS:
        for match in pattern.finditer(text):
            raw = match.group("n").strip()
            value = parse_number(raw) if raw else 1
            if value is None or not float(value).is_integer() or value > 100_000 or _year_or_age(text, match):
                continue
            # "a"/"an" counts one only before a singular person noun: "a man was killed", not "a number were".
            if raw.lower() in _WORD_ONLY and not _SINGULAR_PERSON.match(text[match.start("n") + len(raw) :]):
                continue
            if _NEGATED.search(text[: match.start("n")]):
                value = 0  # "No one was killed", "not one person was hurt": the sentence says zero
            found[kind] = max(found.get(kind, 0), int(value))
            first = min(first, match.start())
    return found, (first if found else 0)


def settle_casualties(counts: dict[str, int]) -> dict[str, int]:
    """Turn "shot" (everyone hit) into the injured count when no sentence gives it: shot minus killed."""
    out = dict(counts)
    shot = out.pop("shot", None)
    if shot is not None and "injured" not in out:
        out["injured"] = max(shot - out.get("killed", 0), 0)
    return out
