"""``storywire eval-events``: event coreference of the story merge on gold trigger mentions (ECB+)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from streams.cli.common import FILE, cluster_settings, skipped_line_warner, with_cluster_options

__all__ = ["eval_events"]


@click.command("eval-events")
@click.argument("articles", type=FILE)
@click.argument("mentions", type=FILE)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help='Write {"article_id", "start", "end", "cluster"} JSON lines here, one per gold mention.',
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the scores on the last line.")
@click.option(
    "--gold-stories",
    is_flag=True,
    help="Diagnostic: take the stories from the articles' 'story' labels instead of the clusterer.",
)
@with_cluster_options
def eval_events(
    articles: Path,
    mentions: Path,
    out: Path | None,
    as_json: bool,
    gold_stories: bool,
    workers: int,
    cache_dir: Path | None,
    overrides: tuple[str, ...],
    no_progress: bool,
) -> None:
    """Cluster ARTICLES.jsonl into stories, merge a frame per gold trigger of MENTIONS.jsonl, score the events.

    Prints MUC, B-cubed and CEAF-e precision/recall/F1 and the CoNLL F1 (singletons kept).
    """
    from rich.console import Console
    from rich.table import Table

    from streams.eval.clustering import ArticleFileError
    from streams.eval.events import MentionFileError, evaluate_events

    settings, model, batch = cluster_settings(overrides)
    try:
        with out.open("w", encoding="utf-8") if out is not None else _NoFile() as stream:
            result = evaluate_events(
                articles,
                mentions,
                settings=settings,
                out=stream,
                gold_stories=gold_stories,
                progress=not no_progress,
                model=model,
                batch_size=batch,
                workers=workers,
                cache_dir=cache_dir,
                on_error=skipped_line_warner(articles),
            )
    except (ArticleFileError, MentionFileError) as exc:
        raise click.ClickException(str(exc)) from exc
    table = Table(title=f"Event coreference on {mentions.name} ({result['story_source']} stories)")
    for col in ("metric", "precision", "recall", "F1"):
        table.add_column(col, justify="right")
    for name, key in (("MUC", "muc"), ("B-cubed", "b3"), ("CEAF-e", "ceafe")):
        table.add_row(name, f"{result[key + '_p']:.3f}", f"{result[key + '_r']:.3f}", f"{result[key + '_f1']:.3f}")
    table.add_row("CoNLL", "", "", f"{result['conll_f1']:.3f}")
    Console(stderr=as_json).print(table)
    click.echo(
        f"{result['mentions']} mentions, {result['gold_clusters']} gold events, {result['clusters']} predicted; "
        f"{result['stories']} stories" + (f" → {out}" if out is not None else ""),
        err=as_json,
    )
    if as_json:
        click.echo(json.dumps(result))


class _NoFile:
    """``with`` stand-in when there is no --out file."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
