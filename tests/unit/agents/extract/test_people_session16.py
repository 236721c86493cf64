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


def _with_org(nlp, title: str, text: str, org_names: tuple[str, ...]) -> ArticleFacts:  # type: ignore[no-untyped-def]
    """The facts of an article whose tagger took ``org_names`` for organisations (as the small model does with some
    names: "Nilda Sheffield" in one report, a person in the next)."""
    from agents.extract.entities import canonicalize_entities
    from agents.extract.extractor import extract_from_doc, parsed_text
    from schemas import Article

    article = Article(id="org", title=title, text=text)
    doc = nlp(parsed_text(article))
    spans = []
    for name in org_names:
        start = doc.text.index(name)
        spans.append(doc.char_span(start, start + len(name), label="ORG"))
    doc.ents = [e for e in doc.ents if not any(e.start < s.end and s.start < e.end for s in spans)] + spans
    doc._.canonical_entities = canonicalize_entities(doc)
    return extract_from_doc(doc, article).facts


def test_a_name_the_tagger_took_for_a_firm_is_a_participant_where_the_parse_gives_a_clear_part(nlp) -> None:  # type: ignore[no-untyped-def]
    facts = _with_org(
        nlp,
        "Grandmother kills daughter, grandchildren, self",
        "LAKE ORVIS, Fla. -- Officials say a 53-year-old woman killed her 30-year-old daughter and two young "
        "grandchildren before turning the gun on herself.\n\nPolice Lt. Carl Dorsey says Delia Stamford killed "
        "Marisol Vega and 7-year-old Tomas Neeley.",
        ("Delia Stamford",),
    )
    assert _people(facts).get("Delia Stamford", (None, None))[0] == "suspect", _people(facts)


def test_a_navy_or_a_citys_team_is_no_participant(nlp) -> None:  # type: ignore[no-untyped-def]
    facts = _with_org(
        nlp,
        "Navy foils attack, nabs 26 pirates; team's player arrested",
        "The Indian Navy shot and killed two pirates on Friday, officials said.\n\nIn another case, the San Diego "
        "Chargers shot a man in a fight, police said.",
        ("Indian Navy", "San Diego Chargers"),
    )
    people = _people(facts)
    assert "Indian Navy" not in people and "San Diego Chargers" not in people, people


def test_a_victim_of_a_year_and_a_half_ago_is_of_another_incident(extractor) -> None:  # type: ignore[no-untyped-def]
    people = _people(
        _facts(
            extractor,
            "7-year-old boy struck by stray bullet inside his home",
            "A 7-year-old boy was struck by a stray bullet inside his home on Tuesday night, police said. He is in "
            "stable condition.\n\nResidents say they are tired of living in fear. A year and a half ago 12-year-old "
            "Kayla Brentwood was killed after being caught in the crossfire of a shootout on the same street.",
        )
    )
    assert "Kayla Brentwood" not in people, people


def test_a_first_name_told_alone_is_the_person_named_in_full_with_it(extractor) -> None:  # type: ignore[no-untyped-def]
    people = _people(
        _facts(
            extractor,
            "Toddler shot in the chest at family home",
            "A 2-year-old boy died Saturday after a handgun went off in the family car, deputies said.\n\nJacob "
            "Hartley climbed into the vehicle outside his family's home and apparently got the weapon from the "
            "console.\n\nNeighbours performed CPR until paramedics arrived. Jacob was pronounced dead at a hospital.",
        )
    )
    assert people.get("Jacob Hartley") == ("victim", "killed"), people
    assert "Jacob" not in people


def test_a_short_first_name_is_the_same_person(extractor) -> None:  # type: ignore[no-untyped-def]
    people = _people(
        _facts(
            extractor,
            "Teen killed in drive-by shooting",
            "A 15-year-old boy was shot and killed while driving on Saturday, police said. Joshua Varga, 15, was "
            "pronounced dead at the scene.\n\nPolice said Josh Varga was shot once in the head.",
        )
    )
    assert "Josh Varga" not in people and people.get("Joshua Varga", (None, None))[0] == "victim", people


def test_a_baby_in_a_list_of_victims_is_named_with_whole_years(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Man kills woman, 2 children, then himself",
        "Deputies found four people dead in a home on Friday. The coroner identified the victims as 51-year-old "
        "Keith Darby, 40-year-old Karla Burwell, and 10-month-old Justice Burwell, the niece of Karla Burwell.",
    )
    ages = {p.name: p.age for p in facts.participants}
    assert "Justice Burwell" in ages and ages["Justice Burwell"] == 0, ages


def test_who_drove_the_hurt_child_to_the_hospital_is_not_hurt(extractor) -> None:  # type: ignore[no-untyped-def]
    people = _people(
        _facts(
            extractor,
            "Boy, 3, hurt by father's gun at home",
            "NASHVILLE, Tenn. - A 3-year-old boy was hurt in an accidental shooting at an apartment on Tuesday "
            "night.\n\nPolice said 24-year-old Devin Tyson - a security guard - had just come home with his son, "
            "Trevon Tyson.\n\nTyson told officers he kept a pistol in his backpack. He set the bag down and turned "
            "away to find the boy's pyjamas, Tyson said.\n\nHe then heard a shot, he told police.\n\nTyson loaded "
            "Trevon into his car and was on the way to the hospital when he saw a patrol car and asked for help."
            "\n\nTrevon was taken to a children's hospital and was expected to go home overnight.",
        )
    )
    assert people.get("Devin Tyson", (None, None))[1] != "injured", people
    assert people.get("Trevon Tyson", (None, None))[0] == "victim", people


def test_who_heard_the_gunshot_is_not_hurt_by_it(extractor) -> None:  # type: ignore[no-untyped-def]
    people = _people(
        _facts(
            extractor,
            "Two-year-old child shot in the chest at home",
            "A 2-year-old boy died Saturday after he found a handgun in the family car, deputies said.\n\nKevin "
            "Walsh, 23, the father, turned away from his child and heard the gunshot, the sheriff said.",
        )
    )
    assert people.get("Kevin Walsh", (None, None))[1] != "injured", people


def test_twins_told_with_one_age_both_have_it(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Brothers charged in quadruple killing",
        "HOLLIS, Okla. - A hearing is set for two brothers charged in the shooting deaths of four women at an "
        "apartment complex.\n\nThe two are charged in the killings of 23-year-old twins Rachel Moore and Kayla "
        "Moore, 33-year-old Misty Varnell and 55-year-old Joan Tackett.",
    )
    ages = {p.name: p.age for p in facts.participants}
    assert ages.get("Kayla Moore") == 23, ages


def test_an_age_and_a_half_is_the_whole_years(extractor) -> None:  # type: ignore[no-untyped-def]
    facts = _facts(
        extractor,
        "Toddler dies after shooting himself in family car",
        "A toddler died Saturday after he shot himself with a handgun he found in the family car, deputies "
        "said.\n\nThe 2-and-a-half-year-old boy, Noah Brennan, was pronounced dead at a hospital.",
    )
    ages = {p.name: p.age for p in facts.participants}
    assert ages.get("Noah Brennan") == 2, ages
