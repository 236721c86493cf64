"""Internal and side-channel messages: story assignments, dead letters, alerts."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.extraction import ArticleExtraction, ArticleFacts, Entity, EventFrame

__all__ = ["Alert", "DeadLetter", "StoredArticle", "StoryArticle"]


class StoredArticle(BaseModel):
    """What a story keeps of each of its articles (compact: no full text, no term vectors)."""

    article_id: str
    content_hash: str
    source: str
    title: str
    url: str | None = None
    published: datetime | None = None
    seen_at: datetime | None = None
    sentences: list[str] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    events: list[EventFrame] = Field(default_factory=list)
    fingerprint: list[int] = Field(default_factory=list)
    facts: ArticleFacts = Field(default_factory=ArticleFacts)


class StoryArticle(BaseModel):
    """A message to the story stage (``story-articles``, key = ``story_id``).

    - ``article``: ``extraction`` joins the story;
    - ``expect_merge``: the clusterer folded ``other_story`` into this one; its articles follow in an ``absorb``
      message, and until then later articles wait, so that every worker produces the same versions;
    - ``merge_into``: this story was folded into ``other_story``: publish a last version that says so and send
      the articles over;
    - ``absorb``: the articles of ``other_story`` join this one (``split``: they were split off from it);
    - ``expect_split``: the clusterer split some of ``other_story``'s articles off into this new story; they follow
      in an ``absorb`` message, and later articles wait for them as for a merge;
    - ``split_off``: the articles ``article_ids`` leave this story for ``other_story``: publish a version without
      them and send them over;
    - ``evict``: the clusterer dropped this story from its window (no article can join it any more): the story
      stage forgets its state, so that the ``stories`` table stays as bounded as the index.
    """

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    story_id: str
    kind: Literal["article", "expect_merge", "merge_into", "absorb", "expect_split", "split_off", "evict"] = "article"
    extraction: ArticleExtraction | None = None
    other_story: str | None = None
    articles: list[StoredArticle] = Field(default_factory=list)
    score: float = 0.0  # similarity to the story it joined (0 for a new story)
    new_story: bool = False
    # An ``absorb`` of a big story: the tallies of its articles that had left its window (packed, see
    # agents.story.fold) and the digests of their ids. Absent from the JSON otherwise.
    folded: bytes | None = Field(default=None, exclude_if=lambda v: v is None)
    folded_ids: bytes = Field(default=b"", exclude_if=lambda v: not v)
    article_ids: list[str] = Field(default_factory=list, exclude_if=lambda v: not v)  # of a split_off
    split: bool = Field(default=False, exclude_if=lambda v: not v)  # an absorb of articles split off other_story


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

    @classmethod
    def from_record(
        cls,
        *,
        topic: str,
        partition: int,
        offset: int,
        key: bytes | None,
        value: bytes | None,
        code: str,
        reason: str,
        now: datetime,
    ) -> DeadLetter:
        """The dead letter of one raw input record: its key and value kept as base64 of the exact bytes."""
        return cls(
            topic=topic,
            partition=partition,
            offset=offset,
            key=None if key is None else base64.b64encode(key).decode("ascii"),
            value=base64.b64encode(value or b"").decode("ascii"),
            error_code=code,
            reason=reason,
            time=now,
        )

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
