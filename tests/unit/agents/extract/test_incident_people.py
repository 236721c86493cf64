"""Who an incident happened to and how many: what a reader of the report would count (agents.extract.facts,
agents.extract.participants, agents.extract.casualties)."""

from __future__ import annotations

from agents.extract.facts import read_casualties
from schemas import ArticleFacts
from tests.unit.agents.extract.reading import facts_of as _facts


def _people(facts: ArticleFacts) -> dict[str, tuple[int | None, str | None]]:
    return {p.name: (p.age, p.role) for p in facts.participants}


def test_the_people_found_shot_who_all_died_are_no_wounded() -> None:
    killed, injured = read_casualties(
        "Akron police: Four people shot in the head, killed",
        [
            "Four people were found shot in the head in an Akron townhouse Thursday afternoon, police said.",
            "Autopsies showed that all four died from a single gunshot to the head.",
        ],
    )
    assert (killed, injured) == (4, 0)
    assert read_casualties("Five people shot outside a bar", ["Five people were shot, police said."]) == (None, 5)


def test_a_murder_suicide_has_two_dead_and_the_child_shot_is_one_of_them() -> None:
    killed, injured = read_casualties(
        "Salt Lake man shoots 8-year-old boy, then himself in murder-suicide, police say",
        ["Police say a Salt Lake man shot an 8-year-old boy and then himself in a murder-suicide Tuesday."],
    )
    assert (killed, injured) == (2, 0)


def test_a_father_of_four_is_one_dead_not_four() -> None:
    killed, _ = read_casualties(
        "Family of father of 4 killed in shooting speaks out",
        ["A man was shot and killed Saturday night outside his home, police said."],
    )
    assert killed == 1


def test_the_person_set_beside_the_name_is_the_victim_with_that_age(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Boy, 3, wounded in South Side shooting",
        "A 3-year-old boy was shot in the back Sunday evening on the South Side, police said. The boy, Devon "
        "Quinn, was in his dad's car in the 6100 block of South Kimbark Avenue when someone opened fire.",
    )
    assert _people(facts).get("Devon Quinn") == (3, "victim")


def test_people_of_another_time_are_not_the_incidents(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Girl, 4, critically hurt after finding gun",
        "A 4-year-old girl was critically injured Friday after she found a loaded gun in a bedroom, police said. "
        "Last year, less than a mile away, a 4-year-old boy, Kamarion Posey, shot himself in the head.",
    )
    assert "Kamarion Posey" not in _people(facts)


def test_ages_of_a_list_go_each_with_their_name(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Family found dead in murder-suicide",
        "According to police, the bodies of 54-year-old Mark Mata, 42-year-old Min Huang and 6-year-old Hank Mata "
        "were discovered during a welfare check late Tuesday morning.",
    )
    people = _people(facts)
    assert people.get("Mark Mata", (None, None))[0] == 54
    assert people.get("Hank Mata", (None, None))[0] == 6
