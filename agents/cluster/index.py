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

import heapq
import math
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from math import fsum

from agents.cluster import split as parts
from agents.cluster.features import ArticleFeatures, article_features, first_key_set, first_keys, near_join
from agents.cluster.models import (
    FAMILIES,
    NO_FEATURES,
    Assignment,
    FeatureCounts,
    NormStats,
    StoryMember,
    StoryProfile,
    StorySplit,
    as_counts,
    as_stats,
    copy_profile,
    share_fields_set,
    story_id_for,
)
from agents.cluster.settings import ClusterSettings
from agents.extract.embedding import SumCosine, add_sums, add_to_sum
from schemas.extraction import ArticleExtraction

__all__ = [
    "Assignment",
    "ClusterSettings",
    "FeatureCounts",
    "NormStats",
    "StoryIndex",
    "StoryProfile",
    "article_features",
    "story_id_for",
]

_DAY = 86_400.0
# Ties between equally weighty features of different families break in this order (stable across versions).
_LOG2 = math.log(1 + 1)  # log(df + 1) of a feature in one article
_TIE = {"cues": 0, "entities": 1, "title": 2, "terms": 3}


# What the candidate scoring needs of an article's feature: (feature, w·idf², w/(df + smoothing), its postings).
_Item = tuple[str, float, float, "dict[str, int] | array[int]"]

# An entry of the candidate search: (−potential, family tie rank, feature, partial weight, the feature's postings).
# (−potential, tie, feature) is unique, so sorting never compares the postings.
_Gen = tuple[float, int, str, float, dict[str, int]]


@dataclass(slots=True)
class _Story:
    profile: StoryProfile
    first_ts: float | None = None  # the profile's date range as POSIX seconds (hot loop)
    last_ts: float | None = None
    alone: _Feature = field(init=False)  # what the index holds for each feature only this story keeps, once
    ordinal: int = field(init=False, default=-1)  # its number in postings arrays (StoryIndex._numbered)

    def __post_init__(self) -> None:
        self.sync_dates()
        self.alone = _Feature.alone(self.profile.story_id)

    def sync_dates(self) -> None:
        self.first_ts = _ts(self.profile.first_published)
        self.last_ts = _ts(self.profile.last_published)


class _Feature:
    """One feature of one family of the live stories: its string (the one every profile keeping it shares), its
    document frequency ``df`` (articles of live stories containing it, as their profiles count them) with
    log(df + 1), and its postings: the ``size`` live stories that keep it.

    Postings are a dict story id → the story's count of the feature while they are small enough to be read by a
    candidate search (``size`` ≤ ``max_posting``, with some slack); beyond that, an ``array('i')`` of story
    ordinals (``_Story.ordinal``, 4 bytes an entry instead of a list's 8) that is only appended to (entries of
    stories that dropped the feature, or left, are removed lazily, when the array has grown to twice ``size``; an
    entry may then name a later story that took over the ordinal, which its profile tells apart), and a dict again
    once ``size`` is back at ``max_posting``. Only that turn back into a dict reads the array's entries.

    Most features are kept by one story that counts them once (the new names and figures of an article): all those
    of one story share one ``_Feature`` (df 1, postings {story id: 1}, ``key`` None), never changed; a feature gets
    a ``_Feature`` of its own when a second story or article brings it (``StoryIndex._promote``), and goes back to
    the shared one when its df is 1 again.
    """

    __slots__ = ("df", "key", "log_df", "size", "stories")

    def __init__(self, key: str | None) -> None:
        self.key = key  # None: the shared _Feature of the features one story keeps alone, once
        self.df = 0
        self.log_df = 0.0
        self.size = 0
        self.stories: dict[str, int] | array[int] = {}

    @classmethod
    def alone(cls, sid: str) -> _Feature:
        """The shared _Feature of the features that only story ``sid`` keeps, once."""
        feat = cls(None)
        feat.df = 1
        feat.log_df = _LOG2
        feat.size = 1
        feat.stories = {sid: 1}
        return feat


def _ts(dt: datetime | None) -> float | None:
    return dt.timestamp() if dt is not None else None


class StoryIndex:
    """In-memory state of recent stories; ``assign`` one extraction at a time, in arrival order."""

    def __init__(self, settings: ClusterSettings | None = None) -> None:
        self.settings = settings or ClusterSettings()
        self._reset()

    def _reset(self) -> None:
        s = self.settings
        self._stories: dict[str, _Story] = {}
        self._sizes: dict[str, int] = {}  # story id -> article count (hot loop)
        self._lru: OrderedDict[str, None] = OrderedDict()  # least recently updated first
        self._undated: OrderedDict[str, None] = OrderedDict()  # stories without any date, same order
        # Per family: feature -> its document frequency and postings.
        self._features: dict[str, dict[str, _Feature]] = {fam: {} for fam in FAMILIES}
        # Postings of more stories than this are arrays of ordinals (no candidate search reads them), and dicts
        # again at max_posting: the slack keeps a feature near the limit from switching back and forth.
        self._crowd_at = s.max_posting + max(8, s.max_posting // 4)
        self._numbered: list[_Story | None] = []  # ordinal -> the live story that has it (None: free)
        self._free: list[int] = []  # ordinals of stories that left, to hand out again
        self._articles: dict[str, str] = {}  # article id -> story id (ids kept in profiles)
        self._alias: dict[str, str] = {}  # merged story id -> the story that absorbed it
        self._n_articles = 0  # articles of live stories (IDF denominator)
        self._seq = 0
        self._clock: float | None = None  # newest publication time seen
        self._time_heap: list[tuple[float, str]] = []  # (last published, story id), lazily cleaned
        # (last arrival, story id) of the stories out of the window by date but not by arrival, lazily cleaned
        self._late_heap: list[tuple[int, str]] = []
        self._caps = {"terms": s.max_terms, "entities": s.max_entities, "title": s.max_title_terms, "cues": s.max_cues}
        self._weights = {
            "terms": s.weight_terms,
            "entities": s.weight_entities,
            "title": s.weight_title,
            "cues": s.weight_cues,
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
        return [copy_profile(self._stories[sid].profile) for sid in self._lru]

    def profile(self, story_id: str) -> StoryProfile | None:
        story = self._stories.get(story_id)
        return copy_profile(story.profile) if story else None

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
                profile=copy_profile(self._stories[known].profile),
                duplicate=True,
            )
        self._seq += 1
        published = _ts(article.published)
        if published is not None and (self._clock is None or published > self._clock):
            self._clock = published
        feats = self._prune(article_features(extraction))
        scored = self._score(feats, published)
        best_id, best_score = (scored[0][2], -scored[0][0]) if scored else (None, 0.0)
        near = False
        if best_id is not None and best_score < self.settings.threshold:  # a dated follow-up may still join
            story, second = self._stories[best_id], (-scored[1][0] if len(scored) > 1 else 0.0)
            cues = story.profile.cues.features
            near = near_join(feats.families["cues"], cues, best_score, second, published, story, self.settings)
        if best_id is not None and (best_score >= self.settings.threshold or near):
            story = self._stories[best_id]
            new = False
        else:
            best_id = story_id_for(article.id)
            if best_id in self._stories:  # the id of a still-live story: never reuse it
                best_id = story_id_for(f"{article.id}#{self._seq}")
            prof = StoryProfile(story_id=best_id, first_article_id=article.id, first_seq=self._seq)
            story = _Story(share_fields_set(prof))
            self._stories[best_id] = story
            self._number(story)
            new = True
        self._add_article(story, article.id, feats, article.published)
        merged: list[str] = []
        if not new:
            story, merged = self._merge_similar(story)
            best_id = story.profile.story_id
        splits = self._track(story, StoryMember(article.id, self._seq, article.published, ()), feats)
        if splits:  # (both parts are new _Story objects; the article may have gone with the part that left)
            story = self._stories[best_id := splits[0].new_story_id if article.id in splits[0].article_ids else best_id]
        evicted = self._evict(protect=best_id)
        return Assignment(
            article_id=article.id,
            story_id=best_id,
            new_story=new,
            score=round(best_score, 6),
            profile=copy_profile(story.profile),
            evicted=evicted,
            merged=merged,
            splits=splits,
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

        ``adopt``: the index keeps the given objects as its live profiles instead of copies (it changes them: their
        feature strings become the index's shared ones).
        """
        self._reset()
        ordered = sorted(profiles, key=lambda p: (p.last_seq, p.story_id))
        for given in ordered:
            prof = share_fields_set(given if adopt else copy_profile(given))
            sid = prof.story_id
            story = self._stories[sid] = _Story(prof)
            self._number(story)
            self._sizes[sid] = prof.article_count
            self._lru[sid] = None
            if prof.last_published is None:
                self._undated[sid] = None
            self._n_articles += prof.article_count
            for fam in FAMILIES:
                counts = as_counts(getattr(prof, fam))
                features = self._features[fam]
                shared: list[str] = []
                for key, count in counts.pairs():
                    feat = features.get(key)
                    if feat is None:
                        if count == 1:  # kept by this story alone, once
                            features[key] = story.alone
                            shared.append(key)
                            continue
                        feat = features[key] = _Feature(key)
                    elif feat.key is None:
                        feat = self._promote(fam, key, feat)
                    feat.df += count
                    self._join(feat, sid, story.ordinal, count)
                    shared.append(feat.key)  # type: ignore[arg-type]  # (not None: promoted above)
                setattr(prof, fam, FeatureCounts(tuple(shared), counts.counts) if shared else NO_FEATURES)
            prof.norm_stats = as_stats(prof.norm_stats)
            for aid in prof.article_ids:
                self._articles[aid] = sid
            for mid in prof.merged_ids:
                self._alias[mid] = sid
            self._seq = max(self._seq, prof.last_seq)
            last = _ts(prof.last_published)
            if last is not None:
                heapq.heappush(self._time_heap, (last, sid))
                if self._clock is None or last > self._clock:
                    self._clock = last
        for features in self._features.values():
            for feat in features.values():
                if feat.key is not None:
                    feat.log_df = math.log(feat.df + 1)

    # ------------------------------------------------------------------ scoring

    def _max_posting(self) -> int:
        """Postings longer than this find no candidates (common features)."""
        s = self.settings
        return min(s.max_posting, max(s.min_common_posting, int(s.common_share * len(self._stories))))

    def _update_norm_stats(self, prof: StoryProfile) -> None:
        """S0, S1, S2 of each family (see NormStats): sums over the kept features in their order, of u², u²·b and
        u²·b·b with u = count / n and b = log(df + 1)."""
        n = prof.article_count
        values = array("d")
        for fam in FAMILIES:
            feature = self._features[fam].__getitem__
            counts: FeatureCounts = getattr(prof, fam)
            s0 = s1 = s2 = 0.0
            if counts.counts is None:  # every count 1
                u2 = (1 / n) ** 2
                for feat in map(feature, counts.features):
                    b = feat.log_df
                    s0 += u2
                    t = u2 * b
                    s1 += t
                    s2 += t * b  # u2 * b * b
            else:
                squares = {c: (c / n) ** 2 for c in set(counts.counts)}  # u2 of each distinct count
                for u2, feat in zip(
                    map(squares.__getitem__, counts.counts), map(feature, counts.features), strict=True
                ):
                    b = feat.log_df
                    s0 += u2
                    t = u2 * b
                    s1 += t
                    s2 += t * b  # u2 * b * b
            values.extend((s0, s1, s2))
        prof.norm_stats = NormStats(FAMILIES, values)

    def _prune(self, feats: ArticleFeatures) -> ArticleFeatures:
        """Keep an article's ``max_article_terms`` most weighty content lemmas (TF × IDF): a long text's
        tail of rare-but-incidental words costs time and adds little to the cosine."""
        terms, limit = feats.families["terms"], self.settings.max_article_terms
        if len(terms) <= limit:
            return feats
        ranks = [-w * x for w, x in zip(terms.values(), self._idf([terms], ("terms",))[0], strict=True)]
        kept = {k: terms[k] for k in first_keys(ranks, list(terms), limit)}  # (ranked: the heaviest first)
        return ArticleFeatures(families={**feats.families, "terms": kept}, headline=feats.headline)

    def _score(self, feats: ArticleFeatures, published: float | None) -> list[tuple[float, int, str]]:
        """Candidate stories as (−similarity, first_seq, story id), best first (ties: older story first).

        Two phases: the article's most distinctive features find candidate stories through the inverted
        index (term-at-a-time partial dot products); the best ``max_candidates`` are then scored exactly
        on every feature of the article.
        """
        s = self.settings
        top = math.log(self._n_articles + 1) + 1.0
        smoothing = s.assoc_smoothing
        max_posting = self._max_posting()
        weights = [self._weights[f] for f in FAMILIES]
        # Per family: (key, w·idf², w/(df+smoothing), postings) of the features some live story keeps (only those
        # can be shared); plus the vector's norm and mass over all of them.
        items: list[list[_Item]] = []
        anorm: list[float] = []
        amass: list[float] = []
        gen: list[_Gen] = []  # (−potential, tie, key, partial weight, postings)
        for fi, fam in enumerate(FAMILIES):
            fam_feats = feats.families[fam]
            tie = _TIE[fam]
            fam_items: list[_Item] = []
            norm2 = mass = 0.0
            for k, w, feat in zip(fam_feats, fam_feats.values(), map(self._features[fam].get, fam_feats), strict=True):
                if feat is None:  # df 0: i = top − log(0 + 1); no story has it
                    wi = w * top
                else:
                    i = top - feat.log_df
                    wi = w * i
                    fam_items.append((k, wi * i, wi / (feat.df + smoothing), feat.stories))
                norm2 += wi * wi
                mass += wi
            items.append(fam_items)
            norm = math.sqrt(norm2)
            anorm.append(norm)
            amass.append(mass)
            if norm > 0:
                scale = weights[fi] / norm
                # Postings short enough to be read (size ≤ max_posting) are dicts, of exactly size entries.
                gen += [
                    (-wii * scale, tie, k, wii * scale, m)
                    for k, wii, _, m in fam_items
                    if type(m) is dict and len(m) <= max_posting
                ]
        # Phase 1: candidates from the most distinctive features; features of many stories find none.
        ranked = self._candidates(gen)
        if not ranked:
            return []
        stories = self._stories
        # Phase 2: exact similarity of the best candidates on every feature. The shared features come from the
        # postings (feature at a time): slot fi·nc + j collects the dot and association terms of family fi
        # with candidate j. fsum is exact, so the order of the terms cannot change the sums.
        nc = len(ranked)
        shared: list[dict[str, list[float]]] = []  # per family: candidate -> [dot term, association term, ...]
        for fi, fam_items in enumerate(items):
            slot: dict[str, list[float]] = {sid: [] for sid in ranked}
            shared.append(slot)
            for k, wii, wa, members in fam_items:
                if type(members) is dict:
                    if len(members) <= nc:
                        for sid, c in members.items():
                            terms = slot.get(sid)
                            if terms is not None:
                                terms.append(wii * c)
                                terms.append(wa * c)
                    else:
                        for sid, terms in slot.items():
                            got = members.get(sid)
                            if got is not None:
                                terms.append(wii * got)
                                terms.append(wa * got)
                else:  # an array (with stale entries): the profiles say which candidates keep the feature
                    fam = FAMILIES[fi]
                    for sid, terms in slot.items():
                        kept: FeatureCounts = getattr(stories[sid].profile, fam)
                        if k in kept.features:
                            c = kept[k]
                            terms.append(wii * c)
                            terms.append(wa * c)
        # Families the article has no feature of (a headline without entities) do not dilute the score.
        present = sum(weights[i] for i in range(len(FAMILIES)) if anorm[i] > 0) or 1.0
        extra = max(0.0, s.threshold_single - s.threshold)
        lam = s.assoc_share
        mu = 1 - lam
        w0, w1, w2, w3 = weights
        n_entities = len(feats.families["entities"])
        art_months = [k for k in feats.families["cues"] if k[:2] == "m:"]
        out: list[tuple[float, int, str]] = []
        headline = SumCosine(feats.headline) if feats.headline is not None and s.headline_weight else None
        for sid in ranked:
            story = stories[sid]
            prof = story.profile
            n = prof.article_count
            norms = prof.norm_stats.norms(top)
            cos = [0.0] * 8
            for fi in range(4):
                terms = shared[fi][sid]
                if not terms:
                    continue  # no shared feature: both cosines stay 0
                denom = anorm[fi] * norms[fi]
                if denom > 0:
                    cos[fi] = fsum(terms[0::2]) / n / denom
                if amass[fi] > 0:
                    cos[fi + 4] = fsum(terms[1::2]) / amass[fi]
            decay = self._gap_factor(story.first_ts, story.last_ts, published, published)
            if decay > 1.0 and art_months and s.named_month_waives_decay:
                story_cues = prof.cues.features
                if any(k in story_cues for k in art_months):
                    decay = 1.0
            # Σ_i weight_i · ((1 − λ)·cosine_i + λ·association_i), added left to right as sum() does
            score = (
                0.0
                + w0 * (mu * cos[0] + lam * cos[4])
                + w1 * (mu * cos[1] + lam * cos[5])
                + w2 * (mu * cos[2] + lam * cos[6])
                + w3 * (mu * cos[3] + lam * cos[7])
            ) / (present * decay)
            # Two reports that each name several entities but share none are rarely about one event
            # (two ferry fires, two shootings): the generic vocabulary alone must not join them.
            if (
                n_entities >= s.disjoint_min_entities
                and len(prof.entities.features) >= s.disjoint_min_entities
                and cos[1] == 0
            ):
                score *= s.disjoint_penalty
            # A story of few articles needs a clearer match: pairwise similarity is noisier than a centroid's.
            score -= extra / n
            if headline is not None and prof.headline_sum is not None:
                score += s.headline_weight * (headline(prof.headline_sum) - s.headline_center)
            out.append((-score, prof.first_seq, sid))
        out.sort()
        return out

    def _candidates(self, gen: list[_Gen], exclude: str | None = None, min_articles: int = 0) -> list[str]:
        """The ``max_candidates`` stories with the largest partial dot products over the ``candidate_features``
        most distinctive entries of ``gen`` (term at a time through the inverted index), best first. ``gen`` holds
        only features with postings short enough to be read (see _max_posting)."""
        s = self.settings
        sizes = self._sizes
        acc: dict[str, float] = {}
        top_n = s.candidate_features
        if 0 < top_n < len(gen):
            # The first top_n entries in order: those up to the top_n-th smallest −potential (a sort of floats,
            # cheaper than sorting every entry), then sorted.
            cut = sorted([g[0] for g in gen])[top_n - 1]
            gen = [g for g in gen if g[0] <= cut]
        gen.sort()
        for _, _tie, _key, weight, posting in gen[:top_n]:
            for sid, count in posting.items():
                size = sizes[sid]
                if size >= min_articles and sid != exclude:
                    acc[sid] = acc.get(sid, 0.0) + weight * count / size
        return [sid for _, sid in heapq.nsmallest(s.max_candidates, [(-v, sid) for sid, v in acc.items()])]

    def _story_similarity_candidates(self, story: _Story) -> list[tuple[float, int, str]]:
        """Live stories similar to ``story`` (centroid cosines per family, weighted), best first.

        Candidates come from the story's most distinctive features (as for an article); the best
        ``max_candidates`` of at least ``merge_min_articles`` articles are compared on every feature.
        """
        s = self.settings
        prof = story.profile
        sid = prof.story_id
        top = math.log(self._n_articles + 1) + 1.0
        max_posting = self._max_posting()
        n = prof.article_count
        mine: list[list[tuple[str, int, float, dict[str, int] | array[int]]]] = []  # (key, count, idf², postings)
        gen: list[_Gen] = []
        for fam in FAMILIES:
            features = self._features[fam]
            tie = _TIE[fam]
            fam_mine: list[tuple[str, int, float, dict[str, int] | array[int]]] = []
            counts: FeatureCounts = getattr(prof, fam)
            for key, count in counts.pairs():
                feat = features[key]
                idf = top - feat.log_df
                members = feat.stories
                if feat.size > 1:  # (a feature only this story keeps is shared with none)
                    fam_mine.append((key, count, idf * idf, members))
                if feat.size <= max_posting:  # (postings this short are dicts)
                    w = count / n * idf * idf
                    gen.append((-w, tie, key, w, members))  # type: ignore[arg-type]
            mine.append(fam_mine)
        ranked = self._candidates(gen, exclude=sid, min_articles=s.merge_min_articles)
        if not ranked:
            return []
        norms = prof.norm_stats.norms(top)
        stories = self._stories
        # The shared features from the postings (feature at a time), as in _score: slot fi·nc + j holds the dot
        # product terms of family fi with candidate j. fsum is exact, so their order cannot change the sums.
        nc = len(ranked)
        slot = {other: j for j, other in enumerate(ranked)}
        dots: list[list[float]] = [[] for _ in range(4 * nc)]
        for fi, fam_mine in enumerate(mine):
            base = fi * nc
            for key, mc, idf2, members in fam_mine:
                if type(members) is dict:
                    if len(members) <= nc:
                        for other, c in members.items():
                            at = slot.get(other)
                            if at is not None:
                                dots[base + at].append(mc * c * idf2)
                    else:
                        for other, j in slot.items():
                            got = members.get(other)
                            if got is not None:
                                dots[base + j].append(mc * got * idf2)
                else:  # an array (with stale entries): the profiles say which candidates keep the feature
                    fam = FAMILIES[fi]
                    for other, j in slot.items():
                        theirs: FeatureCounts = getattr(stories[other].profile, fam)
                        if key in theirs.features:
                            dots[base + j].append(mc * theirs[key] * idf2)
        weights = [self._weights[f] for f in FAMILIES]
        headline = None
        if prof.headline_sum is not None and s.merge_headline_weight:
            headline = SumCosine.of_sum(prof.headline_sum)
        out: list[tuple[float, int, str]] = []
        for j, other in enumerate(ranked):
            ostory = stories[other]
            oprof = ostory.profile
            onorms = oprof.norm_stats.norms(top)
            on = oprof.article_count
            num = den = 0.0
            ent_cos = 0.0
            for i in range(4):
                d = norms[i] * onorms[i]
                if d <= 0:
                    continue
                cos = math.fsum(dots[i * nc + j]) / (n * on) / d
                num += weights[i] * cos
                den += weights[i]
                if i == 1:
                    ent_cos = cos
            if den == 0:
                continue
            sim = num / den / self._gap_factor(story.first_ts, story.last_ts, ostory.first_ts, ostory.last_ts)
            # Two stories that name different people and places are two events of one kind (two
            # rehab stays, two earthquakes), however much vocabulary they share.
            if (
                ent_cos < s.merge_min_entity_cosine
                and len(prof.entities.features) >= s.disjoint_min_entities
                and len(oprof.entities.features) >= s.disjoint_min_entities
            ):
                sim *= s.disjoint_penalty
            if headline is not None and oprof.headline_sum is not None:  # (sums_cosine of the two sums)
                sim += s.merge_headline_weight * (headline(oprof.headline_sum) - s.merge_headline_center)
            out.append((-sim, oprof.first_seq, other))
        out.sort()
        return out

    def _idf(self, keys: Sequence[Iterable[str]], families: Sequence[str] = FAMILIES) -> list[list[float]]:
        """The IDF now of each of ``keys``, one iterable per family of ``families``."""
        top, out = math.log(self._n_articles + 1) + 1.0, []
        for fam, fam_keys in zip(families, keys, strict=True):
            get = self._features[fam].get
            out.append([top - (f.log_df if (f := get(k)) else 0.0) for k in fam_keys])
        return out

    def _gap_factor(self, first: float | None, last: float | None, since: float | None, until: float | None) -> float:
        """The time decay between two date ranges (1 when either is undated; see time_scale_days)."""
        if first is None or last is None or since is None or until is None:
            return 1.0
        gap = max(0.0, since - last, first - until) / _DAY - self.settings.time_grace_days
        return 1.0 + max(0.0, gap) / self.settings.time_scale_days

    def _merge_similar(self, story: _Story) -> tuple[_Story, list[str]]:
        """Fold ``story`` and a similar older/younger live story together when their centroids agree."""
        s = self.settings
        merged: list[str] = []
        if s.merge_threshold > 1.0 or not parts.check_due(story.profile.article_count, s.merge_min_articles):
            return story, merged
        apart = {self.resolve(sid) for sid in story.profile.apart}  # (a story split off never merges back)
        cands = [c for c in self._story_similarity_candidates(story) if c[2] not in apart]
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
        kp.apart = [*kp.apart, *gp.apart]
        parts.fold_members(kp, gp, self._idf, list(self._weights.values()), self.settings.split_max_articles)
        kp.headline_sum = add_sums(kp.headline_sum, gp.headline_sum)
        kp.last_seq = max(kp.last_seq, gp.last_seq)
        for attr, pick in (("first_published", min), ("last_published", max)):
            a, b = getattr(kp, attr), getattr(gp, attr)
            setattr(kp, attr, pick(a, b) if a is not None and b is not None else a or b)
        if kp.last_published is not None:
            heapq.heappush(self._time_heap, (kp.last_published.timestamp(), kid))
        keep.sync_dates()
        log = math.log
        for fam in FAMILIES:
            features = self._features[fam]
            kc = getattr(kp, fam).to_dict()
            gone_counts: FeatureCounts = getattr(gp, fam)
            for key, c in gone_counts.pairs():
                feat = features.get(key)
                if feat is None:
                    if c == 1:  # kept by this story alone, once
                        features[key] = keep.alone
                        kc[key] = 1
                        continue
                    feat = features[key] = _Feature(key)
                elif feat.key is None:
                    feat = self._promote(fam, key, feat)
                feat.df += c
                feat.log_df = log(feat.df + 1)
                before = kc.get(key, 0)
                if before:
                    kc[key] = before + c
                    if type(feat.stories) is dict:
                        feat.stories[kid] = before + c
                else:
                    kc[feat.key] = c
                    self._join(feat, kid, keep.ordinal, c)
            self._store(kp, fam, kc)
        self._lru.pop(kid, None)
        self._lru[kid] = None
        self._undated.pop(kid, None)
        if kp.last_published is None:
            self._undated[kid] = None
        self._update_norm_stats(kp)

    def _track(self, story: _Story, member: StoryMember, feats: ArticleFeatures) -> list[StorySplit]:
        """Keep the members of a young story of full texts and their similarities; split the story when it falls
        in two (agents.cluster.split; ``member``: the article that just joined, its features still to choose)."""
        s, prof = self.settings, story.profile
        members, n = prof.members, prof.article_count
        tracked = n == 1 or (members is not None and len(members) + 1 == n)
        if s.split_ratio <= 0.0 or feats.headline is not None or n > s.split_max_articles or not tracked:
            prof.members, prof.similarities = None, []  # (kept no longer: it cannot split any more)
            return []
        if n == 1:  # a new story kept the article's rarest features of each family: those
            keys, tf = [getattr(prof, fam).features for fam in FAMILIES], None
        else:
            keys, tf = (
                [tuple(feats.families[f]) for f in FAMILIES],
                [list(feats.families[f].values()) for f in FAMILIES],
            )
        member = member._replace(features=tuple(keys))
        parts.add_member(prof, member, self._idf(keys), tf, list(self._caps.values()), list(self._weights.values()))
        due = parts.check_due(n, 2 * s.split_min_part)
        move = parts.split_part(prof.similarities, n, s.split_min_part, s.split_ratio) if due else None
        return [] if move is None else [self._split(story, move)]

    def _split(self, story: _Story, move: list[int]) -> StorySplit:
        """Rebuild ``story`` from its members that stay, and a new story from those at ``move`` (each replays its
        members' features in arrival order)."""
        prof, seq = story.profile, self._seq
        members, sims, sid = prof.members or [], prof.similarities, prof.story_id
        first = members[move[0]].article_id
        nid = story_id_for(first)
        nid = story_id_for(f"{first}#{seq}") if nid in self._stories or nid in self._alias else nid
        self._drop_story(sid)
        stay = [k for k in range(len(members)) if k not in move]
        for part_id, at, apart in ((sid, stay, [*prof.apart, nid]), (nid, move, [sid])):
            new = StoryProfile(
                story_id=part_id, first_article_id=members[at[0]].article_id, first_seq=members[at[0]].seq
            )
            part = self._stories[part_id] = _Story(share_fields_set(new))
            self._number(part)
            for m in (members[k] for k in at):
                self._seq = m.seq
                families = {fam: dict.fromkeys(keys, 1.0) for fam, keys in zip(FAMILIES, m.features, strict=True)}
                self._add_article(part, m.article_id, ArticleFeatures(families=families), m.published)
            new.members, new.similarities, new.apart = [members[k] for k in at], parts.sub_triangle(sims, at), apart
        self._stories[sid].profile.merged_ids = prof.merged_ids
        self._alias.update(dict.fromkeys(prof.merged_ids, sid))
        self._seq = seq
        return StorySplit(story_id=sid, new_story_id=nid, article_ids=[members[k].article_id for k in move])

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
        if feats.headline is not None:
            prof.headline_sum = add_to_sum(prof.headline_sum, feats.headline)
        if published is not None:
            if prof.first_published is None or published < prof.first_published:
                prof.first_published = published
            if prof.last_published is None or published > prof.last_published:
                prof.last_published = published
                heapq.heappush(self._time_heap, (published.timestamp(), sid))
            story.sync_dates()
        log, crowd_at, alone = math.log, self._crowd_at, story.alone
        for fam in FAMILIES:
            features = self._features[fam]
            get = features.get
            fam_feats = feats.families[fam]
            cap = self._caps[fam]
            kept: FeatureCounts = getattr(prof, fam)
            if not fam_feats and len(kept) <= cap + cap // 2:
                continue  # nothing to add, nothing to trim
            counts = (
                dict(zip(kept.features, kept.counts, strict=True))
                if kept.counts is not None
                else dict.fromkeys(kept.features, 1)
            )
            keys: Iterable[str] = fam_feats
            admit = cap if not counts else max(1, int(cap * s.admit_share))
            new_keys = fam_feats.keys() - counts.keys()
            if len(new_keys) > admit:
                # Features the story lacks enter only among the article's most distinctive (rarest) ones:
                # a new story keeps what _trim would keep, a known story grows by a bounded amount.
                candidates = list(new_keys)
                rarity = [f.log_df if (f := get(k)) else 0.0 for k in candidates]  # log(df + 1)
                allowed = first_key_set(rarity, candidates, admit)
                keys = [k for k in fam_feats if k in allowed or k in counts]
            for key in keys:
                feat = get(key)
                if feat is None:  # new to the index: kept by this story alone, once
                    features[key] = alone
                    counts[key] = 1
                    continue
                if feat.key is None:  # kept by one story alone, once, until now
                    feat = self._promote(fam, key, feat)
                feat.df += 1
                feat.log_df = log(feat.df + 1)
                c = counts.get(key)
                if c is not None:
                    c += 1
                    counts[key] = c
                    members = feat.stories
                    if type(members) is dict:
                        members[sid] = c
                else:  # new to the story: it keeps the index's string, and joins the postings
                    counts[feat.key] = 1  # type: ignore[index]  # (not None: promoted above)
                    feat.size += 1
                    members = feat.stories
                    if type(members) is dict:
                        members[sid] = 1
                        if feat.size > crowd_at:
                            feat.stories = self._ordinals(members)
                    else:
                        members.append(story.ordinal)  # type: ignore[union-attr]
            self._store(prof, fam, counts)
        self._lru.pop(sid, None)
        self._lru[sid] = None
        self._undated.pop(sid, None)
        if prof.last_published is None:
            self._undated[sid] = None
        self._update_norm_stats(prof)

    def _store(self, prof: StoryProfile, fam: str, counts: dict[str, int]) -> None:
        """Set a profile's family to ``counts``, trimmed back to its cap (with slack: one sort per several updates);
        the features trimmed off leave the index."""
        cap = self._caps[fam]
        dropped: list[tuple[float, str, int]] = []
        if len(counts) > cap + cap // 2:
            # Rank by share × IDF: IDF = log(N + 1) + 1 − log(df + 1); the first ``cap`` stay.
            top = math.log(self._n_articles + 1) + 1.0
            features = self._features[fam]
            keys = list(counts)
            kept = first_key_set([-c * (top - features[k].log_df) for k, c in counts.items()], keys, cap)
            dropped = [(0.0, key, counts.pop(key)) for key in keys if key not in kept]
        setattr(prof, fam, FeatureCounts.from_dict(counts))
        # (after the profile is set: a postings array that turns back into a dict reads the profiles)
        for _, key, count in dropped:
            self._unindex(fam, key, prof.story_id, count)

    def _join(self, feat: _Feature, sid: str, ordinal: int, count: int) -> None:
        """Post a story that did not keep ``feat`` before (with its ordinal and count)."""
        feat.size += 1
        members = feat.stories
        if type(members) is dict:
            members[sid] = count
            if feat.size > self._crowd_at:
                feat.stories = self._ordinals(members)
        else:
            members.append(ordinal)  # type: ignore[union-attr]

    def _number(self, story: _Story) -> None:
        """Give a story that enters the index an ordinal: a free one (of a story that left) or the next."""
        if self._free:
            story.ordinal = self._free.pop()
            self._numbered[story.ordinal] = story
        else:
            story.ordinal = len(self._numbered)
            self._numbered.append(story)

    def _ordinals(self, members: dict[str, int]) -> array[int]:
        """The postings array of the (live) stories of dict postings, in their order."""
        stories = self._stories
        return array("i", [stories[sid].ordinal for sid in members])

    def _promote(self, fam: str, key: str, alone: _Feature) -> _Feature:
        """A _Feature of its own for a feature that one story keeps alone, once (``alone``: the story's shared one),
        with the string the story's profile keeps."""
        sid: str
        (sid,) = alone.stories  # type: ignore[assignment]  # (a dict: {sid: 1})
        kept = getattr(self._stories[sid].profile, fam).features
        feat = self._features[fam][key] = _Feature.alone(sid)  # the same counts, a posting of its own
        feat.key = kept[kept.index(key)]
        return feat

    def _unindex(self, fam: str, key: str, sid: str, count: int) -> None:
        """Story ``sid`` no longer keeps ``key`` (it was trimmed off, or the story left; its profile says so)."""
        features = self._features[fam]
        feat = features[key]
        if feat.key is None:  # (sid kept it alone, once)
            del features[key]
            return
        feat.size -= 1
        if feat.size == 0:
            del features[key]
            return
        feat.df -= count
        feat.log_df = math.log(feat.df + 1)
        members = feat.stories
        if type(members) is dict:
            del members[sid]
        elif feat.size <= self.settings.max_posting:
            feat.stories = members = self._members(fam, feat)
        elif len(members) > 2 * feat.size:
            feat.stories = self._ordinals(self._members(fam, feat))
        if feat.df == 1 and type(members) is dict:  # one story keeps it, once: its shared _Feature (as restore has)
            (last,) = members
            features[key] = self._stories[last].alone

    def _members(self, fam: str, feat: _Feature) -> dict[str, int]:
        """The stories of a postings array that keep the feature (as their profiles say), with their counts."""
        numbered = self._numbered
        out: dict[str, int] = {}
        for ordinal in feat.stories:
            story = numbered[ordinal]  # type: ignore[index]  # (an array: ordinals)
            if story is not None:
                prof = story.profile
                sid = prof.story_id
                if sid not in out:
                    count = getattr(prof, fam).get(feat.key)
                    if count is not None:
                        out[sid] = count
        if len(out) != feat.size:
            raise RuntimeError(f"postings of {fam} feature {feat.key!r}: {len(out)} stories, {feat.size} counted")
        return out

    def _drop_story(self, sid: str) -> None:
        story = self._stories.pop(sid)
        self._numbered[story.ordinal] = None
        self._free.append(story.ordinal)
        self._sizes.pop(sid, None)
        prof = story.profile
        self._lru.pop(sid, None)
        self._undated.pop(sid, None)
        self._n_articles -= prof.article_count
        for fam in FAMILIES:
            counts: FeatureCounts = getattr(prof, fam)
            for key, count in counts.pairs():
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
            grace = s.late_grace_articles
            kept: list[tuple[float, str]] = []
            while self._time_heap and self._time_heap[0][0] < horizon:
                last, sid = heapq.heappop(self._time_heap)
                story = self._stories.get(sid)
                if story is None or story.last_ts != last:
                    continue  # stale entry
                if sid == protect:
                    kept.append((last, sid))
                    continue
                if grace > 0:  # out of the window by date; it leaves by arrival (below)
                    heapq.heappush(self._late_heap, (story.profile.last_seq, sid))
                    continue
                self._drop_story(sid)
                evicted.append(sid)
            for entry in kept:
                heapq.heappush(self._time_heap, entry)
            # Stories out of the window by date leave once they have had no article for ``grace`` arrivals, in the
            # order of their last arrival (an entry older than its story's last article is put back with that one's).
            while self._late_heap and self._seq - self._late_heap[0][0] >= grace:
                seq, sid = heapq.heappop(self._late_heap)
                story = self._stories.get(sid)
                if story is None or story.last_ts is None or story.last_ts >= horizon:
                    continue  # gone, or back in the window by date (the time heap has it again)
                if story.profile.last_seq != seq or sid == protect:
                    heapq.heappush(self._late_heap, (max(story.profile.last_seq, seq + 1), sid))
                    continue
                self._drop_story(sid)
                evicted.append(sid)
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
