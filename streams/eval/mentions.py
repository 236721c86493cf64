"""Event frames around given trigger spans, and their grouping into a story's events (pure).

``storywire eval-events`` is handed trigger spans (ECB+ gold mentions) instead of finding its own. Each span
gets the frame the extractor would build around that word (:func:`agents.extract.events.frame_at_token`:
participants, time, place and figures read from the parse), typed by the extractor's lexicon when the word is
in it and ``"other"`` otherwise. The frames of a story's articles are then grouped by
:func:`agents.story.merge.assign_events`, the code path :func:`agents.story.merge.merge_events` (the story
agent's merge) runs, after an article's mentions of one happening are folded into one frame as the extractor
folds its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from spacy.tokens import Doc, Token

from agents.extract.context import build_context
from agents.extract.entities import CanonicalEntities
from agents.extract.events import dates_compatible, frame_at_token, speakers
from agents.extract.lexicon import event_class, event_key, lexicon_type, trigger_type
from agents.story.merge import REPORTING_KEYS, Report, assign_events
from schemas.extraction import EventFrame

__all__ = ["MentionSpan", "fold_article", "group_mentions", "head_token", "mention_frames", "mention_kind"]

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


def mention_kind(tok: Token, ents: CanonicalEntities, phrase: str | None = None) -> str:
    """The event type of a given trigger: the lexicon's type of its phrasal event word ("opened fire", "gunned
    down" -> shooting), else the extractor's reading of the word in context, else the lexicon's type of the word
    or of another form of it ("shot" -> shooting), else "other".

    ``phrase`` is the event word with its particle or object (:func:`_phrase`); a phrase is a word of its own
    ("open fire" is not "open"), so its type comes before the head word's.
    """
    if phrase and " " in phrase and (kind := lexicon_type(phrase)) is not None:
        return kind
    return trigger_type(tok, ents) or lexicon_type(tok.lemma_) or lexicon_type(tok.lower_) or "other"


def _phrase(tok: Token, start: int, end: int) -> str:
    """The event word of a trigger with the words that make it another verb: its particle ("took over", "broke
    out", "checked out") and an object inside the given span ("opened fire", "took place")."""
    lemma = tok.lemma_.lower() if tok.pos_ != "PROPN" else tok.lower_
    if tok.pos_ not in {"VERB", "AUX"}:
        return lemma
    parts = [c.lower_ for c in tok.children if c.dep_ == "prt" and c.i > tok.i]
    parts += [c.lemma_.lower() for c in tok.children
              if c.dep_ == "dobj" and c.pos_ == "NOUN" and start <= c.idx and c.idx + len(c) <= end]  # fmt: skip
    return " ".join([lemma, *parts[:1]])


def _unique_ids(ids: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(ids))


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
        lemma = _phrase(tok, start, end)
        frame = frame_at_token(doc, ents, tok, mention_kind(tok, ents, lemma), published, ctx, trigger=lemma,
                               span=(start, end))  # fmt: skip
        if event_key(lemma) in REPORTING_KEYS:
            frame = frame.model_copy(update={"actors": _unique_ids([*frame.actors, *speakers(tok, ctx)])})
        frames.append(frame)
    return frames


def _foldable(a: EventFrame, b: EventFrame) -> bool:
    """Two mentions of one article that tell one happening: one event word (or synonym), nothing that differs.

    An article names each happening it reports with one word again and again ("the quake ... the quake"); a second
    happening of the kind it names with another date or place ("the 2008 quake"), and a second saying by another
    speaker.
    """
    if event_class(a.type, a.trigger) != event_class(b.type, b.trigger) or not dates_compatible(a.when, b.when):
        return False
    if a.where and b.where and a.where != b.where:
        return False
    if event_key(a.trigger) in REPORTING_KEYS:
        return set(a.actors) == set(b.actors) and bool(a.actors)
    return True


def fold_article(frames: Sequence[EventFrame]) -> list[int]:
    """For each frame of one article (in text order), the index of the first frame of its happening.

    The extractor folds an article's mentions of one happening into one frame before the story merge; given
    triggers are folded alike, so that a bare mention ("the quake") takes the date, place and participants its
    article gives elsewhere.
    """
    heads: list[int] = []
    groups: list[int] = []
    for i, frame in enumerate(frames):
        head = next((h for h in heads if _foldable(frames[h], frame)), None)
        if head is None:
            heads.append(i)
            head = i
        groups.append(head)
    return groups


def _union(frames: Sequence[EventFrame]) -> EventFrame:
    """One frame for an article's mentions of one happening: the first one's word, everyone's arguments."""
    first = frames[0]
    actors = list(dict.fromkeys(a for f in frames for a in f.actors))
    targets = [t for t in dict.fromkeys(t for f in frames for t in f.targets) if t not in actors]
    return first.model_copy(update={
        "actors": actors,
        "targets": targets,
        "when": next((f.when for f in frames if f.when and len(f.when) == 10), None)
        or next((f.when for f in frames if f.when), None),
        "where": next((f.where for f in frames if f.where), None),
        "attributes": {k: v for f in reversed(frames) for k, v in f.attributes.items()},
        "roles": {k: v for f in reversed(frames) for k, v in f.roles.items()},
        "names": {k: v for f in reversed(frames) for k, v in f.names.items()},
    })  # fmt: skip


def group_mentions(
    mentions: Sequence[tuple[str, str, EventFrame]], *, entity_ids: Mapping[str, str] | None = None
) -> list[str]:
    """The event id of each ``(article_id, source, frame)`` mention of one story, by the story merge's rules.

    The mentions of each article are folded first (:func:`fold_article`), as the extractor folds its own; each
    folded frame is a report of its own (``article_id#start``), so that one article may still hold two
    happenings of one class.
    """
    by_article: dict[str, list[int]] = {}
    for i, (aid, _, _) in enumerate(mentions):
        by_article.setdefault(aid, []).append(i)
    report_of = [0] * len(mentions)
    reports: list[Report] = []
    for aid, indexes in by_article.items():
        indexes = sorted(indexes, key=lambda i: (mentions[i][2].start, i))
        heads = fold_article([mentions[i][2] for i in indexes])
        members: dict[int, list[int]] = {}
        for i, head in zip(indexes, heads, strict=True):
            members.setdefault(indexes[head], []).append(i)
        for first, group in members.items():
            frame = _union([mentions[i][2] for i in group])
            for i in group:
                report_of[i] = len(reports)
            reports.append((aid, mentions[first][1], frame))
    ids = assign_events(reports, entity_ids=entity_ids)
    return [ids[report_of[i]] for i in range(len(mentions))]
