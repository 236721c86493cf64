"""Clustering features of an article, computed from its spaCy Doc (pure)."""

from __future__ import annotations

import re
from collections import Counter

import numpy
from datasketch import MinHash
from spacy.attrs import IS_ALPHA, IS_STOP, LEMMA, LENGTH, POS
from spacy.symbols import ADJ, NOUN, NUM, PROPN, VERB
from spacy.tokens import Doc

__all__ = ["CONTENT_POS", "content_terms", "text_fingerprint"]

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})
_WORD = re.compile(r"\w+", re.UNICODE)


_CONTENT_POS_IDS = numpy.array([NOUN, PROPN, VERB, ADJ, NUM], dtype=numpy.uint64)  # CONTENT_POS as symbols


def content_terms(doc: Doc) -> Counter[str]:
    """Lowercased lemmas of content words (no stop words, punctuation or single characters).

    Read from the Doc's attribute arrays: a Token object per word, made and dropped, costs more than the rest."""
    if not len(doc):
        return Counter()
    arr = doc.to_array([POS, IS_STOP, IS_ALPHA, LENGTH, LEMMA])
    keep = numpy.isin(arr[:, 0], _CONTENT_POS_IDS) & (arr[:, 1] == 0) & (arr[:, 2] != 0) & (arr[:, 3] >= 2)
    strings = doc.vocab.strings
    return Counter(strings[int(lemma)].lower() for lemma in arr[keep, 4])


_FIRST: dict[int, MinHash] = {}  # num_perm -> an empty MinHash(num_perm, seed=1), whose permutations every text shares


def text_fingerprint(text: str, *, num_perm: int = 64, shingle: int = 5) -> list[int]:
    """MinHash of word 5-shingles: near-verbatim copies of a text share most of it."""
    words = _WORD.findall(text.lower())
    first = _FIRST.get(num_perm)
    if first is None:  # the permutations are drawn from the seed: the same for every text, so drawn once
        first = _FIRST[num_perm] = MinHash(num_perm=num_perm, seed=1)
    mh = MinHash(num_perm=num_perm, seed=1, permutations=first.permutations, scheme=first.scheme)
    if len(words) < shingle:
        mh.update(" ".join(words).encode("utf-8"))
    else:
        mh.update_batch([" ".join(words[i : i + shingle]).encode("utf-8") for i in range(len(words) - shingle + 1)])
    return [int(v) for v in mh.hashvalues]
