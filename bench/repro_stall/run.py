"""Reproduce the "one partition stops after kill -9 + restart" stall on the embedded broker.

    .venv/bin/python bench/repro_stall/run.py --timeouts 60/60/3 --messages 1000

Starts tansu (streams.kafka.broker.EmbeddedBroker), produces N JSON messages to a 4-partition source topic, runs the
toy group_by + Table worker (bench/repro_stall/toy_app.py) as a subprocess, kill -9's it once a fraction of the
messages reached the sink, starts a fresh worker, waits until the sink is idle, then prints per partition:
records in the topic (read from the beginning with kafka-python until idle: never trust this broker's end offsets),
the group's committed offset, and the ids missing from the sink. Exit code 1 if any message never reached the sink.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kafka import KafkaConsumer, KafkaProducer, TopicPartition  # noqa: E402

from streams.kafka.broker import EmbeddedBroker  # noqa: E402

TOY = Path(__file__).with_name("toy_app.py")


def read_all(bootstrap: str, topic: str, idle: float = 3.0) -> dict[int, list[tuple[int, bytes | None, bytes]]]:
    """Every record of every partition, from offset 0, until nothing new arrives for ``idle`` seconds."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=int(idle * 1000)
    )
    parts = consumer.partitions_for_topic(topic) or set()
    tps = [TopicPartition(topic, p) for p in sorted(parts)]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    out: dict[int, list[tuple[int, bytes | None, bytes]]] = defaultdict(list)
    for rec in consumer:
        out[rec.partition].append((rec.offset, rec.key, rec.value))
    consumer.close()
    return out


def committed(bootstrap: str, group: str, topic: str, partitions: list[int]) -> dict[int, int | None]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    try:
        return {p: consumer.committed(TopicPartition(topic, p)) for p in partitions}
    finally:
        consumer.close()


def sink_ids(bootstrap: str, sink: str, idle: float = 3.0) -> list[int]:
    return [json.loads(v)["id"] for recs in read_all(bootstrap, sink, idle).values() for _, _, v in recs]


class SinkWatch:
    """Tails the sink topic from the beginning with one long-lived consumer."""

    def __init__(self, bootstrap: str, sink: str) -> None:
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        tps = [TopicPartition(sink, p) for p in sorted(self.consumer.partitions_for_topic(sink) or {0})]
        self.consumer.assign(tps)
        self.consumer.seek_to_beginning(*tps)
        self.ids: list[int] = []

    def poll(self, timeout: float = 0.2) -> set[int]:
        for recs in self.consumer.poll(timeout_ms=int(timeout * 1000)).values():
            self.ids.extend(json.loads(r.value)["id"] for r in recs)
        return set(self.ids)

    def close(self) -> None:
        self.consumer.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--timeouts", default="60/60/3", help="session/rebalance/heartbeat seconds")
    ap.add_argument("--messages", type=int, default=1000)
    ap.add_argument("--keys", type=int, default=40)
    ap.add_argument("--kill-at", type=float, default=0.3, help="fraction of messages in the sink before kill -9")
    ap.add_argument("--sleep", type=float, default=0.03, help="work per message in the toy agent (s)")
    ap.add_argument("--settle", type=float, default=400.0, help="max seconds to wait after a restart")
    ap.add_argument("--patience", type=float, default=0.0, help="s without progress = stalled (0: from timeouts)")
    ap.add_argument("--guard", action="store_true", help="install streams/faust_patches/fetch_guard.py in the workers")
    ap.add_argument("--devlog", action="store_true", help="DEVLOG=1 in the restarted workers")
    ap.add_argument("--restarts", type=int, default=1, help="extra clean restarts after the crash run")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "repro_stall" / "out")
    ap.add_argument("--debug", default="", help="loggers to put at DEBUG in the worker")
    args = ap.parse_args(argv)

    run = uuid.uuid4().hex[:6]
    out = args.out / f"{run}-{args.timeouts.replace('/', '_')}{'-guard' if args.guard else ''}"
    out.mkdir(parents=True, exist_ok=True)
    app_id, src, sink = f"toy-{run}", f"toy-src-{run}", f"toy-sink-{run}"
    broker = EmbeddedBroker(log_path=out / "broker.log").start()
    print(f"run {run}: broker {broker.bootstrap}, output in {out}", flush=True)
    env = {
        **os.environ,
        "TOY_BROKER": broker.kafka_url,
        "TOY_APP_ID": app_id,
        "TOY_SOURCE": src,
        "TOY_SINK": sink,
        "TOY_TIMEOUTS": args.timeouts,
        "TOY_SLEEP": str(args.sleep),
        "TOY_STATE_LOG": str(out / "state.jsonl"),
        "TOY_DEBUG": args.debug,
        "TOY_FETCH_GUARD": "1" if args.guard else "0",
        "PYTHONUNBUFFERED": "1",
    }
    procs: list[subprocess.Popen[bytes]] = []

    def start_worker(n: int) -> subprocess.Popen[bytes]:
        log = open(out / f"worker{n}.log", "ab")
        wenv = {**env, "TOY_DEBUG_LOG": str(out / f"debug{n}.log")}
        if n >= 2 and args.devlog:
            wenv["DEVLOG"] = "1"  # mode/faust `log.dev` lines (skips, drops, seeks) at INFO
        p = subprocess.Popen(
            [sys.executable, str(TOY), "worker", "--without-web", "-l", "info"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=wenv,
            cwd=str(out),
            start_new_session=True,
        )
        procs.append(p)
        print(f"{time.strftime('%H:%M:%S')} worker{n} pid {p.pid}", flush=True)
        return p

    try:
        broker.create_topics([(src, 4), (sink, 1)])
        producer = KafkaProducer(bootstrap_servers=broker.bootstrap)
        for i in range(args.messages):
            key = f"k{i % args.keys}"
            producer.send(src, key=key.encode(), value=json.dumps({"id": i, "key": key}).encode())
        producer.flush()
        producer.close()

        t0 = time.monotonic()
        w = start_worker(1)
        target = int(args.messages * args.kill_at)
        watch = SinkWatch(broker.bootstrap, sink)
        seen = 0
        while time.monotonic() - t0 < 180:
            seen = len(watch.poll())
            if seen >= target:
                break
        w.kill()
        w.wait()
        print(
            f"{time.strftime('%H:%M:%S')} kill -9 worker1 after {time.monotonic() - t0:.1f}s, sink={seen}", flush=True
        )

        session, rebalance = (float(x) for x in args.timeouts.split("/")[:2])
        # a restart may wait for the dead member: session timeout, then a rebalance, then the first join
        patience = args.patience or max(30.0, 2 * session + rebalance)
        for n in range(2, 2 + 1 + args.restarts):
            w = start_worker(n)
            t1 = time.monotonic()
            last, last_change = -1, time.monotonic()
            while time.monotonic() - t1 < args.settle:
                ids = watch.poll(1.0)
                if len(ids) != last:
                    last, last_change = len(ids), time.monotonic()
                if len(ids) >= args.messages or time.monotonic() - last_change > patience:
                    break
            took = time.monotonic() - t1
            print(
                f"{time.strftime('%H:%M:%S')} worker{n}: {last} distinct ids in sink after {took:.0f}s",
                flush=True,
            )
            if last >= args.messages or n == 1 + 1 + args.restarts:
                break
            w.terminate()
            w.wait(30)

        watch.close()
        report = analyse(broker.bootstrap, app_id, src, sink, args.messages, dump=out / "topics.json")
        (out / "report.json").write_text(json.dumps(report, indent=1))
        print(json.dumps(report, indent=1))
        return 0 if not report["missing"] else 1
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        broker.stop()


def ranges(xs: list[int]) -> str:
    """[1, 2, 3, 7, 9, 10] -> "1-3,7,9-10"."""
    out: list[str] = []
    for x in sorted(xs):
        if out and int(out[-1].split("-")[-1]) == x - 1:
            out[-1] = f"{out[-1].split('-')[0]}-{x}"
        else:
            out.append(str(x))
    return ",".join(out)


def analyse(bootstrap: str, app_id: str, src: str, sink: str, n: int, dump: Path | None = None) -> dict[str, object]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    topics = consumer.topics()
    consumer.close()
    repart = next((t for t in topics if t.endswith("-repartition")), None)
    sink_data = read_all(bootstrap, sink)
    ids = [json.loads(v)["id"] for recs in sink_data.values() for _, _, v in recs]
    missing = sorted(set(range(n)) - set(ids))
    table: dict[str, object] = {}
    dumped: dict[str, object] = {sink: {p: [(o, json.loads(v)["id"]) for o, _, v in r] for p, r in sink_data.items()}}
    for topic in filter(None, [src, repart]):
        data = read_all(bootstrap, topic)
        dumped[topic] = {p: [(o, json.loads(v)["id"]) for o, _, v in r] for p, r in data.items()}
        parts = sorted(data)
        comm = committed(bootstrap, app_id, topic, parts)
        rows = {}
        for p in parts:
            recs = data[p]
            miss_set = set(missing)
            miss_here = [o for o, _, v in recs if json.loads(v)["id"] in miss_set]
            rows[p] = {
                "records": len(recs),
                "last_offset": recs[-1][0] if recs else None,
                "committed": comm[p],
                "missing": len(miss_here),
                "missing_offsets": ranges(miss_here),
            }
        table[topic] = rows
    changelog = next((t for t in topics if t == f"{app_id}-counts-changelog"), None)
    if changelog:
        data = read_all(bootstrap, changelog)
        dumped[changelog] = {p: [(o, (k or b"").decode(), v.decode()) for o, k, v in r] for p, r in data.items()}
    if dump is not None:
        dump.write_text(json.dumps(dumped))
    return {
        "produced": n,
        "sink_records": len(ids),
        "distinct": len(set(ids)),
        "duplicates": len(ids) - len(set(ids)),
        "missing": len(missing),
        "partitions": table,
    }


if __name__ == "__main__":
    sys.exit(main())
