"""Alert rules: parsed from YAML, fire once per story and condition."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from agents.alerts.rules import alert_step, evaluate_rules, load_rules, parse_rules
from schemas import Conflict, ConflictValue, StoryEvent, StoryUpdate

T0 = datetime(2026, 3, 10, 12, tzinfo=UTC)
INJURED_14_VS_19 = Conflict(
    event_id="e1",
    attribute="injured",
    values=[
        ConflictValue(value=14, sources=["a"], article_ids=["1"]),
        ConflictValue(value=19, sources=["b"], article_ids=["2"]),
    ],
)

RULES = parse_rules(
    """
rules:
  - {name: three-sources, kind: sources, min_sources: 3, within_minutes: 60}
  - {name: disagree, kind: conflict}
  - {name: deadly, kind: event, event_type: casualties, attribute: killed, min_value: 5}
"""
)


def update(version: int, sources: int, minutes: float = 10, **extra: object) -> StoryUpdate:
    return StoryUpdate(
        story_id="s-1",
        version=version,
        title="T",
        independent_source_count=sources,
        article_count=sources,
        outlets=[f"o{i}" for i in range(sources)],
        first_seen=T0,
        last_seen=T0 + timedelta(minutes=minutes),
        **extra,  # type: ignore[arg-type]
    )


def run(updates: list[StoryUpdate]) -> list[str]:
    fired: dict[str, int] = {}
    names = []
    for u in updates:
        for key, alert in evaluate_rules(RULES, u, fired=fired):
            fired[key] = u.version
            names.append(f"{alert.rule}@v{alert.version}")
    return names


def test_sources_rule_fires_once_when_the_threshold_is_reached() -> None:
    assert run([update(1, 1), update(2, 2), update(3, 3), update(4, 4)]) == ["three-sources@v3"]


def test_sources_rule_respects_its_time_window() -> None:
    assert run([update(1, 3, minutes=90)]) == []


def test_conflict_rule_fires_once_per_conflicting_attribute() -> None:
    c1 = INJURED_14_VS_19
    c2 = c1.model_copy(update={"attribute": "name"})
    names = run([update(1, 1, conflicts=[c1]), update(2, 1, conflicts=[c1]), update(3, 1, conflicts=[c1, c2])])
    assert names == ["disagree@v1", "disagree@v3"]


def test_event_rule_needs_type_and_threshold() -> None:
    small = StoryEvent(id="e1", type="casualties", trigger="kill", attributes={"killed": 2})
    big = small.model_copy(update={"attributes": {"killed": 7}})
    other = StoryEvent(id="e2", type="fire", trigger="burn", attributes={"killed": 9})
    assert run([update(1, 1, events=[small, other]), update(2, 1, events=[big])]) == ["deadly@v2"]


def test_packaged_default_rules_load() -> None:
    assert {r.kind for r in load_rules(None)} == {"sources", "conflict", "event", "fact"}


def test_bad_rules_are_rejected_with_the_field_named() -> None:
    with pytest.raises(ValidationError, match="min_sources"):
        parse_rules("rules: [{name: x, kind: sources}]")
    with pytest.raises(ValueError, match="unique"):
        parse_rules("rules: [{name: x, kind: conflict}, {name: x, kind: conflict}]")


def test_a_rule_does_not_fire_again_when_the_event_id_changes() -> None:
    # A new article earlier than the event's first one gives the merged event a new id; same dispute, same alert.
    c1 = INJURED_14_VS_19
    ev = StoryEvent(id="e1", type="fire", trigger="fire", attributes={"killed": 7})
    renamed = c1.model_copy(update={"event_id": "e0"})
    names = run(
        [
            update(1, 1, conflicts=[c1], events=[ev.model_copy(update={"type": "casualties"})]),
            update(2, 1, conflicts=[renamed], events=[ev.model_copy(update={"id": "e0", "type": "casualties"})]),
        ]
    )
    assert names == ["disagree@v1", "deadly@v1"]


def test_two_events_of_one_type_in_one_update_fire_one_alert() -> None:
    first = StoryEvent(id="e1", type="casualties", trigger="kill", attributes={"killed": 6})
    second = first.model_copy(update={"id": "e2", "attributes": {"killed": 8}})
    found = evaluate_rules(RULES, update(1, 1, events=[first, second]), fired=())
    assert [key for key, _ in found] == ["deadly:s-1:casualties"]


def test_alert_step_keeps_the_fired_keys_per_story_and_closes_a_merged_story() -> None:
    state, found = alert_step(RULES, update(1, 3), None)
    assert [a.rule for _, a in found] == ["three-sources"] and state == {"three-sources:s-1": 1}
    again, found = alert_step(RULES, update(2, 4), state)
    assert found == [] and again == state
    # The last version of a story folded into another fires nothing and drops the story's entry.
    closed, found = alert_step(RULES, update(3, 3, conflicts=[INJURED_14_VS_19], merged_into="s-2"), again)
    assert closed is None and found == []


def test_a_fact_rule_fires_once_when_the_toll_reaches_its_mark() -> None:
    from agents.alerts.rules import alert_step, parse_rules
    from schemas import StoryFacts, StoryUpdate

    rules = parse_rules("rules: [{name: mass-casualty, kind: fact, field: killed, min_value: 3}]")
    two = StoryUpdate(story_id="s-1", version=1, title="Two killed", facts=StoryFacts(type="shooting", killed=2))
    three = two.model_copy(update={"version": 2, "facts": StoryFacts(type="shooting", killed=3, sources=["Ledger"])})
    fired, found = alert_step(rules, two, None)
    assert found == []
    fired, found = alert_step(rules, three, fired)
    [(_, alert)] = found
    assert alert.rule == "mass-casualty" and alert.version == 2 and "killed 3" in alert.reason
    assert alert_step(rules, three.model_copy(update={"version": 3}), fired)[1] == []  # once per story


def test_a_story_split_off_is_a_new_story_to_the_rules_and_the_first_keeps_what_it_fired() -> None:
    """docs/operations.md: after a split, the part that left (another event) meets the rules afresh; the story it
    left keeps its fired keys, so a version with fewer dead does not fire again or withdraw anything."""
    from agents.alerts.rules import alert_step, parse_rules
    from schemas import Changes, StoryFacts

    rules = parse_rules("rules: [{name: deadly, kind: fact, field: killed, min_value: 3}]")
    glued = StoryUpdate(story_id="s-a", version=1, title="Quake kills 9", facts=StoryFacts(type="quake", killed=9))
    fired_a, found = alert_step(rules, glued, None)
    assert [a.story_id for _, a in found] == ["s-a"]
    after = glued.model_copy(
        update={"version": 2, "facts": StoryFacts(type="quake", killed=4), "changes": Changes(split_stories=["s-c"])}
    )
    kept, found = alert_step(rules, after, fired_a)
    assert found == [] and kept == fired_a
    parted = StoryUpdate(
        story_id="s-c",
        version=1,
        title="Quake kills 5",
        facts=StoryFacts(type="quake", killed=5),
        changes=Changes(split_stories=["s-a"]),
    )
    _, found = alert_step(rules, parted, None)
    assert [(a.story_id, a.version) for _, a in found] == [("s-c", 1)]
