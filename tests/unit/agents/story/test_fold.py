"""The folded state of a very large story (agents/story/fold.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from agents.story.facts import _in_time_order, fold_facts
from agents.story.fold import FactsTally
from schemas.extraction import ArticleFacts, Participant, Place

_NAMES = ["Jane Doe", "John Doe", "Doe", "Jane Q. Doe", "Mark Roe", "Roe", "Ann Lee"]
_STATUS = [None, "killed", "injured", "arrested", "injured, arrested", "unharmed"]

participants = st.builds(
    Participant,
    name=st.sampled_from(_NAMES),
    age=st.one_of(st.none(), st.integers(20, 23)),
    role=st.sampled_from([None, "victim", "suspect"]),
    status=st.sampled_from(_STATUS),
)
places = st.builds(
    Place,
    name=st.sampled_from([None, "Main St", "the mall"]),
    city=st.sampled_from([None, "Tulsa", "Austin"]),
    region=st.sampled_from([None, "Oklahoma", "Texas"]),
    country=st.sampled_from([None, "United States"]),
)
article_facts = st.builds(
    ArticleFacts,
    type=st.sampled_from([None, "shooting", "shooting", "fire"]),
    date=st.sampled_from([None, "2026-01-01", "2026-01-02"]),
    place=st.one_of(st.none(), places),
    killed=st.one_of(st.none(), st.integers(0, 4)),
    injured=st.one_of(st.none(), st.integers(0, 4)),
    participants=st.lists(participants, max_size=3),
)
reports = st.lists(
    st.tuples(st.sampled_from(["a.com", "b.com", "c.com"]), st.one_of(st.none(), st.integers(0, 50)), article_facts),
    max_size=25,
)


def _as_reports(raw: list) -> list:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        (f"a{n}", src, None if minutes is None else start + timedelta(minutes=minutes), facts)
        for n, (src, minutes, facts) in enumerate(raw)
    ]


@settings(max_examples=400, deadline=None)
@given(reports, st.integers(0, 25))
def test_the_running_fold_is_fold_facts(raw: list, cut: int) -> None:
    """Folding the first reports, then adding the rest, gives what fold_facts gives for all of them (reports in
    time order, as a large story folds its oldest articles first)."""
    ordered = _in_time_order(_as_reports(raw))
    tally = FactsTally()
    for report in ordered[:cut]:
        tally.add(report)
    tally = FactsTally.model_validate_json(tally.model_dump_json())  # as the state keeps it
    for report in ordered[cut:]:
        tally.add(report)
    assert tally.facts() == fold_facts(ordered)


def test_a_rising_toll_is_the_latest_development() -> None:
    ordered = _in_time_order(
        _as_reports(
            [
                ("a.com", 1, ArticleFacts(type="shooting", killed=1, injured=2)),
                ("b.com", 2, ArticleFacts(type="shooting", killed=2, injured=1)),
            ]
        )
    )
    tally = FactsTally()
    tally.add(ordered[0])
    tally.add(ordered[1])
    facts, provenance = tally.facts()
    assert (facts.killed, facts.injured) == (2, 1)
    assert provenance["latest"] == ("a1", "b.com")
