"""HTML pages → clean article text and metadata (trafilatura), and small HTML fragments → plain text."""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from typing import Any

import lxml.etree
import lxml.html

__all__ = ["MIN_ARTICLE_CHARS", "ExtractedPage", "NoArticleText", "extract_page", "html_to_text", "page_article"]

# trafilatura logs its own errors ("empty HTML tree", "discarding data"); we report one clear line instead.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

MIN_ARTICLE_CHARS = 150  # characters of prose (paragraphs of 6+ words) below which a page has no article
_MIN_PROSE_WORDS = 6


class NoArticleText(ValueError):
    """A page from which no article text could be extracted (an index, a login wall, an empty page …)."""


@dataclass(frozen=True)
class ExtractedPage:
    """What an article page holds: its text (paragraphs separated by blank lines) and metadata."""

    title: str
    text: str
    author: str | None = None
    date: str | None = None  # ISO date or datetime as the page gives it
    sitename: str | None = None
    url: str | None = None  # the page's canonical URL where it declares one
    hostname: str | None = None
    description: str | None = None


def _prose_chars(paragraphs: list[str]) -> int:
    return sum(len(p) for p in paragraphs if len(p.split()) >= _MIN_PROSE_WORDS)


def extract_page(document: bytes | str, url: str | None = None, min_chars: int = MIN_ARTICLE_CHARS) -> ExtractedPage:
    """Extract the main article of an HTML page; raise :class:`NoArticleText` when there is none."""
    import trafilatura  # slow import (~0.5 s): only when a page is read

    doc: Any = trafilatura.bare_extraction(
        document,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None or not (doc.text or "").strip():
        raise NoArticleText("no article text found (empty or not an HTML page)")
    title = " ".join((doc.title or "").split())
    paragraphs = [" ".join(line.split()) for line in doc.text.splitlines()]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    prose = _prose_chars(paragraphs)
    if prose < min_chars:
        raise NoArticleText(
            f"no article text found (only {prose} characters of prose; an index, a login wall or a broken page?)"
        )
    return ExtractedPage(
        title=title,
        text="\n\n".join(paragraphs),
        author=(doc.author or None),
        date=(doc.date or None),
        sitename=(doc.sitename or None),
        url=(doc.url or None),
        hostname=(doc.hostname or None),
        description=(doc.description or None),
    )


_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre section article header footer tr table figure".split()
)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content or summary), one paragraph per block."""
    if "<" not in fragment:
        return "\n\n".join(" ".join(p.split()) for p in html.unescape(fragment).split("\n\n") if p.strip())
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(fragment)).split())
    for bad in root.xpath(".//script|.//style|.//noscript"):
        bad.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCK_TAGS:
            el.tail = "\n\n" + (el.tail or "")
            if el.tag.lower() != "br":
                el.text = "\n\n" + (el.text or "")
    text = root.text_content()
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def page_article(
    page: ExtractedPage, *, url: str | None, article_id: str | None = None, source: str | None = None
) -> dict[str, Any]:
    """The Article JSON object for an extracted page (author goes to ``metadata``)."""
    article: dict[str, Any] = {
        "title": page.title,
        "text": page.text,
        "source": source or page.sitename or page.hostname or "",
    }
    if url:
        article["url"] = url
    if article_id:
        article["id"] = article_id
    if page.date:
        article["published"] = page.date
    metadata: dict[str, Any] = {}
    if page.author:
        metadata["author"] = page.author
    if metadata:
        article["metadata"] = metadata
    return article
