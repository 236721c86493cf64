"""HTML pages → clean article text and metadata (trafilatura), and small HTML fragments → plain text."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import lxml.etree
import lxml.html

__all__ = [
    "MIN_ARTICLE_CHARS",
    "ExtractedPage",
    "NoArticleText",
    "NotAnArticle",
    "UnsupportedLanguage",
    "clean_title",
    "drop_furniture",
    "extract_page",
    "html_to_text",
    "language_name",
    "not_english",
    "page_article",
]

# trafilatura logs its own errors ("empty HTML tree", "discarding data"); we report one clear line instead.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

MIN_ARTICLE_CHARS = 150  # characters of prose (paragraphs of 6+ words) below which a page has no article
_MIN_PROSE_WORDS = 6


class NoArticleText(ValueError):
    """A page from which no article text could be extracted (an index, a login wall, an empty page …)."""


class NotAnArticle(ValueError):
    """A home page or a section page: a list of other articles, not one article."""


class UnsupportedLanguage(ValueError):
    """A page or an entry in a language other than English (the pipeline's model is English-only)."""


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


# -- language ---------------------------------------------------------------------------------------------------

# Scripts English news does not use, by Unicode range: the language (or script) a reader is told about.
_SCRIPTS = (
    ("\u3040", "\u30ff", "Japanese"),  # hiragana, katakana (checked before the Han ideographs Japanese also uses)
    ("\uac00", "\ud7af", "Korean"),
    ("\u1100", "\u11ff", "Korean"),
    ("\u4e00", "\u9fff", "Chinese"),
    ("\u3400", "\u4dbf", "Chinese"),
    ("\u0400", "\u04ff", "Cyrillic script (Russian, Ukrainian, …)"),
    ("\u0600", "\u06ff", "Arabic script (Arabic, Persian, Urdu, …)"),
    ("\u0590", "\u05ff", "Hebrew"),
    ("\u0370", "\u03ff", "Greek"),
    ("\u0900", "\u097f", "Devanagari script (Hindi, Nepali, Marathi, …)"),
    ("\u0980", "\u09ff", "Bengali"),
    ("\u0e00", "\u0e7f", "Thai"),
    ("\u1000", "\u109f", "Burmese"),
)


def _script_language(text: str) -> str | None:
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isascii():
            continue
        for low, high, name in _SCRIPTS:
            if low <= ch <= high:
                counts[name] = counts.get(name, 0) + 1
                break
    if not counts:
        return None
    if counts.get("Japanese", 0) >= 0.05 * sum(counts.values()):
        return "Japanese"  # kana among the ideographs
    return max(counts, key=lambda n: counts[n])


def language_name(text: str) -> str:
    """The language a non-English text is most likely in, for a message: by its script, else lingua's guess
    among the Latin-script languages (``another language`` when neither tells)."""
    by_script = _script_language(text[:5000])
    if by_script:
        return by_script
    try:
        values = _namer().compute_language_confidence_values(text[:5000])
    except Exception:  # a name for a message only: never fail the ingest over it
        return "a language other than English"
    if not values or values[0].value < 0.5:
        return "no language it knows"
    return str(values[0].language.name.title())


_LATIN_LANGUAGES = (
    "FRENCH GERMAN SPANISH ITALIAN PORTUGUESE DUTCH POLISH TURKISH INDONESIAN MALAY SWEDISH DANISH BOKMAL NYNORSK "
    "FINNISH CZECH SLOVAK SLOVENE CROATIAN BOSNIAN ROMANIAN HUNGARIAN LATVIAN LITHUANIAN ESTONIAN CATALAN BASQUE "
    "GALICIAN IRISH WELSH ICELANDIC ALBANIAN TAGALOG VIETNAMESE SWAHILI AFRIKAANS LATIN ESPERANTO"
).split()


@lru_cache(maxsize=1)
def _namer() -> Any:
    """lingua over English and the Latin-script languages news is written in (names a language for a message)."""
    from lingua import Language, LanguageDetectorBuilder

    langs = [Language.ENGLISH, *(getattr(Language, n) for n in _LATIN_LANGUAGES if hasattr(Language, n))]
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


def not_english(text: str) -> str | None:
    """``None`` when the text reads as English to the worker's own test (agents/extract/language.py), else what
    it is in, for a message: ``in Chinese``, ``not in English (it reads most like Latvian)``."""
    from agents.extract.language import is_english

    if is_english(text):
        return None
    by_script = _script_language(text[:5000])
    if by_script:
        return f"in {by_script}"
    return f"not in English (it reads most like {language_name(text)})"


# -- furniture ---------------------------------------------------------------------------------------------------

# Paragraphs a page keeps around its article that no reader reads as news (whole paragraphs only).
_FURNITURE = re.compile(
    r"""
    ^loading\b.{0,40}(?:\.\.\.|…)$                                   # "Loading weather data ..."
    | \bcookies?\b.{0,200}\b(?:use|using|accept|agree|consent|continu\w*|settings|policy)\b  # cookie notices
    | \b(?:use|using|accept|agree\s+to)\b.{0,200}\bcookies?\b
    | \b(?:donate|donation|paypal|promptpay|patreon)\b                # donation requests
    | \bsupport\s+(?:us|our\s+(?:journalism|work))\b
    | ^(?:see|view)\s+more\s+(?:photos|pictures|images)\W*$
    | ^(?:read\s+more|related|more\s+from|recommended|you\s+may\s+also\s+like)\b.{0,80}$
    | ^write\s+to\s+.{1,80}\s+at\s+\S+@\S+$                          # "Write to … at name@outlet.com"
    | ^\S+@\S+\.\w+$                                                 # an e-mail address alone
    | ^\(?end\)?$                                                    # a wire's "(END)"
    | ^[-–—_*=~#.\s]{3,}$                                            # a rule: "---", "* * *"
    | ^the-?\w+-wire$                                                # "The-CNN-Wire"
    | ^(?:comments?|comentar(?:ios)?|leave\s+a\s+comment|\d+\s+comments?)\W*$
    """,
    re.IGNORECASE | re.VERBOSE,
)
_MAX_FURNITURE_CHARS = 400  # a news paragraph that mentions cookies or donations is longer than a notice
# A heading after which a page lists other articles: it and everything after it go (in the last third only).
_TAIL_HEADING = re.compile(
    r"^(?:more\s+(?:must-reads|stories|from|news)\b|related\s+(?:stories|articles|coverage|content)?|"
    r"recommended(?:\s+for\s+you)?|you\s+may\s+also\s+like|most\s+(?:read|popular)|trending|"
    r"read\s+(?:more|next|also)|what\s+to\s+read\s+next)\W*(?:\s.{0,60})?$",
    re.IGNORECASE,
)


def _is_furniture(paragraph: str) -> bool:
    from agents.extract.furniture import is_furniture

    text = paragraph.strip()
    if len(text) <= _MAX_FURNITURE_CHARS and _FURNITURE.search(text):
        return True
    return is_furniture(text)


def drop_furniture(paragraphs: list[str]) -> list[str]:
    """The article's paragraphs without page furniture: notices, prompts and what follows a "More stories"
    heading in the second half of the text (the article's own paragraphs are never cut from the middle)."""
    keep = list(paragraphs)
    total = sum(len(p) for p in keep)
    before = 0
    for i, p in enumerate(keep):
        if i > 0 and before >= total / 2 and _TAIL_HEADING.match(p.strip()):  # in the second half of the text
            keep = keep[:i]
            break
        before += len(p)
    return [p for p in keep if not _is_furniture(p)]


# -- titles ------------------------------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"\s+[|–—»·:/-]+\s+|\s+[|–—»·]+|[|–—»·]+\s+|\s*\|\s*")
_KEY = re.compile(r"[^\w]+", re.UNICODE)
_MIN_TITLE_WORDS = 3


def _key(text: str) -> str:
    return _KEY.sub("", text.casefold())


def _names_outlet(segment: str, names: list[str]) -> bool:
    seg = _key(segment)
    if not seg:
        return True  # a dangling separator
    for name in names:
        key = _key(name)
        if len(key) >= 2 and (key in seg or (len(seg) >= 3 and seg in key)):
            return True
    return False


def _outlet_names(outlet: str | None, host: str | None) -> list[str]:
    names = [n for n in (outlet or "",) if n]
    if outlet:
        names.extend(part for part in re.split(r"\s+[|–—-]\s+", outlet) if part)
    if host:
        labels = host.lower().removeprefix("www.").split(".")
        names.extend(label for label in labels[:-1] if len(label) >= 3 and label not in {"com", "co", "org", "net"})
    return names


def clean_title(title: str, outlet: str | None = None, host: str | None = None, known: Iterable[str] = ()) -> str:
    """The headline without the site's name around it: ``Takeaways … | CNN Politics`` → ``Takeaways …``,
    ``LinkNaija | Nigeria's popular news platform: Nollywood …`` → ``Nollywood …``.

    A leading or trailing part, split off at a separator (``|``, `` - ``, ``–``, ``—``, ``»``, ``:``), goes when it
    names the outlet (its name or its web host) or is one of ``known`` (parts seen on other titles of the same
    outlet); what is left must keep at least three words, so a short headline stays whole.
    """
    text = " ".join(title.split())
    names = _outlet_names(outlet, host)
    known_keys = {_key(k) for k in known if _key(k)}

    def goes(segment: str) -> bool:
        return _names_outlet(segment, names) or _key(segment) in known_keys

    for name in sorted({n for n in names if " " in n}, key=len, reverse=True):  # a tagline: "Site | Motto: …"
        low = text.casefold()
        if low.startswith(name.casefold()):
            rest = text[len(name) :].lstrip(" |-–—»·:/")
            if rest != text[len(name) :] and len(rest.split()) >= _MIN_TITLE_WORDS:
                text = rest
        elif low.endswith(name.casefold()):
            rest = text[: -len(name)].rstrip(" |-–—»·:/")
            if rest != text[: -len(name)] and len(rest.split()) >= _MIN_TITLE_WORDS:
                text = rest

    for _ in range(4):
        parts = _split_title(text)
        if len(parts) < 2:
            break
        if goes(parts[-1][1]) and len(parts[-2][0].split()) >= _MIN_TITLE_WORDS:
            text = parts[-2][0].rstrip(" |-–—»·:/")
            continue
        rest = text[parts[0][2] :].strip(" |-–—»·:/")
        if goes(parts[0][1]) and len(rest.split()) >= _MIN_TITLE_WORDS:
            text = rest
            continue
        break
    return text.strip() or " ".join(title.split())


def _split_title(text: str) -> list[tuple[str, str, int]]:
    """(text up to the end of this part, the part, where the next part starts) for each part of a title."""
    parts: list[tuple[str, str, int]] = []
    pos = 0
    for m in _SEPARATORS.finditer(text):
        if m.start() == 0:
            continue
        parts.append((text[: m.start()], text[pos : m.start()], m.end()))
        pos = m.end()
    parts.append((text, text[pos:], len(text)))
    return parts


def title_parts(title: str) -> tuple[str, str] | None:
    """A title's first and last part when it has separators (what other titles of one outlet may share)."""
    parts = _split_title(" ".join(title.split()))
    if len(parts) < 2:
        return None
    return parts[0][1].strip(), parts[-1][1].strip()


# -- pages -------------------------------------------------------------------------------------------------------

_HOME_PATHS = re.compile(r"^/?(?:index\.\w+|home|default\.\w+|[a-z]{2}(?:-[a-z]{2})?)?/?$", re.IGNORECASE)
_SECTION_SEGMENT = re.compile(r"^[a-z]+(?:[-_][a-z]+)?$", re.IGNORECASE)
_HOME_TITLE = re.compile(
    r"\b(?:the\s+latest\s+in|latest\s+news|breaking\s+news|news,\s+(?:sport|weather)|home\s*page|front\s+page)\b",
    re.IGNORECASE,
)


def _not_an_article(title: str, sitename: str | None, url: str | None, pagetype: str | None) -> str | None:
    """Why a page is a home or section page (a list of other articles), else None."""
    from urllib.parse import urlsplit

    kind = (pagetype or "").lower()
    if kind == "article":
        return None
    path = urlsplit(url).path if url else None
    if path is not None and _HOME_PATHS.match(path):
        return f"its address {url} is a site's home page"
    segments = [s for s in (path or "").split("/") if s]
    if path is not None and 0 < len(segments) <= 2 and all(_SECTION_SEGMENT.match(s) for s in segments):
        if kind == "website" or _HOME_TITLE.search(title):
            return f"its address {url} is a section page"
    if sitename and title:
        rest = _key(title).replace(_key(sitename), "", 1)
        if _key(sitename) in _key(title) and len(rest) <= 12 and len(title.split()) < 5:  # "Yahoo UK"
            return f"its title {title!r} is the site's name"
    if _HOME_TITLE.search(title):
        return f"its title {title!r} is a site's or section's"
    return None


def _lead_paragraph(description: str | None, paragraphs: list[str], full: list[str]) -> list[str]:
    """Precision mode sometimes drops an article's first paragraph (often the page's description): put back the
    paragraph of the fuller extraction that the description begins."""
    if not description or not full:
        return paragraphs
    head = " ".join(description.split())[:60]
    if len(head) < 30 or any(head in p for p in paragraphs):
        return paragraphs
    for i, p in enumerate(full):
        if head in p:
            nxt = full[i + 1] if i + 1 < len(full) else None
            at = paragraphs.index(nxt) if nxt in paragraphs else 0
            return [*paragraphs[:at], p, *paragraphs[at:]]
    return paragraphs


def _site_name(sitename: str | None, title: str) -> str | None:
    """The outlet's name: not the headline (some pages give it as their site name), and without its tagline."""
    name = " ".join((sitename or "").split())
    if not name or _key(name) == _key(title):
        return None
    if " | " in name:
        name = name.split(" | ", 1)[0].strip()
    return name or None


def extract_page(document: bytes | str, url: str | None = None, min_chars: int = MIN_ARTICLE_CHARS) -> ExtractedPage:
    """Extract the main article of an HTML page; raise :class:`NoArticleText` when there is none,
    :class:`NotAnArticle` for a home or section page and :class:`UnsupportedLanguage` when it is not English.

    trafilatura's precision mode (no comments, no tables) drops the page's furniture; its first paragraph, when
    precision mode lost it, is taken back from the default extraction; our own rules (:func:`drop_furniture`)
    drop what is left (notices, prompts, "More stories" lists at the end).
    """
    import trafilatura  # slow import (~0.5 s): only when a page is read

    common: dict[str, Any] = {
        "url": url,
        "with_metadata": True,
        "include_comments": False,
        "include_tables": False,
        "date_extraction_params": {"extensive_search": False, "original_date": True},
    }
    precise: Any = trafilatura.bare_extraction(document, favor_precision=True, **common)
    full: Any = trafilatura.bare_extraction(document, **common)
    doc = precise if precise is not None and (precise.text or "").strip() else full
    if doc is None or not (doc.text or "").strip():
        raise NoArticleText("no article text found (empty or not an HTML page)")
    title = " ".join((doc.title or "").split())

    def lines(d: Any) -> list[str]:
        found = [" ".join(line.split()) for line in (d.text or "").splitlines()] if d is not None else []
        found = [p for p in found if p]
        return found[1:] if found and title and found[0] == title else found

    paragraphs = lines(doc)
    if doc is precise:
        paragraphs = _lead_paragraph(doc.description, paragraphs, lines(full))
    language = not_english(f"{title}\n\n" + "\n\n".join(paragraphs))
    if language is not None:
        raise UnsupportedLanguage(f"the page is {language}; storywire reads English only: leave it out")
    paragraphs = drop_furniture(paragraphs)
    prose = _prose_chars(paragraphs)
    if prose < min_chars:
        raise NoArticleText(
            f"no article text found (only {prose} characters of prose; an index, a login wall or a broken page?)"
        )
    why = _not_an_article(title, doc.sitename, doc.url or url, getattr(doc, "pagetype", None))
    if why is not None:
        raise NotAnArticle(f"not an article: {why}; give the address of one article")
    sitename = _site_name(doc.sitename, title)
    return ExtractedPage(
        title=clean_title(title, doc.sitename or sitename, doc.hostname),
        text="\n\n".join(paragraphs),
        author=(doc.author or None),
        date=(doc.date or None),
        sitename=sitename,
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
