"""Time expressions normalized against an anchor date (the article's publish date) to ISO 8601 (pure).

Returns the most precise ISO form the words support: a day ("2025-06-04"), an ISO week
("2025-W22"), a month ("2025-06") or a year ("2022"). News prose is mostly in the past tense,
so a bare weekday ("on Monday") is the latest such day on or before the anchor unless
``future`` says the sentence looks ahead ("will meet on Monday").
"""

from __future__ import annotations

import re
from datetime import date, timedelta

__all__ = ["is_month", "normalize_date"]

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY = r"(?P<weekday>mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"

_ISO = re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b")
_MONTH_WORD = re.compile(_MONTH, re.I)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d))?", re.I)
_DAY_MONTH = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<year>(?:19|20)\d\d))?", re.I
)
_MONTH_YEAR = re.compile(rf"\b{_MONTH}(?:\s+of)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I)
_MONTH_ONLY = re.compile(
    rf"^(?:(?:early|late|mid|earlier|later)[\s-]+(?:in\s+)?)?(?:this\s+|last\s+|in\s+)?{_MONTH}$", re.I
)
_YEAR = re.compile(r"^(?:in\s+|the\s+year\s+)?(?P<year>(?:19|20)\d\d)$", re.I)
_REL_WEEKDAY = re.compile(rf"\b(?:(?P<rel>last|this|next|past|previous|coming)\s+)?{_WEEKDAY}\b", re.I)
_AGO = re.compile(r"\b(?P<num>\w+)\s+(?P<unit>day|week|month|year)s?\s+(?:ago|earlier|before)\b", re.I)
_SMALL = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "several": None,
    "few": None,
}


def is_month(word: str) -> bool:
    """Whether a word is a month's name or its abbreviation ("July", "Oct", "Sept.")."""
    return _MONTH_WORD.fullmatch(word) is not None


def normalize_date(text: str, anchor: date | None, *, future: bool = False) -> str | None:
    """ISO 8601 form of a time expression, resolved against ``anchor``; ``None`` when it names no date.

    >>> normalize_date("Wednesday (June 4)", date(2025, 6, 5))
    '2025-06-04'
    >>> normalize_date("last weekend", date(2025, 6, 5))
    '2025-05-31'
    """
    low = " ".join(text.lower().replace("(", " ").replace(")", " ").split())
    if not low:
        return None
    if m := _ISO.search(low):
        return _iso(int(m["y"]), int(m["m"]), int(m["d"]))
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        if m := pattern.search(low):
            month, day = _MONTHS[m["month"][:3]], int(m["day"])
            if m["year"]:
                return _iso(int(m["year"]), month, day)
            return _iso_near(month, day, anchor, future=future)
    if m := _MONTH_YEAR.search(low):
        return f"{int(m['year']):04d}-{_MONTHS[m['month'][:3]]:02d}"
    if m := _YEAR.match(low):
        return m["year"]
    if anchor is None:
        return None
    return _relative(low, anchor, future=future)


def _relative(low: str, anchor: date, *, future: bool) -> str | None:
    if re.search(r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b", low):
        return anchor.isoformat()
    if re.search(r"\b(?:yesterday|last night)\b", low):
        return (anchor - timedelta(days=1)).isoformat()
    if re.search(r"\btomorrow\b", low):
        return (anchor + timedelta(days=1)).isoformat()
    if "weekend" in low:
        return _weekend(low, anchor, future=future)
    if m := _AGO.search(low):
        qty = _SMALL.get(m["num"], int(m["num"]) if m["num"].isdigit() else None)
        if qty is None:
            return None
        unit = m["unit"]
        if unit == "day":
            return (anchor - timedelta(days=qty)).isoformat()
        if unit == "week":
            return _week(anchor - timedelta(weeks=qty))
        if unit == "month":
            month_index = anchor.year * 12 + anchor.month - 1 - qty
            return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"
        return str(anchor.year - qty)
    if m := _REL_WEEKDAY.search(low):
        return _weekday(_weekday_index(m["weekday"]), m["rel"], anchor, future=future).isoformat()
    if re.search(r"\b(?:last|past|previous) week\b", low):
        return _week(anchor - timedelta(weeks=1))
    if re.search(r"\bnext week\b", low):
        return _week(anchor + timedelta(weeks=1))
    if re.search(r"\b(?:this|earlier this|later this) week\b", low):
        return _week(anchor)
    if re.search(r"\b(?:last|past|previous) month\b", low):
        month_index = anchor.year * 12 + anchor.month - 2
        return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"
    if re.search(r"\b(?:this|earlier this|later this) month\b", low):
        return f"{anchor.year:04d}-{anchor.month:02d}"
    if re.search(r"\blast year\b", low):
        return str(anchor.year - 1)
    if re.search(r"\bthis year\b", low):
        return str(anchor.year)
    if m := _MONTH_ONLY.match(low):
        month = _MONTHS[m["month"][:3]]
        year = anchor.year - 1 if month > anchor.month and not future else anchor.year
        return f"{year:04d}-{month:02d}"
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _iso_near(month: int, day: int, anchor: date | None, *, future: bool) -> str | None:
    """A month-day without a year: the year that puts it nearest the anchor (past side unless future)."""
    if anchor is None:
        return None
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        iso = _iso(year, month, day)
        if iso is not None:
            candidates.append(date.fromisoformat(iso))
    if not candidates:
        return None
    # Past-tense news: a date up to a week after the anchor is still "this" occurrence (time zones, schedules).
    slack = timedelta(days=366 if future else 7)
    eligible = [c for c in candidates if c <= anchor + slack] or candidates
    return min(eligible, key=lambda c: abs((c - anchor).days)).isoformat()


def _weekday_index(word: str) -> int:
    return next(i for i, name in enumerate(_WEEKDAYS) if name.startswith(word.lower()[:3]))


def _weekday(index: int, rel: str | None, anchor: date, *, future: bool) -> date:
    back = (anchor.weekday() - index) % 7  # days since the latest such weekday (0 = the anchor itself)
    if rel in {"next", "coming"} or (rel is None and future) or (rel == "this" and future):
        ahead = (index - anchor.weekday()) % 7 or 7
        return anchor + timedelta(days=ahead)
    if rel in {"last", "past", "previous"} and back == 0:
        back = 7
    return anchor - timedelta(days=back)


def _weekend(low: str, anchor: date, *, future: bool) -> str:
    """The Saturday of the weekend meant: "last weekend" is the latest one that has begun before the anchor."""
    back = (anchor.weekday() - 5) % 7  # days since the latest Saturday on or before the anchor
    latest_saturday = anchor - timedelta(days=back)
    if re.search(r"\bnext\b", low) or (future and not re.search(r"\b(?:last|past|previous)\b", low)):
        return (latest_saturday + timedelta(days=7)).isoformat()
    if re.search(r"\b(?:last|past|previous)\b", low) and back == 0:
        latest_saturday -= timedelta(days=7)
    return latest_saturday.isoformat()


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"
