"""A consumer written only against docs/schemas validates every message storywire emits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from agents.alerts.rules import evaluate_rules, load_rules
from agents.inprocess import Pipeline
from schemas import DeadLetter
from streams.cli.schemas import json_schema, published_models
from streams.codecs import PydanticCodec
from streams.ingest.readers import read_records
from tests.conftest import ROOT

DOCS = ROOT / "docs" / "schemas"


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((DOCS / f"{name}.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.mark.parametrize("model", list(published_models().values()), ids=lambda m: m.__name__)
def test_published_schema_is_current_and_titled_by_its_model(model) -> None:  # type: ignore[no-untyped-def]
    published = json.loads((DOCS / f"{model.__name__}.schema.json").read_text())
    assert published["title"] == model.__name__
    assert published == json.loads(json.dumps(json_schema(model))), (
        f"docs/schemas/{model.__name__}.schema.json is stale: run `storywire schemas`"
    )


@pytest.mark.parametrize("name", [m.__name__ for m in published_models().values()])
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
    dl = DeadLetter.from_record(
        topic="articles",
        partition=1,
        offset=7,
        key=None,
        value=b"\xff\x00",
        code="not_utf8",
        reason="message is not UTF-8",
        now=update.updated_at,
    )
    dl_v.validate(json.loads(codec(type(dl)).dumps(dl)))
