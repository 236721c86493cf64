"""The wounded told beside the dead, and names the tagger missed: what a reader of the report would count
(agents.extract.facts, agents.extract.casualties, agents.extract.participants)."""

from __future__ import annotations

from agents.extract.facts import read_casualties
from tests.unit.agents.extract.reading import facts_of as _facts


def test_another_wounded_beside_the_dead_is_counted() -> None:
    assert read_casualties("Teen Killed, Another Wounded in St. Paul Shooting", []) == (1, 1)
    assert read_casualties(
        "7-year-old girl killed, grandmother injured after shots fired into home",
        ["A 7-year-old girl was killed Sunday when someone fired shots into her home, police said."],
    ) == (1, 1)
    # the one shot who later died is no one else
    killed, injured = read_casualties("Man dies after shooting", ["A man was shot and later died at the hospital."])
    assert killed == 1 and not injured


def test_another_child_hospitalized_is_this_incidents_not_another_incidents() -> None:
    killed, injured = read_casualties(
        "Shooting at apartment complex leaves four dead",
        ["A man, two women and a small child were killed Saturday, police said.", "Another child was hospitalized."],
    )
    assert (killed, injured) == (4, 1)


def test_the_family_hurt_beside_the_dead_child() -> None:
    killed, injured = read_casualties(
        "3 teenagers arrested, accused of killing 4-year-old girl",
        ["During the robbery, Ava was fatally shot while her sister and mother were injured by gunfire."],
    )
    assert (killed, injured) == (1, 2)
    killed, injured = read_casualties(
        "Child in critical condition after parents' murder-suicide",
        ["A man shot his wife and then himself, police said."],
    )
    assert (killed, injured) == (2, 1)


def test_fatally_wounded_is_dead_not_hurt() -> None:
    killed, injured = read_casualties(
        "14-year-old girl fatally shot at garage party",
        ["A 14-year-old girl was fatally wounded and the suspected shooter was arrested late Tuesday night."],
    )
    assert killed == 1 and not injured


def test_a_child_in_stable_condition_is_hurt() -> None:
    killed, injured = read_casualties(
        "Sheriff's Office investigating accidental shooting of 3-year-old",
        ["The child is currently in stable but serious condition in a Fargo hospital."],
    )
    assert not killed and injured == 1


def test_a_victim_in_the_headline_who_dies_is_dead() -> None:
    killed, injured = read_casualties("Victim in Boyle Co. accidental shooting dies", [])
    assert killed == 1 and not injured


def test_a_name_the_tagger_may_miss_is_read_from_what_happened_to_them(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "14-year-old girl fatally shot at garage party",
        "SAN ANTONIO - A 14-year-old girl was fatally wounded late Tuesday night on the city's Northwest Side.\n\n"
        "Melody Cerros was shot and killed at a garage party, a police spokesman said.",
    )
    people = {p.name: (p.role, p.status) for p in facts.participants}
    assert people.get("Melody Cerros") == ("victim", "killed")
