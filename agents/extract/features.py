"""Clustering features of an article, computed from its spaCy Doc (pure)."""

from __future__ import annotations

import re
from collections import Counter

from datasketch import MinHash
from spacy.tokens import Doc

__all__ = ["CONTENT_POS", "content_terms", "text_fingerprint"]

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})
_WORD = re.compile(r"\w+", re.UNICODE)


def content_terms(doc: Doc) -> Counter[str]:
    """Lowercased lemmas of content words (no stop words, punctuation or single characters)."""
    counts: Counter[str] = Counter()
    for tok in doc:
        if tok.pos_ not in CONTENT_POS or tok.is_stop or not tok.is_alpha or len(tok.text) < 2:
            continue
        counts[tok.lemma_.lower()] += 1
    return counts


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
