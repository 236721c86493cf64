"""Who is no participant of an incident though the article names them, and the ages the article gives its people
elsewhere than beside their names (agents.extract.participants)."""

from __future__ import annotations

from schemas import ArticleFacts
from tests.unit.agents.extract.reading import facts_of as _facts


def _names(facts: ArticleFacts) -> set[str]:
    return {p.name for p in facts.participants}


def test_a_quoted_neighbour_with_an_age_is_no_victim(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Girl, 14, shot and killed inside Toledo home",
        "TOLEDO, Ohio — Police say Ja'Mare Stewart shot and killed 14-year-old Jamyha Luss on Saturday.\n\n"
        "Marie Black, a woman who lives at the home, said the girl had spent the night there.\n\n"
        "But Black, 47, was at work at the time of the shooting and said she doesn't know how the boy got the gun.",
    )
    assert "Jamyha Luss" in _names(facts)
    assert "Marie Black" not in _names(facts)


def test_a_first_name_takes_no_surname_from_a_spokesman(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Chicago boy, 12, dies after being shot",
        "CHICAGO — A 12-year-old boy was shot and killed Monday in his home.\n\nDevon's brother brought the "
        ".22-caliber gun into the house, although investigators are still trying to determine how he got the gun, "
        "according to Chicago Police Department spokesman Anthony Guglielmi.",
    )
    assert "Devon Guglielmi" not in _names(facts)


def test_ages_in_a_list_of_those_treated_for_injuries(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Four hurt in shooting outside Toledo party",
        "TOLEDO, Ohio — Four people were wounded early Sunday outside a party, police said.\n\n"
        "Treated for “minor injuries” were Ronald Smith, 22, Taylor McCormick, 19, and Sidresha Lamb, 17, all of "
        "Toledo.",
    )
    ages = {p.name: p.age for p in facts.participants}
    assert ages.get("Ronald Smith") == 22 and ages.get("Taylor McCormick") == 19


def test_the_one_age_the_text_gives_goes_to_the_victim_identified_later(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Teen found shot to death in Garfield Park",
        "CHICAGO — A 16-year-old boy was found with a fatal gunshot wound Sunday in the Garfield Park "
        "neighborhood, police said.\n\nThe victim has been identified as Deandre Banks.",
    )
    assert {p.name: p.age for p in facts.participants}.get("Deandre Banks") == 16
