"""Similarity of event trigger words from a precomputed table of word vectors (numpy only, no model at run time).

``agents/data/trigger_vectors.npy`` holds one L2-normalised float16 vector per word of
``agents/data/trigger_vocab.txt``: common English verbs, nouns and adjectives embedded with all-MiniLM-L6-v2
and reduced by PCA (``bench/build_trigger_vectors.py`` rebuilds both). Two trigger words that name one kind of
happening ("died" / "killed", "hit" / "struck", "win" / "victory") get a high cosine even though no lemma or
suffix rule relates them. Words outside the table have no vector, and their similarity is ``None``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy

__all__ = ["has_vector", "similarity", "vector"]

_DATA = Path(__file__).parent / "data"


@cache
def _table() -> tuple[dict[str, int], numpy.ndarray]:
    words = (_DATA / "trigger_vocab.txt").read_text(encoding="utf-8").split()
    vectors = numpy.load(_DATA / "trigger_vectors.npy").astype(numpy.float32)
    index = {w: i for i, w in enumerate(words)}
    # Inflected and derived forms the table lacks reach their base through the event key ("oscars" -> "oscar").
    from agents.extraction_events import event_key

    for w, i in list(index.items()):
        index.setdefault("~" + event_key(w), i)
    return index, vectors


@cache
def vector(word: str) -> numpy.ndarray | None:
    """The unit vector of a trigger word (a lemma or a lowercase word), or None when the table lacks it."""
    from agents.extraction_events import event_key

    index, vectors = _table()
    w = word.lower().strip()
    at = index.get(w)
    if at is None and w.endswith("s"):
        at = index.get(w[:-1])
    if at is None:
        at = index.get("~" + event_key(w))
    return None if at is None else vectors[at]


def has_vector(word: str) -> bool:
    return vector(word) is not None


@cache
def _pair(a: str, b: str) -> float | None:
    va, vb = vector(a), vector(b)
    if va is None or vb is None:
        return None
    return float(numpy.dot(va, vb))


def similarity(a: str, b: str) -> float | None:
    """Cosine of two trigger words' vectors (1.0 for equal words), or None when either has none."""
    if a == b:
        return 1.0
    return _pair(*sorted((a, b)))
