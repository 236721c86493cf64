"""HTTP GET for feeds and pages (standard library urllib): timeout, User-Agent, size limit, conditional GET."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message

from streams.ingest.seen import FeedValidators

__all__ = ["USER_AGENT", "FetchError", "FetchResult", "Fetcher", "is_url"]

USER_AGENT = "storywire/0.1 (news story stream processor; ingest)"


def is_url(value: str) -> bool:
    """True for an ``http://`` or ``https://`` address (anything else is taken as a path)."""
    return value.lower().startswith(("http://", "https://"))


class FetchError(RuntimeError):
    """A URL that could not be fetched; the message says why (HTTP status, timeout, refused …)."""


@dataclass(frozen=True)
class FetchResult:
    """One response: ``status`` 304 means unchanged since the validators we sent (``body`` is empty then)."""

    url: str  # after redirects
    status: int
    body: bytes
    content_type: str
    validators: FeedValidators

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def headers(self) -> dict[str, str]:
        """The headers feedparser wants to see (content type, for the charset)."""
        return {"content-type": self.content_type} if self.content_type else {}


def _validators(headers: Message) -> FeedValidators:
    return FeedValidators(headers.get("ETag"), headers.get("Last-Modified"))


class Fetcher:
    """Fetch URLs with one timeout, one User-Agent and a body size limit."""

    def __init__(self, timeout: float = 20.0, max_bytes: int = 10 * 1024 * 1024, user_agent: str = USER_AGENT) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.user_agent = user_agent

    def get(self, url: str, validators: FeedValidators | None = None, accept: str = "*/*") -> FetchResult:
        """GET ``url``; with ``validators`` it is a conditional GET (If-None-Match / If-Modified-Since)."""
        headers = {"User-Agent": self.user_agent, "Accept": accept}
        if validators is not None:
            if validators.etag:
                headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                headers["If-Modified-Since"] = validators.last_modified
        request = urllib.request.Request(url, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                body = resp.read(self.max_bytes + 1)
                if len(body) > self.max_bytes:
                    raise FetchError(f"response is larger than {self.max_bytes:,} bytes; not read")
                return FetchResult(
                    resp.geturl(), resp.status, body, resp.headers.get("Content-Type", ""), _validators(resp.headers)
                )
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return FetchResult(url, 304, b"", "", _validators(exc.headers) if exc.headers else FeedValidators())
            raise FetchError(f"HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise FetchError(f"timed out after {self.timeout:g} s (--timeout)") from None
            raise FetchError(f"cannot connect ({reason})") from None
        except TimeoutError:
            raise FetchError(f"timed out after {self.timeout:g} s (--timeout)") from None
        except (OSError, ValueError, http.client.HTTPException) as exc:  # reset mid-body, bad URL, bad response
            raise FetchError(str(exc) or type(exc).__name__) from None
