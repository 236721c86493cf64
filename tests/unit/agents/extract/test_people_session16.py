"""Session 16: the people of a list after "the killings of", the subject of "suspected of", and first names told
before a participant's full name (agents.extract.participants). Hand-written articles."""

from __future__ import annotations

from schemas.extraction import ArticleFacts
from tests.unit.agents.extract.reading import facts_of as _facts


def _people(facts: ArticleFacts) -> dict[str, tuple[str | None, str | None]]:
    return {p.name: (p.role, p.status) for p in facts.participants}


def test_every_name_of_a_list_after_the_killings_of_is_a_victim(extractor) -> None:  # type: ignore[no-untyped-def]
    # The small model hangs the third name on "charged" as its object: read alone, that made her an arrested suspect.
    people = _people(
        _facts(
            extractor,
            "Hearing set for brothers charged in quadruple killing",
            "HOLLIS, Okla. - A preliminary hearing is scheduled for two brothers charged in the shooting deaths of "
            "four women at an apartment complex.\n\nThe two are charged in the killings of 23-year-old twins Rhea "
            "Dunmore and Kelsa Dunmore, 33-year-old Misty Varnell and 55-year-old Joan Tackett. They have pleaded "
            "not guilty.",
        )
    )
    for name in ("Misty Varnell", "Joan Tackett"):
        assert people.get(name, ("victim", None))[0] == "victim", people
        assert "arrested" not in (people.get(name, (None, None))[1] or ""), people


def test_a_town_named_after_the_death_of_is_no_victim(extractor) -> None:  # type: ignore[no-untyped-def]
    people = _people(
        _facts(
            extractor,
            "17-year-old hunter charged in death of Glen Flora man",
            "GLEN FLORA, Wis. (WQOW) - A 17-year-old hunter is charged with homicide in the death of a 56-year-old "
            "man who was shot while hunting on Saturday.",
        )
    )
    assert "Glen Flora" not in people


def test_the_subject_of_suspected_of_shooting_is_a_suspect_not_yet_arrested(extractor) -> None:  # type: ignore[no-untyped-def]
    people = _people(
        _facts(
            extractor,
            "Quadruple murder suspects' hearing continued",
            "HOLLIS, Okla. - Cedric and Jamal Whitcomb, who have pleaded not guilty to murder and robbery charges, are "
            "suspected of shooting Misty Varnell, Joan Tackett, Rhea Dunmore and Kelsa Dunmore inside an apartment "
            "on Jan. 7.",
        )
    )
    assert people.get("Jamal Whitcomb") == ("suspect", None), people
    assert people.get("Cedric Whitcomb") == ("suspect", None), people
    assert people.get("Misty Varnell", (None, None))[0] == "victim", people


def test_a_first_name_before_a_full_name_is_one_of_the_family_only_where_it_tells_their_part(extractor) -> None:  # type: ignore[no-untyped-def]
    people = _people(
        _facts(
            extractor,
            "Teen killed in accidental shooting at home",
            "BOILING SPRINGS, N.C. - Michael Tarrant, 17, was shot and killed at his home on Saturday when the rifle "
            "he was cleaning fired, police said.\n\nRebecca and Michael Tarrant were watching a movie when it "
            "happened. Police have identified the other people at the party as Andrew Pell of Carmel, Gabriel "
            "Dunn of Marion and Raymond Tarrant of Indianapolis.",
        )
    )
    assert people.get("Michael Tarrant", (None, None))[0] == "victim", people
    assert "Rebecca Tarrant" not in people  # the sentence tells of no part she had in it
    assert "Marion Tarrant" not in people and "Marion Dunn" not in people  # a town, not a first name


def test_a_father_identified_by_name_is_not_the_shot_child(extractor) -> None:  # type: ignore[no-untyped-def]
    people = _people(
        _facts(
            extractor,
            "4-year-old shot in Marlow Springs",
            "What a neighbour heard was a 4-year-old boy being shot in the stomach.\n\nThe boy was airlifted to the "
            "hospital and is in stable condition.\n\nA spokesman said the boy's parents are cooperating and are now "
            "with their son. The father has been identified as Kevin Walsh.",
        )
    )
    assert people.get("Kevin Walsh", (None, None))[0] != "victim", people


def test_a_first_name_with_an_apostrophe_after_its_initial_is_a_name(extractor) -> None:  # type: ignore[no-untyped-def]
    people = _people(
        _facts(
            extractor,
            "7-year-old girl killed, grandmother hurt after shots fired into home",
            "Shots were fired into a home on Maple Street late Saturday, police said. Officers found two people "
            "shot inside. Police said D’nyah Corlett, 7, died at the scene, and her grandmother was taken to a "
            "hospital.",
        )
    )
    assert people.get("D’nyah Corlett", (None, None))[0] == "victim", people
