"""The quotations of one parsed article with their speakers (pure functions over a spaCy ``Doc``)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from spacy.tokens import Doc, Span

from agents.extract.context import Context, build_context, resolve, verb_subjects
from agents.extract.entities import CanonicalEntities
from schemas.extraction import Quote

__all__ = ["SAY_VERBS", "extract_quotes"]

# Lemmas of reporting verbs: a quote's speaker is their subject (a date they govern is when something was said).
SAY_VERBS = frozenset(
    {
        "say",
        "tell",
        "add",
        "state",
        "write",
        "warn",
        "declare",
        "announce",
        "insist",
        "explain",
        "note",
        "claim",
        "argue",
        "advise",
        "urge",
        "stress",
        "post",
        "tweet",
        "ask",
        "reply",
        "confirm",
        "describe",
        "report",
        "cite",
        "quote",
        "reaffirm",
        "vow",
        "threaten",
        "accuse",
    }
)


def extract_quotes(doc: Doc, ents: CanonicalEntities, context: Context | None = None) -> list[Quote]:
    """Quotations of four words or more with their speaker: the subject of the reporting verb next to them."""
    ctx = context if context is not None else build_context(doc, ents)
    spans = ctx.quoted
    sents = ctx.sents
    starts = [s.start_char for s in sents]
    quotes: list[Quote] = []
    previous_speaker: str | None = None
    previous_end = -1
    for a, b in spans:
        body = ctx.text[a + 1 : b - 1].strip()
        if len(body.split()) < 4:
            continue
        index = max(0, bisect_left(starts, a + 1) - 1)
        speaker = _speaker(sents, index, a, b, ctx)
        if speaker is None and previous_speaker is not None and a - previous_end < 200:
            speaker = previous_speaker  # a quote continued after a paragraph break
        quotes.append(Quote(speaker=speaker, text=body, sentence_index=index))
        previous_speaker, previous_end = speaker, b
    return quotes


def _speaker(sents: Sequence[Span], index: int, a: int, b: int, ctx: Context) -> str | None:
    for sent in sents[index : index + 2]:
        for tok in sent:
            if a <= tok.idx < b or tok.lemma_.lower() not in SAY_VERBS or tok.pos_ != "VERB":
                continue
            for subj in verb_subjects(tok):
                found = resolve(subj, ctx, allow_nouns=True)
                if found:
                    return found[0]
            for child in tok.children:  # "according to" / passive "was quoted by"
                if child.dep_ == "agent":
                    for obj in child.children:
                        found = resolve(obj, ctx, allow_nouns=True)
                        if found:
                            return found[0]
        if sent.end_char > b:
            break
    sent = sents[index]
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 2 < len(tok.doc) and tok.nbor().lower_ == "to":
            found = resolve(tok.nbor(2), ctx, allow_nouns=True)
            if found:
                return found[0]
    return None
