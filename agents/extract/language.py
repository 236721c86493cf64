"""Is this article English? (The pipeline's spaCy model is English-only.)

Cheap and deterministic first: script and stop-word share decide almost every article. Only a longer Latin-script
text with few English stop words goes to lingua, a trained language identifier, loaded on first use with a
limited set of languages (its models cost memory: about 15 MB each).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

__all__ = ["is_english"]

_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
SHORT_TEXT_WORDS = 20  # below this (headlines), word statistics can't tell languages apart
MIN_STOP_SHARE = 0.12  # English prose: ~40% stop words; lists and tables of names still reach ~15%


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language as L
    from lingua import LanguageDetectorBuilder

    langs = [
        L.ENGLISH,
        L.FRENCH,
        L.GERMAN,
        L.SPANISH,
        L.ITALIAN,
        L.PORTUGUESE,
        L.DUTCH,
        L.POLISH,
        L.TURKISH,
        L.INDONESIAN,
        L.SWEDISH,
        L.DANISH,
        L.BOKMAL,
        L.FINNISH,
        L.CZECH,
        L.ROMANIAN,
        L.HUNGARIAN,
        L.TAGALOG,
        L.LATIN,
        L.CATALAN,
        L.CROATIAN,
        L.VIETNAMESE,
    ]
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


def _latin_share(text: str) -> float:
    letters = _LETTERS.findall(text)
    if not letters:
        return 1.0
    return sum(1 for ch in letters if ch.isascii() or "\u00c0" <= ch <= "\u024f") / len(letters)


def is_english(text: str) -> bool:
    """False only when the text clearly is not English."""
    sample = text[:5000]
    if _latin_share(sample) < 0.5:
        return False  # Cyrillic, CJK, Arabic, Greek, Devanagari... scripts English news does not use
    words = [w.lower() for w in _WORDS.findall(sample)]
    if len(words) < SHORT_TEXT_WORDS:
        return True
    if sum(1 for w in words if w in STOP_WORDS) / len(words) >= MIN_STOP_SHARE:
        return True
    from lingua import Language

    values = _detector().compute_language_confidence_values(sample)
    top = values[0]
    english = next((v.value for v in values if v.language == Language.ENGLISH), 0.0)
    return bool(top.language == Language.ENGLISH or top.value < 0.5 or english >= 0.1)
