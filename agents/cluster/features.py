"""An article's features for story clustering: four families of weights (pure, compiled with the index).

Terms (lemmas, lightly stemmed), canonical entities, title lemmas and event cues (places, dates, figures, people,
casualty counts), each with sublinear term frequency; see docs/clustering.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Iterable
from dataclasses import dataclass
from typing import Any, cast

import numpy
from numpy.typing import NDArray

from agents.extract.embedding import unpack
from schemas.extraction import ArticleExtraction

__all__ = ["ArticleFeatures", "article_features", "first_key_set", "first_keys", "near_join", "same_day_and_place"]

_ISO_DATE = re.compile(r"^((?:1[89]|20)\d\d)(?:-(\d\d))?(?:-(\d\d))?")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


@dataclass(frozen=True)
class ArticleFeatures:
    """Namespaced feature weights of one article, per family (sublinear TF)."""

    families: dict[str, dict[str, float]]
    headline: NDArray[numpy.int8] | None = None  # the title vector of a headline-only article


def _sublinear(count: float) -> float:
    return 1.0 + math.log(count) if count > 0 else 0.0


_SUBLINEAR = [_sublinear(c) for c in range(1024)]  # _sublinear of the small counts, looked up


def _stem(word: str) -> str:
    """Light plural / third-person stripping. Title-case headlines leave "Sales", "Seeks", "Customers"
    unlemmatized (tagged as proper nouns); this folds them onto "sale", "seek", "customer"."""
    stem = _STEMS.get(word)
    if stem is None:
        if len(_STEMS) >= _MAX_STEMS:
            _STEMS.clear()
        stem = _STEMS[word] = _strip_plural(word)
    return stem


def _strip_plural(word: str) -> str:
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1]


_STEMS: dict[str, str] = {}  # cache of _stem (a dict lookup is cheaper than an lru_cache call in the hot loop)
_MAX_STEMS = 1 << 16


def article_features(extraction: ArticleExtraction) -> ArticleFeatures:
    """Feature vectors of an extraction (before IDF).

    Event cues are normalized so that two reports of one event share them: ISO dates also give their
    month and year, years are read from figures too ("2013 sep"), casualty counts of event frames
    become ``killed:N`` / ``injured:N``; people, places and figures keep their canonical ids.
    """
    raw, log = extraction.terms, math.log
    cached: list[str | None] = list(map(_STEMS.get, raw))  # (None where not cached yet)
    if None in cached:
        stems = [stem if stem is not None else _stem(k) for stem, k in zip(cached, raw, strict=True)]
    else:
        stems = cast(list[str], cached)
    if len(set(stems)) == len(stems) and (not raw or min(raw.values()) > 0):  # (usually) nothing to add up
        try:
            terms = dict(zip(stems, map(_SUBLINEAR.__getitem__, raw.values()), strict=True))
        except (IndexError, TypeError):  # a count beyond the table
            terms = {k: 1.0 + log(v) for k, v in zip(stems, raw.values(), strict=True)}  # _sublinear, inlined
    else:
        sums: dict[str, int] = {}
        for key, v in zip(stems, raw.values(), strict=True):
            if v > 0:
                sums[key] = sums.get(key, 0) + v  # (whole numbers: exact in any order)
        try:
            terms = dict(zip(sums, map(_SUBLINEAR.__getitem__, sums.values()), strict=True))
        except (IndexError, TypeError):  # a count beyond the table
            terms = {k: 1.0 + log(v) for k, v in sums.items()}  # _sublinear, inlined
    entities: dict[str, float] = {}
    for e in extraction.entities:
        mentions = max(e.mentions, 1)
        entities[e.id] = _SUBLINEAR[mentions] if type(mentions) is int and mentions < 1024 else _sublinear(mentions)
    title = dict.fromkeys(sorted({_stem(t) for t in extraction.title_terms}), 1.0)
    cues: dict[str, float] = {}
    for place in extraction.places:
        cues["p:" + place] = 1.0
    for date in extraction.dates:
        m = _ISO_DATE.match(date)
        if m:
            cues["y:" + m.group(1)] = 1.0
            if m.group(2):
                cues["m:" + m.group(1) + m.group(2)] = 1.0
                if m.group(3):
                    cues["d:" + date[:10]] = 1.0
        else:
            cues["d:" + date.lower()] = 1.0
    for fig in extraction.figures:
        cues["f:" + fig] = 1.0
        for year in _YEAR.findall(fig):
            cues["y:" + year] = 1.0
    for ent in extraction.entities:
        if ent.label == "PERSON":
            cues["n:" + ent.id] = 1.0
    for event in extraction.events:
        for attr in ("killed", "injured"):
            value = event.attributes.get(attr)
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                cues[f"{attr}:{int(value)}"] = 1.0
        if event.where:
            cues["p:" + event.where] = 1.0
    headline = unpack(extraction.title_vector) if extraction.title_vector else None
    return ArticleFeatures(
        families={"terms": terms, "entities": entities, "title": title, "cues": cues}, headline=headline
    )


def near_join(
    cues: Iterable[str], theirs: Container[str], best: float, second: float, published: float | None, story: Any, s: Any
) -> bool:
    """A dated report under the threshold that still names its best story's day and place (``theirs``: the story's
    cues), within a few days of it, and is uncontested (``near_join_*`` of the settings ``s``; ``story`` has the
    POSIX times ``first_ts`` and ``last_ts``): a follow-up in other words ("Cops: grandmother kills daughter,
    grandchildren" two days after "4 found shot dead in Greenacres", both naming June 27)."""
    first, last = story.first_ts, story.last_ts
    if published is None or first is None or last is None or best < max(s.near_join_floor, s.near_join_ratio * second):
        return False
    gap = max(0.0, first - published, published - last) / 86_400.0
    return gap <= s.near_join_days and same_day_and_place(cues, theirs)


def same_day_and_place(cues: Iterable[str], theirs: Container[str]) -> bool:
    """Whether an article's cues and a story's name one day (an ISO date, "d:2015-06-27") and one place in common."""
    keys = list(cues)
    day = any(k[:2] == "d:" and k[2:3].isdigit() and k in theirs for k in keys)
    return day and any(k[:2] == "p:" and k in theirs for k in keys)


def first_keys(values: list[float], keys: list[str], n: int) -> list[str]:
    """The keys of the ``n`` smallest (value, key) pairs, in order: ``[k for _, k in sorted(zip(values, keys))[:n]]``
    (distinct keys), with a sort of the floats to find the cut and of the few pairs below it."""
    if n <= 0 or n >= len(values):
        return [k for _, k in sorted(zip(values, keys, strict=True))][:n]
    cut = sorted(values)[n - 1]
    below = sorted([(v, k) for v, k in zip(values, keys, strict=True) if v < cut])  # fewer than n
    at = sorted([k for v, k in zip(values, keys, strict=True) if v == cut])  # ties at the cut: by key
    return [k for _, k in below] + at[: n - len(below)]


def first_key_set(values: list[float], keys: list[str], n: int) -> set[str]:
    """``set(first_keys(values, keys, n))`` for callers that need no order: the pairs below the cut are not sorted,
    and the ties at the cut only when some of them stay out."""
    if n >= len(values):
        return set(keys) if n > 0 else set()
    if n <= 0:
        return set()
    cut = sorted(values)[n - 1]
    kept = {k for v, k in zip(values, keys, strict=True) if v < cut}  # fewer than n
    at = [k for v, k in zip(values, keys, strict=True) if v == cut]
    if len(kept) + len(at) > n:  # ties at the cut: the first by key
        at.sort()
        del at[n - len(kept) :]
    kept.update(at)
    return kept
