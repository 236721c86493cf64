"""The NumPy MiniLM encoder gives the vectors sentence-transformers gives, deterministically."""

from __future__ import annotations

import json

import numpy
import pytest

from agents.extract.embedding import DIM, add_sums, add_to_sum, cosine, encoder, pack, sum_cosine, sums_cosine, unpack
from agents.extract.extractor import headline_vector
from schemas.article import Article
from tests.conftest import ROOT

REFERENCE = json.loads((ROOT / "tests" / "data" / "minilm-reference.json").read_text())


@pytest.mark.parametrize("row", REFERENCE["vectors"], ids=lambda r: r["text"][:24])
def test_vectors_match_sentence_transformers(row: dict) -> None:  # type: ignore[type-arg]
    ours = encoder().encode(row["text"])
    ref = numpy.array(row["vector"], dtype=numpy.float32)
    assert ours.shape == (DIM,)
    assert numpy.abs(ours - ref).max() < 1e-5
    assert abs(float(numpy.linalg.norm(ours)) - 1.0) < 1e-5


def test_paraphrased_headlines_are_closer_than_other_stories() -> None:
    texts = [r["text"] for r in REFERENCE["vectors"]]
    iphone_a, iphone_b, quake, fed = (encoder().encode(t) for t in texts[:4])
    assert cosine(iphone_a, iphone_b) > 0.6
    assert cosine(iphone_a, quake) < 0.2 and cosine(iphone_a, fed) < 0.2


def test_same_text_same_vector_and_empty_text_is_zero() -> None:
    text = REFERENCE["vectors"][0]["text"]
    assert encoder().encode(text).tobytes() == encoder().encode(text).tobytes()
    assert not encoder().encode("").any()
    assert cosine(encoder().encode(""), encoder().encode(text)) == 0.0


def test_pack_round_trips_within_quantization() -> None:
    vec = encoder().encode(REFERENCE["vectors"][2]["text"])
    packed = pack(vec)
    assert len(packed) == 512 and pack(vec) == packed
    q = unpack(packed)
    assert q.dtype == numpy.int8 and q.shape == (DIM,)
    assert cosine(q, vec) > 0.998
    with pytest.raises(ValueError, match="384 bytes"):
        unpack(pack(vec)[:100])


def test_only_headline_only_articles_get_a_vector() -> None:
    headline = Article(id="h1", source="wire", title="Magnitude 6.1 earthquake strikes off Indonesia", text="")
    full = Article(id="f1", source="wire", title="Earthquake", text="A strong earthquake struck on Monday.")
    packed = headline_vector(headline)
    assert packed is not None
    assert cosine(unpack(packed), encoder().encode(headline.title)) > 0.998
    assert headline_vector(full) is None


def test_story_sums_are_exact_and_order_free() -> None:
    texts = [r["text"] for r in REFERENCE["vectors"][:4]]
    packed = [unpack(pack(encoder().encode(t))) for t in texts]
    forward = None
    for p in packed:
        forward = add_to_sum(forward, p)
    backward = None
    for p in reversed(packed):
        backward = add_to_sum(backward, p)
    assert forward == backward
    halves = add_sums(
        add_to_sum(add_to_sum(None, packed[0]), packed[1]), add_to_sum(add_to_sum(None, packed[2]), packed[3])
    )
    assert halves == forward
    assert add_sums(None, forward) == forward and add_sums(forward, None) == forward
    one = add_to_sum(None, packed[0])
    assert sum_cosine(one, packed[0]) == pytest.approx(1.0)
    # The iPhone story's centroid is nearer the other iPhone headline than the earthquake one.
    iphone = add_to_sum(one, packed[1])
    assert sum_cosine(iphone, packed[1]) > sum_cosine(iphone, packed[2]) + 0.3
    assert len(one) == DIM and len(iphone) == 4 * DIM  # one vector: its bytes; a sum: int32
    assert sums_cosine(iphone, one) == sum_cosine(iphone, packed[0])
