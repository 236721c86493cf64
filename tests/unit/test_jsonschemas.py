"""A consumer written only against docs/schemas validates every message storywire emits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from agents.alerting import evaluate_rules, load_rules
from agents.pipeline import Pipeline
from agents.workers import dead_letter_for
from streams.codecs import PydanticCodec
from streams.jsonschemas import PUBLISHED_MODELS, json_schema
from streams.readers import read_records

DOCS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((DOCS / f"{name}.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.mark.parametrize("model", list(PUBLISHED_MODELS.values()), ids=lambda m: m.__name__)
def test_published_schema_is_current_and_titled_by_its_model(model) -> None:  # type: ignore[no-untyped-def]
    published = json.loads((DOCS / f"{model.__name__}.schema.json").read_text())
    assert published["title"] == model.__name__
    assert published == json.loads(json.dumps(json_schema(model))), (
        f"docs/schemas/{model.__name__}.schema.json is stale: run `storywire schemas`"
    )


@pytest.mark.parametrize("name", [m.__name__ for m in PUBLISHED_MODELS.values()])
def test_published_examples_validate(name: str) -> None:
    example = json.loads((DOCS / "examples" / f"{name}.json").read_text())
    validator(name).validate(example)


def test_every_message_the_pipeline_emits_validates(extractor, examples_dir: Path) -> None:  # type: ignore[no-untyped-def]
    pipeline = Pipeline(extractor)
    list(pipeline.add_raw(r.raw for r in read_records([examples_dir])))
    assert pipeline.updates
    story_v, alert_v, dl_v = validator("StoryUpdate"), validator("Alert"), validator("DeadLetter")
    codec = PydanticCodec  # the bytes on the wire are what the Faust codec writes
    fired: dict[str, int] = {}
    n_alerts = 0
    for update in pipeline.updates:
        story_v.validate(json.loads(codec(type(update)).dumps(update)))
        assert update.changes.new_articles, "every version says what it adds"
        for key, alert in evaluate_rules(load_rules(None), update, fired=fired):
            fired[key] = update.version
            alert_v.validate(json.loads(codec(type(alert)).dumps(alert)))
            n_alerts += 1
    assert n_alerts >= 1
    dl = dead_letter_for("articles", 1, 7, None, b"\xff\x00", "not_utf8", "message is not UTF-8", update.updated_at)
    dl_v.validate(json.loads(codec(type(dl)).dumps(dl)))
