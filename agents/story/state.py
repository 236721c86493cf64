"""Story state: fold assigned articles into a story and emit a new version only on real change (pure)."""

from __future__ import annotations

import re
import zlib
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy
from pydantic import BaseModel, ConfigDict, Field, model_validator
from rapidfuzz import fuzz, process

from agents.compact import CompactLayout
from agents.story.facts import FactReport, Provenance, developments, fold_facts, is_development
from agents.story.fold import (
    Folded,
    cap_update,
    combine_folded,
    content_words,
    count_folded_events,
    fold_articles_into,
    story_order,
    summary_candidate,
    to_fold,
    union_folded,
    was_folded,
    with_folded,
)
from agents.story.merge import GroupMemo, Report, entity_id_map, merge_entities, merge_events, role_conflicts
from agents.story.settings import StorySettings
from schemas import (
    ArticleExtraction,
    Changes,
    Conflict,
    StoredArticle,
    StoryArticle,
    StoryFacts,
    StorySource,
    StoryUpdate,
    SummarySentence,
)

__all__ = [
    "StoredArticle",
    "StorySettings",
    "StoryState",
    "StoryStep",
    "apply_article",
    "apply_message",
    "build_story",
    "fold_articles",
    "pack_model",
    "stored_article",
    "unpack_model",
]

_M = TypeVar("_M", bound=BaseModel)


def stored_article(ex: ArticleExtraction, lead_sentences: int) -> StoredArticle:
    """The compact record a story keeps of an extracted article."""
    art = ex.article
    keep = {f.sentence_index for f in ex.events}
    title = art.title.strip()
    raw = list(ex.sentences)
    for i in range(1, len(raw)):
        if _CLOSERS.fullmatch(raw[i].strip()):  # a closing quote the splitter cut off: back onto its sentence
            raw[i - 1], raw[i] = raw[i - 1].rstrip() + raw[i].strip(), ""
    sentences = [
        _clean_sentence(s) if (i < lead_sentences or i in keep) and s.strip() != title else ""
        for i, s in enumerate(raw)
    ]
    while sentences and not sentences[-1]:
        sentences.pop()
    return StoredArticle(
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
        facts=ex.facts,
    )


def _clean_sentence(text: str) -> str:
    """One line of plain text: a sentence split across a paragraph break keeps only its last paragraph."""
    last_paragraph = re.split(r"\n\s*\n", text.strip())[-1]
    return " ".join(last_paragraph.split())


# A zlib preset dictionary for pack_model: the JSON field names (and a few common values) of the models a story
# keeps packed, so that a record of ~1 KB does not pay for spelling them out (measured on the dev files: one
# article 1,404 → 1,228 bytes, one update 1,136 → 891). FROZEN: a record packed with it needs it to unpack. A new
# dictionary goes beside this one in _PACK_DICTS (unpack_model picks the one the zlib header names) and becomes
# _PACK_DICT; records packed before any dictionary unpack as they are.
_PACK_DICT = (
    b'{"story_id":"s-","version":1,"updated_at":"","title":"","summary":[{"text":"","article_ids":["",""],'
    b'"sources":["",""]}],"events":[{"id":"ev-","type":"statement","trigger":"say","actors":["person:","org:"],'
    b'"targets":["np:"],"when":"","where":"gpe:","attributes":{"killed":1,"injured":1},"description":"",'
    b'"sources":[""],"article_ids":[""],"names":{"person:":""}}],"entities":[{"id":"person:","name":"",'
    b'"label":"PERSON","mentions":1,"aliases":[""]},{"id":"org:","name":"","label":"ORG","mentions":1,'
    b'"aliases":[""]},{"id":"gpe:","name":"","label":"GPE","mentions":1,"aliases":[""]}],"conflicts":[],'
    b'"sources":[{"article_id":"","source":"","title":"","url":"https://","published":"","copy_of":null}],'
    b'"outlets":[""],"article_count":1,"independent_source_count":1,"first_seen":"","last_seen":"",'
    b'"changes":{"new_articles":[""],"new_sources":[""],"new_events":["ev-"],"new_conflicts":[],'
    b'"changed_attributes":[],"title_changed":false,"merged_stories":[]},"merged_into":null}'
    b'{"article_id":"","content_hash":"","source":"","title":"","url":"https://","published":"","seen_at":"",'
    b'"sentences":["",""],"entities":[{"id":"person:","name":"","label":"PERSON","mentions":1,"aliases":[""],'
    b'"roles":[]},{"id":"org:","name":"","label":"ORG","mentions":1,"aliases":[""],"roles":[]},{"id":"gpe:",'
    b'"name":"","label":"GPE","mentions":1,"aliases":[""],"roles":[]}],"events":[{"type":"statement",'
    b'"trigger":"say","trigger_text":"said","actors":["person:"],"targets":["np:"],"when":null,"when_text":null,'
    b'"where":null,"attributes":{},"sentence":"","sentence_index":0,"start":0,"end":0,"roles":{},"names":{}}],'
    b'"fingerprint":[]}'
)
_PACK_DICTS = {zlib.adler32(_PACK_DICT): _PACK_DICT}


def pack_model(model: BaseModel) -> bytes:
    """A model as compact bytes: its JSON, zlib-compressed with a preset dictionary (what :class:`StoryState`
    keeps)."""
    packer = zlib.compressobj(level=1, zdict=_PACK_DICT)  # fast: a big story packs ~100 KB a step
    return packer.compress(model.model_dump_json().encode("utf-8")) + packer.flush()


def unpack_model(model: type[_M], packed: bytes) -> _M:
    """The model :func:`pack_model` packed (with any of the preset dictionaries, or none)."""
    if len(packed) >= 6 and packed[1] & 0x20:  # FDICT: the header names its dictionary (adler32, big-endian)
        unpacker = zlib.decompressobj(zdict=_PACK_DICTS[int.from_bytes(packed[2:6], "big")])
        return model.model_validate_json(unpacker.decompress(packed) + unpacker.flush())
    return model.model_validate_json(zlib.decompress(packed))


_SHARED: OrderedDict[tuple[type[BaseModel], bytes], BaseModel] = OrderedDict()
_SHARED_SIZE = 8  # a story's last version and folded tallies are read by its next step: a few stories' worth


def _unpack_shared(model: type[_M], packed: bytes) -> _M:
    """:func:`unpack_model`, memoized for the few records read most recently (the same bytes give an equal model,
    shared: callers copy before changing it)."""
    key = (model, packed)
    found = _SHARED.get(key)
    if found is None:
        found = _SHARED[key] = unpack_model(model, packed)
        while len(_SHARED) > _SHARED_SIZE:
            _SHARED.popitem(last=False)
    else:
        _SHARED.move_to_end(key)
    return found  # type: ignore[return-value]


class StoryState(BaseModel):
    """The value of the ``stories`` table: a story's articles and its last emitted version.

    Both are kept packed (:func:`pack_model`: ~1.3 KB per article and ~1.1 KB per update, against ~25 KB each as
    pydantic objects) and unpacked when a message needs them; the changelog carries the packed bytes as base64.
    A state written by an older version (``articles`` and ``last`` as objects) is packed when it is read.
    """

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    story_id: str
    version: int = 0
    packed_articles: dict[str, bytes] = Field(default_factory=dict)  # article id → packed StoredArticle
    packed_last: bytes | None = None  # the last emitted StoryUpdate, packed
    merged_into: str | None = None  # this story was folded into another one
    # Tuples (JSON arrays), so that the usual empty ones are one shared object, not three lists per story.
    absorbed: tuple[str, ...] = ()  # stories folded into this one
    awaiting: tuple[str, ...] = ()  # folded stories whose articles have not arrived yet
    waiting: tuple[StoryArticle, ...] = ()  # article messages held until they have
    # A big story's articles that left its window, folded (agents.story.fold.Folded, packed); absent otherwise.
    packed_folded: bytes | None = Field(default=None, exclude_if=lambda v: v is None)
    folded_ids: bytes = Field(default=b"", exclude_if=lambda v: not v)  # digests of the folded articles' ids
    # Stories split off from this one, and the articles they took (packed), to send again on a redelivery.
    parted: tuple[str, ...] = Field(default=(), exclude_if=lambda v: not v)
    packed_parted: dict[str, bytes] = Field(default_factory=dict, exclude_if=lambda v: not v)

    @model_validator(mode="before")
    @classmethod
    def _pack_unpacked(cls, data: Any) -> Any:
        """Accept ``articles`` (id → StoredArticle) and ``last`` (StoryUpdate), as older changelogs hold them."""
        if not isinstance(data, dict) or ("articles" not in data and "last" not in data):
            return data
        data = dict(data)
        articles = data.pop("articles", None) or {}
        data.setdefault(
            "packed_articles", {k: pack_model(StoredArticle.model_validate(v)) for k, v in articles.items()}
        )
        last = data.pop("last", None)
        if last is not None:
            data.setdefault("packed_last", pack_model(StoryUpdate.model_validate(last)))
        return data

    @property
    def last(self) -> StoryUpdate | None:
        """The last emitted version (unpacked once: shared, not to be changed)."""
        return None if self.packed_last is None else _unpack_shared(StoryUpdate, self.packed_last)

    @property
    def folded(self) -> Folded | None:
        """The folded articles' tallies (unpacked once: shared, not to be changed), or None while the story is within
        its window."""
        return None if self.packed_folded is None else _unpack_shared(Folded, self.packed_folded)

    @property
    def articles(self) -> dict[str, StoredArticle]:
        """The story's articles by id (unpacked on each call)."""
        return {k: unpack_model(StoredArticle, v) for k, v in self.packed_articles.items()}


class _UnpackedArticles:
    """The unpacked articles of the few stories stepped most recently, by their packed bytes (a memo: a story
    that keeps growing, as breaking news does, no longer unpacks every article on every step, which was ~23 % of
    a 400-article story's step).

    Bounded by stories and by articles (an unpacked article is ~24 KB against ~1.2 KB packed): the 100,000
    one-article stories of the memory benchmark leave a handful here, a story larger than ``max_articles`` is
    not kept. The articles are shared between steps and must not be changed in place (nothing does: steps copy).
    """

    def __init__(self, max_stories: int = 4, max_articles: int = 2_000) -> None:
        self.max_stories = max_stories
        self.max_articles = max_articles
        self._by_story: OrderedDict[str, dict[bytes, StoredArticle]] = OrderedDict()

    def of(self, state: StoryState) -> dict[str, StoredArticle]:
        """``state.articles``, reusing what the story's previous step unpacked."""
        known = self._by_story.pop(state.story_id, {})
        articles = {k: known.get(v) or unpack_model(StoredArticle, v) for k, v in state.packed_articles.items()}
        if len(articles) <= self.max_articles:
            self._by_story[state.story_id] = {state.packed_articles[k]: a for k, a in articles.items()}
            while len(self._by_story) > self.max_stories or self.cached() > self.max_articles:
                self._by_story.popitem(last=False)
        return articles

    def cached(self) -> int:
        return sum(len(v) for v in self._by_story.values())


_UNPACKED = _UnpackedArticles()


class _Groupings:
    """The last entity grouping (:class:`agents.story.merge.GroupMemo`) of the few stories built most recently, so that
    a growing story's next build decides again only the names near its new article's (the grouping was about half
    of a 400-article story's step). A memo is a shortcut and never changes a result, so a lost, stale or missing
    one only costs time. Bounded by stories and by names: a name's memo is ~2 KB (tracemalloc: 3,311 names of
    600 dev articles, 6.5 MB), so at most ~24 MB; a story with more names than the bound keeps none.
    """

    def __init__(self, max_stories: int = 4, max_names: int = 12_000) -> None:
        self.max_stories = max_stories
        self.max_names = max_names
        self._by_story: OrderedDict[str, GroupMemo] = OrderedDict()

    def take(self, story_id: str) -> GroupMemo:
        """The story's memo (an empty one when none is kept); give it back with :meth:`keep` once used."""
        return self._by_story.pop(story_id, None) or GroupMemo()

    def keep(self, story_id: str, memo: GroupMemo) -> None:
        if len(memo.names) > self.max_names:
            return
        self._by_story[story_id] = memo
        while len(self._by_story) > self.max_stories or self.names() > self.max_names:
            self._by_story.popitem(last=False)

    def names(self) -> int:
        return sum(len(m.names) for m in self._by_story.values())


_GROUPINGS = _Groupings()


class StoryStep(BaseModel):
    """Result of one message: the new state, the updates to emit, what to send on, whether it was a duplicate."""

    state: StoryState
    update: StoryUpdate | None = None  # the last of ``updates`` (most messages make at most one)
    updates: list[StoryUpdate] = Field(default_factory=list)
    forward: list[StoryArticle] = Field(default_factory=list)  # messages for other stories (an ``absorb``)
    duplicate: bool = False
    evicted: bool = False  # an ``evict``: the holder drops the story's state
    # Why the message was refused (an update or the state over ``story.max_message_bytes``): the state is the one
    # before it, nothing is sent, and the holder dead-letters the message.
    too_large: str | None = None


def syndication_groups(articles: list[StoredArticle], threshold: float) -> dict[str, str | None]:
    """Map article id → id of the original it copies (None for originals). ``articles`` in story order.

    An article copies the first original whose MinHash fingerprint agrees with its own in at least ``threshold``
    of the values (fingerprints of another length, or none, agree in none). Each article is compared with all
    the originals before it at once (NumPy), as a story may hold hundreds of articles."""
    copy_of: dict[str, str | None] = {}
    originals: list[str] = []
    fingerprints: dict[int, _Rows] = {}  # fingerprint length -> the originals' fingerprints of that length
    for art in articles:
        fp = art.fingerprint
        rows = fingerprints.get(len(fp)) if fp else None
        match: str | None = None
        if threshold <= 0 and originals:  # (agreeing in none is enough)
            match = originals[0]
        elif rows is not None:
            first = rows.first_at_least(fp, threshold)
            match = originals[first] if first is not None else None
        copy_of[art.article_id] = match
        if match is None:
            if fp:
                fingerprints.setdefault(len(fp), _Rows(len(fp))).add(fp, len(originals))
            originals.append(art.article_id)
    return copy_of


def _as_row(fp: list[int]) -> numpy.ndarray[Any, numpy.dtype[numpy.uint64]]:
    # MinHash values are unsigned 64-bit at most (datasketch: 32-bit); the mask keeps any other int from raising.
    return numpy.fromiter((v & 0xFFFF_FFFF_FFFF_FFFF for v in fp), dtype=numpy.uint64, count=len(fp))


class _Rows:
    """Fingerprints of one length as the rows of a growing matrix, each with the index of its original."""

    def __init__(self, width: int) -> None:
        self.matrix = numpy.empty((8, width), dtype=numpy.uint64)
        self.index = numpy.empty(8, dtype=numpy.int64)
        self.n = 0

    def add(self, fp: list[int], original: int) -> None:
        if self.n == len(self.matrix):
            self.matrix = numpy.concatenate([self.matrix, numpy.empty_like(self.matrix)])
            self.index = numpy.concatenate([self.index, numpy.empty_like(self.index)])
        self.matrix[self.n] = _as_row(fp)
        self.index[self.n] = original
        self.n += 1

    def first_at_least(self, fp: list[int], threshold: float) -> int | None:
        """Index of the first original whose share of equal values is at least ``threshold``, else None."""
        agree = (self.matrix[: self.n] == _as_row(fp)).sum(axis=1) / len(fp)
        hits = self.index[: self.n][agree >= threshold]
        return int(hits.min()) if len(hits) else None


_CLOSERS = re.compile(r"[\"'”’)\]]+")


@dataclass
class _SentenceGroup:
    """Sentences of several articles that say the same thing (the first one speaks for all)."""

    text: str
    words: set[str]
    position: int  # sentence index in the first article that said it
    articles: set[str] = field(default_factory=set)
    folded: int = 0  # folded articles that say it and are not in ``articles``
    outlets: frozenset[str] = frozenset()  # the outlets of those


def _sentence_groups(
    articles: list[StoredArticle], copy_of: Mapping[str, str | None], ratio: float, folded: Folded | None = None
) -> list[_SentenceGroup]:
    """The originals' summary candidates, grouped by what they say, in story order: a sentence joins the first group
    whose first sentence says the same (rapidfuzz ``token_set_ratio`` ≥ ``ratio``), else starts one.

    A story rebuilds its summary on every new article, and a large one holds thousands of candidate sentences. The
    groups depend only on the articles before, so for a story of at least ``_GROUP_CACHE_FROM`` articles the groups of
    the last call are kept (a small LRU by the story's first article) and, when those articles are still the first
    ones here, unchanged, only the articles after them are grouped. The result is the same either way."""
    pool = folded.sentences if folded is not None else []
    # A big story's folded candidates come first; they change only when the story folds again.
    pool_key = hash(tuple((c.text, c.article_count, tuple(c.article_ids)) for c in pool)) if pool else 0
    cached_size = len(articles) >= _GROUP_CACHE_FROM or folded is not None  # (a big story: always)
    key = (articles[0].article_id, ratio, pool_key) if cached_size else None
    signature = [(a.article_id, bool(copy_of.get(a.article_id)), tuple(a.sentences)) for a in articles] if key else []
    groups: list[_SentenceGroup] = []
    done = 0
    cached = _GROUP_CACHE.get(key) if key is not None else None
    if cached is not None and cached[0] == signature[: len(cached[0])]:
        groups = [_SentenceGroup(t, w, p, set(ids), n, o) for t, w, p, ids, n, o in cached[1]]
        done = len(cached[0])
    elif folded is not None:
        groups = [
            _SentenceGroup(
                c.text, content_words(c.text), c.position, set(c.article_ids), c.article_count - len(c.article_ids),
                frozenset(folded.outlet_names(c.outlets)),
            )
            for c in pool
        ]  # fmt: skip
    texts = [g.text for g in groups]
    for art in articles[done:]:
        if copy_of.get(art.article_id):
            continue  # a wire copy says what its original says; it is cited through the original
        for idx, sent in enumerate(art.sentences):
            words = content_words(sent)
            if not summary_candidate(sent, words):
                continue
            # The first group that says the same (rapidfuzz scores all of them in C).
            hits = process.extract(sent, texts, scorer=fuzz.token_set_ratio, score_cutoff=ratio, limit=None)
            if hits:
                same = groups[min(hit[2] for hit in hits)]
            else:
                same = _SentenceGroup(sent, words, idx)
                groups.append(same)
                texts.append(sent)
            same.articles.add(art.article_id)
    if key is not None:
        frozen = tuple((g.text, g.words, g.position, frozenset(g.articles), g.folded, g.outlets) for g in groups)
        _GROUP_CACHE[key] = (signature, frozen)
        _GROUP_CACHE.move_to_end(key)
        while len(_GROUP_CACHE) > _GROUP_CACHE_SIZE:
            _GROUP_CACHE.popitem(last=False)
    return groups


_GROUP_CACHE_FROM = 16  # stories with fewer articles are grouped from scratch (cheap; nothing kept for them)
_GROUP_CACHE_SIZE = 64  # stories whose groups are kept (the large ones a worker is updating)
_Signature = list[tuple[str, bool, tuple[str, ...]]]  # per article: id, a wire copy?, its candidate sentences
_FrozenGroups = tuple[tuple[str, set[str], int, frozenset[str], int, frozenset[str]], ...]
_GROUP_CACHE: OrderedDict[tuple[str, float, int], tuple[_Signature, _FrozenGroups]] = OrderedDict()


def summarize(
    articles: list[StoredArticle],
    copy_of: Mapping[str, str | None],
    new_ids: set[str],
    settings: StorySettings,
    *,
    lead: StoredArticle | None = None,
    folded: Folded | None = None,
) -> list[SummarySentence]:
    """Extractive summary: sentences many sources agree on, citing them all; what is new comes first.

    ``lead`` is the article of the story's newest development: its first sentence opens the summary. ``folded``:
    a big story's folded articles, whose summary candidates compete too.
    """
    by_id = {a.article_id: a for a in articles}
    groups = _sentence_groups(articles, copy_of, settings.sentence_merge_ratio, folded)
    if not groups:
        return []
    copies: dict[str, set[str]] = {}
    for aid, orig in copy_of.items():
        if orig:
            copies.setdefault(orig, set()).add(aid)
    story_words: Counter[str] = Counter()
    for g in groups:
        story_words.update(g.words)

    def score(g: _SentenceGroup) -> tuple[float, str]:
        centrality = sum(story_words[w] for w in g.words) / (len(g.words) + 3)
        lead = 1.0 if g.position == 0 else 0.0
        return (-(2.0 * (len(g.articles) + g.folded) + centrality + lead), g.text)

    chosen: list[_SentenceGroup] = []
    for g in sorted(groups, key=score):
        if len(chosen) >= settings.summary_sentences:
            break
        if not any(fuzz.token_set_ratio(g.text, c.text) >= 60 for c in chosen):
            chosen.append(g)

    summary = []
    for g in chosen:
        ids = set(g.articles)
        for aid in g.articles:
            ids |= copies.get(aid, set())
        cited = sorted(ids)
        outlets = {by_id[i].source for i in cited if i in by_id} | g.outlets
        total = len(cited) + g.folded if g.folded else None
        summary.append(SummarySentence(text=g.text, article_ids=cited, sources=sorted(outlets), article_total=total))
    # What is new first (stable: otherwise keep the score order).
    summary.sort(key=lambda s: 0 if new_ids & set(s.article_ids) else 1)
    first = next((t for t in (lead.sentences if lead is not None else []) if t), None)
    if lead is not None and first is not None:
        existing = next((s for s in summary if s.text == first), None)
        summary = [s for s in summary if s is not existing]
        opening = existing or SummarySentence(text=first, article_ids=[lead.article_id], sources=[lead.source])
        summary = [opening, *summary][: settings.summary_sentences]
    return summary


def story_facts(ordered: Iterable[StoredArticle], folded: Folded | None = None) -> tuple[StoryFacts, Provenance]:
    """The story's facts from its articles' (see :mod:`agents.story.facts`), a big story's folded reports first."""
    earlier: list[FactReport] = (
        [(r.article_id, r.source, r.published, r.facts) for r in folded.fact_reports] if folded is not None else []
    )
    return fold_facts(earlier + [(a.article_id, a.source, a.published or a.seen_at, a.facts) for a in ordered])


def build_story(
    story_id: str, articles: Iterable[StoredArticle], *, new_ids: set[str], settings: StorySettings
) -> StoryUpdate:
    """The story as its articles tell it (version and changes left for :func:`apply_article`)."""
    return _tell_story(story_id, articles, new_ids=new_ids, settings=settings)[0]


def _tell_story(
    story_id: str,
    articles: Iterable[StoredArticle],
    *,
    new_ids: set[str],
    settings: StorySettings,
    folded: Folded | None = None,
) -> tuple[StoryUpdate, Provenance]:
    """:func:`build_story`, and where its facts come from (what :func:`developments` needs). ``folded``: a big
    story's articles that left its window (``articles`` are the window's)."""
    ordered = sorted(articles, key=story_order)
    copy_of = syndication_groups(ordered, settings.syndication_threshold)
    reports: list[Report] = [(a.article_id, a.source, f) for a in ordered for f in a.events]
    entity_lists = [a.entities for a in ordered]
    if folded is not None:
        reports += [s.report() for e in folded.events for s in e.samples]
        entity_lists.insert(0, folded.entities)
    grouping = _GROUPINGS.take(story_id)
    entity_ids = entity_id_map(entity_lists, memo=grouping)
    _GROUPINGS.keep(story_id, grouping)
    grouped: dict[str, list[Report]] | None = {} if folded is not None else None
    events, conflicts = merge_events(reports, entity_ids=entity_ids, grouped=grouped)
    if folded is not None and grouped is not None:
        window = {a.article_id: n for n, a in enumerate(ordered)}
        events, conflicts = count_folded_events(events, conflicts, grouped, folded, window)
    entities = merge_entities(entity_lists, id_map=entity_ids)
    # Offices held by one person named differently by different sources (story-level), unless an event already
    # carries the same disagreement.
    seen = {(c.attribute, tuple(sorted(str(v.value) for v in c.values))) for c in conflicts}
    offices = [(a.article_id, a.source, a.entities) for a in ordered]
    for c in role_conflicts([*(folded.role_reports() if folded is not None else []), *offices]):
        if (c.attribute, tuple(sorted(str(v.value) for v in c.values))) not in seen:
            conflicts.append(c)
    facts, provenance = story_facts(ordered, folded)
    # A later report that moves a fact forward (a toll that rose, an injured victim who died) is a development, not
    # a disagreement between sources: it leaves the conflicts, and the story is told from it.
    published = {a.article_id: a.published or a.seen_at for a in ordered}
    if folded is not None:
        published.update({r.article_id: r.published for r in folded.fact_reports})
    conflicts = [c for c in conflicts if not is_development(c, published)]
    latest = provenance.get("latest")
    lead = next((a for a in ordered if latest is not None and a.article_id == latest[0]), None)
    originals = [a for a in ordered if not copy_of[a.article_id]]
    times = [a.seen_at for a in ordered if a.seen_at]
    if folded is not None:
        times += [t for t in (folded.first_seen, folded.last_seen) if t]
    outlets = {a.source for a in ordered} | (set(folded.outlets) if folded is not None else set())
    independent = {a.source for a in originals} | (
        folded.outlet_names(folded.original_outlets) if folded is not None else set()
    )
    unnamed = folded.unknown_originals if folded is not None else 0  # each its own source, counted not listed
    title = folded.title if folded is not None else ordered[0].title
    update = StoryUpdate(
        story_id=story_id,
        version=1,
        updated_at=max(times) if times else None,
        title=lead.title if lead is not None else title,
        summary=summarize(ordered, copy_of, new_ids, settings, lead=lead, folded=folded),
        events=events,
        entities=entities,
        conflicts=conflicts,
        facts=facts,
        sources=[
            *(folded.first_sources if folded is not None else []),
            *(
                StorySource(
                    article_id=a.article_id,
                    source=a.source,
                    title=a.title,
                    url=a.url,
                    published=a.published,
                    copy_of=copy_of[a.article_id],
                )
                for a in ordered
            ),
        ],
        outlets=sorted(outlets),
        article_count=len(ordered) + (folded.article_count if folded is not None else 0),
        independent_source_count=len(independent) + unnamed,
        first_seen=min(times) if times else None,
        last_seen=max(times) if times else None,
    )
    return update, provenance


def keep_event_ids(prev: StoryUpdate | None, cur: StoryUpdate) -> tuple[StoryUpdate, dict[str, str]]:
    """``cur`` with each event under the id it was published with: an event keeps its id once published.

    An event's fresh id comes from its earliest article, which a late article can change; so each event takes the
    id of the first event of the previous version, of its type, that shares an article with it. Two published
    events that are now one keep the older id (the first listed), and the other's id maps to it in the returned
    ``{gone id: survivor id}`` (``changes.merged_events``). Pure and deterministic: a replay gives the same ids.
    """
    if prev is None or not prev.events:
        return cur, {}
    old = [(e.id, e.type, set(e.article_ids)) for e in prev.events]
    taken: set[str] = set()
    rename: dict[str, str] = {}
    merged: dict[str, str] = {}
    for ev in cur.events:
        mine = set(ev.article_ids)
        candidates = [eid for eid, kind, ids in old if kind == ev.type and eid not in taken and mine & ids]
        if not candidates:
            continue
        keep = candidates[0]
        taken.add(keep)
        if keep != ev.id:
            rename[ev.id] = keep
        for other in candidates[1:]:
            merged.setdefault(other, keep)
    merged = {gone: keep for gone, keep in merged.items() if gone not in taken}
    if rename:
        events = [e.model_copy(update={"id": rename.get(e.id, e.id)}) for e in cur.events]
        conflicts = [c.model_copy(update={"event_id": rename.get(c.event_id, c.event_id)}) for c in cur.conflicts]
        cur = cur.model_copy(update={"events": events, "conflicts": conflicts})
    return cur, merged


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
    # A conflict is new once: when its event and attribute first disagree (a side gaining a source is not news).
    new_conflicts = [_conflict_key(c) for c in cur.conflicts if _conflict_key(c) not in prev_conflicts]
    return Changes(
        new_articles=sorted(new_ids),
        new_sources=sorted(set(cur.outlets) - prev_outlets),
        new_events=sorted(e.id for e in cur.events if e.id not in prev_events),
        new_conflicts=sorted(new_conflicts),
        changed_attributes=changed,
        title_changed=prev is not None and prev.title != cur.title,
    )


_VOLATILE = {"version", "changes", "updated_at", "summary"}


_COMPARED = tuple(f for f in StoryUpdate.model_fields if f not in _VOLATILE)


def _same_content(a: StoryUpdate, b: StoryUpdate) -> bool:
    """Whether two versions tell the same (the summary as a set of sentences, in any order); compares the models
    field by field rather than dumping both, which cost ~8 % of a 400-article story's step."""
    return all(getattr(a, f) == getattr(b, f) for f in _COMPARED) and {s.text for s in a.summary} == {
        s.text for s in b.summary
    }


def _emit(
    state: StoryState,
    articles: Mapping[str, StoredArticle],
    packed: dict[str, bytes],
    new_ids: list[str],
    settings: StorySettings,
    **extra: object,
) -> tuple[StoryState, StoryUpdate | None]:
    """The next version of the story if its content changed (``extra`` goes into the update and its changes).

    ``articles`` are the story's articles in its window, unpacked; ``packed`` the same, packed (the new state keeps
    these). A story past its window then folds its oldest articles (:mod:`agents.story.fold`).
    """
    merged = list(extra.pop("merged_stories", []))  # type: ignore[call-overload]
    split = list(extra.pop("split_stories", []))  # type: ignore[call-overload]
    folded = state.folded
    view, provenance = _tell_story(
        state.story_id, articles.values(), new_ids=set(new_ids), settings=settings, folded=folded
    )
    view = view.model_copy(update=extra)
    last = state.last
    view, merged_events = keep_event_ids(last, view)
    leaving = to_fold(articles.values(), settings)
    if leaving:
        gone = {a.article_id for a in leaving}
        packed = {k: v for k, v in packed.items() if k not in gone}
        state = state.model_copy(
            update={
                "packed_folded": pack_model(fold_articles_into(folded, leaving, view, settings)),
                "folded_ids": with_folded(state.folded_ids, gone),
            }
        )
    fresh = set(new_ids)
    changed = {e.id for e in view.events if fresh & set(e.article_ids)}
    outlets = len(view.outlets) + (folded.unknown_outlets if folded is not None else 0)
    view = cap_update(view, settings, changed, outlets=outlets)
    if last is not None and not merged and not split and not extra and _same_content(view, last):
        return state.model_copy(update={"packed_articles": packed}), None
    version = state.version + 1
    moved = developments(
        last.facts if last is not None else None,
        view.facts,
        provenance,
        fresh,
    )
    changes = describe_changes(last, view, new_ids).model_copy(
        update={"merged_stories": merged, "split_stories": split, "developments": moved, "merged_events": merged_events}
    )
    update = view.model_copy(update={"version": version, "changes": changes})
    new_state = state.model_copy(
        update={"version": version, "packed_articles": packed, "packed_last": pack_model(update)}
    )
    return new_state, update


def apply_article(
    state: StoryState | None, story_id: str, extraction: ArticleExtraction, settings: StorySettings
) -> StoryStep:
    """Fold one article into its story. Same article again (same content) → no change, no update."""
    return apply_message(state, StoryArticle(story_id=story_id, extraction=extraction), settings)


# The states the ``stories`` table keeps: attributes in a key-sharing dict and one shared fields set (~0.5 KiB
# less per state; :class:`agents.compact.CompactLayout`).
_STATE_LAYOUT = CompactLayout(StoryState)


def apply_message(state: StoryState | None, msg: StoryArticle, settings: StorySettings) -> StoryStep:
    """Apply one ``story-articles`` message (see :class:`StoryArticle` for the kinds).

    A message whose update or new state would not fit in one broker message (``max_message_bytes``) is refused
    (``too_large``): the story keeps the state it had, and nothing is sent for it.
    """
    step = _apply_message(state, msg, settings)
    reason = _too_large(step, settings.max_message_bytes)
    if reason is not None:
        kept = state or StoryState(story_id=msg.story_id)
        return StoryStep(state=kept, too_large=f"story {msg.story_id}: {reason}")
    _STATE_LAYOUT.apply(step.state)
    return step


def _too_large(step: StoryStep, limit: int) -> str | None:
    """Why the step's updates or state would not fit in a message of ``limit`` bytes (None: they fit)."""
    if step.duplicate or step.evicted:
        return None
    # The last version is packed in the state: JSON compresses well under 64:1 (measured ~6:1 on updates), so an
    # update far below the limit is not serialized again to be measured.
    packed_last = len(step.state.packed_last or b"")
    for update in step.updates if packed_last * 64 > limit else ():
        size = len(update.model_dump_json().encode("utf-8"))
        if size > limit:
            return f"version {update.version} would be {size:,} bytes, over the {limit:,}-byte message limit"
    state = step.state
    # The changelog carries the packed bytes as base64 (4/3): only a state near the limit is measured exactly.
    packed = sum(map(len, state.packed_articles.values())) + len(state.packed_last or b"")
    packed += len(state.packed_folded or b"") + len(state.folded_ids)
    if packed * 4 // 3 + 1_024 * len(state.waiting) > limit // 2:
        size = len(state.model_dump_json().encode("utf-8"))
        if size > limit:
            return f"its saved state would be {size:,} bytes, over the {limit:,}-byte message limit"
    return None


def _apply_message(state: StoryState | None, msg: StoryArticle, settings: StorySettings) -> StoryStep:
    state = state or StoryState(story_id=msg.story_id)
    if msg.kind == "evict":
        return StoryStep(state=state, evicted=True)
    if msg.kind in ("expect_merge", "expect_split"):
        other = msg.other_story or ""
        if other in state.absorbed or other in state.awaiting:
            return StoryStep(state=state, duplicate=True)
        return StoryStep(state=state.model_copy(update={"awaiting": (*state.awaiting, other)}))
    if msg.kind == "merge_into":
        return _merge_into(state, msg.other_story or "", settings)
    if msg.kind == "absorb":
        return _absorb(state, msg, settings)
    if state.awaiting:  # a folded story's articles come first: hold this one (or a split) until they are here
        if any(w.extraction == msg.extraction if msg.kind == "article" else w == msg for w in state.waiting):
            return StoryStep(state=state, duplicate=True)
        return StoryStep(state=state.model_copy(update={"waiting": (*state.waiting, msg)}))
    if msg.kind == "split_off":
        return _split_off(state, msg, settings)
    assert msg.extraction is not None, "an article message carries its extraction"
    stored = stored_article(msg.extraction, settings.lead_sentences)
    known = state.packed_articles.get(stored.article_id)
    if known is not None and unpack_model(StoredArticle, known).content_hash == stored.content_hash:
        return StoryStep(state=state, duplicate=True)
    if known is None and was_folded(state.folded_ids, stored.article_id):
        return StoryStep(state=state, duplicate=True)  # an article folded long ago, redelivered
    if known is None and stored.article_id in state.packed_parted:
        return StoryStep(state=state, duplicate=True)  # redelivered after a split took it to another story
    articles = {**_UNPACKED.of(state), stored.article_id: stored}
    packed = {**state.packed_articles, stored.article_id: pack_model(stored)}
    new_state, update = _emit(state, articles, packed, [stored.article_id], settings)
    return StoryStep(state=new_state, update=update, updates=[update] if update else [])


def _merge_into(state: StoryState, target: str, settings: StorySettings) -> StoryStep:
    articles = _UNPACKED.of(state)
    absorb = StoryArticle(
        story_id=target,
        kind="absorb",
        other_story=state.story_id,
        articles=[articles[k] for k in sorted(articles)],
        folded=state.packed_folded,
        folded_ids=state.folded_ids,
    )
    if state.merged_into is not None:  # redelivered: send the articles again (the target ignores a repeat)
        return StoryStep(state=state, forward=[absorb], duplicate=True)
    new_state, update = _emit(state, articles, dict(state.packed_articles), [], settings, merged_into=target)
    new_state = new_state.model_copy(update={"merged_into": target})
    return StoryStep(state=new_state, update=update, updates=[update] if update else [], forward=[absorb])


def _split_off(state: StoryState, msg: StoryArticle, settings: StorySettings) -> StoryStep:
    """The articles ``msg.article_ids`` leave for the new story ``msg.other_story``: a version without them, and an
    ``absorb`` that takes them there (sent again, from ``packed_parted``, when the message is redelivered)."""
    target = msg.other_story or ""
    leaving = set(msg.article_ids)

    def absorb(packed: Mapping[str, bytes]) -> StoryArticle:
        moved = [unpack_model(StoredArticle, packed[k]) for k in sorted(packed) if k in leaving]
        return StoryArticle(story_id=target, kind="absorb", other_story=state.story_id, articles=moved, split=True)

    if target in state.parted:  # redelivered
        return StoryStep(state=state, forward=[absorb(state.packed_parted)], duplicate=True)
    articles = {k: a for k, a in _UNPACKED.of(state).items() if k not in leaving}
    packed = {k: v for k, v in state.packed_articles.items() if k not in leaving}
    parted = {**state.packed_parted, **{k: v for k, v in state.packed_articles.items() if k in leaving}}
    base = state.model_copy(update={"parted": (*state.parted, target), "packed_parted": parted})
    new_state, update = _emit(base, articles, packed, [], settings, split_stories=[target])
    return StoryStep(state=new_state, update=update, updates=[update] if update else [], forward=[absorb(parted)])


def _absorb(state: StoryState, msg: StoryArticle, settings: StorySettings) -> StoryStep:
    other = msg.other_story or ""
    if other in state.absorbed:
        return StoryStep(state=state, duplicate=True)
    incoming = {
        a.article_id: a
        for a in msg.articles
        if a.article_id not in state.packed_articles and not was_folded(state.folded_ids, a.article_id)
    }
    articles = {**_UNPACKED.of(state), **incoming}
    packed = {**state.packed_articles, **{k: pack_model(a) for k, a in incoming.items()}}
    base = state.model_copy(
        update={"awaiting": tuple(s for s in state.awaiting if s != other), "absorbed": (*state.absorbed, other)}
    )
    if msg.folded is not None:  # a big story merged in: its folded articles' tallies join ours
        theirs = unpack_model(Folded, msg.folded)
        ids = union_folded(state.folded_ids, msg.folded_ids)
        base = base.model_copy(
            update={"packed_folded": pack_model(combine_folded(base.folded, theirs, settings)), "folded_ids": ids}
        )
    how = {"split_stories": [other]} if msg.split else {"merged_stories": [other]}
    new_state, update = _emit(base, articles, packed, sorted(incoming), settings, **how)
    updates, forward = [update] if update else [], []
    if not new_state.awaiting and new_state.waiting:  # release the messages that waited, in arrival order
        held, new_state = new_state.waiting, new_state.model_copy(update={"waiting": ()})
        for waiting in held:
            step = _apply_message(new_state, waiting, settings)
            new_state = step.state
            updates.extend(step.updates)
            forward.extend(step.forward)  # (a split held back sends its articles on)
    return StoryStep(state=new_state, update=updates[-1] if updates else None, updates=updates, forward=forward)


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
