"""The clusterer's data: the story profiles it keeps and persists, and its decisions (pydantic).

Kept apart from :mod:`agents.cluster.index` (the algorithm) so that module can be compiled with mypyc (see
docs/clustering.md, "Speed"); pydantic models must stay ordinary Python classes.
"""

from __future__ import annotations

import base64
import hashlib
import math
from array import array
from collections.abc import ItemsView, Iterator, Mapping
from datetime import datetime
from itertools import repeat
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, field_serializer, field_validator
from pydantic_core import core_schema

from agents.compact import CompactLayout

# Feature families: each has its own vector, weight, cap, DF table and inverted index.
FAMILIES = ("terms", "entities", "title", "cues")


class FeatureCounts(Mapping[str, int]):
    """The kept features of one family of a story profile → the number of the story's articles containing each.

    A read-only mapping in the order the features were kept (like the dict it replaces), stored compactly: a tuple
    of the feature strings (the index shares one string per feature among all its profiles) and a tuple of the
    counts, or no counts at all while every count is 1 (every feature of a one-article story). Never changed once
    built (the index replaces it), so copies of a profile share it. JSON: the object ``{feature: count}``.
    """

    __slots__ = ("counts", "features")

    def __init__(self, features: tuple[str, ...] = (), counts: tuple[int, ...] | None = None) -> None:
        self.features = features  # read-only
        self.counts = counts  # read-only; None: every count is 1

    @classmethod
    def from_dict(cls, counts: Mapping[str, int]) -> FeatureCounts:
        if not counts:
            return NO_FEATURES
        values = tuple(counts.values())
        return cls(tuple(counts), None if values.count(1) == len(values) else values)

    def pairs(self) -> Iterator[tuple[str, int]]:
        """(feature, count) in order; what ``items()`` gives, faster."""
        counts = self.counts if self.counts is not None else repeat(1, len(self.features))
        return zip(self.features, counts, strict=True)

    def to_dict(self) -> dict[str, int]:
        return dict(self.pairs())

    def __getitem__(self, key: str) -> int:
        try:
            i = self.features.index(key)
        except ValueError:
            raise KeyError(key) from None
        return 1 if self.counts is None else self.counts[i]

    def __contains__(self, key: object) -> bool:
        return key in self.features

    def __iter__(self) -> Iterator[str]:
        return iter(self.features)

    def __len__(self) -> int:
        return len(self.features)

    def items(self) -> ItemsView[str, int]:
        return _PairsView(self)

    def __repr__(self) -> str:
        return f"FeatureCounts({self.to_dict()!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        as_dict = core_schema.dict_schema(core_schema.str_schema(), core_schema.int_schema(ge=1))
        from_dict = core_schema.no_info_after_validator_function(cls.from_dict, as_dict)
        return core_schema.json_or_python_schema(
            json_schema=from_dict,
            python_schema=core_schema.union_schema([core_schema.is_instance_schema(cls), from_dict]),
            serialization=core_schema.plain_serializer_function_ser_schema(_counts_to_dict, return_schema=as_dict),
        )


class _PairsView(ItemsView[str, int]):
    _mapping: FeatureCounts

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return self._mapping.pairs()


NO_FEATURES = FeatureCounts()


def _counts_to_dict(value: Mapping[str, int]) -> dict[str, int]:
    return value.to_dict() if isinstance(value, FeatureCounts) else dict(value)


def as_counts(value: Mapping[str, int]) -> FeatureCounts:
    """A profile field as FeatureCounts (it is a plain dict when set without validation, e.g. model_copy(update))."""
    return value if isinstance(value, FeatureCounts) else FeatureCounts.from_dict(value)


class NormStats(Mapping[str, tuple[float, float, float]]):
    """Per family, the sums (S0, S1, S2) of u², u²·b, u²·b² over a profile's kept features, with u the article
    share and b = log(df + 1) at the story's last update; the vector norm at any later corpus size N is
    sqrt(A²·S0 − 2A·S1 + S2), A = log(N + 1) + 1. Stored so a restored index scores exactly alike.

    A read-only mapping family → (S0, S1, S2), the floats packed in one array (exact float64). JSON: the object
    ``{family: [S0, S1, S2]}``."""

    __slots__ = ("families", "values_")

    def __init__(self, families: tuple[str, ...] = (), values: array[float] | None = None) -> None:
        self.families = families  # read-only
        self.values_ = values if values is not None else array("d")  # read-only; 3 per family

    @classmethod
    def from_dict(cls, stats: Mapping[str, tuple[float, float, float]]) -> NormStats:
        families = tuple(stats)
        return cls(FAMILIES if families == FAMILIES else families, array("d", [x for t in stats.values() for x in t]))

    def norms(self, a: float) -> list[float]:
        """The norm of each family's vector (in FAMILIES order; 0 for a family without stats) for A = ``a``."""
        v, sqrt = self.values_, math.sqrt
        aa, a2 = a * a, 2 * a  # a·a·S0 − 2·a·S1 + S2, as (a·a)·S0 − (2·a)·S1 + S2
        if self.families is FAMILIES:
            x0 = aa * v[0] - a2 * v[1] + v[2]
            x1 = aa * v[3] - a2 * v[4] + v[5]
            x2 = aa * v[6] - a2 * v[7] + v[8]
            x3 = aa * v[9] - a2 * v[10] + v[11]
            return [
                sqrt(x0) if x0 > 0.0 else 0.0,
                sqrt(x1) if x1 > 0.0 else 0.0,
                sqrt(x2) if x2 > 0.0 else 0.0,
                sqrt(x3) if x3 > 0.0 else 0.0,
            ]
        norms = [sqrt(max(0.0, aa * v[i] - a2 * v[i + 1] + v[i + 2])) for i in range(0, len(v), 3)]
        by_family = dict(zip(self.families, norms, strict=True))
        return [by_family.get(fam, 0.0) for fam in FAMILIES]

    def __getitem__(self, key: str) -> tuple[float, float, float]:
        try:
            i = 3 * self.families.index(key)
        except ValueError:
            raise KeyError(key) from None
        v = self.values_
        return (v[i], v[i + 1], v[i + 2])

    def __iter__(self) -> Iterator[str]:
        return iter(self.families)

    def __len__(self) -> int:
        return len(self.families)

    def to_dict(self) -> dict[str, tuple[float, float, float]]:
        return {fam: self[fam] for fam in self.families}

    def __repr__(self) -> str:
        return f"NormStats({self.to_dict()!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        triple = core_schema.tuple_schema([core_schema.float_schema()] * 3)
        as_dict = core_schema.dict_schema(core_schema.str_schema(), triple)
        from_dict = core_schema.no_info_after_validator_function(cls.from_dict, as_dict)
        return core_schema.json_or_python_schema(
            json_schema=from_dict,
            python_schema=core_schema.union_schema([core_schema.is_instance_schema(cls), from_dict]),
            serialization=core_schema.plain_serializer_function_ser_schema(_stats_to_dict, return_schema=as_dict),
        )


def _stats_to_dict(value: Mapping[str, tuple[float, float, float]]) -> dict[str, tuple[float, float, float]]:
    return value.to_dict() if isinstance(value, NormStats) else dict(value)


def as_stats(value: Mapping[str, tuple[float, float, float]]) -> NormStats:
    return value if isinstance(value, NormStats) else NormStats.from_dict(value)


class StoryMember(NamedTuple):
    """One article of a story young enough to be split (``ClusterSettings.split_ratio``): what a rebuild replays."""

    article_id: str
    seq: int  # its arrival number
    published: datetime | None
    # Per family (FAMILIES order), the family's cap of its features, the weightiest by TF × IDF (a story's first
    # article: the features its new profile kept)
    features: tuple[tuple[str, ...], ...]
    norms: tuple[float, ...] = ()  # per family, the length of its IDF vector when it joined


class StorySplit(BaseModel):
    """Articles that left ``story_id`` for ``new_story_id``, a story of their own (see ``split_ratio``)."""

    model_config = ConfigDict(frozen=True)

    story_id: str
    new_story_id: str
    article_ids: list[str]


class StoryProfile(BaseModel):
    """Everything the index knows about one story; JSON-serializable, the unit of persistence.

    Feature maps hold, for each kept feature, the number of the story's articles that contain it.
    """

    story_id: str
    first_article_id: str
    article_count: int = 0
    article_ids: list[str] = Field(default_factory=list)
    terms: FeatureCounts = Field(default_factory=lambda: NO_FEATURES)
    entities: FeatureCounts = Field(default_factory=lambda: NO_FEATURES)
    title: FeatureCounts = Field(default_factory=lambda: NO_FEATURES)
    cues: FeatureCounts = Field(default_factory=lambda: NO_FEATURES)
    first_published: datetime | None = None
    last_published: datetime | None = None
    first_seq: int = 0
    last_seq: int = 0
    merged_ids: list[str] = Field(default_factory=list)  # stories folded into this one (their ids now alias it)
    norm_stats: NormStats = Field(default_factory=NormStats)  # see NormStats
    # While the story can still split (agents.cluster.split): its articles in arrival order (None: no longer
    # checked: too large, a headline among them, or persisted before splits existed) and their similarities (lower
    # triangle, row by row).
    members: list[StoryMember] | None = None
    similarities: list[float] = Field(default_factory=list)
    apart: list[str] = Field(default_factory=list)  # stories split from this one or it from them: never merged
    # Sum of the story's headline vectors (agents/extract/embedding.py: int32 per dimension, raw bytes; base64 in JSON).
    headline_sum: bytes | None = None

    @field_serializer("headline_sum", when_used="json")
    def _headline_sum_json(self, value: bytes | None) -> str | None:
        return base64.b64encode(value).decode("ascii") if value is not None else None

    @field_validator("headline_sum", mode="before")
    @classmethod
    def _headline_sum_from_json(cls, value: object) -> object:
        return base64.b64decode(value, validate=True) if isinstance(value, str) else value


_PROFILE_LAYOUT = CompactLayout(StoryProfile)


def share_fields_set(prof: StoryProfile) -> StoryProfile:
    """``prof`` made an index's own profile: the shared fields set, and its attributes in a key-sharing dict (0.28
    instead of 0.46 KiB; :class:`agents.compact.CompactLayout`)."""
    _PROFILE_LAYOUT.apply(prof)
    return prof


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
    splits: list[StorySplit] = Field(default_factory=list)  # articles moved to a story of their own by this step
    duplicate: bool = False  # the article id was already assigned; nothing changed


def copy_profile(prof: StoryProfile) -> StoryProfile:
    """A detached copy: the id lists are copied; feature maps, norm stats, members, similarities and ``apart`` are
    never changed in place (only replaced), so they are shared."""
    return prof.model_copy(update={"article_ids": list(prof.article_ids), "merged_ids": list(prof.merged_ids)})


def story_id_for(article_id: str) -> str:
    """Deterministic story id from the id of the story's first article."""
    return "s-" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:12]
