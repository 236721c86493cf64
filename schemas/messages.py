"""Internal and side-channel messages: story assignments, dead letters, alerts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from schemas.extraction import ArticleExtraction

__all__ = ["Alert", "DeadLetter", "StoryArticle"]


class StoryArticle(BaseModel):
    """An article assigned to a story (``story-articles``, key = story id)."""

    story_id: str
    extraction: ArticleExtraction
    score: float = 0.0  # similarity to the story it joined (0 for a new story)
    new_story: bool = False


class DeadLetter(BaseModel):
    """A message the pipeline could not use, kept with its raw bytes (base64) and the reason."""

    model_config = ConfigDict(frozen=True)

    topic: str
    partition: int
    offset: int
    key: str | None = None  # base64 of the raw key
    value: str  # base64 of the raw value
    error_code: str
    reason: str
    time: datetime

    @property
    def where(self) -> str:
        return f"{self.topic}[{self.partition}]@{self.offset}"


class Alert(BaseModel):
    """A rule fired for a story (``alerts``, key = rule + story id)."""

    model_config = ConfigDict(frozen=True)

    rule: str
    story_id: str
    version: int
    title: str
    reason: str
    fired_at: datetime | None = None
