"""Event frames of one parsed article (pure functions over a spaCy ``Doc``).

An event frame is a trigger word typed by a small lexicon (call, meeting, threat, attack, shooting, ...; see
:mod:`agents.extract.lexicon`) with its participants read from the dependency parse, its date normalized against
the publish date, its place and figures found in its sentence (durations, killed/injured counts from
:mod:`agents.extract.casualties`, money amounts). Mentions of one happening within the article ("spoke with
Putin" ... "the call lasted an hour") are folded into one frame. Quotes are read by :mod:`agents.extract.quotes`;
what both share about a Doc is built by :func:`agents.extract.context.build_context`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from agents.extract.casualties import CASUALTY_KEYS, OTHER_TIME, find_casualties, settle_casualties
from agents.extract.context import Context, build_context, resolve, verb_subjects, with_conjuncts
from agents.extract.entities import PLACE_LABELS, CanonicalEntities, role_is_specific
from agents.extract.lexicon import (
    AMOUNT_TYPES,
    DURATION_TYPES,
    INCIDENT_TYPES,
    LOCAL_INCIDENT_TYPES,
    SYMMETRIC_TYPES,
    TRIGGERS,
    trigger_type,
)
from agents.extract.numbers import format_duration, parse_amount, parse_duration
from agents.extract.places import CityState, city_states, state_name
from agents.extract.quotes import SAY_VERBS
from agents.extract.timex import normalize_date
from schemas.extraction import EventFrame

__all__ = ["dates_compatible", "extract_events", "frame_at_token", "speakers", "tokens_with"]

_LIGHT_VERBS = frozenset(
    {
        "have",
        "hold",
        "make",
        "conduct",
        "launch",
        "carry",
        "stage",
        "give",
        "host",
        "join",
        "attend",
        "mount",
        "begin",
        "start",
        "end",
        "finish",
        "catch",
        "set",
        "open",
        "spark",
    }
)
_CONTAINING_PREPS = frozenset({"during", "in", "at", "after", "following"})
_TARGET_PREPS: dict[str, frozenset[str]] = {
    "call": frozenset({"with", "to"}),
    "meeting": frozenset({"with"}),
    "merger": frozenset({"with"}),
    "threat": frozenset({"against", "on", "to", "over", "for"}),
    "attack": frozenset({"on", "against"}),
    "explosion": frozenset({"at", "on"}),
    "acquisition": frozenset({"of"}),
}
_DEFAULT_TARGET_PREPS = frozenset({"on", "against"})
_PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside"})
_PROBE_ANCHOR = date(2000, 1, 1)
_FUTURE_AUX = frozenset({"will", "'ll", "shall", "going"})

# --- trigger detection ---------------------------------------------------------------------------------------

# String ids of every trigger lemma as the lemmatizer writes it (lowercase; proper nouns keep their case).
_TRIGGER_IDS = frozenset(get_string_id(form) for lemma in (*TRIGGERS, "talk") for form in (lemma, lemma.title()))


def tokens_with(doc: Doc, attr: str, ids: frozenset[int]) -> list[Token]:
    """The tokens whose ``attr`` (ORTH, LEMMA, ...) is one of ``ids``, found on the Doc's array.

    Building a Python Token object per word is most of the cost of a pass over a Doc; this builds only the hits.
    """
    if not ids or not len(doc):
        return []
    column = doc.to_array(attr)
    hits = numpy.flatnonzero(numpy.isin(column, numpy.fromiter(ids, dtype=numpy.uint64, count=len(ids))))
    return [doc[int(i)] for i in hits]


# --- participants --------------------------------------------------------------------------------------------


def _clause_verb(tok: Token) -> Token | None:
    """The verb a noun trigger hangs from through light verbs or containing prepositions ("during a call ...")."""
    cur = tok
    for _ in range(3):
        head = cur.head
        if head is cur:
            return None
        if cur.dep_ == "pobj" and head.dep_ == "prep":
            if head.lower_ not in _CONTAINING_PREPS and head.lower_ != "with":
                return None
            cur = head
            continue
        if head.pos_ in {"VERB", "AUX"}:
            if cur.dep_ == "prep" or head.lemma_ in _LIGHT_VERBS:
                return head
            return None
        return None
    return None


def _participants(tok: Token, kind: str, ctx: Context) -> tuple[list[str], list[str]]:
    actors: list[str] = []
    targets: list[str] = []
    target_preps = _TARGET_PREPS.get(kind, _DEFAULT_TARGET_PREPS)
    allow_nouns = kind in INCIDENT_TYPES or kind in {"arrest", "charge"}
    if tok.pos_ == "VERB":
        passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in tok.children)
        for subj in verb_subjects(tok):
            actors += resolve(subj, ctx, allow_nouns=allow_nouns)
        for child in tok.children:
            if child.dep_ in {"dobj", "dative"} or (passive and child.dep_ == "nsubjpass"):
                for obj in with_conjuncts([child]):
                    targets += resolve(obj, ctx, allow_nouns=True)
            elif child.dep_ in {"xcomp", "ccomp"} and _trigger_lemma_kind(child) == kind:
                for grand in child.children:
                    if grand.dep_ == "prep" and grand.lower_ in target_preps | {"over", "for"}:
                        targets += _pobjs(grand, ctx)
    else:
        for child in tok.children:
            if child.dep_ in {"poss", "compound", "amod", "nmod"} and child.i in ctx.ents.token_ids:
                actors += resolve(child, ctx, allow_nouns=False)
            elif child.dep_ == "compound":
                actors += [
                    a
                    for g in child.children
                    if g.dep_ in {"amod", "compound", "poss"} and g.i in ctx.ents.token_ids
                    for a in resolve(g, ctx, allow_nouns=False)
                ]
            elif child.dep_ == "prep" and child.lower_ in {"by", "between", "among"}:
                actors += _pobjs(child, ctx)
        if not actors and kind in {"call", "meeting", "threat", "statement", "accusation", "merger"}:
            verb = _clause_verb(tok)
            if verb is not None:
                for subj in verb_subjects(verb):
                    actors += resolve(subj, ctx, allow_nouns=False)
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in target_preps:
            targets += _pobjs(child, ctx)
    actors = _unique(actors)
    targets = [t for t in _unique(targets) if t not in actors]
    return actors, targets


def _trigger_lemma_kind(tok: Token) -> str | None:
    return TRIGGERS.get(tok.lemma_.lower())


def _pobjs(prep: Token, ctx: Context) -> list[str]:
    out: list[str] = []
    for obj in prep.children:
        if obj.dep_ == "pobj":
            for o in with_conjuncts([obj]):
                out += resolve(o, ctx, allow_nouns=True)
    return out


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --- frames -------------------------------------------------------------------------------------------------


@dataclass
class _Mention:
    kind: str
    trigger: str
    trigger_text: str
    token: int
    sent_index: int
    start: int
    end: int
    actors: list[str]
    targets: list[str]
    when: str | None = None
    when_text: str | None = None
    where: str | None = None
    attributes: dict[str, str | int | float] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def entities(self) -> set[str]:
        return {p for p in (*self.actors, *self.targets) if not p.startswith("np:")}


def _future(tok: Token) -> bool:
    for t in (tok, tok.head):
        if any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUX for c in t.children):
            return True
    return False


def _attached(span: Span, anchors: set[int], hops: int = 4) -> bool:
    cur = span.root
    for _ in range(hops):
        if cur.head is cur:
            return False
        cur = cur.head
        if cur.i in anchors:
            return True
    return False


def extract_events(
    doc: Doc, ents: CanonicalEntities, published: date | None, context: Context | None = None
) -> list[EventFrame]:
    """The article's event frames, one per happening, in order of first mention. Deterministic."""
    ctx = context if context is not None else build_context(doc, ents)
    sents = ctx.sents
    times = [e for e in ctx.ents_spans if e.label_ in {"DATE", "TIME"}]
    places = [e for e in ctx.ents_spans if e.label_ in PLACE_LABELS]
    candidates = [
        (tok, kind) for tok in tokens_with(doc, "LEMMA", _TRIGGER_IDS) if (kind := trigger_type(tok, ents)) is not None
    ]
    kinds = {tok.i: kind for tok, kind in candidates}
    incident_sents = {ctx.sent_of[tok.i] for tok, kind in candidates if kind in INCIDENT_TYPES and kind != "killing"}
    # A threat word governed by another one ("vowed to retaliate", "warned of a retaliation") is that mention.
    governor: dict[int, int] = {}
    for tok, kind in candidates:
        head = tok.head
        if kind == "threat" and head is not tok:
            if kinds.get(head.i) == kind and tok.dep_ in {"xcomp", "dobj", "ccomp"}:
                governor[tok.i] = head.i
            elif head.dep_ == "prep" and tok.dep_ == "pobj" and kinds.get(head.head.i) == kind:
                governor[tok.i] = head.head.i
    mentions: dict[int, _Mention] = {}
    for tok, kind in candidates:
        if tok.i in governor or (kind == "killing" and ctx.sent_of[tok.i] in incident_sents):
            continue
        actors, targets = _participants(tok, kind, ctx)
        governed = {doc[g].lemma_.lower() for g in governor}
        targets = [t for t in targets if not (t.startswith("np:") and t[3:] in governed)]
        trigger = "talks" if tok.lemma_ == "talk" and tok.tag_ == "NNS" else tok.lemma_.lower()
        mention = _Mention(
            kind, trigger, tok.text, tok.i, ctx.sent_of[tok.i], tok.idx, tok.idx + len(tok.text), actors, targets
        )
        _attach_time(mention, tok, times, published, kinds, ctx)
        _attach_place(mention, tok, places, ctx)
        mentions[tok.i] = mention
    for child, gov in sorted(governor.items()):
        while gov in governor:
            gov = governor[gov]
        top = mentions.get(gov)
        if top is not None:
            _, more = _participants(ctx.doc[child], kinds[child], ctx)
            top.targets = [t for t in _unique([*top.targets, *more]) if t not in top.actors]
    ordered = [mentions[i] for i in sorted(mentions)]
    for m in ordered:
        if m.kind not in INCIDENT_TYPES and m.kind not in {"arrest", "charge"}:
            m.actors = [a for a in m.actors if not a.startswith("np:")]
        m.roles = {p: ctx.roles[p] for p in m.entities if p in ctx.roles}
        m.names = {p: ents.names[p] for p in m.entities if p in ents.names}
    _attach_figures(sents, ordered, ctx.sent_texts)
    frames = _fold(ordered)
    _date_main_incident(frames, times, published, ctx)
    pairs = city_states(ctx.text) if any(m.kind in INCIDENT_TYPES for m in frames) else []
    return [
        _frame(
            m, ctx.sent_texts, _incident_place(m, ctx.text, ents, pairs) if m.kind in INCIDENT_TYPES else (None, None)
        )
        for m in frames
    ]


def frame_at_token(
    doc: Doc,
    ents: CanonicalEntities,
    tok: Token,
    kind: str,
    published: date | None,
    ctx: Context | None = None,
    *,
    trigger: str | None = None,
    span: tuple[int, int] | None = None,
) -> EventFrame:
    """The frame of one given trigger token, read as :func:`extract_events` reads its own triggers.

    Participants, time, place and figures come from the same helpers; nothing is folded with other mentions.
    ``trigger`` overrides the lemma written as the frame's trigger; ``span`` its character offsets.
    """
    ctx = ctx if ctx is not None else build_context(doc, ents)
    times = [e for e in ctx.ents_spans if e.label_ in {"DATE", "TIME"}]
    places = [e for e in ctx.ents_spans if e.label_ in PLACE_LABELS]
    actors, targets = _participants(tok, kind, ctx)
    start, end = span if span is not None else (tok.idx, tok.idx + len(tok.text))
    mention = _Mention(
        kind, trigger or tok.lemma_.lower(), ctx.text[start:end], tok.i, ctx.sent_of[tok.i], start, end, actors, targets
    )
    _attach_time(mention, tok, times, published, {tok.i: kind}, ctx)
    _attach_place(mention, tok, places, ctx)
    if mention.kind not in INCIDENT_TYPES and mention.kind not in {"arrest", "charge"}:
        mention.actors = [a for a in mention.actors if not a.startswith("np:")]
    mention.roles = {p: ctx.roles[p] for p in mention.entities if p in ctx.roles}
    mention.names = {p: ents.names[p] for p in mention.entities if p in ents.names}
    _attach_figures(ctx.sents, [mention], ctx.sent_texts)
    place: tuple[str | None, str | None] = (None, None)
    if kind in INCIDENT_TYPES:
        place = _incident_place(mention, ctx.text, ents, city_states(ctx.text))
    return _frame(mention, ctx.sent_texts, place)


def speakers(tok: Token, ctx: Context) -> list[str]:
    """Who says what a verb of saying reports: its subjects, common nouns included ("police said"), or the object
    of "according to"."""
    found = [p for subj in verb_subjects(tok) for p in resolve(subj, ctx, allow_nouns=True)]
    if tok.lower_ == "according":
        found += [p for c in tok.children if c.dep_ == "prep" for p in _pobjs(c, ctx)]
    return _unique(found)


def _when_said(span: Span) -> bool:
    """The day something was said or reported ("said on Thursday", "reported Sunday"), not when it happened."""
    head = span.root.head
    if head.dep_ == "prep" and head.head is not head:
        head = head.head
    return head.lemma_.lower() in SAY_VERBS


def _date_main_incident(frames: list[_Mention], times: Sequence[Span], published: date | None, ctx: Context) -> None:
    """An article's main incident without a date of its own takes the first day its lead names.

    Local news tells when in a sentence of its own ("Police responded around 3:15 a.m. Sunday").
    """
    main = next((m for m in frames if m.kind in INCIDENT_TYPES), None)
    if main is None or main.when is not None:
        return
    for span in times:
        if ctx.sent_of[span.start] > 4:
            break
        if _DATELINE_END.match(ctx.text, span.end_char) or _when_said(span):
            continue  # the day a story was filed or said ("the Register reported Sunday") is not the incident's
        iso = normalize_date(span.text, published)
        if iso is not None and len(iso) == 10 and (published is None or iso <= published.isoformat()):
            main.when, main.when_text = iso, span.text
            return


def _attach_time(
    mention: _Mention,
    tok: Token,
    times: Sequence[Span],
    published: date | None,
    triggers: dict[int, str],
    ctx: Context,
) -> None:
    anchors = {tok.i, *(c.i for c in tok.conjuncts)}
    if tok.pos_ != "VERB":
        verb = _clause_verb(tok)
        if verb is not None:
            anchors.add(verb.i)
    sent = ctx.sent(tok)
    in_sent = [t for t in times if sent.start <= t.start < sent.end and not _DATELINE_END.match(ctx.text, t.end_char)]
    future = _future(tok)
    # Whether a span names a day is read against any anchor; what day it is, against the publish date.
    probe = published or _PROBE_ANCHOR
    chosen = None
    for span in in_sent:
        if _attached(span, anchors) and normalize_date(span.text, probe, future=future):
            chosen = span
            break
    if chosen is None and mention.kind in INCIDENT_TYPES:
        # The sentence's only date, unless it visibly belongs to another event of the sentence.
        others = set(triggers) - anchors
        usable = [
            s
            for s in in_sent
            if normalize_date(s.text, probe, future=future) and not _attached(s, others) and not _when_said(s)
        ]
        if len(usable) == 1:
            chosen = usable[0]
    if chosen is not None:
        mention.when = normalize_date(chosen.text, published, future=future)
        mention.when_text = chosen.text


def _attach_place(mention: _Mention, tok: Token, places: Sequence[Span], ctx: Context) -> None:
    sent = ctx.sent(tok)
    anchors = {tok.i, *(c.i for c in tok.conjuncts)}
    for span in places:
        if not sent.start <= span.start < sent.end:
            continue
        prep = span.root.head
        if (
            span.root.dep_ == "pobj"
            and prep.lower_ in _PLACE_PREPS
            and (prep.head.i in anchors or _attached(span, anchors, hops=3))
        ):
            eid = ctx.ents.token_ids.get(span.root.i)
            if eid and eid in ctx.place_ids:
                mention.where = eid
                return


def _attach_figures(sents: Sequence[Span], mentions: list[_Mention], texts: Sequence[str]) -> None:
    """Durations, casualty counts and amounts of a sentence go to the nearest fitting mention."""
    by_sent: dict[int, list[_Mention]] = {}
    for m in mentions:
        by_sent.setdefault(m.sent_index, []).append(m)
    last_incident: _Mention | None = None
    for index, sent in enumerate(sents):
        text = texts[index]
        here = by_sent.get(index, [])
        incidents = [m for m in here if m.kind in INCIDENT_TYPES]
        durable = [m for m in here if m.kind in DURATION_TYPES]
        if durable:
            seconds = parse_duration(text)
            if seconds and seconds < 7 * 86400:
                durable[0].attributes.setdefault("duration", format_duration(seconds))
        counts, offset = (
            find_casualties(text)
            if _CASUALTY_CUE.search(text) and not _AGGREGATE_CUE.search(text) and not OTHER_TIME.search(text)
            else ({}, 0)
        )
        if counts:
            at = sent.start_char + offset
            before = [m for m in incidents if m.start <= at]
            target = before[-1] if before else (incidents[0] if incidents else None)
            if target is None and last_incident is not None and index - last_incident.sent_index <= 2:
                target = last_incident
            if target is None:
                target = _Mention("casualties", "casualty", "", sent.start, index, at, at, [], [])
                mentions.append(target)
                incidents = [target]
            for key, value in counts.items():
                old = target.attributes.get(key)
                target.attributes[key] = max(int(old), value) if isinstance(old, int) else value
        if incidents:
            last_incident = incidents[-1]
        priced = [m for m in here if m.kind in AMOUNT_TYPES]
        if priced:
            amount = parse_amount(text)
            if amount is not None:
                priced[0].attributes.setdefault("amount", amount[0])
                priced[0].attributes.setdefault("currency", amount[1])
    mentions.sort(key=lambda m: m.start)


# "NEW HAVEN, Conn., Oct. 27 (UPI) --": a dateline's date is when the story was filed, not when it happened.
_DATELINE_END = re.compile(r"\)?\s*(?:\((?:AP|UPI|Reuters|AFP|CNN|CBS|NBC|ABC)[^)]*\)\s*)?(?:--|—|–)")
# Tallies over many incidents ("seven people killed in 33 separate shootings this weekend") are not one event's.
_AGGREGATE_CUE = re.compile(
    r"\b(?:separate|incidents|so far|this year|year to date|statewide|nationwide|citywide)\b", re.I
)
_CASUALTY_CUE = re.compile(r"kill|dead|death|died|injur|wound|hurt|fatal|shot|hospital|casualt|slain|murder", re.I)


# When one article's mentions of two incident types fold into one frame, the frame takes the first type here.
_INCIDENT_PRIORITY = (
    "shooting",
    "stabbing",
    "explosion",
    "accident",
    "disaster",
    "attack",
    "killing",
    "fire",
    "casualties",
)


def _same_happening_kind(a: _Mention, b: _Mention) -> bool:
    """Types one happening may be told with in one article: "shot" ... "the killing" ... "four dead"."""
    if a.kind == b.kind:
        return True
    kinds = {a.kind, b.kind}
    if "casualties" in kinds:
        return kinds <= INCIDENT_TYPES
    if "killing" in kinds:
        return bool(kinds & {"shooting", "stabbing", "attack", "explosion"})
    if kinds == {"shooting", "fire"}:
        return True
    if kinds == {"shooting", "explosion"}:  # "a shotgun blast"
        return "blast" in {a.trigger, b.trigger}
    attack = a if a.kind == "attack" else b
    return kinds == {"shooting", "attack"} and attack.trigger in {"strike", "hit", "assault"}


def dates_compatible(a: str | None, b: str | None) -> bool:
    """Two ISO dates can name one happening: either is unknown, or one contains the other ("2025-06" / "2025-06-04").

    ISO weeks ("2025-W22") are compared by their year only.
    """
    if not a or not b:
        return True
    a, b = (a[:4], b[:4]) if "W" in a or "W" in b else (a, b)
    return a.startswith(b) or b.startswith(a)


def _days_apart(a: str | None, b: str | None) -> int | None:
    if not a or not b or len(a) != 10 or len(b) != 10:
        return None
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)
    except ValueError:
        return None


def _compatible(frame: _Mention, m: _Mention) -> int:
    """-1 when the mention cannot be this frame; else a score (shared participants count most)."""
    if not _same_happening_kind(frame, m):
        return -1
    local = frame.kind in LOCAL_INCIDENT_TYPES and m.kind in LOCAL_INCIDENT_TYPES
    if not dates_compatible(frame.when, m.when) and not (local and _days_apart(frame.when, m.when) == 1):
        return -1  # "late Thursday" ... "early Friday": one night's incident may be dated either day
    fe, me = frame.entities, m.entities
    if local:
        # One article's incident is told through victims, suspects and places in turn: only dates keep apart.
        return 1 + 10 * len(fe & me) + (5 if frame.kind == m.kind else 0)
    if fe and me:
        shared = fe & me
        if not shared:
            return -1
        if m.kind in SYMMETRIC_TYPES and (me - fe) and (fe - me):
            return -1  # call(A, B) and call(A, C): two calls
        if m.kind not in SYMMETRIC_TYPES:
            fa = {a for a in frame.actors if not a.startswith("np:")}
            ma = {a for a in m.actors if not a.startswith("np:")}
            if fa and ma and not fa & ma:
                return -1
        return 10 * len(shared) + 1
    return 1


def _fold(mentions: list[_Mention]) -> list[_Mention]:
    """Fold the mentions of one happening into one frame: same type, shared participants, or an anaphor."""
    frames: list[_Mention] = []
    for m in mentions:
        best, best_score = None, 0
        for frame in frames:
            score = _compatible(frame, m)
            if score > best_score or (score == best_score and score > 0 and best is not None):
                best, best_score = frame, score
        if best is None:
            frames.append(m)
            continue
        if (
            _INCIDENT_PRIORITY.index(m.kind) < _INCIDENT_PRIORITY.index(best.kind)
            if (m.kind in _INCIDENT_PRIORITY and best.kind in _INCIDENT_PRIORITY)
            else False
        ):
            best.kind, best.trigger, best.trigger_text = m.kind, m.trigger, m.trigger_text
        best.actors = _unique([*best.actors, *m.actors])
        best.targets = [t for t in _unique([*best.targets, *m.targets]) if t not in best.actors]
        best.when = best.when or m.when
        best.when_text = best.when_text or m.when_text
        best.where = best.where or m.where
        for key, value in m.attributes.items():
            old = best.attributes.get(key)
            if old is None:
                best.attributes[key] = value
            elif key in CASUALTY_KEYS and isinstance(old, int) and isinstance(value, int):
                best.attributes[key] = max(old, value)
        best.roles = {**m.roles, **best.roles}
        best.names = {**m.names, **best.names}
    return frames


def _frame(m: _Mention, texts: Sequence[str], place: tuple[str | None, str | None]) -> EventFrame:
    attributes: dict[str, str | int | float] = dict(m.attributes)
    if CASUALTY_KEYS & attributes.keys():
        counts = {k: int(v) for k, v in attributes.items() if k in CASUALTY_KEYS}
        attributes = {k: v for k, v in attributes.items() if k not in CASUALTY_KEYS} | settle_casualties(counts)
    if m.kind in INCIDENT_TYPES:
        city, state = place
        if city and city.endswith((" County", " Parish")):
            attributes.setdefault("county", city)
        elif city:
            attributes.setdefault("city", city)
        if state:
            attributes.setdefault("state", state)
    return EventFrame(
        type=m.kind,
        trigger=m.trigger,
        trigger_text=m.trigger_text,
        actors=m.actors,
        targets=m.targets,
        when=m.when,
        when_text=m.when_text,
        where=m.where,
        attributes=dict(sorted(attributes.items())),
        sentence=texts[m.sent_index].strip(),
        sentence_index=m.sent_index,
        start=m.start,
        end=m.end,
        roles={k: v for k, v in sorted(m.roles.items()) if role_is_specific(v)},
        names=dict(sorted(m.names.items())),
    )


def _incident_place(
    m: _Mention, text: str, ents: CanonicalEntities, pairs: Sequence[CityState]
) -> tuple[str | None, str | None]:
    """City and state of an incident.

    A "City, State" pair the article writes wins: the one naming the incident's own place, else one whose city
    the headline names, else the first (usually the dateline). Without a pair, the incident's own place (or the
    headline's) is the city and the only state the article names is the state.
    """
    title = text.split("\n", 1)[0]
    own = ents.names.get(m.where, "") if m.where else ""
    for pair in pairs:
        if own and pair.city.lower() == own.lower():
            return pair.city, pair.state
    for pair in pairs:
        if pair.city in title:
            return pair.city, pair.state
    states = {p.state for p in pairs} or {
        name for e in ents.entities if e.label == "GPE" and (name := state_name(e.name))
    }
    state = next(iter(states)) if len(states) == 1 else None
    if state is None:
        return None, None  # outside a US "City, State" context a headline place may be a country
    city: str | None = None
    if own and state_name(own) is None and own not in _NOT_CITIES and m.where and m.where[:4] in {"gpe:", "loc:"}:
        city = own
    else:
        city = next(
            (
                e.name
                for e in ents.entities
                if e.label == "GPE" and e.name in title and state_name(e.name) is None and e.name not in _NOT_CITIES
            ),
            None,
        )
    if city is None and pairs:
        return pairs[0].city, pairs[0].state
    return city, state


_NOT_CITIES = frozenset({"U.S.", "US", "United States", "America", "USA"})
