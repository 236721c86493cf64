"""The input message: one news article as produced to the ``articles`` topic."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

_ONE_DAY = timedelta(days=1)

__all__ = ["Article", "ArticleError", "ErrorCode", "article_id_for_url", "parse_article"]


class ErrorCode:
    """Codes carried by :class:`ArticleError` and by dead-letter messages."""

    NOT_UTF8 = "not_utf8"
    NOT_JSON = "not_json"
    INVALID_ARTICLE = "invalid_article"
    EMPTY_TEXT = "empty_text"
    TEXT_TOO_LARGE = "text_too_large"
    UNSUPPORTED_LANGUAGE = "unsupported_language"
    EXTRACTION_FAILED = "extraction_failed"


class ArticleError(ValueError):
    """A message that cannot become an article. ``code`` is one of :class:`ErrorCode`."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason

    def __reduce__(self) -> tuple[type[ArticleError], tuple[str, str]]:
        # Pickled by the extraction processes (agents/extract/pool.py); the default would pass only the message.
        return (type(self), (self.code, self.reason))


def article_id_for_url(url: str) -> str:
    """Stable article id derived from a URL (scheme, case of host and trailing slash ignored)."""
    norm = url.strip()
    for prefix in ("https://", "http://"):
        if norm.lower().startswith(prefix):
            norm = norm[len(prefix) :]
            break
    host, _, rest = norm.partition("/")
    norm = host.lower().removeprefix("www.") + "/" + rest.rstrip("/")
    return "url-" + hashlib.sha1(norm.encode("utf-8")).hexdigest()[:16]


def _empty_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


class Article(BaseModel):
    """A news article. Only ``text`` and one of ``id``/``url`` are required.

    ``title`` may carry the whole content (headline-only feeds send ``text: ""``);
    an article whose title and text are both empty is rejected.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = ""
    url: str | None = None
    source: str = ""
    title: str = ""
    text: str
    published: datetime | None = None
    language: str | None = None
    fetched_at: datetime | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("published", "fetched_at", "url", "language", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: Any) -> Any:
        return _empty_to_none(value)

    @field_validator("published", "fetched_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    @model_validator(mode="after")
    def _needs_identity_and_content(self) -> Article:
        if not self.id:
            if not self.url:
                raise ValueError("an article needs an 'id' or a 'url'")
            object.__setattr__(self, "id", article_id_for_url(self.url))
        if not self.text.strip() and not self.title.strip():
            raise ValueError("empty_text: both 'title' and 'text' are empty")
        return self

    @property
    def body(self) -> str:
        """Title and text as one document (the title alone for headline-only articles)."""
        title = self.title.strip()
        text = self.text.strip()
        if not text:
            return title
        if not title or text.startswith(title):
            return text
        return f"{title}\n\n{text}"

    @property
    def outlet(self) -> str:
        """The outlet name, falling back to the URL's host.

        An article with neither is its own source (``unknown:<id>``): two such articles are never taken to
        be the same outlet.
        """
        if self.source:
            return self.source
        if self.url:
            host = self.url.split("//", 1)[-1].split("/", 1)[0]
            return host.lower().removeprefix("www.")
        return f"unknown:{self.id}"

    def content_hash(self) -> str:
        """Hash of what the pipeline reads from the article (same hash = same content)."""
        payload = json.dumps(
            [self.title, self.text, self.source, self.url, self.published and self.published.isoformat()],
            ensure_ascii=False,
        )
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]


def distrust_future_published(article: Article, received_at: datetime, tolerance: timedelta = _ONE_DAY) -> Article:
    """Drop a ``published`` time later than when the article was received (plus ``tolerance``).

    A wrong future date would otherwise move the clusterer's clock ahead and age out every live story.
    The rejected value is kept in ``metadata["published_rejected"]``.
    """
    if article.published is None or article.published <= received_at + tolerance:
        return article
    metadata = {**article.metadata, "published_rejected": article.published.isoformat()}
    return article.model_copy(update={"published": None, "metadata": metadata})


def parse_article(raw: bytes | str, *, max_chars: int = 200_000) -> Article:
    """Decode and validate one raw message; raise :class:`ArticleError` with a code if it is bad."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ArticleError(
                ErrorCode.NOT_UTF8, f"message is not UTF-8 text ({exc.reason} at byte {exc.start})"
            ) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ArticleError(
            ErrorCode.NOT_JSON, f"message is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    if not isinstance(data, dict):
        raise ArticleError(ErrorCode.INVALID_ARTICLE, f"expected a JSON object, got {type(data).__name__}")
    text = data.get("text")
    if isinstance(text, str) and len(text) > max_chars:
        raise ArticleError(
            ErrorCode.TEXT_TOO_LARGE,
            f"text has {len(text):,} characters, over the limit of {max_chars:,} (STORYWIRE_MAX_TEXT_CHARS)",
        )
    try:
        return Article.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "article"
        msg = first["msg"].removeprefix("Value error, ")
        if msg.startswith("empty_text: "):
            raise ArticleError(ErrorCode.EMPTY_TEXT, msg.removeprefix("empty_text: ")) from None
        raise ArticleError(ErrorCode.INVALID_ARTICLE, f"{where}: {msg}") from None
