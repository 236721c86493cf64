"""Publish a JSON Schema (and one example message) for every message on a storywire topic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from schemas import Alert, Article, DeadLetter, StoryUpdate

__all__ = ["PUBLISHED_MODELS", "json_schema", "write_schemas"]

# Topic → model of the messages on it that consumers and producers outside storywire see.
PUBLISHED_MODELS: dict[str, type[BaseModel]] = {
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
    topic = next(t for t, m in PUBLISHED_MODELS.items() if m is model)
    schema["description"] = (schema.get("description", "") + f"\n\nMessages on the `{topic}` topic.").strip()
    return schema


def write_schemas(out: Path, examples: dict[str, BaseModel]) -> list[Path]:
    """Write ``<Model>.schema.json`` and ``examples/<Model>.json`` for every published model."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "examples").mkdir(exist_ok=True)
    written = []
    for model in PUBLISHED_MODELS.values():
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
