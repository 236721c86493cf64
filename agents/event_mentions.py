"""Event frames around given trigger spans, and their grouping into a story's events (pure).

``storywire eval-events`` is handed trigger spans (ECB+ gold mentions) instead of finding its own. Each span
gets the frame the extractor would build around that word (:func:`agents.extraction_events.frame_at_token`:
participants, time, place and figures read from the parse), typed by the extractor's lexicon when the word is
in it and ``"other"`` otherwise. The frames of a story's articles are then grouped by
:func:`agents.dedupe.assign_events`, the code path :func:`agents.dedupe.merge_events` (the story agent's merge)
runs. Every mention is its own report there, so two mentions in one article may join one event as well.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from spacy.tokens import Doc, Token

from agents.dedupe import Report, assign_events
from agents.extraction_entities import CanonicalEntities
from agents.extraction_events import build_context, frame_at_token, lexicon_type, trigger_type
from schemas.extraction import EventFrame

__all__ = ["MentionSpan", "group_mentions", "head_token", "mention_frames", "mention_kind"]

MentionSpan = tuple[int, int]  # (start, end) character offsets into the parsed text, end exclusive
_CONTENT_POS = ("VERB", "NOUN", "PROPN", "ADJ", "AUX", "ADV", "NUM")


def head_token(doc: Doc, start: int, end: int) -> Token | None:
    """The syntactic head of the tokens a character span covers ("checked into" -> "checked").

    Among the covered tokens, those whose head lies outside the span are roots; a content word is preferred.
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    tokens = list(span) if span is not None else [t for t in doc if t.idx < end and t.idx + len(t) > start]
    tokens = [t for t in tokens if not t.is_space and not t.is_punct] or tokens
    if not tokens:
        return None
    inside = {t.i for t in tokens}
    roots = [t for t in tokens if t.head.i not in inside or t.head is t] or tokens
    return min(roots, key=lambda t: (_CONTENT_POS.index(t.pos_) if t.pos_ in _CONTENT_POS else 9, t.i))


def mention_kind(tok: Token, ents: CanonicalEntities) -> str:
    """The event type of a given trigger: the extractor's reading in context, else the lexicon's type of the word
    or of another form of it ("shot" -> shooting), else "other"."""
    return trigger_type(tok, ents) or lexicon_type(tok.lemma_) or lexicon_type(tok.lower_) or "other"


def mention_frames(
    doc: Doc, ents: CanonicalEntities, spans: Sequence[MentionSpan], published: date | None = None
) -> list[EventFrame | None]:
    """The frame around each given span (``None`` where the span covers no token)."""
    ctx = build_context(doc, ents)
    frames: list[EventFrame | None] = []
    for start, end in spans:
        tok = head_token(doc, start, end)
        if tok is None:
            frames.append(None)
            continue
        lemma = tok.lemma_.lower() if tok.pos_ != "PROPN" else tok.lower_
        frame = frame_at_token(doc, ents, tok, mention_kind(tok, ents), published, ctx, trigger=lemma,
                               span=(start, end))  # fmt: skip
        frames.append(frame)
    return frames


def group_mentions(
    mentions: Sequence[tuple[str, str, EventFrame]], *, entity_ids: Mapping[str, str] | None = None
) -> list[str]:
    """The event id of each ``(article_id, source, frame)`` mention of one story, by the story merge's rules.

    Each mention is a report of its own (``article_id#start``), so that the merge's one-frame-per-article rule,
    meant for the extractor's already folded frames, does not keep apart two mentions of one article.
    """
    reports: list[Report] = [(f"{aid}#{frame.start}", source, frame) for aid, source, frame in mentions]
    return assign_events(reports, entity_ids=entity_ids)
