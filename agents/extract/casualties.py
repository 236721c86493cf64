"""Killed, injured and shot counts stated in a sentence ("two men were shot and killed", "7 deaths and 113
injuries"), read with regular expressions (pure functions over text).

:mod:`agents.extract.events` gives the counts of a sentence to the incident they tell of.
"""

from __future__ import annotations

import re

from agents.extract.numbers import parse_number

__all__ = [
    "CASUALTY_KEYS",
    "OTHER_TIME",
    "casualty_counts",
    "find_casualties",
    "killed_together",
    "others_hurt",
    "settle_casualties",
    "singular_casualties",
]

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
_HOWW = r"(?:critically|seriously|severely|gravely|non-fatally|slightly)"  # not "fatally wounded": that is a death
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
    (
        "injured",
        re.compile(rf"\b(?:leaving|left)\s+(?P<n>{_NUM})\s+{_MODS}(?:{_PEOPLE}\s+)?(?:injured|wounded|hurt)\b", re.I),
    ),
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
    r"victim|baby|infant|toddler|student|resident|worker|bystander|driver|passenger|brother|sister|son|daughter|"
    r"father|mother|husband|wife|friend|neighbor)\b",
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


_FAMILY_SIZE = re.compile(r"\b(?:father|mother|parent|dad|mom|grand(?:father|mother|parent))\s+of\s*$", re.I)
_NEGATED = re.compile(r"\b(?:no|not|not\s+a\s+single)\s*$", re.I)


# A word every pattern of _CASUALTY_PATTERNS needs (any case): a sentence without one states no count.
_CASUALTY_WORD = re.compile(r"kill|dead|died|murder|slain|shot|fatal|gunned|injur|wound|hurt|hospital|death", re.I)
# A word _ONE_KILLED or _ONE_HURT needs.
_SINGULAR_WORD = re.compile(
    r"shot|kill|fatal|dies|died|dead|slain|murder|gunned|wound|injur|hurt|hospital|struck|grazed|condition", re.I
)


def find_casualties(text: str) -> tuple[dict[str, int], int]:
    """Counts and the offset of the first phrase that states one."""
    found: dict[str, int] = {}
    first = len(text)
    if not _CASUALTY_WORD.search(text):
        return found, first  # (one search instead of every pattern's)
    for kind, pattern in _CASUALTY_PATTERNS:
        for match in pattern.finditer(text):
            raw = match.group("n").strip()
            value = parse_number(raw) if raw else 1
            if value is None or not float(value).is_integer() or value > 100_000 or _year_or_age(text, match):
                continue
            # "a"/"an" counts one only before a singular person noun: "a man was killed", not "a number were".
            if raw.lower() in _WORD_ONLY and not _SINGULAR_PERSON.match(text[match.start("n") + len(raw) :]):
                continue
            if _FAMILY_SIZE.search(text[: match.start("n")]):
                continue  # "Father of 4 killed": the size of a family, not a count
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


# One person as the subject: "a 23-year-old man", "the 2-year-old", "a teen", "Jane Doe, 23,".
_ONE = (
    r"(?:\b(?:a|an|one|the|his|her|their)\s+)?(?:\d{1,2}(?:[- ]and[- ]a[- ]half)?[- ](?:year|month)s?[- ]old\s*|\b)"
    r"(?:[a-z]+\s+){0,2}?(?:man|woman|boy|girl|teen|teenager|child|toddler|baby|infant|person|student|victim|father|"
    r"mother|son|daughter|officer|deputy|driver|resident|youth|brother|sister|husband|wife|grandmother|grandfather|"
    r"friend|neighbor|bystander|clerk|hunter)\b"
    r"|\b\d{1,2}[- ](?:year|month)[- ]old\b"
)
_ONE_AUX = (
    r"(?:\s*,\s*\d{1,2}\s*,)?\s+(?:(?:was|is|has\s+been|had\s+been|got|later|also|reportedly|apparently|found)\s+)*"
)
_ONE_KILLED = re.compile(
    rf"(?:{_ONE}){_ONE_AUX}(?:shot\s+(?:and\s+)?killed|killed|fatally\s+(?:shot|wounded|injured|struck)|shot\s+dead|"
    r"shot\s+to\s+death|dies|died|dead|slain|murdered|pronounced\s+dead|gunned\s+down)\b",
    re.I,
)
_ONE_HURT = re.compile(
    rf"(?:{_ONE}){_ONE_AUX}(?:critically\s+|seriously\s+|non-fatally\s+|accidentally\s+)?(?:shot|wounded|injured|hurt|"
    r"hospitali[sz]ed|struck|grazed)\b(?!\s+(?:and\s+killed|and\s+fatally|dead|to\s+death|and\s+died))"
    # "The child is currently in stable but serious condition"
    rf"|(?:{_ONE})(?:\s*,\s*\d{{1,2}}\s*,)?\s+(?:(?:is|was|remains|remained|currently|still|listed)\s+)*in\s+"
    r"(?:critical|serious|stable|grave|fair|good)(?:\s+(?:but|and)\s+(?:critical|serious|stable))?\s+condition\b",
    re.I,
)
# A sentence about another time or about many incidents: its counts are not of this incident.
OTHER_TIME = re.compile(
    r"\b(?:last\s+(?:year|month|week|summer|winter|spring|fall)|earlier\s+this\s+(?:year|month)|(?:years?|months?|"
    r"weeks?)\s+ago|(?:in|since|during)\s+(?:19|20)\d\d|so\s+far|this\s+year|year\s+to\s+date|previous|another|"
    r"statewide|nationwide|citywide|countywide|separate|incidents|annually|each\s+year|per\s+year|every\s+year|"
    r"homicides|shootings\s+(?:in|this|so))\b",
    re.I,
)


def singular_casualties(text: str) -> dict[str, int]:
    """One person killed or hurt, told without a number: "a 2-year-old dies", "the teen was shot", "boy wounded".

    Killed wins over hurt for the sentence ("a man was shot and later died").
    """
    if not _SINGULAR_WORD.search(text):
        return {}
    if _ONE_KILLED.search(text):
        return {"killed": 1}
    if _ONE_HURT.search(text):
        return {"injured": 1}
    return {}


# "a woman and her five-year-old son", "the mother and the child", "two men and a woman": people counted together.
_PERSON_NOUN = (
    r"(?:man|woman|boy|girl|teen|teenager|child|toddler|baby|infant|person|student|father|mother|son|daughter|"
    r"brother|sister|husband|wife|grandmother|grandfather|friend|neighbor|girlfriend|boyfriend|officer|"
    r"m[ae]n|wom[ae]n|boys|girls|teens|children|sons|daughters|brothers|sisters|people|parents|adults|kids)"
)
_PART = (
    rf"(?:(?P<@G@n>{_NUM})\s+|(?:a|an|one|the|his|her|their)\s+)?(?:[\w'-]+\s+){{0,2}}?{_PERSON_NOUN}\b"
    r"|(?:(?:a|an|the|their|his|her)\s+)?(?:[\w'-]+\s+){0,2}?(?P<@G@couple>couple)\b"
)
_TOGETHER = re.compile(
    "(?:" + _PART.replace("@G@", "a") + r")(?:\s*,)?\s+and\s+(?:" + _PART.replace("@G@", "b") + r")"
    r"(?:\s*,\s*\d{1,2}\s*,)?\s+(?:(?:who|were|are|have|has|been|both|all|found|later|also)\s+)*"
    r"(?:fatally\s+shot|shot\s+and\s+killed|shot\s+to\s+death|shot\s+dead|killed|dead|slain|died|murdered)\b",
    re.I,
)
# A killer who then killed himself: "... and then himself", "before turning the gun on himself", "father commits
# suicide". The Gun Violence Archive counts the shooter among the dead.
_AND_SELF = re.compile(
    r"\b(?:and\s+(?:then\s+)?(?:himself|herself|themselves)|,\s*(?:then\s+)?(?:himself|herself|self)\b|"
    r"(?:before|then|after)\s+(?:turning|turned)\s+the\s+gun\s+on\s+(?:himself|herself)|"
    r"(?:before|then|after|and)\s+(?:killing|killed|shooting|shot)\s+(?:himself|herself)|commit(?:s|ted)?\s+suicide|"
    r"took\s+(?:his|her)\s+own\s+life)",
    re.I,
)
# "shot her 5-year-old son and then herself", "killed his wife, then himself": one victim, then the killer.
_ONE_THEN_SELF = re.compile(
    r"\b(?:killing|killed|kills|murdering|murdered|shot|shoots|shooting)\s+(?:(?:his|her|their)\s+)?(?:[\w'-]+\s+){0,2}?"
    r"(?:wife|husband|son|daughter|child|mother|father|girlfriend|boyfriend|brother|sister|baby|grandmother|"
    r"grandfather|friend)\b(?:\s*,)?\s+(?:and\s+)?(?:then\s+)?(?:himself|herself|self)\b",
    re.I,
)
_MURDER_SUICIDE = re.compile(r"\bmurder[- ]suicide\b", re.I)
_ATTEMPT = re.compile(r"\battempted\s+suicide|survived|in\s+critical\s+condition\b", re.I)
_KILLED_THEIR = re.compile(
    rf"\b(?:killing|killed|kills|murdering|murdered|shot\s+and\s+killed|fatally\s+shot|shoots|shot)\s+"
    rf"(?:his|her|their)\s+(?P<n>{_NUM})\s+(?:[\w'-]+\s+){{0,2}}?{_PERSON_NOUN}\b",
    re.I,
)


def _part_count(match: re.Match[str], group: str) -> int:
    if match.group(f"{group}couple"):
        return 2
    raw = match.group(f"{group}n")
    if raw:
        value = parse_number(raw)
        return int(value) if value is not None and float(value).is_integer() and 0 < value < 1000 else 1
    return 1


_TOGETHER_CUE = re.compile(r"\band\b.*\b(?:shot|killed|dead|slain|died|murdered)\b", re.I | re.S)


def killed_together(text: str, counted: int | None = None) -> int | None:
    """The dead of a sentence told as a group: "a woman and her son were found dead" (2), "killed his two children
    and himself" (3), "Two boys killed, father commits suicide" (3). None when the sentence tells no such group.

    ``counted`` is the sentence's stated death toll when the caller has read it already (:func:`find_casualties`).
    """
    best: int | None = None
    if _TOGETHER_CUE.search(text):
        for match in _TOGETHER.finditer(text):
            best = max(best or 0, _part_count(match, "a") + _part_count(match, "b"))
    victims = None
    for match in _KILLED_THEIR.finditer(text):
        value = parse_number(match.group("n"))
        if value is not None and float(value).is_integer() and 0 < value < 1000:
            victims = max(victims or 0, int(value))
    if (_ONE_THEN_SELF.search(text) or _MURDER_SUICIDE.search(text)) and not _ATTEMPT.search(text):
        best = max(best or 0, 2)  # one killed, then the killer: a murder-suicide has two dead at least
    if counted is None:
        counted = find_casualties(text)[0].get("killed")
    base = max(v for v in (best, victims, counted) if v is not None) if (best or victims or counted) else None
    if base is not None and _AND_SELF.search(text) and not _ATTEMPT.search(text) and best is None:
        base += 1
    return base


# Someone hurt told as another than the dead or the one already told of: "Teen killed, another wounded", "Another
# child was hospitalized", "a 7-year-old girl killed, grandmother injured", "her sister and mother were injured".
_HURT_STATE = (
    r"(?:(?:critically|seriously|severely|gravely|non-fatally|slightly)\s+)?(?:wounded|injured|hurt|hospitali[sz]ed)"
    r"|(?:taken|rushed|transported|flown)\s+to\s+(?:a|an|the)\s+(?:[\w'-]+\s+){0,2}?hospital"
    r"|in\s+(?:critical|serious|stable|grave|fair|good)(?:\s+but\s+stable)?\s+condition|in\s+the\s+hospital"
)
_HURT_AUX = (
    r"(?:\s*,\s*\d{1,2}\s*,)?\s*"
    r"(?:(?:was|were|is|are|has\s+been|have\s+been|had\s+been|remains|remained|also|later)\s+)*"
)
_NOT_DEAD_AFTER = r"(?![^.;]*\b(?:died|dies|dead|killed|succumbed)\b)"
_ANOTHER_HURT = re.compile(
    rf"\banother(?:\s+(?:[\w'-]+\s+){{0,2}}?(?:{_PERSON_NOUN}|victim|one|person))?{_HURT_AUX}(?:{_HURT_STATE})\b"
    + _NOT_DEAD_AFTER,
    re.I,
)
_ONE_PART = r"(?:(?:a|an|one|the|his|her|their)\s+)?(?:[\w'-]+\s+){0,2}?" + _PERSON_NOUN
_PERSON_HURT = re.compile(rf"\b(?P<who>{_ONE_PART})\b{_HURT_AUX}(?:{_HURT_STATE})\b" + _NOT_DEAD_AFTER, re.I)
_TOGETHER_HURT = re.compile(
    "(?:" + _PART.replace("@G@", "a") + r")(?:\s*,)?\s+and\s+(?:" + _PART.replace("@G@", "b") + r")"
    rf"{_HURT_AUX}(?:were\s+|both\s+)*(?:{_HURT_STATE})\b" + _NOT_DEAD_AFTER,
    re.I,
)
_DEAD_IN = re.compile(
    rf"(?:{_ONE_KILLED.pattern})|(?:{_TOGETHER.pattern})|\bmurder[- ]suicide\b|\b(?:killed|dead|died|dies|slain)\b|"
    r"\bto\s+death\b|\bsuicide\b",
    re.I,
)
# The killer's other victim, hurt: "shot his 6-year-old brother to death, wounded an older brother".
_OBJECT_HURT = re.compile(
    rf"\b(?:wounded|injured|wounding|injuring)\s+(?:(?:his|her|their|a|an|one)\s+)(?:[\w'-]+\s+){{0,2}}?{_PERSON_NOUN}\b"
    + _NOT_DEAD_AFTER,
    re.I,
)


def others_hurt(text: str) -> int:
    """The people a sentence tells as hurt beside the dead or another victim: "Teen killed, another wounded" (1),
    "An 8-year-old girl has died and her mother remains in the hospital" (1), "her sister and mother were injured
    by gunfire" (2). 0 where it tells of none (a person shot who later died is no one else)."""
    best = 0
    for match in _TOGETHER_HURT.finditer(text):
        best = max(best, _part_count(match, "a") + _part_count(match, "b"))
    if best:
        return best
    if _ANOTHER_HURT.search(text):
        return 1
    dead = [m.span() for m in _DEAD_IN.finditer(text)]
    if dead:
        for match in [*_PERSON_HURT.finditer(text), *_OBJECT_HURT.finditer(text)]:
            start, end = match.span()
            if not any(a < end and start < b for a, b in dead):
                return 1
    return 0
