"""A story's facts folded from its reports as a reader would tell them (agents.story.facts)."""

from __future__ import annotations

from datetime import UTC, datetime

from agents.story.facts import fold_facts, name_words
from schemas.extraction import ArticleFacts, Participant, Place


def _day(n: int) -> datetime:
    return datetime(2026, 3, n, 12, tzinfo=UTC)


def test_a_later_report_of_the_dead_alone_keeps_the_wounded_counted_before() -> None:
    first = ArticleFacts(type="shooting", killed=3, injured=1)
    later = ArticleFacts(type="shooting", killed=3, injured=0)  # tells only of the dead
    facts, _ = fold_facts([("a", "A", _day(1), first), ("b", "B", _day(2), later)])
    assert (facts.killed, facts.injured) == (3, 1)
    # but the wounded who died are no longer counted hurt
    first = ArticleFacts(type="shooting", killed=0, injured=1)
    later = ArticleFacts(type="shooting", killed=1, injured=0)
    facts, _ = fold_facts([("a", "A", _day(1), first), ("b", "B", _day(2), later)])
    assert (facts.killed, facts.injured) == (1, 0)


def test_one_person_spelled_two_ways_is_one_participant_under_the_family_spelling() -> None:
    one = ArticleFacts(
        type="shooting",
        killed=2,
        participants=[
            Participant(name="James Casullo", role="suspect", status="killed"),
            Participant(name="John Casullo", age=8, role="victim", status="killed"),
        ],
    )
    two = ArticleFacts(type="shooting", killed=2, participants=[Participant(name="John Casulo", role="victim")])
    facts, _ = fold_facts([("a", "A", _day(1), one), ("b", "B", _day(2), two)])
    assert sorted(p.name for p in facts.participants) == ["James Casullo", "John Casullo"]


def test_accents_do_not_make_two_people() -> None:
    assert name_words("José Peña") == name_words("Jose Pena") == ["jose", "pena"]
    one = ArticleFacts(type="shooting", participants=[Participant(name="José Peña", age=30, role="victim")])
    two = ArticleFacts(type="shooting", participants=[Participant(name="Jose Pena", role="victim", status="killed")])
    facts, _ = fold_facts([("a", "A", _day(1), one), ("b", "B", _day(2), two)])
    assert len(facts.participants) == 1 and facts.participants[0].age == 30


def test_a_first_name_spelled_two_ways_is_one_participant() -> None:
    one = ArticleFacts(type="shooting", participants=[Participant(name="Rachel Johnson", age=30, role="victim")])
    two = ArticleFacts(type="shooting", participants=[Participant(name="Rachael Johnson", role="victim")])
    three = ArticleFacts(type="shooting", participants=[Participant(name="Rachael Johnson", status="killed")])
    facts, _ = fold_facts([("a", "A", _day(1), one), ("b", "B", _day(2), two), ("c", "C", _day(3), three)])
    assert [(p.name, p.age, p.status) for p in facts.participants] == [("Rachael Johnson", 30, "killed")]
    # two of one family whose first names differ by more than a slip stay two
    kin = ArticleFacts(type="shooting", participants=[Participant(name="Jaden Smith", role="victim")])
    facts, _ = fold_facts([("a", "A", _day(1), kin), ("b", "B", _day(2), ArticleFacts(type="shooting", participants=[
        Participant(name="Jayla Smith", role="victim")]))])  # fmt: skip
    assert len(facts.participants) == 2


def test_an_age_another_report_gives_a_person_it_names_fills_the_participant() -> None:
    """One report lists the victims without ages; another names one of them with an age but not as a victim (a
    bulleted list the parse does not read): the story's participant has that age. Ages of people who are no
    participant add no one."""
    listing = ArticleFacts(
        type="shooting",
        killed=2,
        participants=[Participant(name="Nia Ward", role="victim"), Participant(name="Tomas Reyes", role="victim")],
    )
    bullets = ArticleFacts(type="shooting", killed=2, ages={"Nia Ward": 24, "Linda Park": 51})
    facts, _ = fold_facts([("a", "A", _day(1), listing), ("b", "B", _day(1), bullets)])
    assert {p.name: p.age for p in facts.participants} == {"Nia Ward": 24, "Tomas Reyes": None}
    # a participant's own age wins over one told elsewhere
    listing.participants[0] = Participant(name="Nia Ward", age=25, role="victim")
    facts, _ = fold_facts([("a", "A", _day(1), listing), ("b", "B", _day(1), bullets)])
    assert {p.name: p.age for p in facts.participants}["Nia Ward"] == 25


def test_between_two_towns_told_once_each_the_state_most_reports_give_decides() -> None:
    def report(place: Place) -> ArticleFacts:
        return ArticleFacts(type="shooting", killed=1, place=place)

    marshall = Place(name="Marshall", city="Marshall", region="Texas", country="United States")
    fruita = Place(name="Fruita", city="Fruita", region="Colorado", country="United States")
    no_town = Place(name="Grand Mesa", region="Colorado", country="United States")
    reports = [("a", "A", _day(1), report(marshall)), ("b", "B", _day(2), report(no_town))]
    reports.append(("c", "C", _day(3), report(fruita)))
    facts, _ = fold_facts(reports)
    assert facts.place is not None
    assert (facts.place.city, facts.place.region) == ("Fruita", "Colorado")
    # with nothing to tell them apart, the first report's town
    facts, _ = fold_facts([reports[0], reports[2]])
    assert facts.place is not None and facts.place.city == "Marshall"
