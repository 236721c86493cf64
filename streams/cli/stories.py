"""``storywire stories``: the whole pipeline in process (no broker) over files, feeds and pages, printing the final
stories."""

from __future__ import annotations

import sys

import click

from streams.cli.common import load_settings

__all__ = ["stories"]


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH|URL...")
@click.option("--json", "as_json", is_flag=True, help="One StoryUpdate JSON object a line.")
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=20.0, show_default=True, help="HTTP timeout in seconds."
)
@click.option("--no-fetch", is_flag=True, help="Feeds: use each entry's own content or summary, never fetch pages.")
def stories(inputs: tuple[str, ...], as_json: bool, timeout: float, no_fetch: bool) -> None:
    """Run the pipeline in process (no broker) and print the final version of every story.

    Takes what `storywire ingest` takes: .txt (first line = title), .json, .jsonl and .html files, directories
    of them, RSS/Atom feeds and JSON Feeds (URLs or .rss/.atom/.xml/.json files) and article page URLs. Every
    input or record that is rejected is named on stderr (file, file:line for JSON lines, or URL) with what to do;
    the exit status is 1 when no article reached a story.
    """
    from rich.console import Console
    from rich.markup import escape

    from agents.extract.extractor import Extractor, load_nlp
    from agents.inprocess import Pipeline
    from streams.board.state import facts_summary, participant_text
    from streams.board.terminal import display_names, outlet_name, plural
    from streams.cli.ingest import print_rejection
    from streams.ingest.fetch import Fetcher
    from streams.ingest.producer import Ingestor

    settings = load_settings()
    accepted: list[tuple[str, str, bytes]] = []
    ingestor = Ingestor(
        settings,
        None,
        fetcher=Fetcher(timeout=timeout),
        on_error=print_rejection,
        on_article=lambda origin, aid, payload: accepted.append((origin, aid, payload)),
        fetch_pages=not no_fetch,
    )
    ingestor.ingest_inputs(inputs)
    err_console = Console(stderr=True)
    origin_of = {aid: origin for origin, aid, _ in accepted}
    rejected = len(ingestor.summary.rejected)
    in_stories = 0
    if accepted:
        pipeline = Pipeline(
            Extractor(load_nlp(settings.model), batch_size=settings.extract_batch_size),
            settings.cluster,
            settings.story,
            settings.max_text_chars,
        )
        for result in pipeline.add_raw(payload for _, _, payload in accepted):
            if result.error is None:
                in_stories += 1
                continue
            rejected += 1
            origin = origin_of.get(result.article_id or "", result.article_id or "an input")
            err_console.print(
                f"[yellow]rejected[/yellow] {escape(origin)}: {result.error.code}: {escape(result.error.reason)}",
                highlight=False,
                soft_wrap=True,
            )
        finals = pipeline.final_stories()
    else:
        finals = []
    if in_stories == 0:
        err_console.print(
            f"nothing was accepted ({plural(rejected, 'input')} rejected, "
            f"{ingestor.summary.duplicates} skipped as duplicate): see the lines above, fix or leave out those inputs",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)
    if as_json:
        for update in finals:
            click.echo(update.model_dump_json())
        return
    console = Console()
    for u in finals:
        names = display_names(u)
        console.rule(f"[cyan]{u.story_id}[/cyan] v{u.version} — {escape(u.title)}")
        console.print(
            f"{plural(u.article_count, 'article')}, {plural(u.independent_source_count, 'independent source')}: "
            f"{', '.join(outlet_name(o) for o in u.outlets)}",
            highlight=False,
            markup=False,
        )
        facts = facts_summary(u.facts)
        if facts:
            people = "; ".join(participant_text(p) for p in u.facts.participants)
            console.print(f"  [bold]facts:[/bold] {escape(facts)}" + (f" — {escape(people)}" if people else ""))
        for s in u.summary:
            cited = ", ".join(outlet_name(x) for x in s.sources)
            console.print(f"  • {escape(s.text)} [dim]({escape(cited)})[/dim]", highlight=False)
        for e in u.events:
            attrs = ", ".join(f"{k}={v}" for k, v in e.attributes.items())
            who = ", ".join(names.get(p, p) for p in (*e.actors, *e.targets))
            where = names.get(e.where, e.where) if e.where else ""
            detail = " ".join(x for x in (attrs, f"who: {who}" if who else "", f"where: {where}" if where else "") if x)
            cited = ", ".join(outlet_name(x) for x in e.sources)
            console.print(
                f"  [green]{escape(e.type)}[/green] {escape(e.trigger)} {escape(detail)} [dim]({escape(cited)})[/dim]",
                highlight=False,
            )
        for c in u.conflicts:
            sides = " vs ".join(
                f"{names.get(str(v.value), v.value)!r} ({', '.join(outlet_name(x) for x in v.sources)})"
                for v in c.values
            )
            console.print(f"  [red]conflict[/red] {escape(c.attribute)}: {escape(sides)}", highlight=False)
