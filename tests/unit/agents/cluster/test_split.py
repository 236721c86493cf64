"""A story that turns out to hold two events falls in two (agents/cluster/split.py and StoryIndex)."""

from __future__ import annotations

import pytest

from agents.cluster.index import ClusterSettings, StoryIndex
from agents.cluster.split import split_part, sub_triangle, with_row
from schemas.extraction import ArticleExtraction
from tests.unit.agents.cluster.test_index import ext

# Two floods of one season, told in the same topic words; each has its own places and names. A loose threshold makes
# the second flood's first report join the first flood's story, as a topic's second event does on ECB+.
TOPIC = "flood river water rain rescue evacuated homes rose levee"
HOUSTON = ("bayou harris county reservoir freeway shelter", (("houston", "GPE"), ("turner", "PERSON")))
MUMBAI = ("monsoon mithi suburbs railway slum fishermen", (("mumbai", "GPE"), ("thackeray", "PERSON")))
GLUE = ClusterSettings(threshold=0.02, threshold_single=0.02, merge_threshold=2.0)


def floods(n: int = 5) -> list[ArticleExtraction]:
    out = []
    for i in range(n):
        for tag, (words, ents) in (("h", HOUSTON), ("m", MUMBAI)):
            out.append(ext(f"{tag}{i}", f"{TOPIC} {words} detail{tag}{i}", entities=ents))
    return out


def final_stories(settings: ClusterSettings, items: list[ArticleExtraction]) -> tuple[dict[str, str], list]:
    index = StoryIndex(settings)
    story_of: dict[str, str] = {}
    splits = []
    for e in items:
        a = index.assign(e)
        story_of[e.article.id] = a.story_id
        for split in a.splits:
            splits.append(split)
            story_of.update(dict.fromkeys(split.article_ids, split.new_story_id))
    return story_of, splits


def test_two_events_glued_at_their_first_meeting_come_apart() -> None:
    glued, _ = final_stories(GLUE.model_copy(update={"split_ratio": 0.0}), floods())
    assert len(set(glued.values())) == 1  # without splits: one story for both floods

    story_of, splits = final_stories(GLUE, floods())
    houston = {story_of[f"h{i}"] for i in range(5)}
    mumbai = {story_of[f"m{i}"] for i in range(5)}
    assert len(houston) == 1 and len(mumbai) == 1 and houston != mumbai
    assert houston == {story_of["h0"]} and story_of["h0"] == glued["h0"]  # the first article's part keeps the id
    assert len(splits) == 1 and set(splits[0].article_ids) <= {f"m{i}" for i in range(5)}


def test_a_coherent_story_stays_whole() -> None:
    one_flood = [ext(f"h{i}", f"{TOPIC} {HOUSTON[0]} detail{i}", entities=HOUSTON[1]) for i in range(12)]
    story_of, splits = final_stories(GLUE, one_flood)
    assert splits == [] and len(set(story_of.values())) == 1


def test_the_part_split_off_is_not_merged_back() -> None:
    # Any two stories that share a feature would merge at their check (every feature finds candidates).
    index = StoryIndex(GLUE.model_copy(update={"merge_threshold": 0.0, "candidate_features": 1000}))
    steps = [index.assign(e) for e in floods(6)]
    assert sum(len(a.splits) for a in steps) == 1  # split once, and never merged back (and split again)
    assert not any(a.merged for a in steps)
    assert steps[-1].story_id != steps[-2].story_id


def test_restored_index_splits_as_the_one_that_never_stopped() -> None:
    items = floods(6)
    expected = [StoryIndex(GLUE)]
    want = [expected[0].assign(e).model_dump_json() for e in items]
    for cut in range(1, len(items)):
        index = StoryIndex(GLUE)
        got = [index.assign(e).model_dump_json() for e in items[:cut]]
        restored = StoryIndex(GLUE)
        restored.restore(index.profiles())
        got += [restored.assign(e).model_dump_json() for e in items[cut:]]
        assert got == want, f"restored after {cut} articles"


def test_split_part_finds_the_weaker_half() -> None:
    n, close, far = 8, 0.6, 0.1
    group = [0, 1, 0, 1, 0, 1, 0, 1]
    sims: list[float] = []
    for i in range(1, n):
        sims = with_row(sims, [close if group[i] == group[j] else far for j in range(i)])
    assert split_part(sims, n, 4, 0.55) == [1, 3, 5, 7]  # the group without the first member leaves
    assert split_part(sims, n, 5, 0.55) is None  # each part needs five
    assert split_part(sims, n, 4, 0.1) is None  # between (0.1) is not under 0.1 × within
    assert split_part(sims, n, 4, 0.0) is None  # off
    assert sub_triangle(sims, [0, 2, 4]) == [close, close, close]


@pytest.mark.parametrize("between", [0.5, 0.6])
def test_split_part_leaves_a_story_whose_halves_agree(between: float) -> None:
    n = 10
    sims = [0.6 if (i + j) % 2 == 0 else between for i in range(1, n) for j in range(i)]
    assert split_part(sims, n, 4, 0.55) is None


def test_the_story_stage_ends_with_the_stories_the_index_decided() -> None:
    """The in-process pipeline (the broker path's pure functions) moves the split-off articles downstream."""
    from agents.inprocess import Pipeline

    items = floods(6)
    want, _ = final_stories(GLUE, items)
    pipeline = Pipeline(None, cluster_settings=GLUE)
    for e in items:
        pipeline.add_extraction(e)
    finals = pipeline.final_stories()
    got = {s.article_id: u.story_id for u in finals for s in u.sources}
    assert got == want
    assert sum(u.article_count for u in finals) == len(items) and len(finals) == 2
    told = {u.story_id: u.changes.split_stories for u in pipeline.updates if u.changes.split_stories}
    assert told == {want["h0"]: [want["m0"]], want["m0"]: [want["h0"]]}
