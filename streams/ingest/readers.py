"""Read articles from files and directories: .txt (first line = title), .json, .jsonl, .html/.htm pages.

RSS/Atom feed files (.rss, .atom, .xml) are found here too (:data:`FEED_SUFFIXES`) but read by
:mod:`streams.ingest.producer`, which may fetch the pages their entries link to.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from schemas.article import Article, ArticleError, parse_article

__all__ = [
    "FEED_SUFFIXES",
    "HTML_SUFFIXES",
    "SOURCE_FROM_FILE",
    "SUPPORTED_SUFFIXES",
    "InputError",
    "InputErrorCode",
    "InputRecord",
    "file_error",
    "iter_files",
    "name_by_file",
    "read_articles",
    "read_file_records",
    "read_records",
]

log = logging.getLogger(__name__)

HTML_SUFFIXES = (".html", ".htm")
SUPPORTED_SUFFIXES = (".txt", ".json", ".jsonl", *HTML_SUFFIXES)
FEED_SUFFIXES = (".rss", ".atom", ".xml")


@dataclass(frozen=True)
class InputRecord:
    """One article-to-be from an input file: its origin (file[:line]) and its raw JSON bytes."""

    origin: str
    raw: bytes

    def parse(self, max_chars: int = 200_000) -> Article:
        return parse_article(self.raw, max_chars=max_chars)


class InputErrorCode:
    """Codes of inputs that yield no article at all (next to :class:`schemas.article.ErrorCode`)."""

    MISSING_INPUT = "missing_input"
    UNSUPPORTED_INPUT = "unsupported_input"
    UNREADABLE_INPUT = "unreadable_input"
    NO_ARTICLE_TEXT = "no_article_text"
    NOT_AN_ARTICLE = "not_an_article"
    MALFORMED_FEED = "malformed_feed"
    FETCH_FAILED = "fetch_failed"
    SEND_FAILED = "send_failed"


@dataclass(frozen=True)
class InputError:
    """An input (a path, a URL, a feed entry) that could not be read; ``reason`` says what to do next."""

    origin: str
    code: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


ErrorHandler = Callable[[InputError], None]


def iter_files(paths: Iterable[str | Path], suffixes: tuple[str, ...] = SUPPORTED_SUFFIXES) -> Iterator[Path]:
    """Files of the given paths in a stable order (directories walked recursively, sorted by name).

    A directory contributes its files with one of ``suffixes``; a file named explicitly is always yielded.
    """
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in suffixes and not child.name.startswith("."):
                    yield child
        elif path.is_file():
            yield path
        else:
            raise FileNotFoundError(f"{path}: no such file or directory")


SOURCE_FROM_FILE = "file"  # metadata.source_from of an article named by its file (no outlet, no URL)


def name_by_file(article: dict[str, object], name: str) -> dict[str, object]:
    """An article without an outlet and without a URL is named by its file (``a3.txt``, ``wire.jsonl:7``), never
    ``unknown:…``; ``metadata.source_from`` says so (the name is not an outlet: dedup at the door ignores it)."""
    if article.get("source") or article.get("url"):
        return article
    metadata = article.get("metadata")
    metadata = dict(metadata) if isinstance(metadata, dict) else {}
    metadata["source_from"] = SOURCE_FROM_FILE
    return {**article, "source": name, "metadata": metadata}


def _txt_record(path: Path) -> bytes:
    text = path.read_text("utf-8", errors="replace")
    title, _, body = text.lstrip("\ufeff").partition("\n")
    article = name_by_file({"id": path.stem, "title": title.strip(), "text": body.strip()}, path.name)
    return json.dumps(article, ensure_ascii=False).encode("utf-8")


def _html_record(path: Path) -> bytes:
    """An HTML file as an article: its canonical URL if it declares one, else the file name is the id."""
    from streams.ingest.html import extract_page, page_article
    from streams.ingest.seen import canonical_url

    page = extract_page(path.read_bytes())
    url = canonical_url(page.url) if page.url and page.url.lower().startswith(("http://", "https://")) else None
    article = name_by_file(page_article(page, url=url, article_id=None if url else path.stem), path.name)
    return json.dumps(article, ensure_ascii=False).encode("utf-8")


def _json_record(origin: str, name: str, raw: bytes, data: object = None) -> InputRecord:
    """One JSON record as it came, or named by its file when it has neither a source nor a URL."""
    if data is None:
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return InputRecord(origin, raw)
    if isinstance(data, dict) and not data.get("source") and not data.get("url"):
        return InputRecord(origin, json.dumps(name_by_file(data, name), ensure_ascii=False).encode("utf-8"))
    return InputRecord(origin, raw)


def _json_feed_records(path: Path, data: object) -> Iterator[InputRecord]:
    """A JSON Feed file read without fetching: each item's own content (or summary) is its article."""
    from streams.ingest.feeds import item_article, parse_json_feed

    feed = parse_json_feed(data if isinstance(data, dict) else {}, None)
    for i, item in enumerate(feed.items):
        article = name_by_file(item_article(item, feed, str(path)), path.name)
        yield InputRecord(f"{path} item {i + 1}", json.dumps(article, ensure_ascii=False).encode("utf-8"))


def read_file_records(path: Path) -> Iterator[InputRecord]:
    """Raw records of one file. Raises ``ValueError`` for an unsupported type, ``NoArticleText`` for an HTML
    page without an article, ``OSError`` when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        yield InputRecord(str(path), _txt_record(path))
    elif suffix in HTML_SUFFIXES:
        yield InputRecord(str(path), _html_record(path))
    elif suffix == ".jsonl":
        with path.open("rb") as fh:
            for lineno, line in enumerate(fh, 1):
                if line.strip():
                    yield _json_record(f"{path}:{lineno}", f"{path.name}:{lineno}", line.rstrip(b"\r\n"))
    elif suffix == ".json":
        from streams.ingest.feeds import is_json_feed

        raw = path.read_bytes()
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            yield InputRecord(str(path), raw)
            return
        if isinstance(data, list):
            for i, item in enumerate(data):
                encoded = json.dumps(item, ensure_ascii=False).encode("utf-8")
                yield _json_record(f"{path}[{i}]", f"{path.name}[{i}]", encoded, item)
        elif is_json_feed(data):
            yield from _json_feed_records(path, data)
        else:
            yield _json_record(str(path), path.name, raw, data)
    else:
        raise ValueError(
            f"unsupported file type {suffix!r} (use {', '.join(SUPPORTED_SUFFIXES)}; "
            f"feeds {', '.join(FEED_SUFFIXES)} with `storywire ingest`)"
        )


def file_error(path: Path | str, exc: Exception) -> InputError:
    """The :class:`InputError` for an exception raised while reading ``path``."""
    from schemas.article import ErrorCode
    from streams.ingest.html import NoArticleText, NotAnArticle, UnsupportedLanguage

    if isinstance(exc, FileNotFoundError):
        return InputError(str(path), InputErrorCode.MISSING_INPUT, "no such file or directory; check the path")
    if isinstance(exc, NoArticleText):
        return InputError(str(path), InputErrorCode.NO_ARTICLE_TEXT, str(exc))
    if isinstance(exc, NotAnArticle):
        return InputError(str(path), InputErrorCode.NOT_AN_ARTICLE, str(exc))
    if isinstance(exc, UnsupportedLanguage):
        return InputError(str(path), ErrorCode.UNSUPPORTED_LANGUAGE, str(exc))
    if isinstance(exc, OSError):
        return InputError(str(path), InputErrorCode.UNREADABLE_INPUT, f"cannot read it ({exc.strerror or exc})")
    return InputError(str(path), InputErrorCode.UNSUPPORTED_INPUT, str(exc).removeprefix(f"{path}: "))


def read_records(paths: Iterable[str | Path], on_error: ErrorHandler | None = None) -> Iterator[InputRecord]:
    """Raw records of every input, in order (a .json file may hold one object or a list).

    Without ``on_error`` the first missing, unsupported or unreadable input raises (an HTML page without
    article text is logged and skipped); with it, each is reported and skipped.
    """
    for p in paths:
        try:
            files = list(iter_files([p]))
        except FileNotFoundError as exc:
            if on_error is None:
                raise
            on_error(file_error(p, exc))
            continue
        for path in files:
            try:
                yield from read_file_records(path)
            except (OSError, ValueError) as exc:  # NoArticleText is a ValueError
                error = file_error(path, exc)
                if on_error is not None:
                    on_error(error)
                elif error.code == InputErrorCode.NO_ARTICLE_TEXT:
                    log.warning("skipped %s", error)  # a page without an article is not worth stopping for
                elif isinstance(exc, OSError):
                    raise
                else:
                    raise ValueError(f"{path}: {exc}") from None


def read_articles(
    paths: Iterable[str | Path], max_chars: int = 200_000
) -> Iterator[Article | tuple[InputRecord, ArticleError]]:
    """Articles of every input, or the record and its error where one is not a valid article."""
    for rec in read_records(paths):
        try:
            yield rec.parse(max_chars)
        except ArticleError as err:
            yield rec, err
