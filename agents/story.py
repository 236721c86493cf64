"""Story state: fold assigned articles into a story and emit a new version only on real change (pure)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz
from spacy.lang.en.stop_words import STOP_WORDS

from agents.dedupe import entity_id_map, merge_entities, merge_events, role_conflicts
from schemas import ArticleExtraction, Changes, Conflict, StorySource, StoryUpdate, SummarySentence
from schemas.extraction import Entity, EventFrame

__all__ = ["StoredArticle", "StorySettings", "StoryState", "StoryStep", "apply_article", "build_story", "fold_articles"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


class StorySettings(BaseModel):
    """How a story is summarized."""

    model_config = ConfigDict(frozen=True)

    summary_sentences: int = 5
    syndication_threshold: float = 0.8  # share of equal MinHash values (≈ Jaccard of 5-word shingles)
    sentence_merge_ratio: float = 80.0  # rapidfuzz token_set_ratio above which two sentences say the same
    lead_sentences: int = 6  # sentences of each article considered for the summary


class StoredArticle(BaseModel):
    """What a story keeps of each of its articles (compact: no full text, no term vectors)."""

    article_id: str
    content_hash: str
    source: str
    title: str
    url: str | None = None
    published: datetime | None = None
    seen_at: datetime | None = None
    sentences: list[str] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    events: list[EventFrame] = Field(default_factory=list)
    fingerprint: list[int] = Field(default_factory=list)

    @classmethod
    def from_extraction(cls, ex: ArticleExtraction, lead_sentences: int) -> StoredArticle:
        art = ex.article
        keep = {f.sentence_index for f in ex.events}
        title = art.title.strip()
        sentences = [
            _clean_sentence(s) if (i < lead_sentences or i in keep) and s.strip() != title else ""
            for i, s in enumerate(ex.sentences)
        ]
        while sentences and not sentences[-1]:
            sentences.pop()
        return cls(
            article_id=art.id,
            content_hash=art.content_hash(),
            source=art.outlet,
            title=art.title.strip() or (ex.sentences[0] if ex.sentences else ""),
            url=art.url,
            published=art.published,
            seen_at=art.published or art.fetched_at,
            sentences=sentences,
            entities=ex.entities,
            events=ex.events,
            fingerprint=ex.text_fingerprint,
        )


def _clean_sentence(text: str) -> str:
    """One line of plain text: a sentence split across a paragraph break keeps only its last paragraph."""
    last_paragraph = re.split(r"\n\s*\n", text.strip())[-1]
    return " ".join(last_paragraph.split())


class StoryState(BaseModel):
    """The value of the ``stories`` table: a story's articles and its last emitted version."""

    story_id: str
    version: int = 0
    articles: dict[str, StoredArticle] = Field(default_factory=dict)
    last: StoryUpdate | None = None


class StoryStep(BaseModel):
    """Result of applying one article: the new state, the update to emit (if any), and whether it was a duplicate."""

    state: StoryState
    update: StoryUpdate | None = None
    duplicate: bool = False


def _order_key(a: StoredArticle) -> tuple[str, str]:
    return (a.seen_at.isoformat() if a.seen_at else "", a.article_id)


def _similarity(fp_a: list[int], fp_b: list[int]) -> float:
    if not fp_a or len(fp_a) != len(fp_b):
        return 0.0
    return sum(1 for x, y in zip(fp_a, fp_b, strict=True) if x == y) / len(fp_a)


def syndication_groups(articles: list[StoredArticle], threshold: float) -> dict[str, str | None]:
    """Map article id → id of the original it copies (None for originals). ``articles`` in story order."""
    copy_of: dict[str, str | None] = {}
    originals: list[StoredArticle] = []
    for art in articles:
        match = next((o for o in originals if _similarity(o.fingerprint, art.fingerprint) >= threshold), None)
        copy_of[art.article_id] = match.article_id if match else None
        if match is None:
            originals.append(art)
    return copy_of


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if w.lower() not in STOP_WORDS and len(w) > 2}


def summarize(
    articles: list[StoredArticle], copy_of: Mapping[str, str | None], new_ids: set[str], settings: StorySettings
) -> list[SummarySentence]:
    """Extractive summary: sentences many sources agree on, citing them all; what is new comes first."""
    by_id = {a.article_id: a for a in articles}
    groups: list[dict[str, object]] = []  # text, words, articles, first position
    for art in articles:
        if copy_of.get(art.article_id):
            continue  # a wire copy says what its original says; it is cited through the original below
        for idx, sent in enumerate(art.sentences):
            words = _content_words(sent)
            if len(words) < 4 or len(sent) > 400:
                continue
            for g in groups:
                if fuzz.token_set_ratio(sent, g["text"]) >= settings.sentence_merge_ratio:
                    g["articles"].add(art.article_id)  # type: ignore[attr-defined]
                    break
            else:
                groups.append({"text": sent, "words": words, "articles": {art.article_id}, "pos": idx})
    if not groups:
        return []
    copies: dict[str, set[str]] = {}
    for aid, orig in copy_of.items():
        if orig:
            copies.setdefault(orig, set()).add(aid)
    story_words: Counter[str] = Counter()
    for g in groups:
        story_words.update(g["words"])  # type: ignore[arg-type]

    def score(g: dict[str, object]) -> tuple[float, str]:
        words: set[str] = g["words"]  # type: ignore[assignment]
        support = len(g["articles"])  # type: ignore[arg-type]
        centrality = sum(story_words[w] for w in words) / (len(words) + 3)
        lead = 1.0 if g["pos"] == 0 else 0.0
        return (-(2.0 * support + centrality + lead), str(g["text"]))

    chosen: list[dict[str, object]] = []
    for g in sorted(groups, key=score):
        if len(chosen) >= settings.summary_sentences:
            break
        if any(fuzz.token_set_ratio(str(g["text"]), str(c["text"])) >= 60 for c in chosen):
            continue
        chosen.append(g)

    def cited(g: dict[str, object]) -> list[str]:
        ids = set(g["articles"])  # type: ignore[call-overload]
        for aid in list(ids):
            ids |= copies.get(aid, set())
        return sorted(ids)

    summary = []
    for g in chosen:
        ids = cited(g)
        summary.append(
            SummarySentence(text=str(g["text"]), article_ids=ids, sources=sorted({by_id[i].source for i in ids}))
        )
    # What is new first (stable: otherwise keep the score order).
    summary.sort(key=lambda s: 0 if new_ids & set(s.article_ids) else 1)
    return summary


def build_story(
    story_id: str, articles: Iterable[StoredArticle], *, new_ids: set[str], settings: StorySettings
) -> StoryUpdate:
    """The story as its articles tell it (version and changes left for :func:`apply_article`)."""
    ordered = sorted(articles, key=_order_key)
    copy_of = syndication_groups(ordered, settings.syndication_threshold)
    reports = [(a.article_id, a.source, f) for a in ordered for f in a.events]
    entity_lists = [a.entities for a in ordered]
    events, conflicts = merge_events(reports, entity_ids=entity_id_map(entity_lists))
    entities = merge_entities(entity_lists)
    # Offices held by one person named differently by different sources (story-level), unless an event already
    # carries the same disagreement.
    seen = {(c.attribute, tuple(sorted(str(v.value) for v in c.values))) for c in conflicts}
    for c in role_conflicts((a.article_id, a.source, a.entities) for a in ordered):
        if (c.attribute, tuple(sorted(str(v.value) for v in c.values))) not in seen:
            conflicts.append(c)
    originals = [a for a in ordered if not copy_of[a.article_id]]
    times = [a.seen_at for a in ordered if a.seen_at]
    return StoryUpdate(
        story_id=story_id,
        version=1,
        updated_at=max(times) if times else None,
        title=ordered[0].title,
        summary=summarize(ordered, copy_of, new_ids, settings),
        events=events,
        entities=entities,
        conflicts=conflicts,
        sources=[
            StorySource(
                article_id=a.article_id,
                source=a.source,
                title=a.title,
                url=a.url,
                published=a.published,
                copy_of=copy_of[a.article_id],
            )
            for a in ordered
        ],
        outlets=sorted({a.source for a in ordered}),
        article_count=len(ordered),
        independent_source_count=len({a.source for a in originals}),
        first_seen=min(times) if times else None,
        last_seen=max(times) if times else None,
    )


def _conflict_key(c: Conflict) -> str:
    return f"{c.event_id}:{c.attribute}"


def describe_changes(prev: StoryUpdate | None, cur: StoryUpdate, new_ids: list[str]) -> Changes:
    """What ``cur`` adds to ``prev``."""
    prev_outlets = set(prev.outlets) if prev else set()
    prev_events = {e.id: e for e in prev.events} if prev else {}
    prev_conflicts = {_conflict_key(c): c for c in prev.conflicts} if prev else {}
    changed: list[str] = []
    for ev in cur.events:
        old = prev_events.get(ev.id)
        if old is None:
            continue
        for attr in sorted(set(ev.attributes) | set(old.attributes)):
            if ev.attributes.get(attr) != old.attributes.get(attr):
                changed.append(f"{ev.id}.{attr}")
    new_conflicts = [
        _conflict_key(c)
        for c in cur.conflicts
        if _conflict_key(c) not in prev_conflicts or prev_conflicts[_conflict_key(c)] != c
    ]
    return Changes(
        new_articles=sorted(new_ids),
        new_sources=sorted(set(cur.outlets) - prev_outlets),
        new_events=sorted(e.id for e in cur.events if e.id not in prev_events),
        new_conflicts=sorted(new_conflicts),
        changed_attributes=changed,
        title_changed=prev is not None and prev.title != cur.title,
    )


_VOLATILE = {"version", "changes", "updated_at", "summary"}


def _same_content(a: StoryUpdate, b: StoryUpdate) -> bool:
    return a.model_dump(exclude=_VOLATILE) == b.model_dump(exclude=_VOLATILE) and {s.text for s in a.summary} == {
        s.text for s in b.summary
    }


def apply_article(
    state: StoryState | None, story_id: str, extraction: ArticleExtraction, settings: StorySettings
) -> StoryStep:
    """Fold one article into its story. Same article again (same content) → no change, no update."""
    state = state or StoryState(story_id=story_id)
    stored = StoredArticle.from_extraction(extraction, settings.lead_sentences)
    known = state.articles.get(stored.article_id)
    if known is not None and known.content_hash == stored.content_hash:
        return StoryStep(state=state, duplicate=True)
    articles = {**state.articles, stored.article_id: stored}
    view = build_story(story_id, articles.values(), new_ids={stored.article_id}, settings=settings)
    if state.last is not None and _same_content(view, state.last):
        return StoryStep(state=state.model_copy(update={"articles": articles}))
    version = state.version + 1
    update = view.model_copy(
        update={"version": version, "changes": describe_changes(state.last, view, [stored.article_id])}
    )
    return StoryStep(
        state=StoryState(story_id=story_id, version=version, articles=articles, last=update), update=update
    )


def fold_articles(
    story_id: str, extractions: Iterable[ArticleExtraction], settings: StorySettings
) -> tuple[StoryState | None, list[StoryUpdate]]:
    """Apply articles one by one; return the final state and every update emitted on the way."""
    state: StoryState | None = None
    updates: list[StoryUpdate] = []
    for ex in extractions:
        step = apply_article(state, story_id, ex, settings)
        state = step.state
        if step.update is not None:
            updates.append(step.update)
    return state, updates
