"""Session 14: ages a reader of the report would give the people of an incident (agents.extract.participants,
agents.extract.facts). Hand-written sentences."""

from __future__ import annotations

from tests.unit.agents.extract.reading import ages_of as _ages
from tests.unit.agents.extract.reading import facts_of as _facts


def test_the_one_victim_takes_the_one_age_the_report_gives_the_hurt(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Toddler hurt in shooting at Millbrook apartment",
        "A 3-year-old child was critically injured in a shooting inside a Millbrook apartment on Monday, police "
        "said.\n\nPolice said Corbin Wheatley was shot once in the chest and taken to a children's hospital.",
    )
    assert facts.killed == 0 and facts.injured == 1
    assert _ages(facts).get("Corbin Wheatley") == 3


def test_no_age_is_guessed_where_the_report_gives_several(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Teen dies after shooting on Elm Street",
        "A 16-year-old boy died after a shooting on Elm Street on Friday, police said. A 19-year-old man was "
        "wounded in the same shooting.\n\nPolice said Darnell Ocampo was shot and killed.",
    )
    assert _ages(facts).get("Darnell Ocampo") is None


def test_an_age_told_with_also_goes_with_the_name_before(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Man charged in friend's shooting death",
        "Trevor Lindqvist, 19, was charged with manslaughter in the death of Malik Dunmore, also 19, police said "
        "on Tuesday.\n\nThe two had been handling a rifle in a garage when it fired.",
    )
    assert _ages(facts).get("Malik Dunmore") == 19
    assert _ages(facts).get("Trevor Lindqvist") == 19


def test_two_names_told_with_both_share_the_age(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Two cousins wounded in backyard shooting",
        "Jaylen Whitcomb and Andre Pellegrini, both 17, were shot and wounded in a backyard on Oak Lane late "
        "Saturday, police said. Both were taken to a hospital in stable condition.",
    )
    ages = _ages(facts)
    assert ages.get("Jaylen Whitcomb") == 17
    assert ages.get("Andre Pellegrini") == 17
