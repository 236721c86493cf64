"""The compact storage of the clusterer: profile feature maps and norm stats, shared feature strings, postings."""

from __future__ import annotations

import json
from array import array

from agents.cluster.index import ClusterSettings, FeatureCounts, NormStats, StoryIndex, StoryProfile
from schemas.article import Article
from schemas.extraction import ArticleExtraction, Entity


def ext(aid: str, words: str, *entities: str) -> ArticleExtraction:
    terms: dict[str, int] = {}
    for w in words.split():
        terms[w] = terms.get(w, 0) + 1
    return ArticleExtraction(
        article=Article(id=aid, title=words[:40], text=words),
        terms=terms,
        title_terms=sorted(set(words.split()[:4])),
        entities=[Entity(id=f"org:{e}", name=e, label="ORG") for e in entities],
    )


def stream(n: int, shared_until: int | None = None) -> list[ArticleExtraction]:
    """Articles of a few recurring events; the first ``shared_until`` (all) also name the word "report"."""
    events = [
        ("earthquake magnitude coast tsunami warning", "sumatra"),
        ("ferry fire passengers smoke crew", "gullrock"),
        ("police arrested suspect robbery bank", "boston"),
        ("parliament vote budget minister opposition", "senate"),
    ]
    out = []
    for i in range(n):
        words, ent = events[i % len(events)]
        shared = "report " if shared_until is None or i < shared_until else ""
        out.append(ext(f"a{i}", f"{words} {shared}detail{i} item{i % 7}", ent))
    return out


def check_index(index: StoryIndex) -> None:
    """The document frequencies and postings are exactly what the live profiles imply."""
    # every live story has its own ordinal; the others are free (stories that left), handed out again first
    live = {story.ordinal: story for story in index._stories.values()}
    assert len(live) == len(index._stories) and set(index._free).isdisjoint(live)
    assert all(index._numbered[o] is story for o, story in live.items())
    assert sorted([*live, *index._free]) == list(range(len(index._numbered)))
    assert all(index._numbered[o] is None for o in index._free)
    for fam, features in index._features.items():
        expected: dict[str, dict[str, int]] = {}
        for prof in index.profiles():
            for key, count in getattr(prof, fam).items():
                expected.setdefault(key, {})[prof.story_id] = count
        assert set(features) == set(expected), fam
        for key, feat in features.items():
            members = expected[key]
            assert feat.df == sum(members.values()) and feat.size == len(members)
            # a feature one story keeps alone, once, has the story's shared _Feature (key None); the others their own
            assert (feat.key is None) == (feat.df == 1)
            if feat.key is None:
                (sid,) = members
                assert feat is index._stories[sid].alone
            else:
                assert feat.key is key
            if isinstance(feat.stories, dict):
                assert feat.stories == members
            else:  # a postings array of ordinals: the live members among its (possibly stale) entries
                assert isinstance(feat.stories, array) and feat.stories.typecode == "i"
                named = {story.profile.story_id for o in feat.stories if (story := index._numbered[o]) is not None}
                assert len(feat.stories) <= 2 * feat.size and members.keys() <= named
                assert feat.size > index.settings.max_posting


def test_feature_counts_behave_like_the_dict_they_replace() -> None:
    counts = FeatureCounts.from_dict({"b": 2, "a": 1, "c": 5})
    assert counts == {"b": 2, "a": 1, "c": 5} and list(counts) == ["b", "a", "c"]
    assert counts["c"] == 5 and counts.get("zz") is None and "a" in counts and "zz" not in counts
    assert list(counts.items()) == [("b", 2), ("a", 1), ("c", 5)] and len(counts) == 3
    ones = FeatureCounts.from_dict({"x": 1, "y": 1})
    assert ones.counts is None and ones == {"x": 1, "y": 1} and ones["y"] == 1
    assert FeatureCounts.from_dict({}) == {}


def test_profile_json_is_unchanged_and_round_trips() -> None:
    index = StoryIndex(ClusterSettings(threshold=0.3))
    for e in stream(12):
        index.assign(e)
    for prof in index.profiles():
        data = json.loads(prof.model_dump_json())
        for fam in ("terms", "entities", "title", "cues"):
            assert isinstance(data[fam], dict) and all(isinstance(v, int) for v in data[fam].values())
        assert set(data["norm_stats"]) == {"terms", "entities", "title", "cues"}
        assert all(len(v) == 3 for v in data["norm_stats"].values())
        again = StoryProfile.model_validate_json(prof.model_dump_json())
        assert isinstance(again.terms, FeatureCounts) and isinstance(again.norm_stats, NormStats)
        assert again.model_dump_json() == prof.model_dump_json() and again == prof
        assert dict(again.norm_stats) == dict(prof.norm_stats)
    # plain dicts (a profile built without validation) are taken too
    prof = index.profiles()[0]
    plain = prof.model_copy(update={"terms": dict(prof.terms), "norm_stats": dict(prof.norm_stats)})
    restored = StoryIndex(index.settings)
    restored.restore([plain, *index.profiles()[1:]])
    assert [p.model_dump_json() for p in restored.profiles()] == [p.model_dump_json() for p in index.profiles()]


def test_restore_adopts_profiles_and_shares_feature_strings() -> None:
    items = stream(40)
    live = StoryIndex(ClusterSettings(threshold=0.3))
    for e in items[:20]:
        live.assign(e)
    decoded = [StoryProfile.model_validate_json(p.model_dump_json()) for p in live.profiles()]
    restored = StoryIndex(live.settings)
    restored.restore(decoded, adopt=True)
    assert all(restored.live_profile(p.story_id) is p for p in decoded)
    # one string object per feature across all the adopted profiles
    seen: dict[str, int] = {}
    for prof in decoded:
        for key in prof.terms:
            assert seen.setdefault(key, id(key)) == id(key)
    for e in items[20:]:
        assert restored.assign(e).model_dump_json() == live.assign(e).model_dump_json()
    check_index(restored)


def test_postings_of_many_stories_become_arrays_and_back() -> None:
    # A low max_posting: "report" (in the first 30 stories) outgrows it; later stories lack it and the story cap
    # evicts the old ones, so its postings shrink back. An index restored from its profiles midway decides alike.
    settings = ClusterSettings(
        threshold=0.99, threshold_single=0.99, max_posting=2, min_common_posting=1, max_stories=14
    )
    index = StoryIndex(settings)
    items = stream(60, shared_until=30)
    kinds = []
    for e in items[:20]:
        index.assign(e)
        check_index(index)
        kinds.append(type(index._features["terms"]["report"].stories))
    again = StoryIndex(settings)
    again.restore(StoryProfile.model_validate_json(p.model_dump_json()) for p in index.profiles())
    for e in items[20:]:
        assert again.assign(e).model_dump_json() == index.assign(e).model_dump_json()
        check_index(index)
        check_index(again)
        report = index._features["terms"].get("report")
        kinds.append(type(report.stories) if report else None)
    assert kinds[0] is dict and array in kinds and kinds.index(array) < len(kinds) - 1 - kinds[::-1].index(dict)


def test_first_keys_is_the_head_of_the_sorted_pairs() -> None:
    import random

    from agents.cluster.features import first_keys as _first_keys

    rng = random.Random(7)
    for size in (0, 1, 2, 5, 30, 120):
        keys = [f"k{i:03d}" for i in range(size)]
        rng.shuffle(keys)
        for spread in (1, 3, 1000):  # many ties at the cut, some, hardly any
            values = [float(rng.randrange(spread)) for _ in keys]
            for n in (-1, 0, 1, 2, size // 2, size - 1, size, size + 3):
                expected = [k for _, k in sorted(zip(values, keys, strict=True))][:n]
                assert _first_keys(values, keys, n) == expected


def test_sublinear_counts_beyond_the_lookup_table() -> None:
    import math

    from agents.cluster.index import article_features

    e = ext("big", "word other", "acme")
    e = e.model_copy(update={"terms": {"word": 5000, "other": 2}})
    e.entities[0] = e.entities[0].model_copy(update={"mentions": 2048})
    feats = article_features(e).families
    assert feats["terms"] == {"word": 1.0 + math.log(5000), "other": 1.0 + math.log(2)}
    assert feats["entities"] == {"org:acme": 1.0 + math.log(2048)}


def test_features_one_story_keeps_alone_share_its_feature_until_shared() -> None:
    # Fragments of a few events (each article brings words of its own, its event's, and a word of its fragment),
    # merged, trimmed and evicted: features go from the story's shared _Feature to their own and back. The index
    # stays exact after every step, and one restored from its profiles midway decides alike.
    import random

    rng = random.Random(3)
    events = [
        ("earthquake magnitude coast tsunami warning", "sumatra"),
        ("ferry fire passengers smoke crew", "gullrock"),
        ("police arrested suspect robbery bank", "boston"),
    ]
    items = []
    for i in range(90):
        e = rng.randrange(len(events))
        words, ent = events[e]
        part = rng.sample(words.split(), 3)
        items.append(ext(f"a{i}", f"{' '.join(part)} frag{e}x{i % 2} own{i} own{i}b", ent))
    settings = ClusterSettings(
        threshold=0.6, threshold_single=0.6, merge_threshold=0.2, merge_min_articles=2, max_terms=6, max_stories=9
    )
    index = StoryIndex(settings)
    merged = evicted = own = 0
    for e in items[:45]:
        a = index.assign(e)
        merged, evicted = merged + len(a.merged), evicted + len(a.evicted)
        check_index(index)
        own += sum(1 for f in index._features["terms"].values() if f.key is not None and f.size == 1)
    again = StoryIndex(settings)
    again.restore(StoryProfile.model_validate_json(p.model_dump_json()) for p in index.profiles())
    check_index(again)
    for e in items[45:]:
        a = index.assign(e)
        merged, evicted = merged + len(a.merged), evicted + len(a.evicted)
        assert again.assign(e).model_dump_json() == a.model_dump_json()
        check_index(index)
        check_index(again)
    assert merged and evicted and own  # (own: a feature one story counts twice has a _Feature of its own)


def test_live_profiles_keep_their_fields_compactly() -> None:
    # The index's own profiles hold their fields in a key-sharing dict (smaller than the one pydantic builds), also
    # after their fields were assigned and when adopted by a restore; they read and serialize like any profile.
    import sys

    index = StoryIndex(ClusterSettings(threshold=0.3))
    for e in stream(12):
        index.assign(e)
    decoded = [StoryProfile.model_validate_json(p.model_dump_json()) for p in index.profiles()]
    plain = sys.getsizeof(decoded[0].__dict__)
    again = StoryIndex(index.settings)
    again.restore(decoded, adopt=True)
    for idx in (index, again):
        for prof in idx.profiles():
            live = idx.live_profile(prof.story_id)
            assert live is not None and sys.getsizeof(live.__dict__) < plain
            assert live.model_dump_json() == prof.model_dump_json() and live == prof
