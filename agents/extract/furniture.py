"""Web page furniture in article text: lines that a crawl keeps but no reader reads as news.

"Please enable Javascript to watch this video", "(©2014 CBS Local Media … All Rights Reserved …)", "Share this:
Facebook", "Like this: Like Loading...": parsed as text they become entities ("Javascript", "CBS Radio Inc") that
every article of one outlet shares, summary sentences and clustering terms. :func:`blank_furniture` replaces each
such line with spaces of the same length, so every character offset into the text stays valid (event mentions,
quotes and sentences keep pointing at the same characters) and nothing else moves. The first line (the headline)
is never blanked.

The rules are deliberately narrow: a line goes only when all of it is furniture (a whole line of widget words, a
copyright notice, a request to enable JavaScript, to subscribe or to download the outlet's app for its news). A
sentence of news that mentions Facebook or JavaScript stays.
"""

from __future__ import annotations

import re

__all__ = ["blank_furniture", "is_furniture"]

# Words of share bars, navigation and ad slots. A line made only of these (at most _MAX_WIDGET_WORDS) is furniture.
_WIDGET_WORDS = frozenset(
    """share this like loading follow us on email print tweet pin more advertisement advertisements related
    comment comments facebook twitter google pinterest linkedin reddit whatsapp instagram youtube tumblr
    watch story video subscribe newsletter sign up read top trending latest news stories and the to here click
    opens in new window tab""".split()
)
_MAX_WIDGET_WORDS = 8
_WORD = re.compile(r"[^\W\d_]+")
_ADDRESS = re.compile(r"(?<!\S)(?:@\w+|[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|tv|us)\b/?)", re.IGNORECASE)
_NOTICE = re.compile(  # copyright notices
    r"""
    \ball\s+rights\s+reserved\b
    | ^\W*(?:©|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\))?\s*\d{4})
    | \bmay\s+not\s+be\s+(?:re)?(?:published|broadcast|reproduced|rewritten|redistributed)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
_MAX_NOTICE_CHARS = 400  # a notice is a line or two; a long paragraph that quotes one is news
_PROMPT = re.compile(  # what the page asks of the reader
    r"""
    \b(?:enable|turn\s+on|activate)\s+javascript\b
    | \bjavascript\s+(?:is\s+)?(?:disabled|required|must\s+be\s+enabled)\b
    | \b(?:sign\s+up|subscribe)\b.{0,60}\b(?:newsletter|rss\s+feed|our\s+feed|alerts)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
_MAX_PROMPT_CHARS = 200  # a news paragraph about JavaScript or newsletters is longer than a prompt
# A station's or paper's own app, offered for its news: "For the latest news, weather and video, download the WATE 6
# On Your Side app. The smartphone and tablet apps will keep you updated with Knoxville and East Tennessee news."
_APP_PROMO = re.compile(r"\bdownload\s+(?:the|our)\b.{0,60}\bapps?\b", re.IGNORECASE)
_APP_NEWS = re.compile(r"\b(?:latest|breaking)\s+news\b|\bkeep\s+you\s+(?:updated|informed)\b", re.IGNORECASE)
_MAX_APP_PROMO_CHARS = 300


def is_furniture(line: str) -> bool:
    """Whether one line of text (no newline) is page furniture rather than news."""
    text = line.strip()
    if not text:
        return False
    if len(text) <= _MAX_NOTICE_CHARS and _NOTICE.search(text):
        return True
    if len(text) <= _MAX_PROMPT_CHARS and _PROMPT.search(text):
        return True
    if len(text) <= _MAX_APP_PROMO_CHARS and _APP_PROMO.search(text) and _APP_NEWS.search(text):
        return True
    # "Follow CBSMIAMI.COM: Facebook | Twitter", "Follow @WSBTV on Twitter": the outlet's own address or handle
    words = [w.lower() for w in _WORD.findall(_ADDRESS.sub(" ", text))]
    return 0 < len(words) <= _MAX_WIDGET_WORDS and all(w in _WIDGET_WORDS for w in words)


def blank_furniture(text: str) -> str:
    """``text`` with every furniture line after the first replaced by spaces (same length, same offsets)."""
    lines = text.split("\n")
    changed = False
    for i in range(1, len(lines)):
        if is_furniture(lines[i]):
            lines[i] = " " * len(lines[i])
            changed = True
    return "\n".join(lines) if changed else text
