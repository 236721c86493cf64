"""End-to-end through the broker: articles → story-updates, on the embedded broker with real worker processes.

    .venv/bin/python -m bench.bench_e2e [--n 200] [--workers 1] [--rate 0]   # rate > 0: latency at that rate

Each run starts a fresh embedded broker and ``--workers`` ``storywire worker`` processes, waits until they are
ready (one warm-up article per input partition is reflected in a story update), then either produces ``n``
articles up front and times from the first send until every article is in a story update or dead-lettered
(throughput), or produces them at a fixed rate and records, per article, the time from its send to the first
story update that lists it among its sources (latency). The broker's end offsets are never trusted: completion
is read from the output topics.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kafka import KafkaConsumer, KafkaProducer

from streams.kafka.broker import EmbeddedBroker, free_port
from streams.kafka.clients import ensure_topics, make_consumer, make_producer
from streams.kafka.processes import WorkerProcess
from streams.settings import Settings
from streams.topics import ARTICLES, ARTICLES_DEAD_LETTER, STORY_UPDATES

__all__ = ["E2EResult", "Session", "article_messages", "run_latency", "run_throughput"]

Progress = Callable[[str], None]


def _quiet(msg: str) -> None:
    pass


def article_messages(articles: Sequence[object], tag: str) -> list[tuple[str, bytes]]:
    """(id, raw JSON) input messages for pydantic ``Article`` objects, ids suffixed with ``tag`` (unique per run)."""
    out: list[tuple[str, bytes]] = []
    for art in articles:
        data = json.loads(art.model_dump_json(exclude_none=True))  # type: ignore[attr-defined]
        data["id"] = f"{data['id']}{tag}"
        out.append((data["id"], json.dumps(data).encode()))
    return out


class OutputClock:
    """Follows story-updates and the dead-letter topic; remembers when each article id was first reflected.

    Lighter than :class:`streams.kafka.watch.OutputWatcher` (plain ``json.loads``, no pydantic, no board) so that the
    bench's own reading takes as little CPU as possible from the worker on a 2-core machine.
    """

    def __init__(self, settings: Settings) -> None:
        self.consumer: KafkaConsumer = make_consumer(settings, STORY_UPDATES, ARTICLES_DEAD_LETTER, timeout_ms=100)
        self.dead_topic = settings.topic(ARTICLES_DEAD_LETTER)
        self.first_seen: dict[str, float] = {}
        self.dead: set[str] = set()
        self.updates = 0

    def poll(self, timeout_ms: int = 100) -> int:
        """Read what is there; return how many article ids were seen for the first time."""
        batch = self.consumer.poll(timeout_ms=timeout_ms)
        now = time.monotonic()
        new = 0
        for tp, records in batch.items():
            for rec in records:
                if tp.topic == self.dead_topic:
                    ids = [base64.b64decode(json.loads(rec.value)["key"] or "").decode("utf-8", "replace")]
                    self.dead.update(ids)
                else:
                    self.updates += 1
                    ids = [s["article_id"] for s in json.loads(rec.value).get("sources", [])]
                for aid in ids:
                    if aid not in self.first_seen:
                        self.first_seen[aid] = now
                        new += 1
        return new

    def wait_for(self, ids: set[str], timeout: float, idle: float, alive: Callable[[], bool]) -> float | None:
        """Poll until every id is seen; the monotonic time of the last one, or None after ``timeout``/``idle`` s."""
        deadline = time.monotonic() + timeout
        last_progress = time.monotonic()
        while True:
            missing = ids - self.first_seen.keys()
            if not missing:
                return max(self.first_seen[i] for i in ids)
            now = time.monotonic()
            if now > deadline or now - last_progress > idle or not alive():
                return None
            if self.poll():
                last_progress = time.monotonic()

    def close(self) -> None:
        self.consumer.close()


def warm_up_texts(partitions: int) -> list[str]:
    """The texts of the warm-up articles a worker reads before a timed run (one per input partition)."""
    return [
        f"Warm-up article {p}. The city council of Springfield met on Monday to discuss the new budget."
        for p in range(partitions)
    ]


@dataclass
class Session:
    """A fresh embedded broker and ``workers`` worker processes, ready (warmed up) on entry."""

    workers: int = 1
    article_partitions: int = 4
    progress: Progress = _quiet
    startup_timeout: float = 240.0
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="storywire-bench-")))
    settings: Settings = field(init=False)
    broker: EmbeddedBroker = field(init=False)
    procs: list[WorkerProcess] = field(init=False, default_factory=list)
    clock: OutputClock = field(init=False)
    producer: KafkaProducer = field(init=False)
    startup_seconds: float = field(init=False, default=0.0)

    def __enter__(self) -> Session:
        start = time.monotonic()
        self.broker = EmbeddedBroker(log_path=self.workdir / "broker.log").start()
        self.settings = Settings(
            broker=self.broker.kafka_url,
            data_dir=self.workdir / "state",
            article_partitions=self.article_partitions,
            web_enabled=False,
        )
        try:
            ensure_topics(self.settings)
            for i in range(self.workers):
                own = self.settings.model_copy(update={"data_dir": self.workdir / f"state{i}", "web_port": free_port()})
                self.procs.append(WorkerProcess(own, self.workdir / f"worker{i}.log").start())
            self.clock = OutputClock(self.settings)
            self.producer = make_producer(self.settings)
            self._warm_up()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.startup_seconds = time.monotonic() - start
        return self

    def alive(self) -> bool:
        return all(p.running for p in self.procs)

    def _warm_up(self) -> None:
        """One tiny article per input partition, sent until each is reflected (group formed, spaCy loaded)."""
        topic = self.settings.topic(ARTICLES)
        ids = set()
        for p, text in enumerate(warm_up_texts(self.article_partitions)):
            aid = f"warm-up-{p}"
            raw = json.dumps({"id": aid, "title": f"Warm-up {p}", "text": text, "source": "bench"}).encode()
            self.producer.send(topic, key=aid.encode(), value=raw, partition=p)
            ids.add(aid)
        self.producer.flush()
        self.progress(f"waiting for {self.workers} worker(s) to be ready")
        if self.clock.wait_for(ids, self.startup_timeout, self.startup_timeout, self.alive) is None:
            tails = "\n".join(p.log_tail(20) for p in self.procs)
            raise RuntimeError(f"the worker(s) did not process the warm-up articles in time:\n{tails}")
        if self.workers > 1:
            self._wait_stable()

    def _wait_stable(self, settle: float = 3.0, timeout: float = 60.0) -> None:
        """With several workers: wait until no worker logged a rebalance for ``settle`` seconds."""
        deadline = time.monotonic() + timeout
        sizes = [-1] * len(self.procs)
        last_change = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - last_change < settle:
            now = [p.log_path.stat().st_size if p.log_path.exists() else 0 for p in self.procs]
            if now != sizes:
                sizes, last_change = now, time.monotonic()
            self.clock.poll(200)

    def send_all(self, messages: Sequence[tuple[str, bytes]]) -> float:
        """Produce every message as fast as possible, spread over the partitions; the monotonic start time."""
        topic = self.settings.topic(ARTICLES)
        start = time.monotonic()
        for i, (aid, raw) in enumerate(messages):
            self.producer.send(topic, key=aid.encode(), value=raw, partition=i % self.article_partitions)
        self.producer.flush()
        return start

    def __exit__(self, *exc: object) -> None:
        for name in ("producer", "clock"):
            obj = getattr(self, name, None)
            if obj is not None:
                obj.close()
        for p in self.procs:
            p.stop(timeout=10)
        self.broker.stop()


@dataclass
class E2EResult:
    """One end-to-end run."""

    workers: int
    n: int
    seconds: float
    reflected: int
    dead: int
    startup_seconds: float
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.reflected / self.seconds if self.seconds > 0 else 0.0


def run_throughput(
    messages: Sequence[tuple[str, bytes]], *, workers: int = 1, partitions: int = 4, progress: Progress = _quiet
) -> E2EResult:
    """Produce every message up front; time from the first send until all are reflected or dead-lettered."""
    with Session(workers=workers, article_partitions=partitions, progress=progress) as s:
        progress(f"{workers} worker(s) ready after {s.startup_seconds:.0f} s; producing {len(messages)} articles")
        ids = {aid for aid, _ in messages}
        start = s.send_all(messages)
        done = s.clock.wait_for(ids, timeout=3600, idle=120, alive=s.alive)
        seen = ids & s.clock.first_seen.keys()
        end = done if done is not None else max((s.clock.first_seen[i] for i in seen), default=start)
        return E2EResult(workers, len(ids), end - start, len(seen), len(ids & s.clock.dead), s.startup_seconds)


def run_latency(
    messages: Sequence[tuple[str, bytes]], rate: float, *, partitions: int = 4, progress: Progress = _quiet
) -> E2EResult:
    """Produce at ``rate`` articles/s; per article, seconds from its send to the first update listing it."""
    with Session(workers=1, article_partitions=partitions, progress=progress) as s:
        progress(f"worker ready after {s.startup_seconds:.0f} s; producing {len(messages)} articles at {rate:.1f}/s")
        topic = s.settings.topic(ARTICLES)
        sent: dict[str, float] = {}
        start = time.monotonic()
        for i, (aid, raw) in enumerate(messages):
            due = start + i / rate
            while (wait := due - time.monotonic()) > 0:
                s.clock.poll(max(1, min(50, int(wait * 1000))))
            sent[aid] = time.monotonic()
            s.producer.send(topic, key=aid.encode(), value=raw, partition=i % partitions)
            s.producer.flush()  # a steady input: each article leaves now, not with the next linger batch
        done = s.clock.wait_for(set(sent), timeout=600, idle=120, alive=s.alive)
        seen = [aid for aid in sent if aid in s.clock.first_seen]
        end = done if done is not None else time.monotonic()
        latencies = sorted(s.clock.first_seen[aid] - sent[aid] for aid in seen)
        dead = len(set(sent) & s.clock.dead)
        return E2EResult(1, len(sent), end - start, len(seen), dead, s.startup_seconds, latencies)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted ``values`` (q in 0..100)."""
    if not values:
        return float("nan")
    k = max(0, min(len(values) - 1, round(q / 100 * len(values) + 0.5) - 1))
    return values[k]


def main(argv: list[str] | None = None) -> int:
    from bench.bench_extraction import default_paths, read_articles

    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="articles (default 200)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--rate", type=float, default=0.0, help="articles/s: measure latency at this input rate")
    args = parser.parse_args(argv)

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    messages = article_messages(read_articles(default_paths(), args.n), f"#{int(time.time())}")
    if args.rate > 0:
        res = run_latency(messages, args.rate, partitions=args.partitions, progress=say)
        print(
            f"latency at {args.rate:.1f} articles/s: p50 {percentile(res.latencies, 50):.2f} s, "
            f"p99 {percentile(res.latencies, 99):.2f} s ({res.reflected}/{res.n} reflected)"
        )
    else:
        res = run_throughput(messages, workers=args.workers, partitions=args.partitions, progress=say)
        print(
            f"{res.workers} worker(s): {res.rate:.2f} articles/s ({res.reflected}/{res.n} in {res.seconds:.1f} s, "
            f"{res.dead} dead-lettered; start-up {res.startup_seconds:.0f} s, not timed)"
        )
    return 0


if __name__ == "__main__":
    if not __package__:  # run as a file (python bench/bench_e2e.py): `bench` is imported from the checkout
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
