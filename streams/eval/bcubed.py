"""Clustering quality: B-cubed precision, recall and F1 over items (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict

__all__ = ["BCubed", "bcubed"]


class BCubed(BaseModel):
    """B-cubed scores of a predicted clustering against gold labels."""

    model_config = ConfigDict(frozen=True)

    precision: float
    recall: float
    f1: float
    stories: int  # predicted clusters
    gold_stories: int
    items: int


def bcubed(
    predicted: Sequence[Hashable] | Mapping[Hashable, Hashable], gold: Sequence[Hashable] | Mapping[Hashable, Hashable]
) -> BCubed:
    """B-cubed over items: for each item, precision is the share of its predicted cluster that shares
    its gold cluster, recall the share of its gold cluster that shares its predicted cluster; both are
    averaged over items and F1 is their harmonic mean.

    ``predicted`` and ``gold`` are either parallel sequences of labels or mappings item → label
    (then they must hold the same items).
    """
    if isinstance(predicted, Mapping) or isinstance(gold, Mapping):
        if not (isinstance(predicted, Mapping) and isinstance(gold, Mapping)):
            raise TypeError("give two mappings item → label, or two parallel sequences of labels")
        if predicted.keys() != gold.keys():
            missing = len(gold.keys() - predicted.keys())
            extra = len(predicted.keys() - gold.keys())
            raise ValueError(f"predicted and gold hold different items ({missing} missing, {extra} extra)")
        keys = list(gold)
        pred_labels = [predicted[k] for k in keys]
        gold_labels = [gold[k] for k in keys]
    else:
        if len(predicted) != len(gold):
            raise ValueError(f"predicted has {len(predicted)} labels, gold has {len(gold)}")
        pred_labels, gold_labels = list(predicted), list(gold)
    n = len(gold_labels)
    if n == 0:
        return BCubed(precision=0.0, recall=0.0, f1=0.0, stories=0, gold_stories=0, items=0)
    pred_size = Counter(pred_labels)
    gold_size = Counter(gold_labels)
    joint = Counter(zip(pred_labels, gold_labels, strict=True))
    # Every item of a (pred, gold) cell has the same per-item precision and recall.
    precision = sum(c * c / pred_size[p] for (p, _), c in joint.items()) / n
    recall = sum(c * c / gold_size[g] for (_, g), c in joint.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BCubed(
        precision=precision, recall=recall, f1=f1, stories=len(pred_size), gold_stories=len(gold_size), items=n
    )
