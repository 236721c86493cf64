"""Session 14: where the report says the incident happened (agents.extract.placing). Hand-written sentences; each
test asserts the place a reader of the story's facts sees."""

from __future__ import annotations

from schemas import Article, Place


def _place(extractor, title: str, text: str) -> Place | None:  # type: ignore[no-untyped-def]
    [ex] = extractor.extract([Article(id="a", title=title, text=text)])
    return ex.facts.place  # type: ignore[no-any-return]


def _city(place: Place | None) -> tuple[str | None, str | None]:
    return (place.city, place.region) if place else (None, None)


# A place reading: a person's name is no town; a school is named for its town; a mixed-case agency dateline; a
# headline's town without a state; a large city's police work inside its limits.


def test_a_word_of_a_persons_name_is_no_town_and_a_school_names_its_town(extractor) -> None:  # type: ignore[no-untyped-def]
    place = _place(
        extractor,
        "Two students found dead in apparent murder-suicide",
        "Police said two Brookhaven High School students were found dead inside a home on Tuesday evening.\n\n"
        "Officers identified them as Marcus Lindsay, 17, and Tia Renfro, 16. Lindsay had been a member of the "
        "school's track team, a teacher said.",
    )
    assert _city(place) == ("Brookhaven", "Georgia")


def test_a_mixed_case_dateline_with_the_agencys_letters(extractor) -> None:  # type: ignore[no-untyped-def]
    place = _place(
        extractor,
        "Man dies after being shot while cleaning rifle",
        "Millbury (AP) — A man who had moved from Auburn in the spring died Sunday after a rifle he was cleaning "
        "went off, police said.\n\nThe Millbury fire chief said the shooting appeared to be accidental.",
    )
    assert _city(place) == ("Millbury", "Massachusetts")


def test_a_headline_town_east_of_a_city_without_a_state(extractor) -> None:  # type: ignore[no-untyped-def]
    place = _place(
        extractor,
        "Two Hunters Hurt East of Missoula",
        "Two hunters were wounded Saturday when a rifle was fired inside their truck, the sheriff's office said.\n\n"
        "Both men were expected to survive.",
    )
    assert _city(place) == ("Missoula", "Montana")


def test_a_large_citys_police_put_the_place_inside_it(extractor) -> None:  # type: ignore[no-untyped-def]
    place = _place(
        extractor,
        "Man shot outside Sylmar market",
        "A man was shot and wounded outside a market in Sylmar late Friday, Los Angeles police said.\n\n"
        "The gunman fled in a gray sedan, and no arrests had been made.",
    )
    assert place is not None and place.city == "Los Angeles"


# The incident's own sentence in the lead names its town before the text's other places.


def test_the_incident_sentence_names_the_town_over_an_earlier_place(extractor) -> None:  # type: ignore[no-untyped-def]
    place = _place(
        extractor,
        "Boy, 4, dies after shooting at family home",
        "Deputies from Lexington and Hazard held a fundraiser on Friday, the sheriff said.\n\n"
        "A 4-year-old boy died Saturday after he was shot at a home in Harlan, Kentucky State Police said.\n\n"
        "Troopers said the boy found a handgun in a bedroom.",
    )
    assert _city(place) == ("Harlan", "Kentucky")


def test_a_town_the_gazetteer_lacks_is_taken_where_the_incident_happened(extractor) -> None:  # type: ignore[no-untyped-def]
    place = _place(
        extractor,
        "Teen dead after accidental shooting in Webb County, Kentucky",
        "A 15-year-old is dead after an accidental shooting in Webb County, Kentucky.\n\n"
        "The shooting happened just after 4 p.m. Sunday at a home on Mill Creek Road in Pine Hollow.\n\n"
        "Troopers said the teen was handling a shotgun when it went off.",
    )
    assert _city(place) == ("Pine Hollow", "Kentucky")


def test_an_unknown_name_beside_a_large_citys_police_is_part_of_that_city(extractor) -> None:  # type: ignore[no-untyped-def]
    place = _place(
        extractor,
        "Man wounded in overnight shooting",
        "A man was shot and wounded early Sunday in Shawnee Heights, Louisville police said.\n\n"
        "He was taken to a hospital with injuries that were not life-threatening.",
    )
    assert _city(place) == ("Louisville", "Kentucky")


def test_the_words_of_peoples_names_but_not_a_large_city_in_a_teams_name() -> None:
    """Which words are taken for a person's rather than a town's: both words of a person's two-word name (and of one the
    tagger called a place or a firm), not a large city's name in a name not tagged as a person's, nor a name the
    gazetteer holds whole."""
    from types import SimpleNamespace

    from agents.extract.placing import _person_words
    from schemas.extraction import Entity

    ents = SimpleNamespace(
        entities=[
            Entity(id="person:jane-copeland", name="Jane Copeland", label="PERSON"),
            Entity(id="gpe:morgan-slate", name="Morgan Slate", label="GPE"),
            Entity(id="org:denver-broncos", name="Denver Broncos", label="ORG"),
            Entity(id="gpe:boiling-springs", name="Boiling Springs", label="GPE"),
        ]
    )
    words = _person_words(ents)  # type: ignore[arg-type]
    assert {"Jane", "Copeland", "Morgan", "Slate", "Broncos"} <= words
    assert "Denver" not in words and "Boiling" not in words and "Springs" not in words


def test_a_large_citys_name_in_a_teams_name_stays_a_place(extractor) -> None:  # type: ignore[no-untyped-def]
    """A person's name word is no town, but a team named for its city does not make the city a person (an outcome
    guard: the text's other mentions find Denver too)."""
    place = _place(
        extractor,
        "Man shot after Denver Broncos game",
        "A man was shot and wounded in Denver late Sunday after the Denver Broncos game, police said.\n\n"
        "The Denver Broncos said in a statement that the shooting was not near the stadium.",
    )
    assert _city(place) == ("Denver", "Colorado")
