"""``storywire stories``: the whole pipeline in process (no broker) over files, printing the final stories."""

from __future__ import annotations

import click

from streams.cli.common import load_settings

__all__ = ["stories"]


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="One StoryUpdate JSON object a line.")
def stories(paths: tuple[str, ...], as_json: bool) -> None:
    """Run the pipeline in process (no broker) and print the final version of every story."""
    from rich.console import Console

    from agents.extract.extractor import Extractor, load_nlp
    from agents.inprocess import Pipeline
    from streams.board.terminal import plural
    from streams.ingest.readers import read_records

    settings = load_settings()
    pipeline = Pipeline(
        Extractor(load_nlp(settings.model), batch_size=settings.extract_batch_size),
        settings.cluster,
        settings.story,
        settings.max_text_chars,
    )
    records = list(read_records(paths))
    err_console = Console(stderr=True)
    for result in pipeline.add_raw(r.raw for r in records):
        if result.error is not None:
            err_console.print(f"[yellow]rejected[/yellow] {result.article_id or '?'}: {result.error}", highlight=False)
    finals = pipeline.final_stories()
    if as_json:
        for update in finals:
            click.echo(update.model_dump_json())
        return
    console = Console()
    for u in finals:
        console.rule(f"[cyan]{u.story_id}[/cyan] v{u.version} — {u.title}")
        console.print(
            f"{plural(u.article_count, 'article')}, {plural(u.independent_source_count, 'independent source')}: "
            f"{', '.join(u.outlets)}",
            highlight=False,
        )
        for s in u.summary:
            console.print(f"  • {s.text} [dim]({', '.join(s.sources)})[/dim]", highlight=False)
        for e in u.events:
            attrs = ", ".join(f"{k}={v}" for k, v in e.attributes.items())
            console.print(
                f"  [green]{e.type}[/green] {e.trigger} {attrs} [dim]({', '.join(e.sources)})[/dim]", highlight=False
            )
        for c in u.conflicts:
            sides = " vs ".join(f"{v.value!r} ({', '.join(v.sources)})" for v in c.values)
            console.print(f"  [red]conflict[/red] {c.attribute}: {sides}", highlight=False)
