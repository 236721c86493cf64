"""Recovery time of a restarted worker holding N stories: changelog replay (memory store) vs local RocksDB.

    .venv/bin/python bench/bench_recovery.py --stories 10000

Fills the story table by sending N synthetic articles straight to ``story-articles`` (one story each; no spaCy,
no clustering), stops the worker, starts it again, and times how long until it answers a new article of story 0
with a new version. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from schemas import Article, ArticleExtraction, Entity, StoryArticle
from streams.kafka.broker import EmbeddedBroker
from streams.kafka.clients import ensure_topics, make_producer
from streams.kafka.processes import WorkerProcess
from streams.kafka.watch import OutputWatcher
from streams.settings import Settings
from streams.topics import STORY_ARTICLES

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def synthetic(i: int, n: int = 0) -> StoryArticle:
    art = Article(
        id=f"bench-{i}-{n}",
        source=f"outlet-{n % 7}",
        title=f"Council {i} approves budget {n}",
        text=f"The council of town {i} approved its budget on Monday. The vote was {n + 5} to 2.",
        published=T0 + timedelta(minutes=i + n),
    )
    ex = ArticleExtraction(
        article=art,
        sentences=[f"The council of town {i} approved its budget on Monday.", f"The vote was {n + 5} to 2."],
        entities=[Entity(id=f"gpe:town-{i}", name=f"Town {i}", label="GPE")],
        text_fingerprint=[i * 1000 + n + k for k in range(64)],
    )
    return StoryArticle(story_id=f"s-bench-{i}", extraction=ex)


def run(store: str, stories: int, workdir: Path) -> tuple[float, float]:
    broker = EmbeddedBroker().start()
    settings = Settings(
        broker=broker.kafka_url,
        app_id=f"bench-{store.split(':')[0]}",
        data_dir=workdir / store[:5],
        store=store,
        story_partitions=4,
    )
    try:
        ensure_topics(settings)
        producer = make_producer(settings)
        for i in range(stories):
            msg = synthetic(i)
            producer.send(
                settings.topic(STORY_ARTICLES), key=msg.story_id.encode(), value=msg.model_dump_json().encode()
            )
        producer.flush()
        watcher = OutputWatcher(settings)
        worker = WorkerProcess(settings, workdir / f"{store[:5]}-1.log").start()
        t = time.monotonic()
        watcher.wait_until(lambda w: len(w.board.latest) >= stories, 1800)
        fill = time.monotonic() - t
        worker.stop()
        probe = synthetic(0, 1)
        started = time.monotonic()
        worker = WorkerProcess(settings, workdir / f"{store[:5]}-2.log").start()
        producer.send(
            settings.topic(STORY_ARTICLES), key=probe.story_id.encode(), value=probe.model_dump_json().encode()
        )
        producer.flush()
        ok = watcher.wait_until(
            lambda w: w.board.latest.get("s-bench-0") is not None and w.board.latest["s-bench-0"].version == 2, 1800
        )
        recovery = time.monotonic() - started
        worker.stop()
        watcher.close()
        producer.close()
        if not ok:
            raise SystemExit(f"{store}: the restarted worker never answered; see {workdir}")
        return fill, recovery
    finally:
        broker.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=10_000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="storywire-bench-recovery-"))
    rows = []
    for store in ("memory://", "rocksdb://"):
        fill, recovery = run(store, args.stories, workdir)
        rows.append((store, fill, recovery))
        print(
            f"{store}: filled {args.stories} stories in {fill:.1f} s; restart to first new version {recovery:.1f} s",
            flush=True,
        )
    print("\n| store | stories | restart → first new version (s) |\n|---|---|---|")
    for store, _fill, recovery in rows:
        print(f"| {store} | {args.stories:,} | {recovery:.1f} |")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
