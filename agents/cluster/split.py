"""When a young story turns out to hold two events: the similarities of its articles and the two-way test (pure).

The first decisions about an event are the weakest: the first report of a topic's second event (another earthquake,
the same boxer's next fight) meets a story of one to four reports of the first and joins it, since the people,
places and words they share outweigh the few that differ, and those few are new to the index at that moment
(docs/clustering.md, "Splitting a story"). A few articles later the story holds two groups of reports, each
close within itself and far from the other. :class:`agents.cluster.index.StoryIndex` keeps, for each story of at
most ``split_max_articles`` articles, the pairwise similarities of its articles (lower triangle, row by row), and
at the merge check's sizes asks :func:`split_part` whether the story falls in two.

The test is scale-free: the mean similarity between the two groups is compared with the mean within them, so
that it holds for long texts and short ones alike (an absolute cosine does not: coherent full-text stories and
glued ones overlap there, session 14).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from agents.cluster.features import first_key_set
from agents.cluster.models import StoryMember, StoryProfile

__all__ = [
    "add_member",
    "check_due",
    "fold_members",
    "similarity",
    "split_part",
    "sub_triangle",
    "with_row",
]


def check_due(count: int, minimum: int) -> bool:
    """Whether a story that just reached ``count`` articles is checked (for a merge, or a split): at every size up
    to ``minimum + 2``, then each time it has grown by about a quarter (a function of the size alone, so a
    restored index checks at the same moments)."""
    if count < minimum:
        return False
    if count <= minimum + 2:
        return True
    return int(math.log(count, 1.25)) != int(math.log(count - 1, 1.25))


def similarity(
    squares: list[dict[str, float]], norms: Sequence[float], other: StoryMember, weights: list[float]
) -> float:
    """Cosine of one member (per family: its features' IDF² now, and its norm) with another member (its features and
    its norms when it joined), weighted over the families both have: ``Σ idf² / (norm · other norm)`` per family."""
    num = den = 0.0
    features: tuple[tuple[str, ...], ...] = other.features
    their_norms: tuple[float, ...] = other.norms
    for f in range(len(squares)):
        norm, their_norm, w = norms[f], their_norms[f], weights[f]
        if norm <= 0.0 or their_norm <= 0.0 or w <= 0.0:
            continue
        fam_squares = squares[f]
        dot = 0.0
        for key in features[f]:
            x = fam_squares.get(key)
            if x is not None:
                dot += x
        num += w * dot / (norm * their_norm)
        den += w
    return num / den if den > 0.0 else 0.0


def with_row(sims: list[float], row: Sequence[float]) -> list[float]:
    """The lower triangle of n members grown by member n's similarities to members 0…n−1 (a new list)."""
    return [*sims, *row]


def add_member(
    profile: StoryProfile,
    member: StoryMember,
    idf: list[list[float]],
    tf: list[list[float]] | None,
    caps: list[int],
    weights: list[float],
) -> None:
    """``member`` joins ``profile``'s members (``profile.members`` is not None, or the story is new), with its
    norms now and its similarities to the members before it. ``member.features``: all of the article's features,
    ``idf`` the IDF now of each (per family), ``tf`` their weights in the article: each family keeps its ``caps``
    weightiest by TF × IDF, in their order (``tf`` None: all of them)."""
    members = profile.members or []
    if not members:  # a new story: nothing to compare with yet, its norms are all it needs
        norms = [math.sqrt(math.fsum([x * x for x in fam_idf])) for fam_idf in idf]
        profile.members = [StoryMember(member.article_id, member.seq, member.published, member.features, tuple(norms))]
        profile.similarities = []
        return
    keys: list[tuple[str, ...]] = []
    squares: list[dict[str, float]] = []
    norms = []
    for f in range(len(member.features)):
        fam_keys, fam_idf = member.features[f], idf[f]
        n = len(fam_keys)
        sq: dict[str, float] = {}
        if tf is not None and n > caps[f]:
            fam_tf = tf[f]
            chosen = first_key_set([-fam_tf[i] * fam_idf[i] for i in range(n)], list(fam_keys), caps[f])
            for i in range(n):
                if fam_keys[i] in chosen:
                    sq[fam_keys[i]] = fam_idf[i] * fam_idf[i]
            keys.append(tuple(sq))
        else:
            for i in range(n):
                sq[fam_keys[i]] = fam_idf[i] * fam_idf[i]
            keys.append(fam_keys)
        squares.append(sq)
        norms.append(math.sqrt(math.fsum(sq.values())))
    member = StoryMember(member.article_id, member.seq, member.published, tuple(keys), tuple(norms))
    row = [similarity(squares, member.norms, m, weights) for m in members]
    profile.members, profile.similarities = [*members, member], with_row(profile.similarities, row)


def fold_members(
    keep: StoryProfile,
    gone: StoryProfile,
    idf_of: Callable[[tuple[tuple[str, ...], ...]], list[list[float]]],
    weights: list[float],
    max_articles: int,
) -> None:
    """``keep`` absorbs ``gone``: its members become both stories', in arrival order (None when either had none, or
    too many). The similarities within each story are kept; those between the two are measured now, through
    ``idf_of`` (the IDF now of a member's features, per family)."""
    if keep.members is None or gone.members is None or len(keep.members) + len(gone.members) > max_articles:
        keep.members, keep.similarities = None, []
        return
    na = len(keep.members)
    members = [*keep.members, *gone.members]
    squares = [
        [{k: x * x for k, x in zip(ks, xs, strict=True)} for ks, xs in zip(m.features, idf_of(m.features), strict=True)]
        for m in keep.members
    ]
    norms = [[math.sqrt(math.fsum(fam.values())) for fam in sq] for sq in squares]
    mine, theirs = keep.similarities, gone.similarities

    def sim(i: int, j: int) -> float:
        if i < na and j < na:
            return _at(mine, i, j)
        if i >= na and j >= na:
            return _at(theirs, i - na, j - na)
        if i >= na:
            i, j = j, i
        return similarity(squares[i], norms[i], members[j], weights)

    order = sorted(range(len(members)), key=lambda k: members[k].seq)
    keep.similarities = [sim(order[i], order[j]) for i in range(1, len(order)) for j in range(i)]
    keep.members = [members[k] for k in order]


def _at(sims: Sequence[float], i: int, j: int) -> float:
    if i == j:
        return 0.0
    if i < j:
        i, j = j, i
    return sims[i * (i - 1) // 2 + j]


def sub_triangle(sims: Sequence[float], keep: Sequence[int]) -> list[float]:
    """The lower triangle of the members at positions ``keep`` (ascending), in that order."""
    return [_at(sims, keep[i], keep[j]) for i in range(1, len(keep)) for j in range(i)]


def split_part(sims: Sequence[float], n: int, min_part: int, ratio: float) -> list[int] | None:
    """The positions of the members to move out of a story of ``n`` members, or None when it holds together.

    Two groups: seeded by the least similar pair, then each member goes to the group it is closer to on average
    (until nothing moves; at most 20 rounds). The story splits when both groups have at least ``min_part`` members
    and the mean similarity between them is under ``ratio`` × the mean of the two groups' inner mean similarities.
    The group holding member 0 (the story's first article) stays; the other is returned, ascending.
    Deterministic: ties go to the earlier pair, and to the first group.
    """
    if ratio <= 0.0 or n < 2 * min_part or len(sims) != n * (n - 1) // 2:
        return None
    full = [[_at(sims, i, j) for j in range(n)] for i in range(n)]
    worst, p, q = 2.0, 0, 1
    for i in range(1, n):
        for j in range(i):
            if full[i][j] < worst:
                worst, p, q = full[i][j], j, i
    group = [0 if full[k][p] >= full[k][q] else 1 for k in range(n)]
    group[p], group[q] = 0, 1
    for _ in range(20):
        sizes = [group.count(0), group.count(1)]
        moved = False
        nxt = list(group)
        for k in range(n):
            row, sum0, sum1 = full[k], 0.0, 0.0
            for m in range(n):
                if m != k:
                    if group[m] == 0:
                        sum0 += row[m]
                    else:
                        sum1 += row[m]
            own = group[k]
            count0, count1 = sizes[0] - (1 if own == 0 else 0), sizes[1] - (1 if own == 1 else 0)
            mean0 = sum0 / count0 if count0 else -1.0
            mean1 = sum1 / count1 if count1 else -1.0
            nxt[k] = 0 if mean0 >= mean1 else 1
            moved = moved or nxt[k] != group[k]
        group = nxt
        if not moved:
            break
    stay = [k for k in range(n) if group[k] == group[0]]
    move = [k for k in range(n) if group[k] != group[0]]
    if len(stay) < min_part or len(move) < min_part:
        return None
    inner_a = _mean([full[i][j] for i in stay for j in stay if j < i])
    inner_b = _mean([full[i][j] for i in move for j in move if j < i])
    between = _mean([full[i][j] for i in stay for j in move])
    return move if between < ratio * (inner_a + inner_b) / 2.0 else None


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
