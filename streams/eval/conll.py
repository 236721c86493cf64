"""Coreference scores: MUC, B-cubed, CEAF-e and the CoNLL F1 (pure).

Definitions follow the CoNLL-2012 reference scorer (Pradhan et al., ACL 2014, "Scoring Coreference Partitions
of Predicted Mentions: A Reference Implementation"), with singletons kept:

- MUC (Vilain et al. 1995): recall = Σ_K (|K| − |p(K)|) / Σ_K (|K| − 1), where p(K) is the partition of the key
  cluster K by the response clusters (a mention the response lacks is a part of its own); precision swaps
  key and response. Singletons add nothing to either sum.
- B-cubed (Bagga & Baldwin 1998): recall = Σ_K Σ_R |K ∩ R|² / |K| over Σ_K |K|; precision swaps the roles.
- CEAF-e (Luo 2005): φ4(K, R) = 2 |K ∩ R| / (|K| + |R|); the one-to-one alignment of key and response
  clusters that maximizes Σ φ4 (Kuhn–Munkres) gives recall = Σ φ4 / #key clusters and precision =
  Σ φ4 / #response clusters.

CoNLL F1 is the unweighted mean of the three F1 scores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy
from scipy.optimize import linear_sum_assignment

__all__ = ["PRF", "CorefScores", "b_cubed", "ceaf_e", "clusters_of", "conll_scores", "muc"]

Cluster = frozenset[Hashable]


@dataclass(frozen=True)
class PRF:
    """Precision, recall and their harmonic mean."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class CorefScores:
    """MUC, B-cubed and CEAF-e, and the CoNLL F1 (their mean F1)."""

    muc: PRF
    b3: PRF
    ceafe: PRF

    @property
    def conll_f1(self) -> float:
        return (self.muc.f1 + self.b3.f1 + self.ceafe.f1) / 3

    def as_dict(self, digits: int = 4) -> dict[str, float]:
        """Flat dict: muc_p, muc_r, muc_f1, b3_*, ceafe_*, conll_f1 (rounded)."""
        out: dict[str, float] = {}
        for name, prf in (("muc", self.muc), ("b3", self.b3), ("ceafe", self.ceafe)):
            out[f"{name}_p"] = round(prf.precision, digits)
            out[f"{name}_r"] = round(prf.recall, digits)
            out[f"{name}_f1"] = round(prf.f1, digits)
        out["conll_f1"] = round(self.conll_f1, digits)
        return out


def clusters_of(assignment: Mapping[Hashable, Hashable]) -> list[Cluster]:
    """Mention -> cluster label, as a list of clusters (sets of mentions), in label order of first appearance."""
    groups: dict[Hashable, set[Hashable]] = defaultdict(set)
    for mention, label in assignment.items():
        groups[label].add(mention)
    return [frozenset(g) for g in groups.values()]


def _normalize(clusters: Iterable[Iterable[Hashable]]) -> list[Cluster]:
    out = [frozenset(c) for c in clusters]
    return [c for c in out if c]


def _muc_recall(key: Sequence[Cluster], response: Sequence[Cluster]) -> float:
    owner = {m: i for i, c in enumerate(response) for m in c}
    num = den = 0
    for k in key:
        parts = {owner.get(m, ("missing", m)) for m in k}  # a mention the response lacks is a part of its own
        num += len(k) - len(parts)
        den += len(k) - 1
    return num / den if den else 0.0


def muc(key: Iterable[Iterable[Hashable]], response: Iterable[Iterable[Hashable]]) -> PRF:
    """MUC link-based precision and recall."""
    k, r = _normalize(key), _normalize(response)
    return PRF(precision=_muc_recall(r, k), recall=_muc_recall(k, r))


def _b3_recall(key: Sequence[Cluster], response: Sequence[Cluster]) -> float:
    owner = {m: i for i, c in enumerate(response) for m in c}
    num = 0.0
    den = 0
    for k in key:
        overlap: dict[int, int] = defaultdict(int)
        for m in k:
            if m in owner:
                overlap[owner[m]] += 1
        num += sum(n * n for n in overlap.values()) / len(k)
        den += len(k)
    return num / den if den else 0.0


def b_cubed(key: Iterable[Iterable[Hashable]], response: Iterable[Iterable[Hashable]]) -> PRF:
    """B-cubed mention-based precision and recall."""
    k, r = _normalize(key), _normalize(response)
    return PRF(precision=_b3_recall(r, k), recall=_b3_recall(k, r))


def ceaf_e(key: Iterable[Iterable[Hashable]], response: Iterable[Iterable[Hashable]]) -> PRF:
    """Entity-based CEAF (φ4 similarity) with the optimal one-to-one cluster alignment."""
    k, r = _normalize(key), _normalize(response)
    if not k or not r:
        return PRF(0.0, 0.0)
    owner = {m: j for j, c in enumerate(r) for m in c}
    sim = numpy.zeros((len(k), len(r)))
    for i, kc in enumerate(k):
        overlap: dict[int, int] = defaultdict(int)
        for m in kc:
            if m in owner:
                overlap[owner[m]] += 1
        for j, n in overlap.items():
            sim[i, j] = 2 * n / (len(kc) + len(r[j]))
    rows, cols = linear_sum_assignment(sim, maximize=True)
    total = float(sim[rows, cols].sum())
    return PRF(precision=total / len(r), recall=total / len(k))


def conll_scores(key: Iterable[Iterable[Hashable]], response: Iterable[Iterable[Hashable]]) -> CorefScores:
    """MUC, B-cubed and CEAF-e of a response partition against a key partition (singletons kept)."""
    k, r = _normalize(key), _normalize(response)
    return CorefScores(muc=muc(k, r), b3=b_cubed(k, r), ceafe=ceaf_e(k, r))
