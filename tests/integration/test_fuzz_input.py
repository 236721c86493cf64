"""Fuzzing the input topic: every message is processed or dead-lettered with its raw bytes; the worker goes on."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from kafka import KafkaConsumer, TopicPartition

from schemas import ArticleExtraction, DeadLetter
from streams.kafka.clients import LARGE_FETCHES, ensure_topics, make_producer
from streams.kafka.processes import WorkerProcess
from streams.settings import Settings
from streams.topics import ARTICLE_EXTRACTIONS, ARTICLES, ARTICLES_DEAD_LETTER

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ENGLISH = (
    "Firefighters in Dunmore, Illinois, put out a warehouse fire on Monday after three hours, the fire chief said. "
    "No one was hurt, and the cause of the blaze is under investigation."
)
FRENCH = (
    "Les pompiers de Lyon ont maîtrisé lundi un incendie dans un entrepôt après trois heures de lutte, a indiqué "
    "le chef des pompiers. Personne n'a été blessé et la cause du sinistre fait l'objet d'une enquête."
)
counter = iter(range(10**9))


def article(**fields: object) -> bytes:
    return json.dumps({"id": f"fuzz-{next(counter)}", "title": "Warehouse fire", "text": ENGLISH, **fields}).encode()


payloads = st.one_of(
    st.binary(min_size=1, max_size=200).filter(lambda b: not b.strip().startswith(b"{")),  # mostly not JSON/UTF-8
    st.sampled_from([b"\xff\xfe\xfd", b"\xc3\x28 invalid utf-8", b"[1, 2]", b"42", b'"text"', b"{}", b"null"]),
    st.builds(lambda t: json.dumps({"id": "x", "title": t}).encode(), st.text(max_size=30)),  # no text field
    st.builds(lambda: article(text="", title="")),  # empty
    st.builds(lambda: article(text=FRENCH, title="Incendie à Lyon")),
    st.builds(lambda: article(language="de")),
    st.builds(lambda t: article(text=t), st.text(min_size=1, max_size=300)),  # any unicode text
    st.builds(
        lambda d: article(published=d),
        st.sampled_from(["2999-01-01T00:00:00Z", "1850-06-01T00:00:00Z", "not a date", ""]),
    ),
    st.builds(lambda: article()),
)


class Outputs:
    """Reads article-extractions and the dead letters from the beginning, keyed by input partition/offset."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.consumer = KafkaConsumer(
            bootstrap_servers=settings.bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            **{**LARGE_FETCHES, "max_partition_fetch_bytes": 32 * 1024 * 1024},
        )
        tps = [
            TopicPartition(settings.topic(ARTICLE_EXTRACTIONS), 0),
            TopicPartition(settings.topic(ARTICLES_DEAD_LETTER), 0),
        ]
        self.consumer.assign(tps)
        self.consumer.seek_to_beginning(*tps)
        self.processed: set[tuple[int, int]] = set()
        self.dead: dict[tuple[int, int], DeadLetter] = {}

    def poll(self) -> None:
        for tp, records in self.consumer.poll(timeout_ms=200).items():
            for r in records:
                if tp.topic == self.settings.topic(ARTICLE_EXTRACTIONS):
                    ex = ArticleExtraction.model_validate_json(r.value)
                    self.processed.add((ex.input_partition, ex.input_offset))  # type: ignore[arg-type]
                else:
                    dl = DeadLetter.model_validate_json(r.value)
                    self.dead[(dl.partition, dl.offset)] = dl


@pytest.fixture(scope="module")
def fuzz_pipeline(broker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:  # type: ignore[no-untyped-def,type-arg]
    tmp = Path(tmp_path_factory.mktemp("fuzz"))
    settings = Settings(broker=broker.url, app_id="fuzz", topic_prefix="fuzz-", data_dir=tmp, article_partitions=2)
    ensure_topics(settings)
    worker = WorkerProcess(settings, tmp / "worker.log").start()
    producer = make_producer(settings)
    outputs = Outputs(settings)
    yield settings, producer, outputs, worker
    producer.close()
    outputs.consumer.close()
    worker.stop()


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(batch=st.lists(payloads, min_size=1, max_size=8))
@example(batch=[article(text="word " * 2_000_000), article()])  # 10 MB of text, then a good article
@example(
    batch=[
        b'{"id": "dup-1", "text": "First version of the story about the bridge."}',
        b'{"id": "dup-1", "text": "A different text under the same id, about a flood."}',
    ]
)
def test_every_input_is_processed_or_dead_lettered(fuzz_pipeline, batch: list[bytes]) -> None:  # type: ignore[no-untyped-def]
    settings, producer, outputs, worker = fuzz_pipeline
    sent: dict[tuple[int, int], bytes] = {}
    for raw in batch:
        meta = producer.send(settings.topic(ARTICLES), value=raw).get(timeout=30)
        sent[(meta.partition, meta.offset)] = raw
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not set(sent) <= outputs.processed | set(outputs.dead):
        outputs.poll()
    handled = outputs.processed | set(outputs.dead)
    assert set(sent) <= handled, f"lost: {sorted(set(sent) - handled)}\n{worker.log_tail(30)}"
    for where, raw in sent.items():
        assert not (where in outputs.processed and where in outputs.dead), f"{where} both processed and dead-lettered"
        if where in outputs.dead:
            dl = outputs.dead[where]
            assert base64.b64decode(dl.value) == raw, "a dead letter keeps the raw bytes"
            assert dl.error_code and dl.reason and dl.topic == settings.topic(ARTICLES)
    assert worker.running, worker.log_tail(30)
