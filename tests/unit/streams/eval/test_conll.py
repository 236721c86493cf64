"""MUC, B-cubed, CEAF-e and CoNLL F1 on small partitions scored by hand (CoNLL-2012 reference definitions)."""

from __future__ import annotations

import pytest

from streams.eval.conll import b_cubed, ceaf_e, clusters_of, conll_scores, muc

KEY = [{"a", "b", "c"}, {"d", "e"}]
RESPONSE = [{"a", "b"}, {"c", "d", "e"}]


def test_muc_classic() -> None:
    # Recall: {a,b,c} is cut by the response into {a,b},{c}: 3 - 2 = 1 link kept; {d,e} stays whole: 2 - 1 = 1.
    #   R = (1 + 1) / ((3 - 1) + (2 - 1)) = 2/3.
    # Precision: {a,b} whole: 1; {c,d,e} cut into {c},{d,e}: 3 - 2 = 1.  P = 2 / (1 + 2) = 2/3.
    s = muc(KEY, RESPONSE)
    assert s.recall == pytest.approx(2 / 3)
    assert s.precision == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 / 3)


def test_b_cubed_classic() -> None:
    # Recall: {a,b,c} meets {a,b} in 2 and {c,d,e} in 1: (2² + 1²)/3 = 5/3; {d,e} meets {c,d,e} in 2: 2²/2 = 2.
    #   R = (5/3 + 2) / 5 = 11/15.
    # Precision: {a,b}: 2²/2 = 2; {c,d,e}: (1² + 2²)/3 = 5/3.  P = 11/15.
    s = b_cubed(KEY, RESPONSE)
    assert s.recall == pytest.approx(11 / 15)
    assert s.precision == pytest.approx(11 / 15)


def test_ceaf_e_classic() -> None:
    # φ4({a,b,c},{a,b}) = 2·2/5 = 4/5, φ4({a,b,c},{c,d,e}) = 2·1/6 = 1/3, φ4({d,e},{c,d,e}) = 2·2/5 = 4/5.
    # Best alignment: {a,b,c}-{a,b} and {d,e}-{c,d,e}: 8/5.  R = 8/5 / 2 = 0.8, P = 8/5 / 2 = 0.8.
    s = ceaf_e(KEY, RESPONSE)
    assert s.recall == pytest.approx(0.8)
    assert s.precision == pytest.approx(0.8)


def test_conll_classic() -> None:
    # (2/3 + 11/15 + 4/5) / 3 = (10 + 11 + 12) / 45 = 11/15.
    assert conll_scores(KEY, RESPONSE).conll_f1 == pytest.approx(11 / 15)


def test_pradhan_2014_example_with_twinless_mentions() -> None:
    # The example of Pradhan et al. (2014), Figure 1: key {a,b,c},{d,e,f,g}; response {a,b},{c,d},{f,g,h,i}.
    # e is missing from the response; h and i are not in the key.
    key = [{"a", "b", "c"}, {"d", "e", "f", "g"}]
    response = [{"a", "b"}, {"c", "d"}, {"f", "g", "h", "i"}]
    # MUC R: {a,b,c} -> {a,b},{c}: 1; {d,e,f,g} -> {d},{e},{f,g}: 1.  R = 2 / (2 + 3) = 0.4.
    # MUC P: {a,b}: 1; {c,d} -> {c},{d}: 0; {f,g,h,i} -> {f,g},{h},{i}: 1.  P = 2 / (1 + 1 + 3) = 0.4.
    m = muc(key, response)
    assert (m.recall, m.precision) == (pytest.approx(0.4), pytest.approx(0.4))
    # B3 R: (2² + 1²)/3 + (1² + 2²)/4 = 5/3 + 5/4 = 35/12 over 7 mentions = 5/12.
    # B3 P: 2²/2 + (1² + 1²)/2 + 2²/4 = 2 + 1 + 1 = 4 over 8 mentions = 0.5.
    b = b_cubed(key, response)
    assert (b.recall, b.precision) == (pytest.approx(5 / 12), pytest.approx(0.5))
    # CEAF-e: φ4(K1,R1) = 4/5, φ4(K1,R2) = 2/5, φ4(K2,R2) = 2/6, φ4(K2,R3) = 4/8.
    # Best: K1-R1 + K2-R3 = 1.3.  R = 1.3 / 2 = 0.65, P = 1.3 / 3.
    c = ceaf_e(key, response)
    assert (c.recall, c.precision) == (pytest.approx(0.65), pytest.approx(1.3 / 3))


def test_all_singletons_response() -> None:
    # Every mention alone: MUC has no links (0), B3 P = 1, R = (1/3·3 + 1/2·2)/5 = 2/5.
    # CEAF-e: each key cluster aligns with one singleton: φ4 = 2/4 and 2/3; sum 7/6; R = 7/12, P = 7/30.
    response = [{m} for m in "abcde"]
    s = conll_scores(KEY, response)
    assert s.muc.f1 == 0.0
    assert (s.b3.precision, s.b3.recall) == (pytest.approx(1.0), pytest.approx(0.4))
    assert (s.ceafe.recall, s.ceafe.precision) == (pytest.approx(7 / 12), pytest.approx(7 / 30))


def test_perfect_and_one_cluster() -> None:
    assert conll_scores(KEY, KEY).conll_f1 == pytest.approx(1.0)
    one = [set("abcde")]
    s = conll_scores(KEY, one)
    # MUC: R = (2 + 1)/3 = 1; P = (5 - 2)/4 = 3/4.  B3: R = 1; P = (3² + 2²)/5 / 5 = 13/25.
    assert (s.muc.recall, s.muc.precision) == (pytest.approx(1.0), pytest.approx(0.75))
    assert (s.b3.recall, s.b3.precision) == (pytest.approx(1.0), pytest.approx(13 / 25))
    # CEAF-e: one alignment, φ4({a,b,c},{a..e}) = 6/8.  R = 0.75 / 2, P = 0.75 / 1.
    assert (s.ceafe.recall, s.ceafe.precision) == (pytest.approx(0.375), pytest.approx(0.75))


def test_clusters_of_and_as_dict() -> None:
    clusters = clusters_of({"a": 1, "b": 1, "c": 2})
    assert sorted(sorted(c) for c in clusters) == [["a", "b"], ["c"]]
    d = conll_scores(KEY, RESPONSE).as_dict()
    assert set(d) >= {"muc_f1", "b3_f1", "ceafe_f1", "conll_f1", "muc_p", "muc_r"}
    assert d["conll_f1"] == pytest.approx(11 / 15, abs=1e-4)
