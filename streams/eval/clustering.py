"""In-process runners behind ``storywire cluster`` and ``storywire eval``: JSONL in, story assignments out.

They run the same pure functions as the live pipeline: :meth:`agents.extract.extractor.Extractor.extract`
(``nlp.pipe``, batched) and then :meth:`agents.cluster.index.StoryIndex.assign`, one article at a time in
file order. Extraction may run ahead in worker processes; clustering decisions stay strictly online.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from agents.cluster.index import ClusterSettings, StoryIndex, story_id_for
from schemas.article import Article, ArticleError, parse_article
from schemas.extraction import ArticleExtraction
from streams.eval.bcubed import bcubed

__all__ = [
    "ArticleFileError",
    "ErrorHandler",
    "FileResult",
    "LabeledArticle",
    "cached_extractions",
    "cluster_file",
    "evaluate_file",
    "extract_articles",
    "extraction_cache_path",
    "read_articles_jsonl",
    "read_labeled",
    "run_file",
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
    tmp = cache_file.with_suffix(".tmp")
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
    from agents.extract.extractor import DEFAULT_MODEL

    path = Path(path)
    model = model or DEFAULT_MODEL
    items = list(read_labeled(path, on_error))
    skipped = _count_lines(path) - len(items)
    articles = [i.article for i in items]
    stream = extract_articles(articles, model=model, batch_size=batch_size, workers=workers, extractor=extractor)
    if cache_dir is not None:
        stream = cached_extractions(extraction_cache_path(Path(cache_dir), path, model), articles, stream)
    index = StoryIndex(settings or ClusterSettings())
    ids: list[str] = []
    story_ids: list[str] = []
    unextracted = 0
    seen: set[str] = set()
    merged_into: dict[str, str] = {}
    with ExitStack() as stack:
        bar = None
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
            task = bar.add_task(f"clustering {path.name}", total=len(articles), stories=0)
        for item, ex in zip(items, stream, strict=True):
            if isinstance(ex, ArticleError):
                unextracted += 1
                sid = story_id_for(item.article.id)
            else:
                assignment = index.assign(ex)
                sid = assignment.story_id
                for gone in assignment.merged:  # what a downstream consumer does with an explicit merge
                    merged_into[gone] = sid
                    seen.discard(gone)
            ids.append(item.article.id)
            story_ids.append(sid)
            seen.add(sid)
            if bar is not None:
                bar.update(task, advance=1, stories=len(seen))
    final = [_follow(merged_into, sid) for sid in story_ids]
    if out is not None:
        for aid, sid in zip(ids, final, strict=True):
            out.write(json.dumps({"id": aid, "story_id": sid}) + "\n")
    return FileResult(ids, final, [i.gold for i in items], skipped, unextracted)


def _follow(merged_into: dict[str, str], story_id: str) -> str:
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
    b = bcubed(result.story_ids, gold)
    return {
        "precision": round(b.precision, 4),
        "recall": round(b.recall, 4),
        "f1": round(b.f1, 4),
        "stories": b.stories,
        "gold_stories": b.gold_stories,
        "articles": b.items,
    }
