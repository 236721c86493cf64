"""Produce articles to the ``articles`` topic (kafka-python) from files, directories, pages and feeds.

Every article is validated, deduplicated at the door (same id, same normalized URL, or same text at the same
outlet: sent once) and keyed by its stable article id. :class:`Ingestor` does one pass over inputs
(:meth:`Ingestor.ingest_inputs`) and the polls of ``--follow`` (:meth:`Ingestor.poll_feeds`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kafka import KafkaProducer

from schemas.article import Article, ArticleError, ErrorCode, article_id_for_url
from streams.ingest.feeds import (
    FeedItem,
    MalformedFeed,
    ParsedFeed,
    is_json_feed,
    item_article,
    looks_like_html,
    parse_feed,
)
from streams.ingest.fetch import Fetcher, FetchError, FetchResult, is_url
from streams.ingest.html import (
    ExtractedPage,
    NoArticleText,
    NotAnArticle,
    UnsupportedLanguage,
    clean_title,
    extract_page,
    not_english,
    page_article,
    title_parts,
)
from streams.ingest.readers import (
    FEED_SUFFIXES,
    SUPPORTED_SUFFIXES,
    InputError,
    InputErrorCode,
    InputRecord,
    file_error,
    iter_files,
    read_file_records,
)
from streams.ingest.seen import IngestState, canonical_url, dedup_keys, url_key
from streams.settings import Settings
from streams.topics import ARTICLES

__all__ = ["IngestSummary", "Ingestor", "PlannedInput", "Rejection", "dump_line", "ingest_records", "plan_inputs"]

FLUSH_EVERY = 1000  # records between producer flushes (and state saves) in a long ingest


@dataclass(frozen=True)
class Rejection:
    origin: str
    code: str
    reason: str


@dataclass
class IngestSummary:
    """What an ingest did: articles sent, skipped as already sent, and rejected (with a code and reason)."""

    sent: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def reasons(self) -> Counter[str]:
        return Counter(r.code for r in self.rejected)

    def line(self, dry_run: bool = False) -> str:
        """One line for the end of a run: ``sent 3, skipped as duplicate 1, rejected 2 (no_article_text 1, …)``."""
        text = f"{'would send' if dry_run else 'sent'} {self.sent}, skipped as duplicate {self.duplicates}"
        text += f", rejected {len(self.rejected)}"
        if self.rejected:
            text += " (" + ", ".join(f"{code} {n}" for code, n in sorted(self.reasons.items())) + ")"
        return text


@dataclass(frozen=True)
class PlannedInput:
    """One unit of work: a URL (feed or page), a file, or a path that does not exist."""

    kind: str  # "url", "file", "missing"
    target: str


def plan_inputs(inputs: Iterable[str]) -> list[PlannedInput]:
    """Expand directories into their files (sorted) so the work is known before it starts."""
    plan: list[PlannedInput] = []
    for item in inputs:
        if is_url(item):
            plan.append(PlannedInput("url", item))
            continue
        try:
            plan.extend(PlannedInput("file", str(f)) for f in iter_files([item], SUPPORTED_SUFFIXES + FEED_SUFFIXES))
        except FileNotFoundError:
            plan.append(PlannedInput("missing", item))
    return plan


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _stable(article: Article) -> Article:
    """An article whose id was derived from its URL gets the id of its canonical URL (tracking parameters,
    fragment, … do not change it), so the same page is the same key however it was linked."""
    if article.url and article.id == article_id_for_url(article.url):
        stable = article_id_for_url(canonical_url(article.url))
        if stable != article.id:
            return article.model_copy(update={"id": stable})
    return article


class Ingestor:
    """Validate, deduplicate and produce articles; ``producer=None`` is a dry run (nothing sent or saved).

    Callbacks: ``on_sent(article_id, payload)`` for every article sent (or that would be), ``on_article(origin,
    article_id, payload)`` the same with the input it came from,
    ``on_error(rejection)`` for every input or record rejected, ``on_input(label)`` when an input starts,
    ``on_warning(text)`` for recoverable problems.
    """

    def __init__(
        self,
        settings: Settings,
        producer: KafkaProducer | None,
        *,
        state: IngestState | None = None,
        fetcher: Fetcher | None = None,
        on_sent: Callable[[str, bytes], None] | None = None,
        on_error: Callable[[Rejection], None] | None = None,
        on_input: Callable[[str], None] | None = None,
        on_warning: Callable[[str], None] | None = None,
        fetch_pages: bool = True,
        on_article: Callable[[str, str, bytes], None] | None = None,
    ) -> None:
        self.settings = settings
        self.on_article = on_article  # (origin, article id, payload) of every article sent (or that would be)
        self.fetch_pages = fetch_pages  # False (--no-fetch): a feed entry is its feed's own content, no page fetched
        self.producer = producer
        self.state = state if state is not None else IngestState(None)
        self.fetcher = fetcher or Fetcher()
        self.on_sent = on_sent
        self.on_error = on_error
        self.on_input = on_input
        self.on_warning = on_warning
        self.summary = IngestSummary()
        self.feed_urls: list[str] = []  # URL inputs that turned out to be feeds (what --follow polls)
        self.page_urls: set[str] = set()  # URL inputs that turned out to be HTML pages (not polled)
        self._topic = settings.topic(ARTICLES)
        self._pending: list[tuple[str, list[str], Any]] = []  # origin, dedup keys, send future
        self._title_parts: dict[str, Counter[str]] = {}  # outlet → first/last title parts seen on its titles

    # -- outcomes ---------------------------------------------------------------------------------------------

    def reject(self, origin: str, code: str, reason: str) -> None:
        rejection = Rejection(origin, code, reason)
        self.summary.rejected.append(rejection)
        if self.on_error is not None:
            self.on_error(rejection)

    def _input_error(self, error: InputError) -> None:
        self.reject(error.origin, error.code, error.reason)

    def warn(self, text: str) -> None:
        self.summary.warnings.append(text)
        if self.on_warning is not None:
            self.on_warning(text)

    # -- records ----------------------------------------------------------------------------------------------

    def add_record(self, rec: InputRecord) -> bool:
        """Validate one record and send it unless it was already sent; True when sent."""
        try:
            article = _stable(rec.parse(self.settings.max_text_chars))
        except ArticleError as err:
            self.reject(rec.origin, err.code, err.reason)
            return False
        if article.language and not article.language.lower().startswith("en"):
            self.reject(
                rec.origin,
                ErrorCode.UNSUPPORTED_LANGUAGE,
                f"its language is {article.language!r}; storywire reads English only: leave it out",
            )
            return False
        language = not_english(article.body)
        if language is not None:
            self.reject(
                rec.origin,
                ErrorCode.UNSUPPORTED_LANGUAGE,
                f"the text is {language}; storywire reads English only (the worker would dead-letter it): leave it out",
            )
            return False
        keys = dedup_keys(article)
        if self.state.sent.seen(keys):
            self.summary.duplicates += 1
            return False
        self.state.sent.add(keys)
        payload = article.model_dump_json(exclude_none=True).encode("utf-8")
        if self.producer is not None:
            future = self.producer.send(self._topic, key=article.id.encode("utf-8"), value=payload)
            self._pending.append((rec.origin, keys, future))
        self.summary.sent += 1
        if self.on_sent is not None:
            self.on_sent(article.id, payload)
        if self.on_article is not None:
            self.on_article(rec.origin, article.id, payload)
        if len(self._pending) >= FLUSH_EVERY:
            self.flush()
        return True

    def add_article(self, origin: str, article: dict[str, Any]) -> bool:
        return self.add_record(InputRecord(origin, json.dumps(article, ensure_ascii=False).encode("utf-8")))

    def flush(self) -> None:
        """Wait for every send; a failed send is rejected and forgotten (sent again next time); save the state."""
        if self.producer is None:
            return
        self.producer.flush()
        for origin, keys, future in self._pending:
            if future.failed():
                self.summary.sent -= 1
                self.state.sent.discard(keys)
                self.reject(origin, InputErrorCode.SEND_FAILED, f"the broker did not take it ({future.exception})")
        self._pending.clear()
        self.state.save()

    # -- inputs -----------------------------------------------------------------------------------------------

    def ingest_inputs(self, inputs: Iterable[str]) -> IngestSummary:
        """One pass over paths and URLs; every failing input is reported and the others go on."""
        return self.ingest_plan(plan_inputs(inputs))

    def ingest_plan(self, plan: Iterable[PlannedInput]) -> IngestSummary:
        """One pass over planned inputs (see :func:`plan_inputs`), then a flush."""
        for item in plan:
            self.ingest_item(item)
        self.flush()
        return self.summary

    def ingest_item(self, item: PlannedInput) -> None:
        """Ingest one planned input (not flushed yet: call :meth:`flush`)."""
        if self.on_input is not None:
            self.on_input(item.target)
        if item.kind == "missing":
            self._input_error(file_error(item.target, FileNotFoundError(item.target)))
        elif item.kind == "url":
            self.ingest_url(item.target)
        else:
            self.ingest_file(Path(item.target))

    def ingest_file(self, path: Path) -> None:
        json_feed = path.suffix.lower() == ".json" and _is_json_feed_file(path)
        if path.suffix.lower() in FEED_SUFFIXES or json_feed:
            try:
                feed = parse_feed(path.read_bytes())
            except MalformedFeed as exc:
                self.reject(str(path), InputErrorCode.MALFORMED_FEED, f"{exc}; fix the feed file or leave it out")
                return
            except OSError as exc:
                self._input_error(file_error(path, exc))
                return
            self._ingest_feed(feed, str(path), fetched=False)
            return
        try:
            for rec in read_file_records(path):
                self.add_record(rec)
        except (OSError, ValueError) as exc:
            self._input_error(file_error(path, exc))

    def ingest_url(self, url: str) -> None:
        """Fetch a URL (conditional GET when it is a feed seen before) and ingest the feed or page it holds.

        A URL already sent as an article is not fetched again."""
        if self.state.sent.seen([url_key(url)]):
            self.page_urls.add(url)  # an article's page, not a feed
            self.summary.duplicates += 1
            return
        try:
            result = self.fetcher.get(url, self.state.feeds.get(url))
        except FetchError as exc:
            self.reject(url, InputErrorCode.FETCH_FAILED, f"cannot fetch it: {exc}")
            return
        if result.not_modified:
            if url not in self.feed_urls:
                self.feed_urls.append(url)
            return
        if looks_like_html(result.body, result.content_type):
            self._ingest_page(url, result)
            return
        try:
            feed = parse_feed(result.body, base_url=result.url, headers=result.headers)
        except MalformedFeed as exc:
            self.reject(
                url, InputErrorCode.MALFORMED_FEED, f"{exc}; a URL must be an RSS/Atom feed or an HTML article page"
            )
            return
        if url not in self.feed_urls:
            self.feed_urls.append(url)
        if self._ingest_feed(feed, url, fetched=True):
            self.state.feeds[url] = result.validators
        else:  # some entries could not be fetched: no validators, so the next poll reads the feed again
            self.state.feeds.pop(url, None)

    def _ingest_page(self, url: str, result: FetchResult) -> None:
        self.page_urls.add(url)
        try:
            page = extract_page(result.body, url=result.url)
        except NoArticleText as exc:
            self.reject(url, InputErrorCode.NO_ARTICLE_TEXT, f"{exc}; is it the article's own address?")
            return
        except NotAnArticle as exc:
            self.reject(url, InputErrorCode.NOT_AN_ARTICLE, str(exc))
            return
        except UnsupportedLanguage as exc:
            self.reject(url, ErrorCode.UNSUPPORTED_LANGUAGE, str(exc))
            return
        page = self._clean_page_title(page, result.url)
        article = page_article(page, url=canonical_url(result.url))
        article["fetched_at"] = _now()
        self.add_article(url, article)

    def _ingest_feed(self, feed: ParsedFeed, origin: str, *, fetched: bool) -> bool:
        """Ingest a feed's items, fetching the page of each item without full content. False when an item's
        page could not be fetched (worth another try later)."""
        if feed.warning:
            self.warn(f"{origin}: {feed.warning}")
        complete = True
        known = self._learn_titles(feed.outlet, [item.title for item in feed.items])
        for item in feed.items:
            label = item.label(origin)
            if item.link and self.state.sent.seen([url_key(item.link)]):
                self.summary.duplicates += 1  # sent before: its page is not fetched again
                continue
            if item.title:
                item = _retitled(item, clean_title(item.title, feed.outlet, _host(feed.link), known))
            page: ExtractedPage | None = None
            page_error: str | None = None
            if item.link and not item.has_full_content and self.fetch_pages:
                if self.on_input is not None:
                    self.on_input(item.link)
                try:
                    result = self.fetcher.get(item.link)
                    page = extract_page(result.body, url=result.url)
                except FetchError as exc:
                    if not (item.summary or item.content):
                        self.reject(
                            label,
                            InputErrorCode.FETCH_FAILED,
                            f"cannot fetch the entry's page: {exc}, and the feed has no summary to use instead "
                            "(the next run or poll tries again)",
                        )
                        complete = False
                        continue
                    page_error = f"cannot fetch the page: {exc}"  # the feed's own summary stands in
                except UnsupportedLanguage as exc:
                    self.reject(label, ErrorCode.UNSUPPORTED_LANGUAGE, str(exc))
                    continue
                except (NoArticleText, NotAnArticle) as exc:
                    if not (item.summary or item.content):
                        self.reject(label, InputErrorCode.NO_ARTICLE_TEXT, f"{exc}; the feed has no summary either")
                        continue
                    page_error = str(exc)  # the feed's summary stands in for the page
            article = item_article(item, feed, origin, page, page_error=page_error)
            if not article.get("source") and not item.link and not fetched:
                article["source"] = Path(origin).name  # a feed file without a title or site: named by its file
            if fetched or page is not None:
                article["fetched_at"] = _now()
            self.add_article(label, article)
        return complete

    # -- titles -----------------------------------------------------------------------------------------------

    def _learn_titles(self, outlet: str, titles: Iterable[str]) -> set[str]:
        """Remember the first and last parts of an outlet's titles; those seen on two titles or more are its
        name or motto ("… | CNN Politics"), cut from its titles (:func:`clean_title`)."""
        seen = self._title_parts.setdefault(outlet.casefold(), Counter())
        for title in titles:
            parts = title_parts(title)
            if parts is not None:
                seen.update({parts[0], parts[1]})
        return {part for part, n in seen.items() if n >= 2}

    def _clean_page_title(self, page: ExtractedPage, url: str) -> ExtractedPage:
        outlet = page.sitename or page.hostname or _host(url) or ""
        known = self._learn_titles(outlet, [page.title])
        title = clean_title(page.title, outlet, page.hostname or _host(url), known)
        return page if title == page.title else replace(page, title=title)

    def poll_feeds(self, urls: Iterable[str] | None = None) -> int:
        """One ``--follow`` poll: a conditional GET of each feed URL; returns how many articles were sent."""
        before = self.summary.sent
        for url in list(urls if urls is not None else self.feed_urls):
            if self.on_input is not None:
                self.on_input(url)
            self.ingest_url(url)
        self.flush()
        return self.summary.sent - before


def ingest_records(
    records: Iterable[InputRecord],
    settings: Settings,
    producer: KafkaProducer | None,
    *,
    on_sent: Callable[[str, bytes], None] | None = None,
) -> IngestSummary:
    """Validate each record and send it keyed by its article id; ``producer=None`` is a dry run.

    An article already sent by this command (same id, URL or text at the same outlet) is skipped, so
    re-running over the same files is harmless downstream too (the pipeline is idempotent per article id).
    """
    ingestor = Ingestor(settings, producer, on_sent=on_sent)
    for rec in records:
        ingestor.add_record(rec)
    ingestor.flush()
    return ingestor.summary


def _host(url: str | None) -> str | None:
    return (urlsplit(url).hostname or None) if url else None


def _retitled(item: FeedItem, title: str) -> FeedItem:
    return item if title == item.title else replace(item, title=title)


def _is_json_feed_file(path: Path) -> bool:
    """A ``.json`` file that holds a JSON Feed rather than articles (read like a feed: its pages are fetched)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    if b"jsonfeed.org/version" not in head.replace(b"\\/", b"/"):
        return False
    try:
        return is_json_feed(json.loads(path.read_bytes()))
    except (ValueError, UnicodeDecodeError, OSError):
        return False


def dump_line(payload: bytes) -> str:
    """One JSON object a line, as ``--dry-run`` prints it."""
    return json.dumps(json.loads(payload), ensure_ascii=False)
