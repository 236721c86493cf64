"""In-process runners behind ``storywire cluster`` and ``storywire eval``: JSONL in, story assignments out.

They run the same pure functions as the live pipeline: :meth:`agents.extract.extractor.Extractor.extract`
(``nlp.pipe``, batched) and then :meth:`agents.cluster.index.StoryIndex.assign`, one article at a time in
file order. Extraction may run ahead in worker processes; clustering decisions stay strictly online.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from agents.cluster.index import ClusterSettings, StoryIndex, story_id_for
from schemas.article import Article, ArticleError, parse_article
from schemas.extraction import ArticleExtraction
from streams.eval.bcubed import bcubed

__all__ = [
    "METADATA_VARIANTS",
    "ArticleFileError",
    "ErrorHandler",
    "FileResult",
    "LabeledArticle",
    "LoadedFile",
    "cached_extractions",
    "cluster_extractions",
    "cluster_file",
    "evaluate_file",
    "evaluate_halves",
    "evaluate_orders",
    "extract_articles",
    "extraction_cache_path",
    "fold_group",
    "fold_halves",
    "follow_merges",
    "load_file",
    "load_labeled_file",
    "read_articles_jsonl",
    "read_labeled",
    "run_file",
    "shuffled_order",
    "with_metadata",
]

ErrorHandler = Callable[[int, ArticleError], None]


class ArticleFileError(ValueError):
    """A line of an article file cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class LabeledArticle:
    """One article of a file with its gold story label (``None`` when the line has none)."""

    article: Article
    gold: str | None
    line: int


def read_articles_jsonl(path: str | Path, on_error: ErrorHandler | None = None) -> Iterator[tuple[Article, str | None]]:
    """Articles of a JSONL file in file order, each with its gold ``story`` label (or ``None``).

    A bad line raises :class:`ArticleFileError` naming the file and line, unless ``on_error`` is given:
    then it is called with the line number and the coded error, and the line is skipped.
    """
    for item in read_labeled(Path(path), on_error):
        yield item.article, item.gold


def read_labeled(path: Path, on_error: ErrorHandler | None) -> Iterator[LabeledArticle]:
    """As :func:`read_articles_jsonl`, with each article's line number."""
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                article = parse_article(raw)
            except ArticleError as err:
                if on_error is None:
                    raise ArticleFileError(f"{path}:{lineno}: {err} (fix or remove the line)") from err
                on_error(lineno, err)
                continue
            label = json.loads(raw).get("story")
            yield LabeledArticle(article, None if label is None or label == "" else str(label), lineno)


# ---------------------------------------------------------------------------- extraction (may run ahead)

_worker_extractor: Any = None


def _init_worker(model: str, batch_size: int) -> None:
    global _worker_extractor
    from agents.extract.extractor import Extractor, load_nlp

    _worker_extractor = Extractor(load_nlp(model), batch_size=batch_size)


def _extract_in_worker(articles: Sequence[Article]) -> list[ArticleExtraction | ArticleError]:
    assert _worker_extractor is not None
    result: list[ArticleExtraction | ArticleError] = _worker_extractor.extract(articles)
    return result


def _chunks(items: Sequence[Article], size: int) -> Iterator[Sequence[Article]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def extract_articles(
    articles: Sequence[Article], *, model: str, batch_size: int, workers: int, extractor: Any = None
) -> Iterator[ArticleExtraction | ArticleError]:
    """Extractions in input order; with ``workers > 1`` chunks are parsed in a process pool."""
    chunk = max(batch_size * 2, 16)
    if workers <= 1 or len(articles) <= chunk:
        if extractor is None:
            from agents.extract.extractor import Extractor, load_nlp

            extractor = Extractor(load_nlp(model), batch_size=batch_size)
        for part in _chunks(articles, chunk):
            yield from extractor.extract(part)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(model, batch_size)) as pool:
        for batch in pool.map(_extract_in_worker, _chunks(articles, chunk)):
            yield from batch


def extraction_cache_path(cache_dir: Path, path: Path, model: str) -> Path:
    """The cache file in ``cache_dir`` for the extractions of ``path`` (its content, the model, the extractor)."""
    from agents.extract.extractor import EXTRACTOR_VERSION

    digest = hashlib.sha1(path.read_bytes()).hexdigest()[:16]
    return cache_dir / f"{path.stem}-{digest}-{model}-v{EXTRACTOR_VERSION}.jsonl"


def cached_extractions(
    cache_file: Path, articles: Sequence[Article], fresh: Iterator[ArticleExtraction | ArticleError]
) -> Iterator[ArticleExtraction | ArticleError]:
    """Read extractions from ``cache_file`` when it matches the articles, else compute and write it."""
    if cache_file.exists():
        rows = [json.loads(line) for line in cache_file.open(encoding="utf-8")]
        if len(rows) == len(articles):
            for row, art in zip(rows, articles, strict=True):
                if "error" in row:
                    yield ArticleError(row["error"]["code"], row["error"]["reason"])
                else:
                    cached = ArticleExtraction.model_validate(row)
                    yield cached.model_copy(update={"article": art})
            return
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")  # (two runs filling one shared cache write apart)
    with tmp.open("w", encoding="utf-8") as out:
        for ex in fresh:
            if isinstance(ex, ArticleError):
                out.write(json.dumps({"error": {"code": ex.code, "reason": ex.reason}}) + "\n")
            else:
                out.write(ex.model_dump_json() + "\n")
            yield ex
    tmp.replace(cache_file)


# ---------------------------------------------------------------------------- runners


@dataclass(frozen=True)
class FileResult:
    """Per article of a file, in file order: id, assigned story id and gold label."""

    ids: list[str]
    story_ids: list[str]
    gold: list[str | None]
    skipped_lines: int
    unextracted: int


def load_file(
    path: str | Path,
    *,
    workers: int = 1,
    model: str | None = None,
    batch_size: int = 32,
    cache_dir: str | Path | None = None,
    extractor: Any = None,
    on_error: ErrorHandler | None = None,
    metadata: str | None = None,
) -> tuple[list[LabeledArticle], Iterator[ArticleExtraction | ArticleError], int]:
    """The labeled articles of ``path`` in file order, their extractions (a lazy stream, from the cache when
    ``cache_dir`` holds them) and the number of lines skipped.

    ``metadata``: ``"blank"`` empties every article's ``source`` and ``url``, ``"fill"`` gives every article
    without them a made-up outlet (a check that no decision rests on their presence; see :func:`with_metadata`).
    """
    from agents.extract.extractor import DEFAULT_MODEL

    path = Path(path)
    model = model or DEFAULT_MODEL
    items = list(read_labeled(path, on_error))
    if metadata is not None:
        items = [LabeledArticle(with_metadata(i.article, metadata), i.gold, i.line) for i in items]
    skipped = _count_lines(path) - len(items)
    articles = [i.article for i in items]
    stream = extract_articles(articles, model=model, batch_size=batch_size, workers=workers, extractor=extractor)
    if cache_dir is not None:
        cache_file = extraction_cache_path(Path(cache_dir), path, model)
        if metadata is not None:
            cache_file = cache_file.with_name(f"{cache_file.stem}-{metadata}{cache_file.suffix}")
        stream = cached_extractions(cache_file, articles, stream)
    return items, stream, skipped


METADATA_VARIANTS = ("blank", "fill")


def with_metadata(article: Article, variant: str) -> Article:
    """``article`` with its ``source`` and ``url`` emptied (``"blank"``), or, where it has none, a made-up outlet
    and address derived from its id (``"fill"``)."""
    if variant == "blank":
        return article.model_copy(update={"source": "", "url": None})
    if variant == "fill":
        outlet = f"outlet{int(hashlib.sha1(article.id.encode()).hexdigest()[:6], 16) % 97}.example"
        source = article.source or outlet
        url = article.url or f"https://{source}/news/{article.id}"
        return article.model_copy(update={"source": source, "url": url})
    raise ValueError(f"metadata variant {variant!r}: expected one of {', '.join(METADATA_VARIANTS)}")


def cluster_extractions(
    extractions: Iterable[ArticleExtraction | ArticleError],
    ids: Sequence[str],
    settings: ClusterSettings | None = None,
    on_step: Callable[[int], None] | None = None,
) -> list[str]:
    """Each article's final story id (merges followed), clustering ``extractions`` one at a time in the given
    order with a fresh index. An article that could not be extracted gets a story of its own, outside the index.
    ``on_step`` is called with the number of live stories after each article."""
    index = StoryIndex(settings or ClusterSettings())
    story_of: dict[str, str] = {}  # article id → its story when last told
    seen: set[str] = set()
    merged_into: dict[str, str] = {}
    for aid, ex in zip(ids, extractions, strict=True):
        if isinstance(ex, ArticleError):
            sid = story_id_for(aid)
        else:
            assignment = index.assign(ex)
            sid = assignment.story_id
            for gone in assignment.merged:  # what a downstream consumer does with an explicit merge
                merged_into[gone] = sid
                seen.discard(gone)
            for split in assignment.splits:  # ... and with a split: the articles that left
                story_of.update(dict.fromkeys(split.article_ids, split.new_story_id))
                seen.update((split.story_id, split.new_story_id))
        story_of[aid] = sid
        seen.add(sid)
        if on_step is not None:
            on_step(len(seen))
    return [follow_merges(merged_into, story_of[aid]) for aid in ids]


def run_file(
    path: str | Path,
    *,
    settings: ClusterSettings | None = None,
    out: IO[str] | None = None,
    progress: bool = True,
    workers: int = 1,
    model: str | None = None,
    batch_size: int = 32,
    cache_dir: str | Path | None = None,
    extractor: Any = None,
    on_error: ErrorHandler | None = None,
) -> FileResult:
    """Extract and cluster every article of ``path`` in file order; optionally write assignments to ``out``.

    An article that cannot be extracted (e.g. not English) gets a story of its own, outside the index.
    """
    path = Path(path)
    items, stream, skipped = load_file(
        path,
        workers=workers,
        model=model,
        batch_size=batch_size,
        cache_dir=cache_dir,
        extractor=extractor,
        on_error=on_error,
    )
    ids = [i.article.id for i in items]
    unextracted = 0

    def counted(source: Iterator[ArticleExtraction | ArticleError]) -> Iterator[ArticleExtraction | ArticleError]:
        nonlocal unextracted
        for ex in source:
            unextracted += isinstance(ex, ArticleError)
            yield ex

    with ExitStack() as stack:
        on_step = None
        if progress:
            bar = stack.enter_context(
                Progress(
                    TextColumn("[bold]{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TextColumn("{task.fields[stories]} stories"),
                    TimeElapsedColumn(),
                    TimeRemainingColumn(),
                    console=Console(stderr=True),
                    transient=False,
                )
            )
            task = bar.add_task(f"clustering {path.name}", total=len(items), stories=0)

            def on_step(stories: int) -> None:
                bar.update(task, advance=1, stories=stories)

        final = cluster_extractions(counted(stream), ids, settings, on_step)
    if out is not None:
        for aid, sid in zip(ids, final, strict=True):
            out.write(json.dumps({"id": aid, "story_id": sid}) + "\n")
    return FileResult(ids, final, [i.gold for i in items], skipped, unextracted)


# ---------------------------------------------------------------------------- other arrival orders, two halves


def shuffled_order(articles: Sequence[Article], seed: int) -> list[int]:
    """Positions of ``articles`` in a seeded arrival order: articles published on the same UTC day are shuffled
    among themselves (the days keep their order of first appearance in the file); undated articles form one
    group of their own, so an undated file is shuffled fully. Deterministic for a seed."""
    groups: dict[object, list[int]] = {}
    for i, art in enumerate(articles):
        day = art.published.astimezone(UTC).date() if art.published is not None else None
        groups.setdefault(day, []).append(i)
    rng = random.Random(seed)
    order: list[int] = []
    for members in groups.values():
        members = list(members)
        rng.shuffle(members)
        order.extend(members)
    return order


_TOPIC = re.compile(r"^(\d+)-")


def fold_group(label: str) -> str:
    """What a two-fold split keeps together: the topic of an ECB+ label (``"12-ecbplus"`` and ``"12-ecb"`` → ``"12"``,
    both events of a topic), else the story label itself (a GVC incident, a UCI story)."""
    m = _TOPIC.match(label)
    return m.group(1) if m else label


def fold_halves(gold: Sequence[str]) -> list[int]:
    """Half 0 or 1 of each article: the groups (:func:`fold_group`) in sorted order (numbers by value) go to the
    two halves alternately."""
    groups = sorted({fold_group(g) for g in gold}, key=lambda k: (0, int(k), "") if k.isdigit() else (1, 0, k))
    half = {g: i % 2 for i, g in enumerate(groups)}
    return [half[fold_group(g)] for g in gold]


@dataclass(frozen=True)
class LoadedFile:
    """A labeled file with its extractions in memory, to be clustered many times (orders, halves, settings)."""

    path: Path
    articles: list[Article]
    gold: list[str]
    extractions: list[ArticleExtraction | ArticleError]

    def score(self, settings: ClusterSettings | None = None, order: Sequence[int] | None = None) -> dict[str, Any]:
        """B-cubed of one online pass over the articles at ``order`` (positions; default: all, in file order)."""
        order = range(len(self.articles)) if order is None else order
        ids = [self.articles[i].id for i in order]
        story_ids = cluster_extractions([self.extractions[i] for i in order], ids, settings)
        return _scores(story_ids, [self.gold[i] for i in order])

    def halves(self) -> list[list[int]]:
        """The positions of each half (:func:`fold_halves`), in file order."""
        which = fold_halves(self.gold)
        return [[i for i, h in enumerate(which) if h == half] for half in (0, 1)]


def load_labeled_file(path: str | Path, **kwargs: Any) -> LoadedFile:
    """:func:`load_file` with the extractions read into memory; every article must carry a ``story`` label."""
    items, stream, _ = load_file(path, **kwargs)
    extractions = list(stream)
    missing = [i.article.id for i in items if i.gold is None]
    if missing:
        raise ArticleFileError(
            f"{path}: {len(missing)} article(s) have no 'story' label (first: {missing[0]}); "
            "eval needs a gold 'story' field on every line"
        )
    gold = [i.gold for i in items if i.gold is not None]
    return LoadedFile(Path(path), [i.article for i in items], gold, extractions)


def evaluate_orders(loaded: LoadedFile, orders: int, seed: int = 0, **kwargs: Any) -> dict[str, Any]:
    """B-cubed over ``orders`` seeded arrival orders (:func:`shuffled_order` with seeds ``seed``, ``seed + 1``, ...):
    each order's scores, and the mean and minimum F1."""
    runs = [loaded.score(order=shuffled_order(loaded.articles, seed + k), **kwargs) for k in range(orders)]
    f1s = [r["f1"] for r in runs]
    return {
        "orders": orders,
        "seed": seed,
        "f1_mean": round(sum(f1s) / len(f1s), 4) if f1s else 0.0,
        "f1_min": min(f1s) if f1s else 0.0,
        "runs": runs,
    }


def evaluate_halves(loaded: LoadedFile, **kwargs: Any) -> dict[str, Any]:
    """B-cubed of each half of the file (:func:`fold_halves`) clustered as a stream of its own, in file order."""
    runs = [loaded.score(order=half, **kwargs) for half in loaded.halves()]
    return {"halves": runs, "f1_mean": round(sum(r["f1"] for r in runs) / len(runs), 4)}


def _scores(story_ids: list[str], gold: list[str]) -> dict[str, Any]:
    b = bcubed(story_ids, gold)
    return {
        "precision": round(b.precision, 4),
        "recall": round(b.recall, 4),
        "f1": round(b.f1, 4),
        "stories": b.stories,
        "gold_stories": b.gold_stories,
        "articles": b.items,
    }


def follow_merges(merged_into: Mapping[str, str], story_id: str) -> str:
    """The story ``story_id`` ended in, followed through the merges (a story folded into another)."""
    while story_id in merged_into:
        story_id = merged_into[story_id]
    return story_id


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


def cluster_file(
    path: str | Path, out: str | Path | IO[str] | None = None, progress: bool = True, **kwargs: Any
) -> list[tuple[str, str]]:
    """``(article id, story id)`` for every article of ``path``, in file order; also written to ``out``
    (a path or a text stream) as ``{"id", "story_id"}`` JSON lines."""
    with ExitStack() as stack:
        stream: IO[str] | None
        if out is None or isinstance(out, str | Path):
            stream = None if out is None else stack.enter_context(Path(out).open("w", encoding="utf-8"))
        else:
            stream = out
        result = run_file(path, out=stream, progress=progress, **kwargs)
    return list(zip(result.ids, result.story_ids, strict=True))


def evaluate_file(path: str | Path, progress: bool = True, **kwargs: Any) -> dict[str, Any]:
    """Cluster ``path`` and score it with B-cubed against its ``story`` labels.

    Returns ``precision``, ``recall``, ``f1``, ``stories`` (predicted) and ``gold_stories``, plus
    ``articles``. Raises :class:`ArticleFileError` when an article has no ``story`` label.
    """
    result = run_file(path, progress=progress, **kwargs)
    missing = [i for i, g in zip(result.ids, result.gold, strict=True) if g is None]
    if missing:
        raise ArticleFileError(
            f"{path}: {len(missing)} article(s) have no 'story' label (first: {missing[0]}); "
            "eval needs a gold 'story' field on every line"
        )
    gold = [g for g in result.gold if g is not None]
    return _scores(result.story_ids, gold)
