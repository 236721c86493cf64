"""eval-facts scoring: names match by surname and first name or initial; each field checked as documented."""

from __future__ import annotations

from schemas import Participant, Place, StoryFacts
from streams.eval.facts import names_match, score_incident, summarize

GOLD = {
    "story": "1",
    "date": "2014-02-12",
    "city": "Gary",
    "state": "Indiana",
    "killed": 0,
    "injured": 2,
    "participants": [
        {"name": "E.C. Robinson", "age": 56, "type": "victim", "status": "injured"},
        {"name": "Kendall Reed", "age": 23, "type": "suspect", "status": "injured"},
    ],
}


def test_names_match_by_surname_and_first_name_or_initial() -> None:
    assert names_match("E.C. Robinson", "Ed Robinson")
    assert names_match("Kendall Reed Jr.", "Kendall Reed")
    assert not names_match("Kendall Reed", "Karen Reed") and not names_match("Reed", "Kendall Reed")


def test_every_field_is_checked_against_the_record() -> None:
    facts = StoryFacts(
        date="2014-02-13",
        place=Place(city="Gary", region="Indiana"),
        killed=0,
        injured=2,
        participants=[
            Participant(name="Ed Robinson", age=57, role="victim"),
            Participant(name="Lt. Tom Kay", role="victim"),
        ],
    )
    score = score_incident(GOLD, facts, ["Five hurt in Gary club shooting; police in Indiana said"])
    assert score.checks == {
        "killed": True, "injured": True, "both": True, "city_all": True, "city": True, "state": True,
        "state_named": True, "date": True,
    }  # fmt: skip
    summary = summarize([score, score_incident(GOLD, None, ["no place named"])])
    assert summary["names_recall"] == {"score": 0.25, "of": 4}  # one of two names, twice
    assert summary["names_precision"] == {"score": 0.5, "of": 2}
    assert summary["age"] == {"score": 1.0, "of": 1} and summary["both"] == {"score": 0.5, "of": 2}
    assert summary["city"]["of"] == 1  # the second story's articles do not name the city
