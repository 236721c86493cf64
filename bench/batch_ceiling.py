"""How far bag of words goes on each labeled file in batch, with what an online clusterer is never given.

Each file is clustered all at once (not online), over TF-IDF of title + text (sublinear TF, English stop words),
by two batch methods that are handed an advantage storywire does not have:

* K-means with the **true** number of stories (scikit-learn, 10 initialisations; three seeds);
* average-link agglomerative clustering (cosine) at the **best** distance threshold for that very file.

Both are scored with the B-cubed F1 of ``storywire eval`` and printed beside the issue's target, so that a
target above both ceilings shows that it needs a signal beyond the words of the articles, not a better online
rule (docs/clustering.md, "How far words go"). No extraction, no spaCy: a minute or two on two cores.

    .venv/bin/python -m bench.batch_ceiling                    # the three dev files in ../shared/eval/
    .venv/bin/python -m bench.batch_ceiling FILE.jsonl …       # any labeled file of that format
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer

from streams.eval.bcubed import bcubed

TARGETS = {"ecbplus-dev": 0.95, "gvc-dev": 0.97, "uci-headlines-dev": 0.85}
SEEDS = (0, 1, 2)
THRESHOLDS = tuple(round(0.30 + 0.01 * i, 3) for i in range(70))  # cosine distance 0.30 … 0.99


def read(path: Path) -> tuple[list[str], list[str]]:
    """Texts (title, then text) and gold story labels of a labeled JSONL file, in file order."""
    texts, gold = [], []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                title, text = row.get("title") or "", row.get("text") or ""
                texts.append(text if text.startswith(title) else f"{title}\n{text}")
                gold.append(str(row["story"]))
    return texts, gold


def kmeans_f1(matrix: object, gold: list[str], seed: int) -> float:
    k = len(set(gold))
    labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(matrix)
    return bcubed(list(labels), gold).f1


def average_link(matrix: object, gold: list[str]) -> tuple[float, float]:
    """Best B-cubed F1 over the distance thresholds, and that threshold (one dendrogram, cut at each)."""
    dense = numpy.asarray(matrix.todense())  # type: ignore[attr-defined]
    tree = linkage(pdist(dense, metric="cosine"), method="average")
    best = (0.0, 0.0)
    for threshold in THRESHOLDS:
        f1 = bcubed(list(fcluster(tree, t=threshold, criterion="distance")), gold).f1
        best = max(best, (f1, threshold))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="labeled JSONL files (default: the dev files)")
    args = parser.parse_args(argv)
    from bench.paths import EVAL_FILES_HINT, eval_dir

    files = args.files or [eval_dir() / f"{name}.jsonl" for name in TARGETS]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        print(f"skipped: labeled files not found ({', '.join(missing)}); needs {EVAL_FILES_HINT}", file=sys.stderr)
        return 0 if not args.files else 2
    print("| file | stories | K-means, true k (seeds 0/1/2) | average link, best threshold | target |")
    print("| --- | --- | --- | --- | --- |")
    for path in files:
        started = time.perf_counter()
        texts, gold = read(path)
        matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
        km = [kmeans_f1(matrix, gold, seed) for seed in SEEDS]
        al_f1, al_threshold = average_link(matrix, gold)
        target = TARGETS.get(path.stem)
        print(
            f"| {path.stem} | {len(set(gold))} | {' / '.join(f'{f:.3f}' for f in km)} | "
            f"{al_f1:.3f} (distance {al_threshold:.3f}) | {target if target is not None else '—'} |",
            flush=True,
        )
        print(f"  ({path.stem}: {len(texts)} articles, {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    if not __package__:  # run as a file (python bench/batch_ceiling.py): `bench` is imported from the checkout
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
