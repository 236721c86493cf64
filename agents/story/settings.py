"""The story stage's settings (pydantic only: importing them loads neither numpy nor spaCy)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["StorySettings"]


class StorySettings(BaseModel):
    """How a story is summarized."""

    model_config = ConfigDict(frozen=True)

    summary_sentences: int = 5
    syndication_threshold: float = 0.8  # share of equal MinHash values (≈ Jaccard of 5-word shingles)
    sentence_merge_ratio: float = 80.0  # rapidfuzz token_set_ratio above which two sentences say the same
    lead_sentences: int = 6  # sentences of each article considered for the summary
