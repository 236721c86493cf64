"""Message schemas of storywire (pydantic v2 models, no I/O).

Every message on a storywire topic is one of these models serialized as JSON.
"""

from schemas.article import Article, ArticleError, parse_article
from schemas.extraction import (
    ArticleExtraction,
    ArticleFacts,
    Entity,
    EventFrame,
    Participant,
    Place,
    Quote,
)
from schemas.messages import Alert, DeadLetter, StoredArticle, StoryArticle
from schemas.story import (
    Changes,
    Conflict,
    ConflictValue,
    Development,
    StoryEntity,
    StoryEvent,
    StoryFacts,
    StorySource,
    StoryUpdate,
    SummarySentence,
    Truncated,
)

__all__ = [
    "Alert",
    "Article",
    "ArticleError",
    "ArticleExtraction",
    "ArticleFacts",
    "Changes",
    "Conflict",
    "ConflictValue",
    "DeadLetter",
    "Development",
    "Entity",
    "EventFrame",
    "Participant",
    "Place",
    "Quote",
    "StoredArticle",
    "StoryArticle",
    "StoryEntity",
    "StoryEvent",
    "StoryFacts",
    "StorySource",
    "StoryUpdate",
    "SummarySentence",
    "Truncated",
    "parse_article",
]
