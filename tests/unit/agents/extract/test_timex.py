"""Time expressions resolved against the publish date (agents.extract.timex)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.extract.timex import normalize_date

THURSDAY = date(2025, 3, 13)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Wednesday (March 12)", "2025-03-12"),
        ("on Tuesday", "2025-03-11"),
        ("Monday night", "2025-03-10"),
        ("Thursday", "2025-03-13"),  # the publish day itself
        ("last Thursday", "2025-03-06"),
        ("last weekend", "2025-03-08"),
        ("yesterday", "2025-03-12"),
        ("last night", "2025-03-12"),
        ("today", "2025-03-13"),
        ("three days ago", "2025-03-10"),
        ("March 2", "2025-03-02"),
        ("2 March", "2025-03-02"),
        ("Dec. 30", "2024-12-30"),  # a month-day after the publish date is last year's
        ("Jan. 7, 2013", "2013-01-07"),
        ("2013-01-07", "2013-01-07"),
        ("last week", "2025-W10"),
        ("last month", "2025-02"),
        ("February 2022", "2022-02"),
        ("2019", "2019"),
    ],
)
def test_relative_and_absolute_dates_resolve_against_the_publish_date(text: str, iso: str) -> None:
    assert normalize_date(text, THURSDAY) == iso


def test_future_sentences_look_ahead() -> None:
    assert normalize_date("Monday", THURSDAY, future=True) == "2025-03-17"
    assert normalize_date("next Tuesday", THURSDAY) == "2025-03-18"
    assert normalize_date("tomorrow", THURSDAY) == "2025-03-14"


@pytest.mark.parametrize("text", ["weeks", "years", "the past few days", "recently", "23-year-old"])
def test_durations_and_vague_words_are_not_dates(text: str) -> None:
    assert normalize_date(text, THURSDAY) is None


def test_without_a_publish_date_only_absolute_dates_resolve() -> None:
    assert normalize_date("May 26, 2025", None) == "2025-05-26"
    assert normalize_date("on Monday", None) is None
    assert normalize_date("June 4", None) is None


_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(min_value=0, max_value=6))
def test_a_bare_weekday_is_the_latest_such_day_on_or_before_publication(anchor: date, weekday: int) -> None:
    iso = normalize_date(f"on {_WEEKDAYS[weekday]}", anchor)
    assert iso is not None
    day = date.fromisoformat(iso)
    assert day.weekday() == weekday
    assert anchor - timedelta(days=6) <= day <= anchor


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_last_weekend_is_a_saturday_before_publication(anchor: date) -> None:
    iso = normalize_date("last weekend", anchor)
    assert iso is not None
    day = date.fromisoformat(iso)
    assert day.weekday() == 5
    assert anchor - timedelta(days=13) <= day < anchor
