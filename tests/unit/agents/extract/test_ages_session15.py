"""Session 15: the ages of babies, of "the boy" named later, and ages that belong to someone else
(agents.extract.participants). Hand-written articles."""

from __future__ import annotations

from tests.unit.agents.extract.reading import ages_of as _ages
from tests.unit.agents.extract.reading import facts_of as _facts


def test_a_baby_told_in_months_is_given_whole_years(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Toddler shot at home in Fairview",
        "A toddler was shot inside a home in Fairview on Sunday, police said.\n\nInvestigators say Amara Quist, "
        "age 17 months, suffered a single gunshot wound to the leg and is expected to recover.\n\nLater that day "
        "21-month-old Jonah Pettibone was shot and killed by a relative in Hartwell.",
    )
    ages = _ages(facts)
    assert ages.get("Amara Quist") == 1
    assert ages.get("Jonah Pettibone") == 1


def test_the_boy_named_later_is_the_last_boy_given_an_age_before(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Boy, 3, shoots himself with gun found in purse",
        "RIVERTON, Ohio — Riverton police say a 3-year-old boy shot himself while playing with a handgun he found "
        "inside his mother's purse.\n\nThe boy is identified as Tobias Wrenfield. He was pronounced dead at a "
        "hospital.\n\nIn another case, a 16-year-old boy is charged with reckless homicide after shooting a "
        "14-year-old boy on June 3 while the two were playing with a gun.",
    )
    assert _ages(facts).get("Tobias Wrenfield") == 3


def test_an_age_told_beside_another_name_is_not_the_victims(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Toddler dies after shooting in north county",
        "A toddler died after he was shot in a home in north county on Tuesday.\n\nThe toddler has been identified "
        "as Carver Ellsworth.\n\nPolice are calling this a tragic event weeks after 9-year-old Jamila Bolderwood "
        "was shot and killed as she did her homework.",
    )
    assert "Carver Ellsworth" in _ages(facts)
    assert _ages(facts)["Carver Ellsworth"] is None  # 9 is Jamila Bolderwood's age, not his


def test_a_headline_in_title_case_gives_its_age_to_the_lone_victim(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "16-Year-Old Accidentally Shot At Home",
        "Deputies say Marisol Quintanar was playing with a gun someone dropped off at her home when it fired. "
        "Quintanar suffered a minor hand injury.",
    )
    assert _ages(facts).get("Marisol Quintanar") == 16


def test_ages_are_kept_for_names_not_for_places(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Teen Shot Himself In Cedar Rapids",
        "A Cedar Rapids, 15, boy was hurt on Friday.\n\n"
        "The victims were identified as Nijara Wardlow, 24, of New Haven, and Ivetta Sterlingham, 25, "
        "of West Haven.",
    )
    assert facts.ages.get("Nijara Wardlow") == 24
    assert facts.ages.get("Ivetta Sterlingham") == 25
    assert not {"Cedar Rapids", "New Haven", "West Haven"} & set(facts.ages)


def test_a_victim_identified_in_the_present_tense(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "UPDATE: Toddler dies after shooting in Marion County",
        "A 3-year-old boy died after he was shot at a home on Friday.\n\nUPDATE: The Marion County Sheriff's Office "
        "identifies the toddler that died as Tyler Morgan.",
    )
    people = {p.name: p for p in facts.participants}
    assert people["Tyler Morgan"].role == "victim"
    assert people["Tyler Morgan"].age == 3


def test_first_names_sharing_a_surname_are_each_a_person(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Family of five found dead in Elmhurst home",
        "Deputies found the bodies of Clarence and Shauna Washburne, both 35, and their three daughters in a home on "
        "Birch Lane on Sunday, the sheriff said.\n\nOwen Hicks was questioned by deputies. Hicks and Cody Tanner "
        "were charged with burglary.",
    )
    people = {p.name: p for p in facts.participants}
    assert people["Clarence Washburne"].status == "killed" and people["Clarence Washburne"].age == 35
    assert people["Shauna Washburne"].role == "victim"
    assert "Hicks Tanner" not in people  # two surnames, not a family


def test_a_victim_named_with_the_town_they_came_from(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Teen killed in hunting accident near Oglethorpe County line",
        "A 15-year-old was killed in a hunting accident on Saturday.\n\nThe teen, identified as Brielle Nessmith of "
        "Carlton, died at the scene, Capt. Ray Hollister said.",
    )
    people = {p.name: p for p in facts.participants}
    assert people["Brielle Nessmith"].role == "victim"
    assert people["Brielle Nessmith"].status == "killed"


def test_a_name_the_tagger_missed_told_with_a_town_before_the_fate() -> None:
    from agents.extract.participants import _untagged_names

    text = "The teen, identified as Briar Nessmith of Carlton, died at the scene."
    found = {name: (role, status, how) for name, _, role, status, how in _untagged_names(text, text)}
    assert found.get("Briar Nessmith") == ("victim", "killed", "named")  # "named": kept even if tagged as a firm


def test_children_named_by_first_name_take_the_family_surname(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Four found dead in Maple Ridge home",
        "Deputies found the bodies of Russell Pemberly, his wife, Dana Pemberly, and their two children, 6-year-old "
        "Tylee and 2-year-old Brody, on Sunday.\n\nIn another town, Ross Anderton is accused of killing 30-year-old "
        "Rachel Jonsson and her five-year-old son, Colten.",
    )
    ages = _ages(facts)
    assert ages.get("Tylee Pemberly") == 6
    assert ages.get("Brody Pemberly") == 2
    assert ages.get("Colten Jonsson") == 5
    people = {p.name: p for p in facts.participants}
    assert people["Brody Pemberly"].role == "victim" and people["Brody Pemberly"].status == "killed"


def test_no_family_is_made_of_titles_months_or_a_surname_inside_another() -> None:
    from agents.extract.participants import _kin, _shared_surname

    text = "Police were called to a house where Mrs McMeekin and Miss Jenkin were found dead."
    assert _shared_surname(text, text) == []
    text = "Pastor and Ann Whitby were found dead in their home on Sunday."
    assert [name for name, *_ in _shared_surname(text, text)] == []  # "Pastor" is a title, not Ann's husband's name
    text = "Jane Grady was killed and her daughter, July 4 was the day it happened."
    assert [name for name, *_ in _kin(text)] == []


def test_kin_not_told_as_hurt_are_not_victims() -> None:
    from agents.extract.participants import _kin

    text = "Diana Delacroix told reporters her son Jaiden is a trooper; two men were shot in the car park."
    assert _kin(text) == []  # the shooting is told after, of others
    text = "Lenna Pridmore said it was her son, 16-year-old Freland, who was shot."
    assert [(name, age) for name, age, *_ in _kin(text)] == [("Freland Pridmore", "16")]


def test_one_participant_per_person() -> None:
    from agents.extract.participants import _clean_name, _one_per_person
    from schemas import Participant

    assert _clean_name("Travonte Berryman with") == "Travonte Berryman"
    assert _clean_name("Jamie clayborne") == "Jamie clayborne"  # a surname written small is still a name
    people = [
        Participant(name="Benjamin David", role="victim", status="killed"),
        Participant(name="Eric Kirkland", role="suspect"),
        Participant(name="Benjamin David Bankston", age=40, role="victim"),
    ]
    assert [(p.name, p.age, p.status) for p in _one_per_person(people)] == [
        ("Eric Kirkland", None, None),
        ("Benjamin David Bankston", 40, "killed"),
    ]
