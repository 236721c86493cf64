"""``storywire schemas``: publish a JSON Schema (and one example message) for every message on a storywire topic.

Builds its examples with the in-process pipeline (spaCy, no broker): it never imports the worker (Faust). The
message models (pydantic) are imported when needed, not with the module: ``storywire --help`` imports it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from streams.cli.common import load_settings

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["json_schema", "published_models", "schemas", "write_schemas"]


@cache
def published_models() -> dict[str, type[BaseModel]]:
    """Topic → model of the messages on it that consumers and producers outside storywire see."""
    from schemas import Alert, Article, DeadLetter, StoryUpdate

    return {
        "articles": Article,
        "story-updates": StoryUpdate,
        "alerts": Alert,
        "articles-dead-letter": DeadLetter,
    }


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema (draft 2020-12) as a consumer validates what it reads."""
    schema = model.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = model.__name__
    topic = next(t for t, m in published_models().items() if m is model)
    schema["description"] = (schema.get("description", "") + f"\n\nMessages on the `{topic}` topic.").strip()
    return schema


def write_schemas(out: Path, examples: dict[str, BaseModel]) -> list[Path]:
    """Write ``<Model>.schema.json`` and ``examples/<Model>.json`` for every published model."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "examples").mkdir(exist_ok=True)
    written = []
    for model in published_models().values():
        path = out / f"{model.__name__}.schema.json"
        path.write_text(json.dumps(json_schema(model), indent=2, ensure_ascii=False) + "\n", "utf-8")
        written.append(path)
        example = examples.get(model.__name__)
        if example is not None:
            ex_path = out / "examples" / f"{model.__name__}.json"
            ex_path.write_text(
                json.dumps(example.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n", "utf-8"
            )
            written.append(ex_path)
    return written


@click.command()
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("docs/schemas"), show_default=True
)
def schemas(out: Path) -> None:
    """Write the JSON Schema and an example of every published message (built from examples/)."""
    from agents.alerts.rules import evaluate_rules, load_rules
    from agents.extract.extractor import Extractor, load_nlp
    from agents.inprocess import Pipeline
    from schemas import DeadLetter
    from streams.cli.demo import EXAMPLES_DIR
    from streams.ingest.readers import read_records

    settings = load_settings()
    records = list(read_records([EXAMPLES_DIR]))
    pipeline = Pipeline(Extractor(load_nlp(settings.model)), settings.cluster, settings.story)
    list(pipeline.add_raw(r.raw for r in records))
    biggest = max(pipeline.final_stories(), key=lambda u: (len(u.conflicts), u.article_count, u.story_id))
    fired = [a for u in pipeline.updates for _, a in evaluate_rules(load_rules(None), u, fired=())]
    examples = {
        "Article": records[0].parse(),
        "StoryUpdate": biggest,
        "Alert": fired[0],
        "DeadLetter": DeadLetter.from_record(
            topic="articles",
            partition=0,
            offset=42,
            key=b"feed-17",
            value=b"{not json",
            code="not_json",
            reason="message is not JSON (Expecting property name enclosed in double quotes at line 1 column 2)",
            now=biggest.last_seen or datetime(2026, 1, 1, tzinfo=UTC),
        ),
    }
    for path in write_schemas(out, examples):
        click.echo(path)
