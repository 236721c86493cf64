"""Topic names, in one place (kebab-case), and the container of the app's topics and tables that agents receive."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import faust

__all__ = [
    "ALERTS",
    "ALL_TOPICS",
    "ARTICLES",
    "ARTICLES_DEAD_LETTER",
    "ARTICLE_EXTRACTIONS",
    "STORY_ARTICLES",
    "STORY_UPDATES",
    "Streams",
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


@dataclass
class Streams:
    """The app with its topics and tables, built by ``streams.app.build_app``; agents receive this, nothing global."""

    settings: Settings
    app: faust.App
    articles: faust.TopicT
    dead_letters: faust.TopicT
    extractions: faust.TopicT
    story_articles: faust.TopicT
    story_updates: faust.TopicT
    alerts: faust.TopicT
    cluster_index: faust.Table[str, Any]  # story id → clustering profile (changelog-backed)
    stories: faust.Table[str, Any]  # story id → StoryState (changelog-backed)
    fired_alerts: faust.Table[str, Any]  # story id → {once-only alert key: version it fired at}
    agents: dict[str, Any] = field(default_factory=dict)
    # Stories whose updates are on their way while their state is not saved yet (the story agent adds, the alerts
    # agent of the same worker reads): the alerts agent must not take such a story for one that was evicted.
    stories_sending: set[str] = field(default_factory=set)
