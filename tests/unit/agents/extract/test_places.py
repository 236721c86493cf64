"""US "City, State" places in text (agents.extract.places)."""

from __future__ import annotations

from agents.extract.places import city_states, state_name


def _pairs(text: str) -> list[tuple[str, str]]:
    return [(p.city, p.state) for p in city_states(text)]


def test_datelines_and_inline_places_with_ap_or_postal_abbreviations() -> None:
    text = (
        "TULSA, Okla. (AP) - A man was shot in Dayton, Ohio, on Monday. Police in Chicago, IL, said. "
        "He grew up in St. Louis, Mo. and moved to New York, N.Y. later."
    )
    assert _pairs(text) == [
        ("Tulsa", "Oklahoma"),
        ("Dayton", "Ohio"),
        ("Chicago", "Illinois"),
        ("St. Louis", "Missouri"),
        ("New York", "New York"),
    ]


def test_headline_case_keeps_only_the_place() -> None:
    assert _pairs("Investigation Continues Into 3 Suspicious Deaths In Bedford, NH") == [("Bedford", "New Hampshire")]


def test_lists_of_states_and_lowercase_postal_lookalikes_are_not_places() -> None:
    assert _pairs("Storms hit Ohio, Indiana and Illinois.") == []
    assert _pairs("He said Portland, or maybe Salem.") == []


def test_state_names_and_abbreviations() -> None:
    assert state_name("Okla.") == "Oklahoma"
    assert state_name("TX") == "Texas"
    assert state_name("Calif") == "California"
    assert state_name("Ruritania") is None
