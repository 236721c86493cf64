"""The clusterer's settings (pydantic only: importing them loads neither numpy nor spaCy)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ClusterSettings"]


class ClusterSettings(BaseModel):
    """Every knob of the clusterer. Defaults were chosen on the dev files (see docs/clustering.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    threshold: float = Field(
        0.10,
        description=("Minimum similarity for an article to join a story; below it, a new story starts."),
    )
    threshold_single: float = Field(
        0.12,
        description="Threshold to join a story of one article; for a story of n articles the threshold is "
        "threshold + (threshold_single − threshold)/n.",
    )
    weight_terms: float = Field(0.40, description="Weight of the TF-IDF cosine of content lemmas.")
    weight_entities: float = Field(0.30, description="Weight of the TF-IDF cosine of canonical entities.")
    weight_title: float = Field(0.15, description="Weight of the TF-IDF cosine of title lemmas.")
    weight_cues: float = Field(
        0.15,
        description=("Weight of the TF-IDF cosine of event cues (places, dates, figures, people)."),
    )
    disjoint_min_entities: int = Field(
        3, description="An article and a story that each name at least this many entities but share none..."
    )
    disjoint_penalty: float = Field(0.5, description="...have their similarity multiplied by this.")
    named_month_waives_decay: bool = Field(
        True,
        description="No time decay when the article names a month (e.g. the incident's date) that the story names: "
        "a trial weeks later that recalls the incident's date is a follow-up, not a new event.",
    )
    time_scale_days: float = Field(
        30.0,
        description=(
            "Time decay: the score is divided by 1 + gap/time_scale_days, gap = days between the article and "
            "the story's date range."
        ),
    )
    time_grace_days: float = Field(
        1.0,
        description="Days of gap between an article and a story's date range that cost nothing (day-precision dates).",
    )
    assoc_share: float = Field(
        0.3,
        description="Share of the association score P(story | feature) in each family's similarity "
        "(the rest is the cosine).",
    )
    assoc_smoothing: float = Field(1.0, description="Added to a feature's document frequency in P(story | feature).")
    headline_weight: float = Field(
        1.3,
        description="A headline-only article (one with a title vector) and a story with headline vectors: "
        "the similarity gains headline_weight × (cosine of the title vector and the story's headline "
        "centroid − headline_center). Headlines share too few words for TF-IDF alone; 0 turns this off.",
    )
    headline_center: float = Field(
        0.35, description="Headline cosine that neither raises nor lowers the similarity (see headline_weight)."
    )
    merge_headline_weight: float = Field(
        0.8,
        description="Two stories with headline vectors: their merge similarity gains merge_headline_weight × "
        "(cosine of their headline centroids − merge_headline_center).",
    )
    merge_headline_center: float = Field(0.5, description="See merge_headline_weight.")
    near_join_floor: float = Field(
        0.05,
        description="A dated article under the threshold still joins its best story when it scores at least this, "
        "at least near_join_ratio × the second best, is dated within near_join_days of the story, and names one of "
        "its days (an ISO date) and one of its places; above the threshold turns this off.",
    )
    near_join_ratio: float = Field(2.0, description="See near_join_floor: how far the best must lead the second.")
    near_join_days: float = Field(3.0, description="See near_join_floor: days between the article and the story.")
    merge_threshold: float = Field(
        0.22,
        description="Story-to-story similarity at which two live stories are merged (the older absorbs the "
        "younger, an explicit merge in the Assignment); above 1 disables merging.",
    )
    merge_min_articles: int = Field(
        2, description="Both stories need this many articles before they can merge (centroids are reliable then)."
    )
    merge_min_entity_cosine: float = Field(
        0.2,
        description="Two stories whose entity vectors agree less than this (cosine) count as disjoint events "
        "(their merge similarity is multiplied by disjoint_penalty).",
    )
    split_ratio: float = Field(
        0.55,
        description="A story of full texts falls in two when, of the two groups its articles form, the mean "
        "similarity between them is under this share of the mean similarity within them (checked at the merge "
        "check's sizes, from 2 × split_min_part articles on): the group holding the first article keeps the id, "
        "the other becomes a story of its own (an explicit split in the Assignment). 0 turns this off.",
    )
    split_min_part: int = Field(4, description="Articles each group needs before a story splits (see split_ratio).")
    split_max_articles: int = Field(
        24,
        description="Stories larger than this are no longer checked for a split (they stop keeping their "
        "articles' features and similarities). At most story.window_articles: the story stage must still hold "
        "every article a split moves in full (the worker's settings and the in-process pipeline check it).",
    )
    max_age_days: float = Field(
        90.0,
        description=(
            "Window by publication time: a dated story whose newest article is this much older than the "
            "newest article seen is evicted."
        ),
    )
    late_grace_articles: int = Field(
        1000,
        description="A dated story out of the max_age_days window stays until this many articles have arrived "
        "since its last one: a report published long before the newest seen (a late feed, an archive replayed "
        "out of order) still finds its story. 0: it leaves as soon as it is out of the window by date.",
    )
    window_articles: int = Field(
        100_000,
        description=(
            "Window by arrival: an undated story that received no article during this many arrivals is evicted."
        ),
    )
    max_stories: int = Field(
        100_000,
        description=("Hard cap on live stories; the least recently updated are evicted first."),
    )
    max_article_terms: int = Field(200, description="Content lemmas of one article that count (its highest TF × IDF).")
    max_terms: int = Field(
        80, description="Content lemmas kept per story profile (highest share × IDF; trimmed back to this at +50%)."
    )
    max_entities: int = Field(30, description="Entities kept per story profile.")
    max_title_terms: int = Field(20, description="Title lemmas kept per story profile.")
    max_cues: int = Field(30, description="Event cues kept per story profile.")
    admit_share: float = Field(
        0.25,
        description="A story takes at most this share of a family's cap as new features from one article "
        "(the article's rarest); features it has already are always counted.",
    )
    max_article_ids: int = Field(200, description="Most recent article ids kept per story (idempotent re-delivery).")
    max_posting: int = Field(
        64,
        description=("Features shared by more live stories than this are not used to find candidates (still scored)."),
    )
    common_share: float = Field(
        0.05,
        description="A feature in more than this share of live stories (and in more than min_common_posting) "
        "is common: it does not find candidates, it is still scored for the best ones.",
    )
    min_common_posting: int = Field(20, description="See common_share.")
    candidate_features: int = Field(
        12, description="The article's most distinctive features that look up candidate stories in the index."
    )
    max_candidates: int = Field(10, description="Stories fully scored per article, the best by partial score first.")

    @property
    def largest_split(self) -> int:
        """The most articles a story can have when it splits (0: splits are off)."""
        return self.split_max_articles if self.split_ratio > 0.0 else 0
