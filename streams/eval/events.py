"""In-process runner behind ``storywire eval-events``: event coreference on gold trigger mentions.

Articles are clustered into stories online in file order by :func:`streams.eval.clustering.run_file` (what
``storywire eval`` runs, with the same settings); each gold trigger gets the extractor's frame
(:func:`streams.eval.mentions.mention_frames`); the frames of each predicted story are grouped by the story
merge (:func:`streams.eval.mentions.group_mentions` over :func:`agents.story.merge.assign_events`). The response
is scored against the gold clusters with MUC, B-cubed, CEAF-e and the CoNLL F1 (singletons kept).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from spacy.tokens import Doc, DocBin

from agents.cluster.index import ClusterSettings
from agents.extract.extractor import canonical_entities, parsed_text
from agents.story.merge import entity_id_map
from schemas.article import Article
from schemas.extraction import EventFrame
from streams.eval.clustering import ArticleFileError, ErrorHandler, FileResult, read_labeled, run_file
from streams.eval.conll import CorefScores, clusters_of, conll_scores
from streams.eval.mentions import group_mentions, mention_frames

__all__ = ["GoldMention", "MentionFileError", "evaluate_events", "read_mentions_jsonl"]

_DOC_ATTRS = ["ORTH", "NORM", "LEMMA", "POS", "TAG", "MORPH", "DEP", "HEAD", "SENT_START", "ENT_IOB", "ENT_TYPE",
              "ENT_KB_ID", "SPACY"]  # fmt: skip


class MentionFileError(ValueError):
    """A line of the mention file cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class GoldMention:
    """One gold event trigger: a character span of an article's ``text`` and its gold cluster."""

    article_id: str
    start: int
    end: int
    cluster: str

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.article_id, self.start, self.end)


def read_mentions_jsonl(path: str | Path) -> list[GoldMention]:
    """Gold mentions ``{"article_id", "start", "end", "cluster"}`` of a JSONL file, in file order."""
    out: list[GoldMention] = []
    with Path(path).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                m = GoldMention(str(row["article_id"]), int(row["start"]), int(row["end"]), str(row["cluster"]))
            except (ValueError, KeyError, TypeError) as exc:
                raise MentionFileError(f"{path}:{lineno}: {exc!r} (expected article_id, start, end, cluster)") from exc
            if m.end <= m.start:
                raise MentionFileError(f"{path}:{lineno}: empty span {m.start}..{m.end}")
            out.append(m)
    return out


# ---------------------------------------------------------------------------- parses (cached)


def _parse(articles: Sequence[Article], model: str, batch_size: int) -> Iterator[Doc]:
    from agents.extract.extractor import load_nlp

    yield from load_nlp(model).pipe((parsed_text(a) for a in articles), batch_size=batch_size)


def _docs(path: Path, articles: Sequence[Article], *, model: str, batch_size: int, cache_dir: Path | None) -> list[Doc]:
    """The parse of every article body (the extractor's pipeline), kept as a DocBin in ``cache_dir``."""
    from agents.extract.extractor import EXTRACTOR_VERSION, load_nlp

    if cache_dir is None:
        return list(_parse(articles, model, batch_size))
    digest = hashlib.sha1(path.read_bytes()).hexdigest()[:16]
    cache = Path(cache_dir) / f"{path.stem}-{digest}-{model}-v{EXTRACTOR_VERSION}.docs.spacy"
    nlp = load_nlp(model)
    if cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if len(docs) == len(articles) and all(d.text == parsed_text(a) for d, a in zip(docs, articles, strict=True)):
            return docs
    docs = list(_parse(articles, model, batch_size))
    cache.parent.mkdir(parents=True, exist_ok=True)
    bin_ = DocBin(attrs=_DOC_ATTRS)
    for d in docs:
        bin_.add(d)
    tmp = cache.with_suffix(".tmp")
    bin_.to_disk(tmp)
    tmp.replace(cache)
    return docs


def _body_offset(article: Article) -> int:
    """Where ``article.text`` starts inside ``article.body`` (the parsed text), minus its stripped indent."""
    text = article.text
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    at = article.body.find(stripped) if stripped else -1
    return at - lead if at >= 0 else 0


# ---------------------------------------------------------------------------- runner


def evaluate_events(
    articles_path: str | Path,
    mentions_path: str | Path,
    *,
    settings: ClusterSettings | None = None,
    out: IO[str] | None = None,
    gold_stories: bool = False,
    progress: bool = True,
    model: str | None = None,
    batch_size: int = 32,
    workers: int = 1,
    cache_dir: str | Path | None = None,
    on_error: ErrorHandler | None = None,
) -> dict[str, Any]:
    """Score event coreference of the story merge on gold mentions; returns the scores as a flat dict.

    With ``gold_stories`` the file's ``story`` labels replace the clusterer's stories (a diagnostic: it
    separates story errors from merge errors).
    """
    from agents.extract.extractor import DEFAULT_MODEL

    articles_path, mentions_path = Path(articles_path), Path(mentions_path)
    model = model or DEFAULT_MODEL
    cache = Path(cache_dir) if cache_dir is not None else None
    items = list(read_labeled(articles_path, on_error))
    articles = [i.article for i in items]
    mentions = read_mentions_jsonl(mentions_path)
    by_id = {a.id: a for a in articles}
    unknown = sorted({m.article_id for m in mentions} - by_id.keys())
    if unknown:
        raise MentionFileError(f"{mentions_path}: {len(unknown)} article id(s) not in {articles_path} ({unknown[0]})")

    if gold_stories:
        missing = [i.article.id for i in items if i.gold is None]
        if missing:
            raise ArticleFileError(
                f"{articles_path}: --gold-stories needs a 'story' label on every line ({missing[0]})"
            )
        story_of = {i.article.id: str(i.gold) for i in items}
        stories_found = len(set(story_of.values()))
    else:
        result: FileResult = run_file(
            articles_path, settings=settings, progress=progress, workers=workers, model=model,
            batch_size=batch_size, cache_dir=cache, on_error=on_error,
        )  # fmt: skip
        story_of = dict(zip(result.ids, result.story_ids, strict=True))
        stories_found = len(set(result.story_ids))

    docs = _docs(articles_path, articles, model=model, batch_size=batch_size, cache_dir=cache)
    doc_of = {a.id: d for a, d in zip(articles, docs, strict=True)}

    per_article: dict[str, list[GoldMention]] = defaultdict(list)
    for m in mentions:
        per_article[m.article_id].append(m)
    frames: dict[tuple[str, int, int], EventFrame] = {}
    entities: dict[str, Any] = {}
    for aid, found in per_article.items():
        doc, art = doc_of[aid], by_id[aid]
        ents = canonical_entities(doc)
        entities[aid] = ents.entities
        shift = _body_offset(art)
        published = art.published.date() if art.published is not None else None
        spans = [(m.start + shift, m.end + shift) for m in found]
        for m, frame in zip(found, mention_frames(doc, ents, spans, published), strict=True):
            if frame is not None:
                frames[m.key] = frame

    response: dict[tuple[str, int, int], str] = {}
    by_story: dict[str, list[GoldMention]] = defaultdict(list)
    for m in mentions:
        if m.key in frames:
            by_story[story_of[m.article_id]].append(m)
        else:
            response[m.key] = f"unparsed/{m.article_id}/{m.start}"
    for sid, members in by_story.items():
        ids = entity_id_map(entities[a] for a in sorted({m.article_id for m in members}))
        reports = [(m.article_id, by_id[m.article_id].outlet, frames[m.key]) for m in members]
        for m, event_id in zip(members, group_mentions(reports, entity_ids=ids), strict=True):
            response[m.key] = f"{sid}/{event_id}"

    if out is not None:
        for m in mentions:
            row = {"article_id": m.article_id, "start": m.start, "end": m.end, "cluster": response[m.key]}
            out.write(json.dumps(row) + "\n")
    scores: CorefScores = conll_scores(
        clusters_of({m.key: m.cluster for m in mentions}), clusters_of({m.key: response[m.key] for m in mentions})
    )
    return {
        **scores.as_dict(),
        "mentions": len(mentions),
        "gold_clusters": len({m.cluster for m in mentions}),
        "clusters": len(set(response.values())),
        "stories": stories_found,
        "story_source": "gold" if gold_stories else "clusterer",
    }
