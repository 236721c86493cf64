"""The story stage's settings (pydantic only: importing them loads neither numpy nor spaCy)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["StorySettings"]


class StorySettings(BaseModel):
    """How a story is summarized, and how a very large one stays bounded (docs/operations.md, "Very large stories").

    A story within ``window_articles`` and ``window_days`` whose lists are within the caps is built from all its
    articles, as it always was. Past the window its oldest articles are folded into tallies (agents/story/fold.py)
    and each message's lists are capped; the totals stay exact.
    """

    model_config = ConfigDict(frozen=True)

    summary_sentences: int = 5
    syndication_threshold: float = 0.8  # share of equal MinHash values (≈ Jaccard of 5-word shingles)
    sentence_merge_ratio: float = 80.0  # rapidfuzz token_set_ratio above which two sentences say the same
    lead_sentences: int = 6  # sentences of each article considered for the summary

    # The window: the articles a story keeps in full. Past it the oldest are folded, ``fold_batch`` at a time.
    window_articles: int = Field(60, ge=2, description="Articles a story keeps in full (the most recent).")
    window_days: float = Field(
        90.0, gt=0, description="Articles older than this before the story's newest are folded (by time)."
    )
    fold_batch: int = Field(20, ge=1, description="Articles folded at once when the window is full.")
    # Caps of a message's lists (a capped list says so: a total beside it and the list named in ``truncated``).
    max_sources: int = Field(100, ge=2, description="Sources listed: the first reports and the most recent, half each.")
    max_events: int = Field(
        50, ge=1, description="Events listed: the most reported, and every event this version changes."
    )
    max_event_ids: int = Field(20, ge=1, description="Sources and article ids listed per event, summary sentence.")
    max_entities: int = Field(50, ge=1, description="Entities listed, by mentions.")
    max_conflict_sources: int = Field(20, ge=1, description="Sources and article ids listed per side of a conflict.")
    # The folded tallies (bounded pools).
    pool_events: int = Field(400, ge=1, description="Folded events kept (the most reported).")
    pool_entities: int = Field(1500, ge=1, description="Folded entity tallies kept (by mentions).")
    pool_sentences: int = Field(100, ge=1, description="Folded summary candidates kept (the most cited).")
    pool_fingerprints: int = Field(32, ge=0, description="Folded originals kept for wire-copy detection (recent).")
    pool_participants: int = Field(40, ge=1, description="Participants kept per folded event (most reported).")
    pool_article_ids: int = Field(1000, ge=0, description="Folded article ids remembered for redelivery (recent).")
