"""Run a storywire worker as a child process (used by ``demo`` and the integration tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import IO

from pydantic import SecretStr

from streams.settings import Settings

__all__ = ["WorkerProcess", "settings_env", "sigterm_as_interrupt"]


GROUPS = ("cluster", "story", "security", "board")  # nested settings: STORYWIRE_<GROUP>__<FIELD>


def _env_value(value: object) -> str:
    # A secret goes to the child as itself (str() of a SecretStr is "**********"); the environment of a child is
    # as private as ours, and nothing here logs it.
    return value.get_secret_value() if isinstance(value, SecretStr) else str(value)


def settings_env(settings: Settings) -> dict[str, str]:
    """Environment variables that reproduce ``settings`` in a child process (fields set explicitly).

    Holds the SASL password and the board token when they are set: pass it to a child's environment only, never
    print it.
    """
    env: dict[str, str] = {}
    for name in settings.model_fields_set:
        value = getattr(settings, name)
        if value is None or name in GROUPS:
            continue
        env[f"STORYWIRE_{name.upper()}"] = _env_value(value)
    for group in GROUPS:
        sub = getattr(settings, group)
        for name in sub.model_fields_set:
            value = getattr(sub, name)
            if value is not None:
                env[f"STORYWIRE_{group.upper()}__{name.upper()}"] = _env_value(value)
    return env


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the cleanup short
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM (``docker stop``, systemd, ``kill``) raises KeyboardInterrupt as Ctrl-C does, so
    the ``finally`` blocks that stop child processes (broker, worker, board) run on a service stop too.

    A child process started with ``start_new_session`` gets no Ctrl-C from the terminal and no SIGTERM from a
    service manager's process-group kill: only its parent can stop it, and a parent killed without cleanup leaves
    it running under PID 1. Outside the main thread (signals cannot be set there) this does nothing.
    """
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class WorkerProcess:
    """``storywire worker`` in a child process, logging to a file."""

    def __init__(self, settings: Settings, log_path: Path, *, loglevel: str = "info") -> None:
        self.settings = settings
        self.log_path = log_path
        self.loglevel = loglevel
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> WorkerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")
        env = {**os.environ, **settings_env(self.settings), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker", "--loglevel", self.loglevel],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 20.0) -> int | None:
        """Graceful stop (SIGTERM), then SIGKILL if it does not exit in time."""
        proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        self._close()
        return proc.returncode

    def kill(self) -> None:
        """Crash it: SIGKILL, no chance to commit or flush anything."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._close()

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text("utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
