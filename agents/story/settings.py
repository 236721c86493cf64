"""The story stage's settings (pydantic only: importing them loads neither numpy nor spaCy)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["StorySettings"]


class StorySettings(BaseModel):
    """How a story is summarized, and how a big one stays bounded (docs/operations.md, "Very large stories").

    A story keeps its newest ``window_articles`` articles in full. Past that, its oldest articles are folded, a
    batch at a time, into bounded tallies the next step still matches against (:mod:`agents.story.fold`); an article
    more than ``window_days`` older than the story's newest is folded too once the story is past the window. The
    lists of an update are capped by the ``max_*`` settings, with the totals beside them.
    """

    model_config = ConfigDict(frozen=True)

    summary_sentences: int = 5
    syndication_threshold: float = 0.8  # share of equal MinHash values (≈ Jaccard of 5-word shingles)
    sentence_merge_ratio: float = 80.0  # rapidfuzz token_set_ratio above which two sentences say the same
    lead_sentences: int = 6  # sentences of each article considered for the summary

    # The window: articles kept in full; a fold brings the story down to window_articles - fold_batch.
    window_articles: int = Field(default=24, ge=2)
    window_days: float = Field(default=30.0, gt=0)
    fold_batch: int = Field(default=8, ge=1)
    # What the folded tallies keep.
    folded_events: int = Field(default=30, ge=1)  # events, the most reported first
    folded_samples: int = Field(default=2, ge=1)  # reports of each folded event matched against new ones
    folded_entities: int = Field(default=150, ge=1)  # entities, by mentions
    folded_sentences: int = Field(default=40, ge=1)  # summary candidates
    folded_fact_reports: int = Field(default=24, ge=2)  # the first reports, and those with the highest tolls
    # The caps of a StoryUpdate's lists.
    max_sources: int = Field(default=100, ge=2)  # the first reports and the most recent
    max_outlets: int = Field(default=100, ge=1)  # named outlets first, by name
    max_events: int = Field(default=50, ge=1)  # the most reported, plus every event this version changes
    max_event_refs: int = Field(default=20, ge=1)  # each event's sources and article ids
    max_entities: int = Field(default=50, ge=1)  # by mentions
    max_conflict_sources: int = Field(default=20, ge=1)  # each side of a conflict
    # The largest update or saved state the story stage writes: the producer's max_request_size and the broker's
    # message limit (streams.app, docker-compose.yml). A message that would pass it is refused and dead-lettered.
    max_message_bytes: int = Field(default=16 * 1024 * 1024, ge=1_024)

    def check_split_window(self, split_max_articles: int) -> None:
        """Raise ValueError when the clusterer's splits would not fit this window. A split moves articles of a story
        of at most ``split_max_articles`` articles (0: splits are off); the story stage must still hold each of them
        in full, so that story must not be past ``window_articles``."""
        if split_max_articles > self.window_articles:
            raise ValueError(
                f"cluster.split_max_articles ({split_max_articles}) is over story.window_articles "
                f"({self.window_articles}): a split would move articles the story stage has folded; raise "
                "story.window_articles or lower cluster.split_max_articles"
            )
