"""Numbers, durations and amounts written in words or digits (agents.extract.numbers)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.extract.numbers import format_duration, parse_amount, parse_duration, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("seven", 7),
        ("113", 113),
        ("one hundred and thirteen", 113),
        ("twenty-one", 21),
        ("thirty five", 35),
        ("a dozen", 12),
        ("two thousand three hundred", 2300),
        ("1,200", 1200),
        ("2.5 million", 2_500_000),
        ("40m", 40_000_000),
        ("a", 1),
    ],
)
def test_parse_number_reads_digits_and_words(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "people", "seven dwarfs", "many"])
def test_parse_number_rejects_non_numbers(text: str) -> None:
    assert parse_number(text) is None


@given(st.integers(min_value=0, max_value=10**9))
def test_parse_number_round_trips_digits(n: int) -> None:
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("the call lasted for one hour and fifteen minutes", "1h15m"),
        ("The call was about an hour and 15 minutes long.", "1h15m"),
        ("a 45-minute meeting", "45m"),
        ("they spoke for 90 minutes", "1h30m"),
        ("two and a half hours of talks", "2h30m"),
        ("half an hour", "30m"),
        ("2 hours, 30 minutes", "2h30m"),
        ("three days of negotiations", "3d"),
    ],
)
def test_durations_in_words_or_digits_normalize_to_one_form(text: str, normalized: str) -> None:
    seconds = parse_duration(text)
    assert seconds is not None
    assert format_duration(seconds) == normalized


def test_duration_parts_must_be_joined() -> None:
    # "2 hours" and "30 minutes" far apart are not one duration.
    assert parse_duration("2 hours later, after 30 minutes of silence") == 7200
    assert parse_duration("no duration here") is None


@given(st.integers(min_value=0, max_value=23), st.integers(min_value=1, max_value=59))
def test_hours_and_minutes_add_up(hours: int, minutes: int) -> None:
    text = f"{hours} hours and {minutes} minutes" if hours else f"{minutes} minutes"
    assert parse_duration(text) == hours * 3600 + minutes * 60


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("a deal worth $2.5 billion", (2_500_000_000, "USD")),
        ("fined 300 million euros", (300_000_000, "EUR")),
        ("paid £40m in damages", (40_000_000, "GBP")),
        ("US$ 12 million", (12_000_000, "USD")),
        ("5 dollars", (5, "USD")),
    ],
)
def test_money_amounts_normalize_to_value_and_currency(text: str, amount: tuple[float, str]) -> None:
    assert parse_amount(text) == amount


def test_no_amount_without_a_currency() -> None:
    assert parse_amount("2.5 billion people") is None
