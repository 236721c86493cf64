"""The product: a versioned story summary on ``story-updates`` (key = story id)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from schemas.extraction import Participant, Place

__all__ = [
    "Changes",
    "Conflict",
    "ConflictValue",
    "Development",
    "StoryEntity",
    "StoryEvent",
    "StoryFacts",
    "StorySource",
    "StoryUpdate",
    "SummarySentence",
    "Truncated",
]

AttributeValue = str | int | float


def _total() -> int | None:
    """A list's exact total where the list is capped (a big story's): absent from the JSON otherwise."""
    return Field(default=None, ge=0, exclude_if=lambda v: v is None)


class SummarySentence(BaseModel):
    """One extractive summary sentence and the articles (and outlets) it comes from."""

    model_config = ConfigDict(frozen=True)

    text: str
    article_ids: list[str]
    sources: list[str]
    article_total: int | None = _total()  # articles that say it, where ``article_ids`` is capped


class ConflictValue(BaseModel):
    """One side of a disagreement: a value and who reports it."""

    model_config = ConfigDict(frozen=True)

    value: AttributeValue
    sources: list[str]
    article_ids: list[str]
    source_total: int | None = _total()  # where ``sources`` is capped (settings: story.max_conflict_sources)
    article_total: int | None = _total()  # where ``article_ids`` is capped


class Conflict(BaseModel):
    """Sources disagree on one attribute of one event (or of the story)."""

    model_config = ConfigDict(frozen=True)

    event_id: str
    attribute: str
    values: list[ConflictValue]


class StoryEvent(BaseModel):
    """An event merged across the articles of a story, with every source that reports it."""

    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    trigger: str
    actors: list[str] = Field(default_factory=list)
    targets: list[str] = Field(default_factory=list)
    when: str | None = None
    where: str | None = None
    attributes: dict[str, AttributeValue] = Field(default_factory=dict)
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    article_ids: list[str] = Field(default_factory=list)
    names: dict[str, str] = Field(default_factory=dict)  # participant id -> display name ("Pope Leo")
    # Exact totals where ``sources`` / ``article_ids`` are capped (the first and the most recent are listed).
    source_total: int | None = _total()
    article_total: int | None = _total()


class StoryEntity(BaseModel):
    """A canonical entity of the story with its mention count over all articles."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    label: str
    mentions: int
    aliases: list[str] = Field(default_factory=list)


class StorySource(BaseModel):
    """One article of the story and its outlet."""

    model_config = ConfigDict(frozen=True)

    article_id: str
    source: str
    title: str = ""
    url: str | None = None
    published: datetime | None = None
    copy_of: str | None = None  # article id of the original when this is a syndicated copy


class StoryFacts(BaseModel):
    """The story's main event as one object with its current values: what an alert rule tests.

    ``killed`` / ``injured`` are None where no source says; 0 only where a source gives the casualties and this
    kind is not among them ("no one was hurt", or the wounded listed and no one dead). Developments move the
    values forward (the newest report wins); sources that disagree about the same moment are ``conflicts``.
    """

    model_config = ConfigDict(frozen=True)

    type: str | None = None
    date: str | None = None  # ISO date it happened
    place: Place | None = None
    killed: int | None = None
    injured: int | None = None
    participants: list[Participant] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)  # outlets whose reports the values come from


class Development(BaseModel):
    """A fact that moved forward with a later report: a toll rose, the injured became dead, an arrest was made."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, serialize_by_alias=True)

    field: str  # "killed", "injured", "participants.<name>.status", ...
    from_: AttributeValue | None = Field(default=None, alias="from")
    to: AttributeValue | None = None
    article_id: str
    source: str


class Changes(BaseModel):
    """What this version adds to the previous one, so that a consumer need not diff."""

    model_config = ConfigDict(frozen=True)

    new_articles: list[str] = Field(default_factory=list)
    new_sources: list[str] = Field(default_factory=list)
    new_events: list[str] = Field(default_factory=list)
    new_conflicts: list[str] = Field(default_factory=list)
    changed_attributes: list[str] = Field(default_factory=list)
    title_changed: bool = False
    merged_stories: list[str] = Field(default_factory=list)  # stories folded into this one by this version
    # Stories this version's articles were split off from, or split off into (a story that held two events)
    split_stories: list[str] = Field(default_factory=list, exclude_if=lambda v: not v)
    developments: list[Development] = Field(default_factory=list)  # facts this version moved forward
    merged_events: dict[str, str] = Field(default_factory=dict)  # published event id -> the event it is now part of


class Truncated(BaseModel):
    """The exact lengths of a big story's capped lists (only those capped are given)."""

    model_config = ConfigDict(frozen=True)

    sources: int | None = _total()
    outlets: int | None = _total()
    events: int | None = _total()
    entities: int | None = _total()
    conflicts: int | None = _total()


class StoryUpdate(BaseModel):
    """A new version of a story, emitted only when a new source changes what is known."""

    model_config = ConfigDict(frozen=True)

    story_id: str
    version: int = Field(ge=1)
    updated_at: datetime | None = None
    title: str
    summary: list[SummarySentence] = Field(default_factory=list)
    events: list[StoryEvent] = Field(default_factory=list)
    entities: list[StoryEntity] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    facts: StoryFacts = Field(default_factory=StoryFacts)
    sources: list[StorySource] = Field(default_factory=list)
    outlets: list[str] = Field(default_factory=list)
    article_count: int = 0
    independent_source_count: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    changes: Changes = Field(default_factory=Changes)
    merged_into: str | None = None  # set on the last version of a story folded into another: follow it there
    truncated: Truncated | None = Field(default=None, exclude_if=lambda v: v is None)  # lists capped: their totals
