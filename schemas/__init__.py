"""Message schemas of storywire (pydantic v2 models, no I/O).

Every message on a storywire topic is one of these models serialized as JSON.
"""

from schemas.article import Article, ArticleError, parse_article
from schemas.extraction import (
    ArticleExtraction,
    Entity,
    EventFrame,
    Quote,
)
from schemas.messages import Alert, DeadLetter, StoredArticle, StoryArticle
from schemas.story import (
    Changes,
    Conflict,
    ConflictValue,
    StoryEntity,
    StoryEvent,
    StorySource,
    StoryUpdate,
    SummarySentence,
)

__all__ = [
    "Alert",
    "Article",
    "ArticleError",
    "ArticleExtraction",
    "Changes",
    "Conflict",
    "ConflictValue",
    "DeadLetter",
    "Entity",
    "EventFrame",
    "Quote",
    "StoredArticle",
    "StoryArticle",
    "StoryEntity",
    "StoryEvent",
    "StorySource",
    "StoryUpdate",
    "SummarySentence",
    "parse_article",
]
