"""``storywire eval-facts``: the stories' facts against a record of the incidents (GVC: the Gun Violence Archive)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from streams.cli.common import FILE, cluster_settings, skipped_line_warner, with_cluster_options

__all__ = ["eval_facts"]


@click.command("eval-facts")
@click.argument("articles", type=FILE)
@click.argument("incidents", type=FILE)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the scores on the last line.")
@with_cluster_options
def eval_facts(
    articles: Path,
    incidents: Path,
    as_json: bool,
    workers: int,
    cache_dir: Path | None,
    overrides: tuple[str, ...],
    no_progress: bool,
) -> None:
    """Run the pipeline in process on ARTICLES.jsonl and score each incident of INCIDENTS.jsonl on its story's facts.

    The story of an incident is the one holding most of its articles (by the articles' ``story`` label). Scored:
    killed, injured and both exact; city (where an article names it, and over all); state; date within a day;
    participant names (recall, precision); and of the matched names, age within a year and role.
    """
    from rich.console import Console
    from rich.table import Table

    from streams.eval.clustering import ArticleFileError
    from streams.eval.facts import FIELDS, IncidentFileError, evaluate_facts
    from streams.settings import Settings

    settings, model, batch = cluster_settings(overrides)
    try:
        result = evaluate_facts(
            articles,
            incidents,
            model=model,
            batch_size=batch,
            workers=workers,
            cache_dir=cache_dir,
            cluster=settings,
            story=Settings().story,
            on_error=skipped_line_warner(articles),
        )
    except (ArticleFileError, IncidentFileError) as exc:
        raise click.ClickException(str(exc)) from exc
    table = Table(title=f"story facts: {articles.name} against {incidents.name} ({result['incidents']} incidents)")
    table.add_column("figure")
    table.add_column("score", justify="right")
    table.add_column("of", justify="right")
    for name, meaning in FIELDS:
        figure = result["scores"][name]
        table.add_row(meaning, f"{figure['score']:.3f}", str(figure["of"]))
    Console(width=100).print(table)
    if as_json:
        click.echo(json.dumps({"incidents": result["incidents"], **result["scores"]}))
