"""Dedup at the door: URL normalization, text hashes, and the ingest state file (what was already sent)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from schemas.article import Article

__all__ = [
    "DedupIndex",
    "FeedValidators",
    "IngestState",
    "StateFileError",
    "canonical_url",
    "dedup_keys",
    "is_tracking_param",
    "text_key",
    "url_key",
]

# Query parameters that only track the reader, never select the content.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "ocid",
        "cmpid",
        "ref_src",
        "ref_url",
        "smid",
        "at_medium",
        "at_campaign",
        "spm",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "itm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    """True for query parameters such as ``utm_source`` or ``fbclid`` that do not change the page."""
    low = name.lower()
    return low in _TRACKING_PARAMS or low.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The URL without what does not change the article: tracking parameters, fragment, default port,
    trailing slash, host case; remaining query parameters sorted. Non-HTTP strings come back stripped."""
    raw = url.strip()
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return raw
    host = parts.hostname.lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k))
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def url_key(url: str) -> str:
    """Dedup key of a URL: its canonical form without scheme and ``www.`` (http/https and www are one page)."""
    canon = canonical_url(url)
    rest = canon.split("://", 1)[-1]
    return "url:" + rest.removeprefix("www.")


def text_key(outlet: str, body: str) -> str | None:
    """Dedup key of an article's text at one outlet (whitespace and case ignored); ``None`` for no text.

    The outlet is part of the key on purpose: the same wire story run by two outlets is two articles
    (the pipeline counts wire copies as one independent source but cites every outlet).
    """
    norm = " ".join(body.split()).casefold()
    if not norm:
        return None
    digest = hashlib.sha1(f"{outlet.casefold()}\n{norm}".encode()).hexdigest()[:20]
    return "text:" + digest


def _outlet_for_dedup(article: Article) -> str:
    if article.source and article.metadata.get("source_from") != "file":  # a file's name is not an outlet
        return article.source
    if article.url:
        return url_key(article.url).removeprefix("url:").split("/", 1)[0]
    return ""


def dedup_keys(article: Article) -> list[str]:
    """Every key under which an article counts as already sent: its id, its URL, its text at its outlet."""
    keys = ["id:" + article.id]
    if article.url:
        keys.append(url_key(article.url))
    tk = text_key(_outlet_for_dedup(article), article.body)
    if tk:
        keys.append(tk)
    return keys


class DedupIndex:
    """Keys already sent, in insertion order, bounded (the oldest are forgotten past ``limit``)."""

    def __init__(self, keys: Iterable[str] = (), limit: int = 200_000) -> None:
        self.limit = limit
        self._keys: dict[str, None] = dict.fromkeys(keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def seen(self, keys: Iterable[str]) -> str | None:
        """The first of ``keys`` already in the index, else ``None``."""
        return next((k for k in keys if k in self._keys), None)

    def add(self, keys: Iterable[str]) -> None:
        for k in keys:
            self._keys.pop(k, None)
            self._keys[k] = None
        while len(self._keys) > self.limit:
            del self._keys[next(iter(self._keys))]

    def discard(self, keys: Iterable[str]) -> None:
        for k in keys:
            self._keys.pop(k, None)

    def keys(self) -> list[str]:
        return list(self._keys)


class StateFileError(RuntimeError):
    """The state file exists but cannot be read or written."""


@dataclass
class FeedValidators:
    """What a feed's server told us last time, sent back for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass
class IngestState:
    """What an ingest (or a ``--follow`` poller) already sent, kept in a small JSON file between runs."""

    path: Path | None
    sent: DedupIndex = field(default_factory=DedupIndex)
    feeds: dict[str, FeedValidators] = field(default_factory=dict)

    VERSION = 1

    @classmethod
    def load(cls, path: Path | None) -> IngestState:
        """The state in ``path`` (empty when it does not exist yet; ``None`` keeps everything in memory)."""
        if path is None or not path.exists():
            return cls(path)
        try:
            data: Any = json.loads(path.read_text("utf-8"))
            if not isinstance(data, dict) or data.get("version") != cls.VERSION:
                raise ValueError(f"expected a storywire ingest state (version {cls.VERSION})")
            feeds = {
                url: FeedValidators(v.get("etag"), v.get("last_modified")) for url, v in data.get("feeds", {}).items()
            }
            return cls(path, DedupIndex(data.get("sent", [])), feeds)
        except (OSError, ValueError, AttributeError, TypeError) as exc:
            raise StateFileError(
                f"cannot read the ingest state file {path}: {exc}; delete it to start afresh "
                "(already-sent articles may then be sent again, which the pipeline ignores)"
            ) from None

    def save(self) -> None:
        """Write the state atomically (a temporary file renamed over the old one)."""
        if self.path is None:
            return
        data = {
            "version": self.VERSION,
            "feeds": {
                url: {k: v for k, v in (("etag", fv.etag), ("last_modified", fv.last_modified)) if v}
                for url, fv in sorted(self.feeds.items())
            },
            "sent": self.sent.keys(),
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".ingest-state-", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
            os.replace(tmp, self.path)
        except OSError as exc:
            raise StateFileError(f"cannot write the ingest state file {self.path}: {exc}") from None
