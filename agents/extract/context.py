"""What event and quote extraction share about one parsed article: its sentences, its quotations, the persons
pronouns may refer to (:func:`build_context`), and the participants a token stands for (:func:`resolve`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from agents.extract.entities import PLACE_LABELS, CanonicalEntities

__all__ = ["Context", "build_context", "mention_roots", "resolve", "verb_subjects", "with_conjuncts"]

_PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
_RELATIVE = frozenset({"which", "who", "that", "whom"})


@dataclass(frozen=True)
class Context:
    """What :func:`build_context` reads once per Doc for event and quote extraction."""

    doc: Doc
    ents: CanonicalEntities
    person_subjects: list[tuple[int, str]]  # (token index, entity id) of persons as subjects outside quotes
    person_positions: list[tuple[int, str]]  # every person mention (token index of its root)
    place_ids: frozenset[str]
    gpe_by_stem: dict[str, str]  # "ukrai" -> "gpe:ukraine" to read "Ukrainian" as Ukraine in a frame
    roles: dict[str, str]  # entity id -> role
    sents: list[Span]
    sent_of: list[int]  # token index -> sentence index (Token.sent rescans the doc: too slow per token)
    quoted: list[tuple[int, int]]  # character spans of quotations
    text: str  # doc.text, joined once (the property rebuilds it on every access)
    ents_spans: tuple[Span, ...]  # doc.ents, built once
    sent_texts: list[str]  # each sentence's text, sliced once (Span.text joins its tokens on every access)

    def sent(self, tok: Token) -> Span:
        return self.sents[self.sent_of[tok.i]]


def resolve(tok: Token, ctx: Context, *, allow_nouns: bool) -> list[str]:
    """Participant ids a token stands for (entity id, a resolved pronoun, or a lowercased noun)."""
    ids = ctx.ents.token_ids
    if tok.i in ids:
        return [_norp_as_gpe(ids[tok.i], ctx)]
    low = tok.lower_
    if low in _PRONOUNS:
        found = _antecedent(tok, ctx)
        return [found] if found else []
    if low in _RELATIVE and tok.head.dep_ == "relcl":
        return resolve(tok.head.head, ctx, allow_nouns=allow_nouns)
    if tok.pos_ in {"NOUN", "PROPN"}:
        for child in tok.children:
            if child.dep_ in {"poss", "compound", "amod"} and child.i in ids:
                return [_norp_as_gpe(ids[child.i], ctx)]
        if allow_nouns and tok.pos_ == "NOUN" and tok.is_alpha and not tok.is_stop:
            return ["np:" + tok.lemma_.lower()]
    return []


def _norp_as_gpe(eid: str, ctx: Context) -> str:
    """A nationality read as its country when the article names it ("Ukrainian" → "gpe:ukraine")."""
    label, _, slug = eid.partition(":")
    if label in {"norp", "gpe"} and len(slug) >= 5:
        country = ctx.gpe_by_stem.get(slug[:5])
        if country is not None and len(country) < len(eid) + (4 if label == "norp" else 0) and country != eid:
            return country
    return eid


def _antecedent(tok: Token, ctx: Context) -> str | None:
    """The person a he/she refers to: the last person named earlier in the sentence, else the last person subject."""
    sent_start = ctx.sent(tok).start
    pos = bisect_left(ctx.person_positions, (tok.i, ""))
    if pos and ctx.person_positions[pos - 1][0] >= sent_start:
        return ctx.person_positions[pos - 1][1]
    pos = bisect_left(ctx.person_subjects, (tok.i, ""))
    return ctx.person_subjects[pos - 1][1] if pos else None


def with_conjuncts(tokens: Iterable[Token]) -> list[Token]:
    """The tokens, each followed by the later tokens it is conjoined with ("Putin and Zelensky")."""
    out: list[Token] = []
    for t in tokens:
        out.append(t)
        out.extend(c for c in t.conjuncts if c.i > t.i)
    return out


def verb_subjects(verb: Token, depth: int = 0) -> list[Token]:
    """The subjects of a verb (agents of a passive too), else those of the verb it hangs from (up to 3 steps)."""
    subjects = [c for c in verb.children if c.dep_ in {"nsubj", "csubj"}]
    subjects += [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    if subjects:
        return with_conjuncts(subjects)
    if depth < 3 and verb.dep_ in {"xcomp", "conj", "advcl", "pcomp"} and verb.head is not verb:
        return verb_subjects(verb.head, depth + 1)
    return []


def mention_roots(doc: Doc, ents: CanonicalEntities, ids: set[str]) -> list[tuple[int, str]]:
    """(token index, entity id) of the root token of every mention of the entities ``ids``, in text order."""
    out = []
    for i, eid in sorted(ents.token_ids.items()):
        head = doc[i].head.i
        if eid in ids and not (head != i and ents.token_ids.get(head) == eid):  # (not the root of its mention)
            out.append((i, eid))
    return out


def build_context(doc: Doc, ents: CanonicalEntities, text: str | None = None) -> Context:
    """What event and quote extraction share about a Doc: sentences, quotations, persons for pronouns.

    ``text`` is the text the Doc was parsed from, when the caller has it (saves rebuilding ``doc.text``).
    """
    sents = list(doc.sents)
    sent_of = [0] * len(doc)
    for index, sent in enumerate(sents):
        sent_of[sent.start : sent.end] = [index] * (sent.end - sent.start)
    if text is None or not doc or len(text) != doc[-1].idx + len(doc[-1].text_with_ws):
        text = doc.text
    quoted = _quote_spans(text)
    persons_all = mention_roots(doc, ents, {eid for eid, label in ents.labels.items() if label == "PERSON"})
    persons_subj = [
        (i, eid) for i, eid in persons_all if doc[i].dep_ in {"nsubj", "nsubjpass"} and not _inside(doc[i].idx, quoted)
    ]
    gpe_by_stem: dict[str, str] = {}
    for e in sorted(ents.entities, key=lambda e: (len(e.id), e.id)):
        if e.label == "GPE" and len(e.id) >= 9:
            gpe_by_stem.setdefault(e.id[4:9], e.id)
    places = frozenset(e.id for e in ents.entities if e.label in PLACE_LABELS)
    return Context(
        doc,
        ents,
        persons_subj,
        persons_all,
        places,
        gpe_by_stem,
        ents.roles_by_entity,
        sents,
        sent_of,
        quoted,
        text,
        tuple(doc.ents),
        [text[s.start_char : s.end_char] for s in sents],
    )


# --- quotations ----------------------------------------------------------------------------------------------

_CURLY = re.compile(r"“([^”]+)”|(?:(?<=\s)|(?<=^)|(?<=[(\[—-]))‘([^‘’]*(?:’\w[^‘’]*)*)’(?!\w)", re.M)
_PARAGRAPH = re.compile(r"\n\s*\n")


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quotation: curly pairs, and straight double quotes paired in order within a paragraph."""
    spans = [(m.start(), m.end()) for m in _CURLY.finditer(text)]
    offset = 0
    for paragraph in _PARAGRAPH.split(text):
        begin = text.find(paragraph, offset)
        marks = [begin + i for i, ch in enumerate(paragraph) if ch == '"']
        spans += [(marks[i], marks[i + 1] + 1) for i in range(0, len(marks) - 1, 2)]
        offset = begin + len(paragraph)
    return sorted(spans)


def _inside(offset: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a < offset < b for a, b in spans)
