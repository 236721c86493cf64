"""Online story clustering: each article extraction joins a recent story or starts a new one (pure).

The :class:`StoryIndex` keeps compact :class:`StoryProfile` s of the stories in a bounded window and an
inverted index (feature → stories) over them, so one assignment only touches the stories that share a
feature with the article. Similarity is TF-IDF over four feature families (content lemmas, canonical
entities, title lemmas, event cues: places, dates, figures, people), with document frequencies learned
online from the profiles themselves, an association score P(story | feature), a disjoint-entity check
and a time decay when both sides carry publication dates. Two live stories whose centroids agree are
merged explicitly (``Assignment.merged``). See docs/clustering.md.

Everything here is deterministic: the same extractions in the same order give the same story ids,
scores, merges and evictions. No clock, no randomness, no set-iteration order in any decision, and an
index restored from its profiles continues exactly like one that never stopped.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import math
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from math import fsum

from pydantic import BaseModel, ConfigDict, Field

from schemas.extraction import ArticleExtraction

__all__ = [
    "Assignment",
    "ClusterSettings",
    "StoryIndex",
    "StoryProfile",
    "article_features",
    "story_id_for",
]

_DAY = 86_400.0
_ISO_DATE = re.compile(r"^((?:1[89]|20)\d\d)(?:-(\d\d))?(?:-(\d\d))?")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
# Feature families: each has its own vector, weight, cap, DF table and inverted index.
_FAMILIES = ("terms", "entities", "title", "cues")
# Ties between equally weighty features of different families break in this order (stable across versions).
_TIE = {"cues": 0, "entities": 1, "title": 2, "terms": 3}


class ClusterSettings(BaseModel):
    """Every knob of the clusterer. Defaults were chosen on the dev files (see docs/clustering.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    threshold: float = Field(
        0.10,
        description=("Minimum similarity for an article to join a story; below it, a new story starts."),
    )
    threshold_single: float = Field(
        0.12,
        description="Threshold to join a story of one article; for a story of n articles the threshold is "
        "threshold + (threshold_single − threshold)/n.",
    )
    weight_terms: float = Field(0.40, description="Weight of the TF-IDF cosine of content lemmas.")
    weight_entities: float = Field(0.30, description="Weight of the TF-IDF cosine of canonical entities.")
    weight_title: float = Field(0.15, description="Weight of the TF-IDF cosine of title lemmas.")
    weight_cues: float = Field(
        0.15,
        description=("Weight of the TF-IDF cosine of event cues (places, dates, figures, people)."),
    )
    disjoint_min_entities: int = Field(
        3, description="An article and a story that each name at least this many entities but share none..."
    )
    disjoint_penalty: float = Field(0.5, description="...have their similarity multiplied by this.")
    named_month_waives_decay: bool = Field(
        True,
        description="No time decay when the article names a month (e.g. the incident's date) that the story names: "
        "a trial weeks later that recalls the incident's date is a follow-up, not a new event.",
    )
    time_scale_days: float = Field(
        30.0,
        description=(
            "Time decay: the score is divided by 1 + gap/time_scale_days, gap = days between the article and "
            "the story's date range."
        ),
    )
    time_grace_days: float = Field(
        1.0,
        description="Days of gap between an article and a story's date range that cost nothing (day-precision dates).",
    )
    assoc_share: float = Field(
        0.3,
        description="Share of the association score P(story | feature) in each family's similarity "
        "(the rest is the cosine).",
    )
    assoc_smoothing: float = Field(1.0, description="Added to a feature's document frequency in P(story | feature).")
    merge_threshold: float = Field(
        0.22,
        description="Story-to-story similarity at which two live stories are merged (the older absorbs the "
        "younger, an explicit merge in the Assignment); above 1 disables merging.",
    )
    merge_min_articles: int = Field(
        2, description="Both stories need this many articles before they can merge (centroids are reliable then)."
    )
    merge_min_entity_cosine: float = Field(
        0.2,
        description="Two stories whose entity vectors agree less than this (cosine) count as disjoint events "
        "(their merge similarity is multiplied by disjoint_penalty).",
    )
    max_age_days: float = Field(
        90.0,
        description=(
            "Window by publication time: a dated story whose newest article is this much older than the "
            "newest article seen is evicted."
        ),
    )
    window_articles: int = Field(
        100_000,
        description=(
            "Window by arrival: an undated story that received no article during this many arrivals is evicted."
        ),
    )
    max_stories: int = Field(
        100_000,
        description=("Hard cap on live stories; the least recently updated are evicted first."),
    )
    max_article_terms: int = Field(200, description="Content lemmas of one article that count (its highest TF × IDF).")
    max_terms: int = Field(
        80, description="Content lemmas kept per story profile (highest share × IDF; trimmed back to this at +50%)."
    )
    max_entities: int = Field(30, description="Entities kept per story profile.")
    max_title_terms: int = Field(20, description="Title lemmas kept per story profile.")
    max_cues: int = Field(30, description="Event cues kept per story profile.")
    admit_share: float = Field(
        0.25,
        description="A story takes at most this share of a family's cap as new features from one article "
        "(the article's rarest); features it has already are always counted.",
    )
    max_article_ids: int = Field(200, description="Most recent article ids kept per story (idempotent re-delivery).")
    max_posting: int = Field(
        64,
        description=("Features shared by more live stories than this are not used to find candidates (still scored)."),
    )
    common_share: float = Field(
        0.05,
        description="A feature in more than this share of live stories (and in more than min_common_posting) "
        "is common: it does not find candidates, it is still scored for the best ones.",
    )
    min_common_posting: int = Field(20, description="See common_share.")
    candidate_features: int = Field(
        12, description="The article's most distinctive features that look up candidate stories in the index."
    )
    max_candidates: int = Field(10, description="Stories fully scored per article, the best by partial score first.")


class StoryProfile(BaseModel):
    """Everything the index knows about one story; JSON-serializable, the unit of persistence.

    Feature maps hold, for each kept feature, the number of the story's articles that contain it.
    """

    story_id: str
    first_article_id: str
    article_count: int = 0
    article_ids: list[str] = Field(default_factory=list)
    terms: dict[str, int] = Field(default_factory=dict)
    entities: dict[str, int] = Field(default_factory=dict)
    title: dict[str, int] = Field(default_factory=dict)
    cues: dict[str, int] = Field(default_factory=dict)
    first_published: datetime | None = None
    last_published: datetime | None = None
    first_seq: int = 0
    last_seq: int = 0
    merged_ids: list[str] = Field(default_factory=list)  # stories folded into this one (their ids now alias it)
    # Per family, the sums (S0, S1, S2) of u², u²·b, u²·b² over kept features, with u the article share
    # and b = log(df + 1) at the story's last update; the vector norm at any later corpus size N is
    # sqrt(A²·S0 − 2A·S1 + S2), A = log(N + 1) + 1. Stored so a restored index scores exactly alike.
    norm_stats: dict[str, tuple[float, float, float]] = Field(default_factory=dict)


class Assignment(BaseModel):
    """The decision for one article."""

    model_config = ConfigDict(frozen=True)

    article_id: str
    story_id: str
    new_story: bool
    score: float
    profile: StoryProfile
    evicted: list[str] = Field(default_factory=list)
    merged: list[str] = Field(default_factory=list)  # stories folded into story_id by this step: follow them there
    duplicate: bool = False  # the article id was already assigned; nothing changed


def _merge_check_due(count: int, minimum: int) -> bool:
    """Whether a story that just reached ``count`` articles looks for a story to merge with: at every
    size up to ``minimum + 2``, then each time it has grown by about a quarter (a function of the size
    alone, so a restored index checks at the same moments)."""
    if count < minimum:
        return False
    if count <= minimum + 2:
        return True
    return int(math.log(count, 1.25)) != int(math.log(count - 1, 1.25))


def _copy_profile(prof: StoryProfile) -> StoryProfile:
    """A detached copy (containers copied, values are immutable); much cheaper than a deep copy."""
    return StoryProfile.model_construct(
        **{
            **prof.__dict__,
            "article_ids": list(prof.article_ids),
            "terms": dict(prof.terms),
            "entities": dict(prof.entities),
            "title": dict(prof.title),
            "cues": dict(prof.cues),
            "norm_stats": dict(prof.norm_stats),
            "merged_ids": list(prof.merged_ids),
        }
    )


def story_id_for(article_id: str) -> str:
    """Deterministic story id from the id of the story's first article."""
    return "s-" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class ArticleFeatures:
    """Namespaced feature weights of one article, per family (sublinear TF)."""

    families: dict[str, dict[str, float]]


def _sublinear(count: float) -> float:
    return 1.0 + math.log(count) if count > 0 else 0.0


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """Light plural / third-person stripping. Title-case headlines leave "Sales", "Seeks", "Customers"
    unlemmatized (tagged as proper nouns); this folds them onto "sale", "seek", "customer"."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1]


def article_features(extraction: ArticleExtraction) -> ArticleFeatures:
    """Feature vectors of an extraction (before IDF).

    Event cues are normalized so that two reports of one event share them: ISO dates also give their
    month and year, years are read from figures too ("2013 sep"), casualty counts of event frames
    become ``killed:N`` / ``injured:N``; people, places and figures keep their canonical ids.
    """
    terms: dict[str, float] = {}
    for k, v in extraction.terms.items():
        if v > 0:
            key = _stem(k)
            terms[key] = terms.get(key, 0.0) + v
    terms = {k: _sublinear(v) for k, v in terms.items()}
    entities = {e.id: _sublinear(max(e.mentions, 1)) for e in extraction.entities}
    title = dict.fromkeys(sorted({_stem(t) for t in extraction.title_terms}), 1.0)
    cues: dict[str, float] = {}
    for place in extraction.places:
        cues["p:" + place] = 1.0
    for date in extraction.dates:
        m = _ISO_DATE.match(date)
        if m:
            cues["y:" + m.group(1)] = 1.0
            if m.group(2):
                cues["m:" + m.group(1) + m.group(2)] = 1.0
                if m.group(3):
                    cues["d:" + date[:10]] = 1.0
        else:
            cues["d:" + date.lower()] = 1.0
    for fig in extraction.figures:
        cues["f:" + fig] = 1.0
        for year in _YEAR.findall(fig):
            cues["y:" + year] = 1.0
    for ent in extraction.entities:
        if ent.label == "PERSON":
            cues["n:" + ent.id] = 1.0
    for event in extraction.events:
        for attr in ("killed", "injured"):
            value = event.attributes.get(attr)
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                cues[f"{attr}:{int(value)}"] = 1.0
        if event.where:
            cues["p:" + event.where] = 1.0
    return ArticleFeatures(families={"terms": terms, "entities": entities, "title": title, "cues": cues})


# An entry of the candidate search: (−potential, family tie rank, feature, partial weight, family).
_Gen = tuple[float, int, str, float, str]


@dataclass(frozen=True)
class _Scored:
    story_id: str
    score: float
    cosines: list[float]  # per family, in _FAMILIES order
    decay: float
    first_seq: int


@dataclass
class _Story:
    profile: StoryProfile
    first_ts: float | None = None  # the profile's date range as POSIX seconds (hot loop)
    last_ts: float | None = None

    def __post_init__(self) -> None:
        self.sync_dates()

    def sync_dates(self) -> None:
        self.first_ts = _ts(self.profile.first_published)
        self.last_ts = _ts(self.profile.last_published)


def _ts(dt: datetime | None) -> float | None:
    return dt.timestamp() if dt is not None else None


class StoryIndex:
    """In-memory state of recent stories; ``assign`` one extraction at a time, in arrival order."""

    def __init__(self, settings: ClusterSettings | None = None) -> None:
        self.settings = settings or ClusterSettings()
        self._reset()

    def _reset(self) -> None:
        self._stories: dict[str, _Story] = {}
        self._sizes: dict[str, int] = {}  # story id -> article count (hot loop)
        self._lru: OrderedDict[str, None] = OrderedDict()  # least recently updated first
        self._undated: OrderedDict[str, None] = OrderedDict()  # stories without any date, same order
        # Per family: feature -> {story id: article count}, and feature -> articles of live stories containing it.
        self._postings: dict[str, dict[str, dict[str, int]]] = {fam: {} for fam in _FAMILIES}
        self._df: dict[str, dict[str, int]] = {fam: {} for fam in _FAMILIES}
        self._articles: dict[str, str] = {}  # article id -> story id (ids kept in profiles)
        self._alias: dict[str, str] = {}  # merged story id -> the story that absorbed it
        self._n_articles = 0  # articles of live stories (IDF denominator)
        self._seq = 0
        self._clock: float | None = None  # newest publication time seen
        self._time_heap: list[tuple[float, str]] = []  # (last published, story id), lazily cleaned
        self._caps = {
            "terms": self.settings.max_terms,
            "entities": self.settings.max_entities,
            "title": self.settings.max_title_terms,
            "cues": self.settings.max_cues,
        }
        self._weights = {
            "terms": self.settings.weight_terms,
            "entities": self.settings.weight_entities,
            "title": self.settings.weight_title,
            "cues": self.settings.weight_cues,
        }

    # ------------------------------------------------------------------ public surface

    def __len__(self) -> int:
        return len(self._stories)

    @property
    def article_count(self) -> int:
        """Articles of the live stories (the population the IDF is learned on)."""
        return self._n_articles

    def profiles(self) -> list[StoryProfile]:
        """Copies of all live profiles, least recently updated first."""
        return [_copy_profile(self._stories[sid].profile) for sid in self._lru]

    def profile(self, story_id: str) -> StoryProfile | None:
        story = self._stories.get(story_id)
        return _copy_profile(story.profile) if story else None

    def live_profile(self, story_id: str) -> StoryProfile | None:
        """The index's own profile of a story, not a copy: it changes as the index does; never change it.

        For a holder that only needs the latest profile, like the ``cluster-index`` table (one object in memory
        instead of two; see :meth:`restore` with ``adopt``)."""
        story = self._stories.get(story_id)
        return story.profile if story else None

    def story_of(self, article_id: str) -> str | None:
        return self._articles.get(article_id)

    def assign(self, extraction: ArticleExtraction) -> Assignment:
        """Put one article into its story (existing or new). Idempotent per article id."""
        article = extraction.article
        known = self._articles.get(article.id)
        if known is not None:
            return Assignment(
                article_id=article.id,
                story_id=known,
                new_story=False,
                score=1.0,
                profile=_copy_profile(self._stories[known].profile),
                duplicate=True,
            )
        self._seq += 1
        published = _ts(article.published)
        if published is not None and (self._clock is None or published > self._clock):
            self._clock = published
        feats = self._prune(article_features(extraction))
        best_id, best_score = self._best_story(feats, published)
        if best_id is not None and best_score >= self.settings.threshold:
            story = self._stories[best_id]
            new = False
        else:
            best_id = story_id_for(article.id)
            if best_id in self._stories:  # the id of a still-live story: never reuse it
                best_id = story_id_for(f"{article.id}#{self._seq}")
            story = _Story(StoryProfile(story_id=best_id, first_article_id=article.id, first_seq=self._seq))
            self._stories[best_id] = story
            new = True
        self._add_article(story, article.id, feats, article.published)
        merged: list[str] = []
        if not new:
            story, merged = self._merge_similar(story)
            best_id = story.profile.story_id
        evicted = self._evict(protect=best_id)
        return Assignment(
            article_id=article.id,
            story_id=best_id,
            new_story=new,
            score=round(best_score, 6),
            profile=_copy_profile(story.profile),
            evicted=evicted,
            merged=merged,
        )

    def resolve(self, story_id: str) -> str:
        """The live story a (possibly merged) story id now belongs to; the id itself when unknown."""
        seen = 0
        while story_id in self._alias and seen < 64:
            story_id = self._alias[story_id]
            seen += 1
        return story_id

    def restore(self, profiles: Iterable[StoryProfile], *, adopt: bool = False) -> None:
        """Rebuild the whole state (inverted index, DF, windows) from persisted profiles.

        ``adopt``: the index keeps the given objects as its live profiles instead of copies (it changes them).
        """
        self._reset()
        ordered = sorted(profiles, key=lambda p: (p.last_seq, p.story_id))
        for prof in ordered:
            story = _Story(prof if adopt else _copy_profile(prof))
            self._stories[prof.story_id] = story
            self._sizes[prof.story_id] = prof.article_count
            self._lru[prof.story_id] = None
            if prof.last_published is None:
                self._undated[prof.story_id] = None
            self._n_articles += prof.article_count
            for fam in _FAMILIES:
                df, postings = self._df[fam], self._postings[fam]
                for key, count in getattr(prof, fam).items():
                    df[key] = df.get(key, 0) + count
                    postings.setdefault(key, {})[prof.story_id] = count
            for aid in prof.article_ids:
                self._articles[aid] = prof.story_id
            for mid in prof.merged_ids:
                self._alias[mid] = prof.story_id
            self._seq = max(self._seq, prof.last_seq)
            last = _ts(prof.last_published)
            if last is not None:
                heapq.heappush(self._time_heap, (last, prof.story_id))
                if self._clock is None or last > self._clock:
                    self._clock = last

    # ------------------------------------------------------------------ scoring

    def _idf(self, fam: str, key: str) -> float:
        return math.log(self._n_articles + 1) + 1.0 - math.log(self._df[fam].get(key, 0) + 1)

    def _story_norms(self, story: _Story) -> dict[str, float]:
        a = math.log(self._n_articles + 1) + 1.0
        norms: dict[str, float] = {}
        for fam, (s0, s1, s2) in story.profile.norm_stats.items():
            norms[fam] = math.sqrt(max(0.0, a * a * s0 - 2 * a * s1 + s2))
        return norms

    def _update_norm_stats(self, prof: StoryProfile) -> None:
        n = prof.article_count
        stats: dict[str, tuple[float, float, float]] = {}
        log = math.log
        for fam in _FAMILIES:
            df_get = self._df[fam].get
            s0 = s1 = s2 = 0.0
            for key, count in getattr(prof, fam).items():
                u2 = (count / n) ** 2
                b = log(df_get(key, 0) + 1)
                s0 += u2
                s1 += u2 * b
                s2 += u2 * b * b
            stats[fam] = (s0, s1, s2)
        prof.norm_stats = stats

    def _prune(self, feats: ArticleFeatures) -> ArticleFeatures:
        """Keep an article's ``max_article_terms`` most weighty content lemmas (TF × IDF): a long text's
        tail of rare-but-incidental words costs time and adds little to the cosine."""
        terms = feats.families["terms"]
        limit = self.settings.max_article_terms
        if len(terms) <= limit:
            return feats
        top, df_get, log = math.log(self._n_articles + 1) + 1.0, self._df["terms"].get, math.log
        ranked = sorted([(-w * (top - log(df_get(k, 0) + 1)), k) for k, w in terms.items()])
        kept = {k: terms[k] for _, k in ranked[:limit]}
        return ArticleFeatures(families={**feats.families, "terms": kept})

    def _best_story(self, feats: ArticleFeatures, published: float | None) -> tuple[str | None, float]:
        scored = self._score(feats, published)
        if not scored:
            return None, 0.0
        return scored[0].story_id, scored[0].score

    def _score(self, feats: ArticleFeatures, published: float | None) -> list[_Scored]:
        """Candidate stories with their similarity, best first (ties: older story first).

        Two phases: the article's most distinctive features find candidate stories through the inverted
        index (term-at-a-time partial dot products); the best ``max_candidates`` are then scored exactly
        on every feature of the article.
        """
        s = self.settings
        top, log = math.log(self._n_articles + 1) + 1.0, math.log
        smoothing = s.assoc_smoothing
        weights = [self._weights[f] for f in _FAMILIES]
        # Per family: key -> (w·idf², w/(df+smoothing)); plus the vector's norm and mass.
        items: list[dict[str, tuple[float, float]]] = []
        anorm: list[float] = []
        amass: list[float] = []
        gen: list[_Gen] = []  # (−potential, tie, key, partial weight, family)
        for fi, fam in enumerate(_FAMILIES):
            df_get = self._df[fam].get
            tie = _TIE[fam]
            fam_items: dict[str, tuple[float, float]] = {}
            norm2 = mass = 0.0
            fam_gen = []
            for k, w in feats.families[fam].items():
                df = df_get(k, 0)
                i = top - log(df + 1)
                wi = w * i
                wii = wi * i
                fam_items[k] = (wii, wi / (df + smoothing))
                fam_gen.append((wii, k))
                norm2 += wi * wi
                mass += wi
            items.append(fam_items)
            norm = math.sqrt(norm2)
            anorm.append(norm)
            amass.append(mass)
            if norm > 0:
                scale = weights[fi] / norm
                gen.extend((-wii * scale, tie, k, wii * scale, fam) for wii, k in fam_gen)
        # Phase 1: candidates from the most distinctive features; features of many stories find none.
        ranked = self._candidates(gen)
        if not ranked:
            return []
        stories = self._stories
        # Phase 2: exact similarity of the best candidates on every feature.
        # Families the article has no feature of (a headline without entities) do not dilute the score.
        present = sum(weights[i] for i in range(len(_FAMILIES)) if anorm[i] > 0) or 1.0
        extra = max(0.0, s.threshold_single - s.threshold)
        lam = s.assoc_share
        n_entities = len(items[1])
        art_months = [k for k in items[3] if k[:2] == "m:"]
        out: list[_Scored] = []
        for sid in ranked:
            story = stories[sid]
            prof = story.profile
            n = prof.article_count
            norms = self._story_norms(story)
            cos = [0.0] * 8
            for fi, fam in enumerate(_FAMILIES):
                if not items[fi]:
                    continue
                counts: dict[str, int] = getattr(prof, fam)
                fam_items = items[fi]
                # Only the shared features; fsum is exact, so their (hash) order cannot change the sums.
                shared = [(fam_items[k], counts[k]) for k in counts.keys() & fam_items.keys()]
                dot = fsum([p[0] * c for p, c in shared])
                assoc = fsum([p[1] * c for p, c in shared])
                denom = anorm[fi] * norms.get(fam, 0.0)
                if denom > 0:
                    cos[fi] = dot / n / denom
                if amass[fi] > 0:
                    cos[fi + 4] = assoc / amass[fi]
            decay = self._time_factor(story, published)
            if decay > 1.0 and art_months and s.named_month_waives_decay:
                if any(k in prof.cues for k in art_months):
                    decay = 1.0
            score = sum(weights[i] * ((1 - lam) * cos[i] + lam * cos[i + 4]) for i in range(4)) / (present * decay)
            # Two reports that each name several entities but share none are rarely about one event
            # (two ferry fires, two shootings): the generic vocabulary alone must not join them.
            if n_entities >= s.disjoint_min_entities and len(prof.entities) >= s.disjoint_min_entities and cos[1] == 0:
                score *= s.disjoint_penalty
            # A story of few articles needs a clearer match: pairwise similarity is noisier than a centroid's.
            score -= extra / n
            out.append(_Scored(sid, score, cos, decay, prof.first_seq))
        out.sort(key=lambda c: (-c.score, c.first_seq, c.story_id))
        return out

    def _candidates(self, gen: list[_Gen], exclude: str | None = None, min_articles: int = 0) -> list[str]:
        """The ``max_candidates`` stories with the largest partial dot products over the ``candidate_features``
        most distinctive entries of ``gen`` (term at a time through the inverted index), best first. Features
        posted to more than the common share of live stories find no candidates."""
        s = self.settings
        postings, sizes = self._postings, self._sizes
        max_posting = min(s.max_posting, max(s.min_common_posting, int(s.common_share * len(self._stories))))
        acc: dict[str, float] = {}
        used = 0
        for _, _tie, key, weight, fam in sorted(gen):
            posting = postings[fam].get(key)
            if not posting or len(posting) > max_posting:
                continue
            for sid, count in posting.items():
                size = sizes[sid]
                if size >= min_articles and sid != exclude:
                    acc[sid] = acc.get(sid, 0.0) + weight * count / size
            used += 1
            if used >= s.candidate_features:
                break
        return [sid for _, sid in heapq.nsmallest(s.max_candidates, [(-v, sid) for sid, v in acc.items()])]

    def _story_similarity_candidates(self, story: _Story) -> list[tuple[float, int, str]]:
        """Live stories similar to ``story`` (centroid cosines per family, weighted), best first.

        Candidates come from the story's most distinctive features (as for an article); the best
        ``max_candidates`` of at least ``merge_min_articles`` articles are compared on every feature.
        """
        s = self.settings
        prof = story.profile
        sid = prof.story_id
        top, log = math.log(self._n_articles + 1) + 1.0, math.log
        n = prof.article_count
        idf2: list[dict[str, float]] = []
        gen: list[_Gen] = []
        for fam in _FAMILIES:
            df_get = self._df[fam].get
            tie = _TIE[fam]
            fam_idf2: dict[str, float] = {}
            for key, count in getattr(prof, fam).items():
                i = top - log(df_get(key, 0) + 1)
                fam_idf2[key] = i * i
                gen.append((-count / n * i * i, tie, key, count / n * i * i, fam))
            idf2.append(fam_idf2)
        ranked = self._candidates(gen, exclude=sid, min_articles=s.merge_min_articles)
        if not ranked:
            return []
        norms = self._story_norms(story)
        stories = self._stories
        out: list[tuple[float, int, str]] = []
        for other in ranked:
            ostory = stories[other]
            oprof = ostory.profile
            onorms = self._story_norms(ostory)
            on = oprof.article_count
            num = den = 0.0
            ent_cos = 0.0
            for i, fam in enumerate(_FAMILIES):
                d = norms.get(fam, 0.0) * onorms.get(fam, 0.0)
                if d <= 0:
                    continue
                mine: dict[str, int] = getattr(prof, fam)
                theirs: dict[str, int] = getattr(oprof, fam)
                fam_idf2 = idf2[i]
                # fsum is exact, so the order of the shared keys cannot change the result.
                dot = math.fsum(mine[k] * theirs[k] * fam_idf2[k] for k in mine.keys() & theirs.keys())
                cos = dot / (n * on) / d
                num += self._weights[fam] * cos
                den += self._weights[fam]
                if i == 1:
                    ent_cos = cos
            if den == 0:
                continue
            sim = num / den / self._range_factor(story, ostory)
            # Two stories that name different people and places are two events of one kind (two
            # rehab stays, two earthquakes), however much vocabulary they share.
            if (
                ent_cos < s.merge_min_entity_cosine
                and len(prof.entities) >= s.disjoint_min_entities
                and len(oprof.entities) >= s.disjoint_min_entities
            ):
                sim *= s.disjoint_penalty
            out.append((-sim, oprof.first_seq, other))
        out.sort()
        return out

    def _range_factor(self, a: _Story, b: _Story) -> float:
        if a.first_ts is None or a.last_ts is None or b.first_ts is None or b.last_ts is None:
            return 1.0
        gap = max(0.0, b.first_ts - a.last_ts, a.first_ts - b.last_ts) / _DAY - self.settings.time_grace_days
        return 1.0 + max(0.0, gap) / self.settings.time_scale_days

    def _merge_similar(self, story: _Story) -> tuple[_Story, list[str]]:
        """Fold ``story`` and a similar older/younger live story together when their centroids agree."""
        s = self.settings
        merged: list[str] = []
        if s.merge_threshold > 1.0 or not _merge_check_due(story.profile.article_count, s.merge_min_articles):
            return story, merged
        cands = self._story_similarity_candidates(story)
        if not cands or -cands[0][0] < s.merge_threshold:
            return story, merged
        other = self._stories[cands[0][2]]
        # The older story keeps its id: ids already published stay valid.
        keep, gone = (story, other) if story.profile.first_seq <= other.profile.first_seq else (other, story)
        self._fold(keep, gone)
        merged.append(gone.profile.story_id)
        return keep, merged

    def _fold(self, keep: _Story, gone: _Story) -> None:
        kp, gp = keep.profile, gone.profile
        kid, gid = kp.story_id, gp.story_id
        counts = {fam: dict(getattr(gp, fam)) for fam in _FAMILIES}
        self._drop_story(gid)
        kp.article_count += gp.article_count
        self._sizes[kid] = kp.article_count
        self._n_articles += gp.article_count
        kp.article_ids = sorted(set(kp.article_ids) | set(gp.article_ids), key=(kp.article_ids + gp.article_ids).index)
        for aid in gp.article_ids:
            self._articles[aid] = kid
        while len(kp.article_ids) > self.settings.max_article_ids:
            self._articles.pop(kp.article_ids.pop(0), None)
        aliases = [*kp.merged_ids, gid, *gp.merged_ids]
        keep_n = self.settings.max_article_ids
        for mid in aliases[:-keep_n]:  # the oldest aliases are forgotten, as in a restored index
            self._alias.pop(mid, None)
        kp.merged_ids = aliases[-keep_n:]
        for mid in kp.merged_ids:
            self._alias[mid] = kid
        kp.first_seq = min(kp.first_seq, gp.first_seq)
        kp.last_seq = max(kp.last_seq, gp.last_seq)
        for attr, pick in (("first_published", min), ("last_published", max)):
            a, b = getattr(kp, attr), getattr(gp, attr)
            setattr(kp, attr, pick(a, b) if a is not None and b is not None else a or b)
        if kp.last_published is not None:
            heapq.heappush(self._time_heap, (kp.last_published.timestamp(), kid))
        keep.sync_dates()
        for fam in _FAMILIES:
            df, postings = self._df[fam], self._postings[fam]
            kc: dict[str, int] = getattr(kp, fam)
            for key, c in counts[fam].items():
                kc[key] = kc.get(key, 0) + c
                df[key] = df.get(key, 0) + c
                postings.setdefault(key, {})[kid] = kc[key]
            self._trim(kp, fam)
        self._lru.pop(kid, None)
        self._lru[kid] = None
        self._undated.pop(kid, None)
        if kp.last_published is None:
            self._undated[kid] = None
        self._update_norm_stats(kp)

    def _time_factor(self, story: _Story, published: float | None) -> float:
        first, last = story.first_ts, story.last_ts
        if published is None or first is None or last is None:
            return 1.0
        gap = max(0.0, first - published, published - last) / _DAY - self.settings.time_grace_days
        return 1.0 + max(0.0, gap) / self.settings.time_scale_days

    # ------------------------------------------------------------------ state updates

    def _add_article(self, story: _Story, article_id: str, feats: ArticleFeatures, published: datetime | None) -> None:
        prof = story.profile
        sid = prof.story_id
        s = self.settings
        prof.article_count += 1
        self._sizes[sid] = prof.article_count
        self._n_articles += 1
        prof.article_ids.append(article_id)
        self._articles[article_id] = sid
        if len(prof.article_ids) > self.settings.max_article_ids:
            dropped = prof.article_ids.pop(0)
            self._articles.pop(dropped, None)
        prof.last_seq = self._seq
        if published is not None:
            if prof.first_published is None or published < prof.first_published:
                prof.first_published = published
            if prof.last_published is None or published > prof.last_published:
                prof.last_published = published
                heapq.heappush(self._time_heap, (published.timestamp(), sid))
            story.sync_dates()
        for fam in _FAMILIES:
            df, postings = self._df[fam], self._postings[fam]
            counts: dict[str, int] = getattr(prof, fam)
            fam_feats = feats.families[fam]
            keys: Iterable[str] = fam_feats
            cap = self._caps[fam]
            admit = cap if not counts else max(1, int(cap * s.admit_share))
            new_keys = fam_feats.keys() - counts.keys()
            if len(new_keys) > admit:
                # Features the story lacks enter only among the article's most distinctive (rarest) ones:
                # a new story keeps what _trim would keep, a known story grows by a bounded amount.
                df_get, log = df.get, math.log
                ranked = sorted([(log(df_get(k, 0) + 1), k) for k in new_keys])
                allowed = {k for _, k in ranked[:admit]}
                keys = [k for k in fam_feats if k in allowed or k in counts]
            for key in keys:
                c = counts[key] = counts.get(key, 0) + 1
                df[key] = df.get(key, 0) + 1
                posting = postings.get(key)
                if posting is None:
                    postings[key] = {sid: c}
                else:
                    posting[sid] = c
            self._trim(prof, fam)
        self._lru.pop(sid, None)
        self._lru[sid] = None
        self._undated.pop(sid, None)
        if prof.last_published is None:
            self._undated[sid] = None
        self._update_norm_stats(prof)

    def _trim(self, prof: StoryProfile, fam: str) -> None:
        """Keep a family's map within its cap (with slack: one sort per several updates)."""
        counts: dict[str, int] = getattr(prof, fam)
        cap = self._caps[fam]
        if len(counts) <= cap + cap // 2:
            return
        # Rank by share × IDF with one log per key: IDF = log(N + 1) + 1 − log(df + 1).
        top = math.log(self._n_articles + 1) + 1.0
        df_get, log = self._df[fam].get, math.log
        ranked = sorted([(-c * (top - log(df_get(k, 0) + 1)), k, c) for k, c in counts.items()])
        for _, key, count in ranked[cap:]:
            del counts[key]
            self._unindex(fam, key, prof.story_id, count)

    def _unindex(self, fam: str, key: str, sid: str, count: int) -> None:
        fam_df = self._df[fam]
        df = fam_df.get(key, 0) - count
        if df > 0:
            fam_df[key] = df
        else:
            fam_df.pop(key, None)
        postings = self._postings[fam]
        posting = postings.get(key)
        if posting is not None:
            posting.pop(sid, None)
            if not posting:
                del postings[key]

    def _drop_story(self, sid: str) -> None:
        story = self._stories.pop(sid)
        self._sizes.pop(sid, None)
        prof = story.profile
        self._lru.pop(sid, None)
        self._undated.pop(sid, None)
        self._n_articles -= prof.article_count
        for fam in _FAMILIES:
            for key, count in getattr(prof, fam).items():
                self._unindex(fam, key, sid, count)
        for aid in prof.article_ids:
            if self._articles.get(aid) == sid:
                del self._articles[aid]
        for mid in prof.merged_ids:
            if self._alias.get(mid) == sid:
                del self._alias[mid]

    def _evict(self, protect: str) -> list[str]:
        s = self.settings
        evicted: list[str] = []
        # By publication time (dated stories), via a heap of (newest date, story id) with stale entries.
        if self._clock is not None:
            horizon = self._clock - s.max_age_days * _DAY
            kept: list[tuple[float, str]] = []
            while self._time_heap and self._time_heap[0][0] < horizon:
                last, sid = heapq.heappop(self._time_heap)
                story = self._stories.get(sid)
                if story is None or _ts(story.profile.last_published) != last:
                    continue  # stale entry
                if sid == protect:
                    kept.append((last, sid))
                    continue
                self._drop_story(sid)
                evicted.append(sid)
            for entry in kept:
                heapq.heappush(self._time_heap, entry)
        # By arrival (undated stories), least recently updated first.
        while self._undated:
            sid = next(iter(self._undated))
            if sid == protect or self._seq - self._stories[sid].profile.last_seq < s.window_articles:
                break
            self._drop_story(sid)
            evicted.append(sid)
        # Hard cap on live stories.
        while len(self._stories) > s.max_stories:
            sid = next(iter(self._lru))
            if sid == protect:
                break
            self._drop_story(sid)
            evicted.append(sid)
        return evicted
