"""SIGTERM (docker stop, systemd) stops every child process a command started, as Ctrl-C does (issue 28, item 1).

Each test starts the real command, waits until its children run, sends SIGTERM to the command alone (as a service
manager that signals the main process does) and checks that none of the children outlives it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from streams.cli.demo import EXAMPLES_DIR
from streams.kafka.broker import free_port

pytestmark = pytest.mark.integration


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def descendants(pid: int) -> set[int]:
    kids = _children()
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in kids.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def _start(args: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "streams.cli", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )


def _terminate_and_check(proc: subprocess.Popen[bytes], children: set[int], log: Path) -> None:
    try:
        proc.send_signal(signal.SIGTERM)
        proc.wait(40)
        left = {pid for pid in children if alive(pid)}
        assert _wait_for(lambda: not any(alive(pid) for pid in children), 10), (
            f"still running after SIGTERM: {left}\n{log.read_text(errors='replace')[-3000:]}"
        )
    finally:
        for pid in children:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()


def test_sigterm_to_demo_serve_leaves_no_child_process(tmp_path: Path) -> None:
    examples = tmp_path / "examples"
    examples.mkdir()
    shutil.copy(next(EXAMPLES_DIR.glob("01-*.json")), examples)
    log = tmp_path / "demo.log"
    proc = _start(["demo", "--serve", "--delay", "0", "--examples", str(examples)], log)
    ready = _wait_for(lambda: "story board:" in log.read_text(errors="replace") or proc.poll() is not None, 240)
    assert ready and proc.poll() is None, log.read_text(errors="replace")[-3000:]
    children = descendants(proc.pid)
    assert len(children) >= 2, children  # the broker and the worker
    _terminate_and_check(proc, children, log)
    assert proc.returncode != 0 or "stopping" in log.read_text()


def test_sigterm_to_broker_stops_it(tmp_path: Path) -> None:
    log = tmp_path / "broker.log"
    proc = _start(["broker", "--port", str(free_port())], log)
    assert _wait_for(lambda: "use it with" in log.read_text(errors="replace") or proc.poll() is not None, 60)
    assert proc.poll() is None, log.read_text(errors="replace")
    children = descendants(proc.pid)
    assert children, "the broker command started no broker process"
    _terminate_and_check(proc, children, log)


def test_sigterm_to_worker_stops_its_extraction_processes(tmp_path: Path, make_settings) -> None:  # type: ignore[no-untyped-def]
    from streams.kafka.processes import settings_env

    settings = make_settings(extract_processes=1)
    log = tmp_path / "worker.log"
    proc = _start(["worker", "--loglevel", "info"], log, env=settings_env(settings))
    # spaCy loads in the extraction process while the worker joins its group
    assert _wait_for(lambda: len(descendants(proc.pid)) >= 1 or proc.poll() is not None, 120)
    time.sleep(5)
    assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
    children = descendants(proc.pid)
    assert children
    _terminate_and_check(proc, children, log)
