"""Session 14: more of the people an incident happened to or was done by, by name (agents.extract.participants).
Hand-written sentences."""

from __future__ import annotations

from schemas import Article, ArticleFacts
from tests.unit.agents.extract.reading import facts_of as _facts


def _roles(facts: ArticleFacts) -> dict[str, str | None]:
    return {p.name: p.role for p in facts.participants}


def test_the_one_a_death_is_of_is_a_victim(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Man charged in deaths of mother and daughter",
        "A man was charged Monday in a fatal shooting on Linden Avenue, police said.\n\nAuthorities said Marcus "
        "Hollings is charged with murder in the deaths of Teresa Vance and her daughter, Lila Vance.",
    )
    roles = _roles(facts)
    assert roles.get("Teresa Vance") == "victim"
    assert roles.get("Lila Vance") == "victim"


def test_a_place_before_man_is_not_the_one_who_died(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Hunter charged in death of Glen Flora man",
        "A 17-year-old hunter was charged Monday in the death of a Glen Flora man who was shot while shoveling "
        "snow, officials said.",
    )
    assert "Glen Flora" not in _roles(facts)


def test_people_told_dead_or_in_hospital_without_a_verb_of_shooting(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Two dead, one hurt in shooting at Ridgeview home",
        "Deputies found two people dead and one hurt at a Ridgeview home on Sunday.\n\nPeter Lanning and Joan "
        "Lanning were deceased, deputies said. Carla Dominguez is in critical condition at a local hospital.",
    )
    people = {p.name: (p.role, p.status) for p in facts.participants}
    assert people.get("Peter Lanning") == ("victim", "killed")
    assert people.get("Carla Dominguez") == ("victim", "injured")


def test_a_wound_suffered_is_told_of_a_victim(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Toddler dies after shooting at home",
        "A toddler died after a shooting at a home on Sunday, police said.\n\nInvestigators say Amira Stallworth, "
        "age 17 months, suffered a single gunshot wound from a handgun owned by a family member.",
    )
    assert _roles(facts).get("Amira Stallworth") == "victim"


def test_a_surname_told_alone_takes_the_first_name_written_before_it(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Teen charged in fatal shooting in Salem",
        "The district attorney says 19-year-old Justice Galvanek, of Beverly, turned himself in to Salem police "
        "following the Saturday night shooting.\n\nGalvanek has been charged in the shooting death of a 21-year-old "
        "man.",
    )
    assert _roles(facts).get("Justice Galvanek") == "suspect"


def test_people_of_a_list_told_as_the_victims(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Four injured in shooting after fight in west Shreveport",
        "Four people were injured in a shooting after a fight on Saturday, police said.\n\nThe injured victims, "
        "Ivory Jenkins, Tracy Brown, Briana Roberson and Jerome Jones, were taken to a hospital.",
    )
    roles = _roles(facts)
    for name in ("Ivory Jenkins", "Tracy Brown", "Briana Roberson", "Jerome Jones"):
        assert roles.get(name) == "victim", name


def test_a_list_after_identified_the_victims_as(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Four killed in shooting at party",
        "Four people were killed in a shooting at a party early Sunday.\n\nThe medical examiner's office identified "
        "the victims as Ronald Roberts, 24; Kem Delaney, 23; Maria Nash, 19, and Kiana Welch, 19.",
    )
    people = {p.name: (p.role, p.age) for p in facts.participants}
    assert people.get("Kem Delaney") == ("victim", 23)
    assert people.get("Kiana Welch") == ("victim", 19)


def test_a_name_told_with_an_age_and_an_arrest_is_a_suspect(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Man arrested after shots fired outside nightclub",
        "One man was wounded in a shooting outside a nightclub early Sunday.\n\nIndianapolis Metro Police arrested "
        "Tristan Crayton, 28, of Westfield.",
    )
    people = {p.name: (p.role, p.age) for p in facts.participants}
    assert people.get("Tristan Crayton") == ("suspect", 28)
    assert not any(n.startswith("Metro") for n in people)


def test_a_place_with_an_age_after_it_is_no_person(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Woman killed in shooting",
        "A woman was shot and killed on Friday night, police said.\n\nThe victim, a resident of Long Beach, 26, "
        "died at the scene.",
    )
    assert "Long Beach" not in _roles(facts)


def test_the_one_told_as_identified_is_the_victim(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Boy, 3, dies after shooting himself with mother's gun",
        "A 3-year-old boy died after he found a gun in his mother's purse and shot himself, police said.\n\nThe "
        "boy is identified as Marques Greenfield.",
    )
    assert _roles(facts).get("Marques Greenfield") == "victim"


def test_a_name_told_in_the_killings_of(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Brothers charged in apartment killings",
        "Two brothers were charged Tuesday in a shooting inside an apartment.\n\nThe two are charged in the "
        "killings of 23-year-old twins Rebeka Powers and Kaytie Melcher.",
    )
    roles = _roles(facts)
    assert roles.get("Kaytie Melcher") == "victim"


def test_an_article_keeps_the_ages_it_gives_people_the_parse_left_out(extractor) -> None:  # type: ignore[no-untyped-def]
    """A bulleted list of victims with their ages: whether or not each is read as a victim here, the article's facts
    keep each full name's age for the story to give to the participant another report names."""
    [ex] = extractor.extract(
        [
            Article(
                id="a",
                title="Police name the victims of Saturday's shooting",
                text="Police on Monday named the five people shot early Saturday on Lilac Street.\n\n"
                "— Nijel Warrick, 24, of Lilac Street\n\n— Ivonne Starling, 25, of Osborn Street\n\n"
                "Both sisters, Clarice and Denise Holloway, both 31, were treated and released.",
            )
        ]
    )
    ages = ex.facts.ages
    assert ages.get("Nijel Warrick") == 24
    assert ages.get("Ivonne Starling") == 25
    assert ages.get("Denise Holloway") == 31
