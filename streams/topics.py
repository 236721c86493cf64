"""Topic names, in one place (kebab-case)."""

from __future__ import annotations

__all__ = [
    "ALERTS",
    "ALL_TOPICS",
    "ARTICLES",
    "ARTICLES_DEAD_LETTER",
    "ARTICLE_EXTRACTIONS",
    "STORY_ARTICLES",
    "STORY_UPDATES",
    "partitions_for",
]

from streams.settings import Settings

ARTICLES = "articles"
ARTICLES_DEAD_LETTER = "articles-dead-letter"
ARTICLE_EXTRACTIONS = "article-extractions"
STORY_ARTICLES = "story-articles"
STORY_UPDATES = "story-updates"
ALERTS = "alerts"

ALL_TOPICS = (ARTICLES, ARTICLES_DEAD_LETTER, ARTICLE_EXTRACTIONS, STORY_ARTICLES, STORY_UPDATES, ALERTS)


def partitions_for(name: str, settings: Settings) -> int:
    """Partition count of each topic.

    ``article-extractions`` has one partition: the cluster stage is a single writer that must see every
    article in one order. Everything keyed by story id shares ``story_partitions`` so that a story's
    articles, state and updates live on the same partition number.
    """
    if name == ARTICLES:
        return settings.article_partitions
    if name == ARTICLE_EXTRACTIONS:
        return 1
    if name in (STORY_ARTICLES, STORY_UPDATES, ALERTS):
        return settings.story_partitions
    return 1
