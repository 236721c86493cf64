"""Alert rules over story updates (pure). Rules come from a YAML file; each fires once per story and condition."""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from schemas import Alert, StoryUpdate

__all__ = [
    "ConflictRule", "EventRule", "FactRule", "Rule", "SourcesRule", "alert_step", "evaluate_rules", "load_rules",
    "parse_rules",
]  # fmt: skip


class SourcesRule(BaseModel):
    """A story reaches ``min_sources`` independent sources within ``within_minutes`` of its first article."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["sources"]
    name: str
    min_sources: int = Field(ge=1)
    within_minutes: float | None = None


class ConflictRule(BaseModel):
    """Sources of a story disagree on a fact (fires once per conflicting attribute)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["conflict"]
    name: str


class EventRule(BaseModel):
    """A story holds an event of ``event_type`` (any type when omitted) whose ``attribute`` ≥ ``min_value``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["event"]
    name: str
    event_type: str | None = None
    attribute: str
    min_value: float


class FactRule(BaseModel):
    """The story's main event (``facts``) has ``field`` ≥ ``min_value`` (``killed``, ``injured``), of ``event_type``
    when given: ``facts.killed >= 3`` is ``{kind: fact, field: killed, min_value: 3}``. Fires once per story; a
    story that crosses the mark with a later report (the toll rose) fires then."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["fact"]
    name: str
    field: Literal["killed", "injured"]
    min_value: float
    event_type: str | None = None


AnyRule = SourcesRule | ConflictRule | EventRule | FactRule
Rule = Annotated[AnyRule, Field(discriminator="kind")]
_RULES = TypeAdapter(list[Rule])


def parse_rules(text: str) -> list[AnyRule]:
    """Rules from YAML text: a mapping with a ``rules`` list."""
    data = yaml.safe_load(text) or {}
    rules = _RULES.validate_python(data.get("rules", []) if isinstance(data, dict) else data)
    names = [r.name for r in rules]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"alert rule names must be unique; repeated: {', '.join(dupes)}")
    return rules


def load_rules(path: Path | None) -> list[AnyRule]:
    """Rules from ``path``, or the packaged defaults (agents/alerts/default_rules.yaml) when ``path`` is None."""
    if path is None:
        return parse_rules(resources.files("agents.alerts").joinpath("default_rules.yaml").read_text("utf-8"))
    return parse_rules(Path(path).read_text("utf-8"))


def _as_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def evaluate_rules(rules: Sequence[AnyRule], update: StoryUpdate, *, fired: Container[str]) -> list[tuple[str, Alert]]:
    """Alerts that ``update`` triggers, each with its once-only key (rule:story[:condition]) not yet in ``fired``."""
    out: list[tuple[str, Alert]] = []
    seen: set[str] = set()  # two events of one type, or two disputes of one kind, in one update: one alert

    def fire(key: str, rule_name: str, reason: str) -> None:
        if key not in fired and key not in seen:
            seen.add(key)
            out.append(
                (
                    key,
                    Alert(
                        rule=rule_name,
                        story_id=update.story_id,
                        version=update.version,
                        title=update.title,
                        reason=reason,
                        fired_at=update.updated_at,
                    ),
                )
            )

    for rule in rules:
        base = f"{rule.name}:{update.story_id}"
        if isinstance(rule, SourcesRule):
            if update.independent_source_count < rule.min_sources:
                continue
            if rule.within_minutes is not None and update.first_seen and update.last_seen:
                if update.last_seen - update.first_seen > timedelta(minutes=rule.within_minutes):
                    continue
            fire(
                base, rule.name, f"{update.independent_source_count} independent sources ({', '.join(update.outlets)})"
            )
        elif isinstance(rule, ConflictRule):
            # Keyed by what is disputed (the event's type and the attribute), not by event id: an event's id may
            # change when an earlier article joins it, and the same dispute must not fire again.
            types = {ev.id: ev.type for ev in update.events}
            for c in update.conflicts:
                sides = "; ".join(f"{v.value!r} per {', '.join(v.sources)}" for v in c.values)
                what = f"{types.get(c.event_id, 'story')}:{c.attribute}"
                fire(f"{base}:{what}", rule.name, f"sources disagree on {c.attribute}: {sides}")
        elif isinstance(rule, FactRule):
            facts = update.facts
            value = _as_number(getattr(facts, rule.field))
            if value is not None and value >= rule.min_value and (not rule.event_type or facts.type == rule.event_type):
                where = facts.place.city or facts.place.name if facts.place else None
                fire(
                    base,
                    rule.name,
                    f"{facts.type or 'incident'}{f' in {where}' if where else ''}: {rule.field} {value:g} "
                    f"(≥ {rule.min_value:g}), per {', '.join(facts.sources) or 'the story'}",
                )
        else:
            for ev in update.events:
                if rule.event_type and ev.type != rule.event_type:
                    continue
                value = _as_number(ev.attributes.get(rule.attribute))
                if value is not None and value >= rule.min_value:
                    fire(
                        f"{base}:{ev.type}",
                        rule.name,
                        f"{ev.type} event with {rule.attribute}={value:g} (≥ {rule.min_value:g}), "
                        f"reported by {', '.join(ev.sources)}",
                    )
    return out


def alert_step(
    rules: Sequence[AnyRule], update: StoryUpdate, fired: Mapping[str, int] | None
) -> tuple[dict[str, int] | None, list[tuple[str, Alert]]]:
    """One story update through the rules: the alerts it fires, and the story's fired keys afterwards.

    ``fired`` maps the once-only keys this story has fired (:func:`evaluate_rules`) to the version that fired
    them; the alerts agent keeps it per story id. The last version of a story folded into another
    (``merged_into``) fires nothing and closes the story: the returned state is None (delete the entry); the
    absorbing story goes on under its own id. Otherwise the returned state is ``fired`` plus the new keys.
    """
    if update.merged_into is not None:
        return None, []
    known = dict(fired or {})
    found = evaluate_rules(rules, update, fired=known)
    for key, _ in found:
        known[key] = update.version
    return known, found
