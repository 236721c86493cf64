"""Numbers, durations and money amounts written in words or digits, as plain values (pure).

No installed library reads English number words ("one hundred and thirteen", "a dozen"),
so this is a small, tested parser over a fixed vocabulary.
"""

from __future__ import annotations

import re

__all__ = [
    "NUMBER_PATTERN",
    "format_duration",
    "parse_amount",
    "parse_duration",
    "parse_number",
]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12}
_SINGLE = {"a": 1, "an": 1, "single": 1, "both": 2, "couple": 2, "dozen": 12, "half": 0.5}
_NUMBER_WORDS = sorted({*_UNITS, *_TENS, *_SCALES, "dozen", "dozens", "half"}, key=len, reverse=True)
_SUFFIX = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000, "tn": 10**12}

#: A number in digits ("1,200", "2.5") or in words ("one hundred and thirteen", "twenty-one").
NUMBER_PATTERN = (
    r"(?:\d[\d,]*(?:\.\d+)?|(?:(?:"
    + "|".join(_NUMBER_WORDS)
    + r")(?:[\s-]+(?:and[\s-]+)?(?=(?:"
    + "|".join(_NUMBER_WORDS)
    + r")\b))?)+)"
)
_DIGITS = re.compile(r"^(\d[\d,]*(?:\.\d+)?)\s*([a-z]+)?$")


def parse_number(text: str) -> float | None:
    """The value of a number written in digits or words; ``None`` when it is not one.

    >>> parse_number("one hundred and thirteen")
    113
    >>> parse_number("2.5 million")
    2500000.0
    """
    words = text.lower().replace("-", " ").replace(",", " ,").split()
    if not words:
        return None
    digit = _DIGITS.match(text.strip().lower())
    if digit and (digit.group(2) is None or digit.group(2) in _SUFFIX):
        value = float(digit.group(1).replace(",", ""))
        return _tidy(value * _SUFFIX.get(digit.group(2) or "", 1))
    total = 0.0
    current = 0.0
    seen = False
    for word in words:
        if word in {"and", ","}:
            continue
        if re.fullmatch(r"\d[\d,]*(?:\.\d+)?", word):
            current += float(word.replace(",", ""))
        elif word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SINGLE and not seen:
            current += _SINGLE[word]
        elif word == "dozens":
            current = max(current, 1) * 24
        elif word == "dozen":
            current = max(current, 1) * 12
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in _SCALES:
            total += max(current, 1) * _SCALES[word]
            current = 0
        else:
            return None
        seen = True
    return _tidy(total + current) if seen else None


def _tidy(value: float) -> float:
    """Whole numbers as ``int`` (counts read "7", not "7.0")."""
    return int(value) if float(value).is_integer() else value


_DURATION_UNITS = {
    "second": 1, "sec": 1, "minute": 60, "min": 60, "hour": 3600, "hr": 3600,
    "day": 86400, "week": 7 * 86400,
}  # fmt: skip
_QTY = r"(?:" + NUMBER_PATTERN + r"|an?|half an?)"
_UNIT = r"(?:second|sec|minute|min|hour|hr|day|week)s?"
_DURATION_PART = re.compile(
    rf"\b(?P<qty>{_QTY})(?P<half1>\s+and\s+a\s+half)?[\s-]+(?P<unit>{_UNIT})\b(?P<half2>\s+and\s+a\s+half)?",
    re.IGNORECASE,
)
_JOIN = re.compile(r"^\s*(?:,\s*)?(?:and\s+)?$", re.IGNORECASE)


def parse_duration(text: str) -> int | None:
    """Seconds in the first duration named in ``text`` ("an hour and 15 minutes" → 4500).

    Parts joined by "and" or a comma add up ("two hours, 30 minutes"); "and a half" adds half a unit.
    """
    seconds = 0.0
    last_end: int | None = None
    for match in _DURATION_PART.finditer(text):
        if last_end is not None and not _JOIN.match(text[last_end : match.start()]):
            break
        qty = _quantity(match.group("qty"))
        if qty is None:
            break
        if match.group("half1") or match.group("half2"):
            qty += 0.5
        unit = match.group("unit").lower()
        unit = unit[:-1] if unit.endswith("s") and unit not in {"s"} else unit
        seconds += qty * _DURATION_UNITS[unit]
        last_end = match.end()
    return round(seconds) if seconds > 0 else None


def _quantity(text: str) -> float | None:
    low = text.lower().strip()
    if low in {"a", "an"}:
        return 1
    if low in {"half a", "half an", "a half"}:
        return 0.5
    return parse_number(low)


def format_duration(seconds: int) -> str:
    """Compact form: 4500 → "1h15m", 90 → "1m30s", 172800 → "2d"."""
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        qty, seconds = divmod(seconds, size)
        if qty:
            parts.append(f"{qty}{unit}")
    return "".join(parts) or "0s"


_CURRENCY_SIGNS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "C$": "CAD", "A$": "AUD"}
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "usd": "USD", "euro": "EUR", "euros": "EUR", "eur": "EUR",
    "pound": "GBP", "pounds": "GBP", "gbp": "GBP", "yen": "JPY", "yuan": "CNY", "rupees": "INR",
}  # fmt: skip
_AMOUNT = re.compile(
    r"(?P<sign>US\$|C\$|A\$|[$€£¥])\s?(?P<num>" + NUMBER_PATTERN + r")"
    r"(?:\s*(?P<scale>thousand|million|billion|trillion|mn|bn|tn|[kmb])\b)?"
    r"|(?P<num2>" + NUMBER_PATTERN + r")(?:\s*(?P<scale2>thousand|million|billion|trillion|mn|bn|tn))?\s+"
    r"(?:US\s+)?(?P<word>dollars?|usd|euros?|eur|pounds?|gbp|yen|yuan|rupees)\b",
    re.IGNORECASE,
)


def parse_amount(text: str) -> tuple[float, str] | None:
    """The first money amount in ``text`` as (value, ISO currency): "$2.5 billion" → (2500000000, "USD")."""
    match = _AMOUNT.search(text)
    if not match:
        return None
    if match.group("sign"):
        num, scale, currency = match.group("num"), match.group("scale"), _CURRENCY_SIGNS[match.group("sign")]
    else:
        num, scale, currency = match.group("num2"), match.group("scale2"), _CURRENCY_WORDS[match.group("word").lower()]
    value = parse_number(num)
    if value is None:
        return None
    if scale:
        value = value * (_SCALES.get(scale.lower()) or _SUFFIX[scale.lower()])
    return _tidy(value), currency
