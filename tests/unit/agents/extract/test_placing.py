"""Where an incident happened, as a reader of the story would place it (agents.extract.placing)."""

from __future__ import annotations

from agents.extract.placing import dateline, outlet_start
from schemas import Article


def _place(extractor, title: str, text: str) -> tuple[str | None, str | None]:  # type: ignore[no-untyped-def]
    [ex] = extractor.extract([Article(id="a", title=title, text=text)])
    place = ex.facts.place
    assert place is not None
    return place.city, place.region


def test_the_station_in_the_headline_is_not_where_it_happened(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Boy, 12, wounded in hunting accident - KOLR 10 News: Springfield, MO",
        "A 12-year-old boy was shot and wounded Saturday while hunting with his father near Ava, the Douglas County "
        "sheriff said. The boy was taken to a hospital in stable condition.",
    )
    assert city == ("Ava", "Missouri")


def test_a_dateline_without_a_state_places_the_story(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Gun used in homicide was stolen",
        "BELOIT — A 17-year-old was killed with a stolen gun, police said. The gun had been taken from a car in "
        "Janesville last month. The teen, of Beloit, was shot Friday night.",
    )
    assert city == ("Beloit", "Wisconsin")


def test_a_town_the_gazetteer_lacks_is_taken_from_the_dateline(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Man dies after being hit by a hunter's bullet",
        "GLEN FLORA, Wis. — A 62-year-old man died Saturday after he was hit by a bullet outside his home, "
        "Department of Natural Resources officials said. He was taken to a hospital in Ladysmith.",
    )
    assert city == ("Glen Flora", "Wisconsin")


def test_the_city_whose_police_handle_it_gives_city_and_state(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Family identifies 5-year-old boy fatally shot in Madisonville",
        "A 5-year-old boy was fatally shot in Madisonville on Saturday, Cincinnati police said. The boy's family "
        "had moved there from Louisville last year.",
    )
    assert city == ("Cincinnati", "Ohio")


def test_datelines_and_outlet_names() -> None:
    assert dateline("Headline\nKILLINGLY (AP) — State police say a boy has died.") == ("Killingly", None)
    assert dateline("Headline\n(CAMPBELLSBURG) - Police were called to a home.") == ("Campbellsburg", None)
    assert dateline("Headline\nHILLIARD, OH (WCMH) – Neighbors sat on stoops.") == ("Hilliard", "Ohio")
    assert dateline("Headline\nHENRY COUNTY, Ind. (WISH) — Police found three bodies.") is None
    assert dateline("Headline\nA man was shot - police say - on Monday.") is None
    title = "Teen shot in Blytheville - KAIT Jonesboro, AR - Region 8 News"
    assert title[: outlet_start(title)] == "Teen shot in Blytheville"
    assert outlet_start("Shooting - what we know") == len("Shooting - what we know")
