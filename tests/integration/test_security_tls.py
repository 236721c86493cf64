"""storywire against a TLS broker on this machine: the demo path over mutual TLS (every command's client: ingest,
worker, tail, alerts, audit, board, replay, topic creation), the clear one-line errors (untrusted certificate,
refused login, plaintext client on a TLS port, and more), a real SASL SCRAM exchange, and no secret in anything
printed.

The broker is the embedded tansu with certificates made here by ``trustme``. tansu 0.6.0 cannot serve TLS itself
(its ``--cert`` and ``--key`` refuse each other), so ``EmbeddedBroker(tls=...)`` puts a TLS front before it
(streams/kafka/tls_front.py): the clients do a real TLS handshake (and present their certificate) with it. tansu's
``--authentication`` requires a SASL SCRAM-SHA-512 login but can hold no user (users are created by a logged-in
client, in memory), so every login is refused: what this file shows of SASL is the exchange and the refusal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from streams.kafka.broker import EmbeddedBroker, TlsFiles
from streams.kafka.clients import KafkaSecurityError, check_broker, ensure_topics
from streams.kafka.processes import WorkerProcess, settings_env
from streams.kafka.watch import OutputWatcher
from streams.settings import Settings
from tests.conftest import EXAMPLES

pytestmark = [pytest.mark.integration]

EXPECTED = Path(__file__).resolve().parents[1] / "data" / "examples-expected.json"
PASSWORD = "Tr0ub4dor-and-3-horses-never-printed"
TOKEN = "board-token-never-printed-5f1e0c9d"


# --------------------------------------------------------------------------------------------------------------
# Certificates, brokers, settings, commands
# --------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("pki")
    ca = trustme.CA(organization_name="storywire test CA")
    broker = ca.issue_cert("127.0.0.1", "localhost")
    elsewhere = ca.issue_cert("kafka.example")  # a certificate for another host name
    client = ca.issue_cert("storywire-client@test.example")
    files = {
        "ca": ca.cert_pem,
        "broker_cert": broker.cert_chain_pems[0],
        "broker_key": broker.private_key_pem,
        "elsewhere_cert": elsewhere.cert_chain_pems[0],
        "elsewhere_key": elsewhere.private_key_pem,
        "client_cert": client.cert_chain_pems[0],
        "client_key": client.private_key_pem,
    }
    paths = {}
    for name, blob in files.items():
        paths[name] = d / f"{name}.pem"
        blob.write_to_path(paths[name])
    return paths


def _broker(pki: dict[str, Path], log: Path, *, mutual: bool = False, login: bool = False) -> Iterator[EmbeddedBroker]:
    tls = TlsFiles(pki["broker_cert"], pki["broker_key"], pki["ca"] if mutual else None)
    broker = EmbeddedBroker(log_path=log, tls=tls, authentication=login).start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture(scope="module")
def tls_broker(pki: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    yield from _broker(pki, tmp_path_factory.mktemp("tls") / "broker.log")


@pytest.fixture(scope="module")
def mtls_broker(pki: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    yield from _broker(pki, tmp_path_factory.mktemp("mtls") / "broker.log", mutual=True)


@pytest.fixture(scope="module")
def login_broker(pki: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    yield from _broker(pki, tmp_path_factory.mktemp("login") / "broker.log", login=True)


_runs = iter(range(10**6))


def settings_for(broker: EmbeddedBroker, tmp_path: Path, security: dict[str, Any], **more: Any) -> Settings:
    run = f"sec{next(_runs)}-{os.getpid()}"
    return Settings(
        broker=broker.kafka_url,
        app_id=f"storywire-{run}",
        topic_prefix=f"{run}-",
        data_dir=tmp_path / run,
        security=security,
        **more,
    )


def mutual_tls(pki: dict[str, Path]) -> dict[str, Any]:
    return {"protocol": "SSL", "ca_file": pki["ca"], "cert_file": pki["client_cert"], "key_file": pki["client_key"]}


def scram(pki: dict[str, Path], mechanism: str = "SCRAM-SHA-512") -> dict[str, Any]:
    return {
        "protocol": "SASL_SSL",
        "ca_file": pki["ca"],
        "sasl_mechanism": mechanism,
        "username": "storywire",
        "password": PASSWORD,
    }


class Run:
    def __init__(self, args: list[str], proc: subprocess.CompletedProcess[str], seconds: float) -> None:
        self.args, self.code, self.out, self.err, self.seconds = (
            args,
            proc.returncode,
            proc.stdout,
            proc.stderr,
            seconds,
        )

    @property
    def printed(self) -> str:
        return self.out + self.err


def storywire(*args: str, env: dict[str, str], timeout: float = 120.0) -> Run:
    """``storywire ARGS`` in a child process with exactly these STORYWIRE_* variables (none from this shell)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("STORYWIRE_")}
    base.update({"PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore", "COLUMNS": "200"})
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Run(list(args), proc, time.monotonic() - start)


def expected_groups() -> list[list[str]]:
    return sorted(sorted(s["articles"]) for s in json.loads(EXPECTED.read_text())["stories"])


# --------------------------------------------------------------------------------------------------------------
# The demo path, end to end, over mutual TLS
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_demo_path_end_to_end_over_mutual_tls(
    mtls_broker: EmbeddedBroker, pki: dict[str, Path], tmp_path: Path
) -> None:
    settings = settings_for(mtls_broker, tmp_path, mutual_tls(pki), article_partitions=1, story_partitions=2)
    env = settings_env(settings)
    ensure_topics(settings)  # topic creation (kafka-python admin) over mutual TLS
    worker = WorkerProcess(settings, tmp_path / "worker.log").start()  # Faust/aiokafka with the client certificate
    watcher = OutputWatcher(settings)
    try:
        ingest = storywire("ingest", "--no-progress", str(EXAMPLES), env=env)
        assert ingest.code == 0, ingest.printed
        assert "sent 17" in ingest.err, ingest.err
        ids = {a for group in expected_groups() for a in group}
        done = watcher.wait_until(lambda w: ids <= w.handled_article_ids() or not worker.running, 300)
        assert done and worker.running, worker.log_tail(40)
        watcher.wait_quiet(2.0)
        final = [u for u in watcher.board.latest.values() if u.merged_into is None]
        assert sorted(sorted(s.article_id for s in u.sources) for u in final) == expected_groups()
        assert not watcher.dead_letters

        tail = storywire("tail", "--once", env=env)
        assert tail.code == 0, tail.printed
        assert all(u.title[:30] in tail.out for u in final), tail.out
        alerts = storywire("alerts", "--once", env=env)
        assert alerts.code == 0, alerts.printed
        audit = storywire("audit", "--json", env=env)
        assert audit.code == 0, audit.printed
        report = json.loads(audit.out)
        assert report["complete"] and report["articles_in_stories"] == len(ids)

        board = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "board", "--port", "0"],
            env={**os.environ, **env, "PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert board.stdout is not None
            line = board.stdout.readline()
            assert "story board on http://127.0.0.1:" in line, line + board.stdout.read()
            url = line.split(" on ", 1)[1].split(" ", 1)[0]
            stories: list[Any] = []
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and len(stories) < len(final):
                with urllib.request.urlopen(url + "api/stories", timeout=5) as resp:
                    stories = json.load(resp)
                time.sleep(0.3)
            assert len(stories) == len(final)
        finally:
            board.terminate()
            board.wait(20)

        replay = storywire("replay", "--timeout", "300", env=env, timeout=400)  # a second worker, over mTLS too
        assert replay.code == 0, replay.printed
        assert "equal: same story ids, versions and contents" in replay.out
    finally:
        watcher.close()
        worker.stop()
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


# --------------------------------------------------------------------------------------------------------------
# Clear errors: one line, a non-zero exit, no hang
# --------------------------------------------------------------------------------------------------------------

COMMANDS = [["audit"], ["tail", "--once"], ["ingest", str(EXAMPLES / "01-ferry-fire-port-halloway.json")], ["worker"]]


def assert_one_clear_line(run: Run, *needles: str) -> None:
    assert run.code == 1, (run.args, run.code, run.printed)
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), (run.args, run.printed)
    for needle in needles:
        assert needle in lines[0], (run.args, lines[0])
    assert run.seconds < 40, (run.args, run.seconds)  # a few seconds: no client timeout waited out


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_untrusted_broker_certificate(command: list[str], tls_broker: EmbeddedBroker, tmp_path: Path) -> None:
    settings = settings_for(tls_broker, tmp_path, {"protocol": "SSL"})  # the system's CAs do not know ours
    run = storywire(*command, env=settings_env(settings))
    assert_one_clear_line(
        run, "the broker's certificate is not trusted: set STORYWIRE_SECURITY__CA_FILE", "unable to get local issuer"
    )


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-512", "SCRAM-SHA-256"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_wrong_password_is_an_authentication_error_naming_the_mechanism(
    command: list[str], mechanism: str, login_broker: EmbeddedBroker, pki: dict[str, Path], tmp_path: Path
) -> None:
    settings = settings_for(login_broker, tmp_path, scram(pki, mechanism))
    run = storywire(*command, env=settings_env(settings))
    assert_one_clear_line(run, "authentication failed", f"SASL {mechanism} login of user 'storywire'")
    assert "STORYWIRE_SECURITY__PASSWORD" in run.err and PASSWORD not in run.printed


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_plaintext_client_on_a_tls_port(command: list[str], tls_broker: EmbeddedBroker, tmp_path: Path) -> None:
    settings = settings_for(tls_broker, tmp_path, {"protocol": "PLAINTEXT"})
    run = storywire(*command, env=settings_env(settings))
    assert_one_clear_line(run, f"the broker at {tls_broker.bootstrap} speaks TLS", "set it to SSL")


def test_more_mistakes_each_say_what_to_set(
    tls_broker: EmbeddedBroker,
    mtls_broker: EmbeddedBroker,
    login_broker: EmbeddedBroker,
    broker: Any,
    pki: dict[str, Path],
    tmp_path: Path,
) -> None:
    """The same check, in process, for the other mistakes (each a KafkaSecurityError, never retried)."""
    cases = [
        (mtls_broker, {"protocol": "SSL", "ca_file": pki["ca"]}, "client_certificate_required", "CERT_FILE"),
        (login_broker, {"protocol": "SSL", "ca_file": pki["ca"]}, "authentication_required", "SASL_SSL"),
        (tls_broker, scram(pki), "mechanism_not_enabled", "PROTOCOL"),
        (login_broker, {**scram(pki), "sasl_mechanism": "PLAIN"}, "authentication_failed", "SASL_MECHANISM"),
    ]
    for target, security, kind, says in cases:
        settings = settings_for(target, tmp_path, security)
        start = time.monotonic()
        with pytest.raises(KafkaSecurityError) as err:
            check_broker(settings, timeout=30)
        assert (err.value.kind, time.monotonic() - start < 10) == (kind, True), str(err.value)
        assert says in str(err.value) and "\n" not in str(err.value)
    tls_to_plain = Settings(broker=broker.url, security={"protocol": "SSL", "ca_file": pki["ca"]})  # plaintext
    with pytest.raises(KafkaSecurityError) as err:
        check_broker(tls_to_plain, timeout=30)
    assert err.value.kind == "tls_to_plaintext" and "does not speak TLS" in str(err.value)

    wrong_name = TlsFiles(pki["elsewhere_cert"], pki["elsewhere_key"])
    with EmbeddedBroker(tls=wrong_name, log_path=tmp_path / "elsewhere.log") as other:
        settings = settings_for(other, tmp_path, {"protocol": "SSL", "ca_file": pki["ca"]})
        with pytest.raises(KafkaSecurityError) as err:
            check_broker(settings, timeout=30)
        assert err.value.kind == "hostname_mismatch" and "CHECK_HOSTNAME=false" in str(err.value)
        relaxed = settings_for(other, tmp_path, {"protocol": "SSL", "ca_file": pki["ca"], "check_hostname": False})
        check_broker(relaxed, timeout=30)  # still verified against the CA, name not checked

    with EmbeddedBroker(authentication=True, log_path=tmp_path / "plain-login.log") as plain_login:
        for mechanism in ("SCRAM-SHA-512", "SCRAM-SHA-256"):
            security = {**scram(pki, mechanism), "protocol": "SASL_PLAINTEXT"}
            security.pop("ca_file")
            settings = settings_for(plain_login, tmp_path, security)
            with pytest.raises(KafkaSecurityError) as err:
                check_broker(settings, timeout=30)
            assert err.value.kind == "authentication_failed" and f"SASL {mechanism}" in str(err.value)


def test_sasl_scram_exchange_over_tls_for_both_client_libraries(
    login_broker: EmbeddedBroker, pki: dict[str, Path]
) -> None:
    """kafka-python and aiokafka (the Faust worker's client), given the built arguments, go through the TLS
    handshake and the SCRAM exchange; tansu answers the client's final message with ``e=unknown-user``."""
    import asyncio

    from aiokafka import AIOKafkaProducer
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    from streams.kafka.diagnose import diagnose
    from streams.security import faust_credentials

    for mechanism in ("SCRAM-SHA-256", "SCRAM-SHA-512"):
        settings = Settings(broker=login_broker.kafka_url, security=scram(pki, mechanism))
        result = diagnose(settings)  # kafka-python's BrokerConnection with kafka_client_args(settings)
        assert result.kind == "authentication_failed" and "(unknown-user)" in result.message, result.message

        async def start(settings: Settings = settings) -> BaseException | None:
            auth = credentials_to_aiokafka_auth(faust_credentials(settings))
            producer = AIOKafkaProducer(bootstrap_servers=login_broker.bootstrap, request_timeout_ms=10_000, **auth)
            try:
                await asyncio.wait_for(producer.start(), 30)
            except Exception as exc:
                return exc
            finally:
                await producer.stop()
            return None

        failure = asyncio.run(start())
        # aiokafka's SCRAM client reads the server's final message for the verifier "v=": tansu sent "e=unknown-user"
        assert isinstance(failure, KeyError) and failure.args == ("v",), repr(failure)


# --------------------------------------------------------------------------------------------------------------
# Secrets never shown
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_no_secret_in_anything_printed(login_broker: EmbeddedBroker, pki: dict[str, Path], tmp_path: Path) -> None:
    """A known password (inline and in a file) and board token; every command is run against a broker that refuses
    the login; their output, errors, --help, a printed settings object and an uncaught traceback are searched."""
    password_file = tmp_path / "kafka-password"
    password_file.write_text(PASSWORD + "\n")
    inline = settings_for(login_broker, tmp_path, scram(pki), board={"token": TOKEN})
    from_file = settings_for(
        login_broker, tmp_path, {**scram(pki), "password": None, "password_file": password_file}, board={"token": TOKEN}
    )
    runs: list[Run] = []
    for settings in (inline, from_file):
        env = settings_env(settings)
        assert PASSWORD in env.values() or str(password_file) in env.values()
        runs += [
            storywire("worker", "--loglevel", "debug", env=env),
            storywire("ingest", str(EXAMPLES), env=env),
            storywire("tail", "--once", env=env),
            storywire("alerts", "--once", env=env),
            storywire("audit", env=env),
            storywire("replay", "--timeout", "30", env=env),
            storywire("board", "--host", "0.0.0.0", "--port", "0", env=env),
        ]
        runs += [storywire(*cmd, "--help", env=env) for cmd in ([], ["worker"], ["board"], ["ingest"], ["tail"])]
        code = (
            "from streams.settings import Settings; s = Settings(); print(s); print(repr(s.security)); "
            "from streams.kafka.clients import make_consumer; make_consumer(s, 'story-updates')"  # uncaught
        )
        base = {k: v for k, v in os.environ.items() if not k.startswith("STORYWIRE_")}
        proc = subprocess.run(
            [sys.executable, "-c", code],
            env={**base, **env, "PYTHONWARNINGS": "ignore"},
            capture_output=True,
            text=True,
        )
        runs.append(Run(["python", "-c", "print(Settings()); make_consumer"], proc, 0.0))
        assert "Traceback" in proc.stderr and "KafkaSecurityError: authentication failed" in proc.stderr
        assert "password=SecretStr('**********')" in proc.stdout or "password=None" in proc.stdout

    # The Faust worker's own clients (aiokafka), with every logger at DEBUG, without the up-front check
    worker_code = (
        "import logging, faust; from streams.settings import Settings; from streams.app import build_app; "
        "logging.basicConfig(level=logging.DEBUG); sw = build_app(Settings()); "
        "faust.Worker(sw.app, loglevel='debug', quiet=True, redirect_stdouts=False).execute_from_commandline()"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("STORYWIRE_")}
    worker = subprocess.Popen(
        [sys.executable, "-c", worker_code],
        env={**base, **settings_env(inline), "PYTHONWARNINGS": "ignore"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = worker.communicate(timeout=25)
    except subprocess.TimeoutExpired:
        worker.kill()
        out, _ = worker.communicate(timeout=20)
    runs.append(Run(["faust worker, debug"], subprocess.CompletedProcess([], worker.returncode, out, ""), 0.0))
    assert "SaslHandshake" in out or "SCRAM" in out or "sasl" in out.lower(), out[-3000:]  # it did try to log in

    for run in runs:
        assert PASSWORD not in run.printed, (run.args, run.printed[-2000:])
        assert TOKEN not in run.printed, (run.args, run.printed[-2000:])
    failing = [
        r for r in runs if r.args and r.args[-1] != "--help" and r.args[0] not in ("python", "faust worker, debug")
    ]
    assert all(r.code != 0 for r in failing), [(r.args, r.code) for r in failing if r.code == 0]


def test_tls13_session_tickets_on_mutual_tls_connect_with_the_guard(
    mtls_broker: EmbeddedBroker, pki: dict[str, Path]
) -> None:
    """kafka-python 2.3.3 may drop a mutual-TLS connection when the TLS 1.3 session tickets arrive mid-request (see
    streams/kafka/tls_tickets.py): with the guard its admin client always connects."""
    code = """
import os, ssl, sys
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaConnectionError
if sys.argv[1] == "guard":
    from streams.kafka.tls_tickets import install_ticket_guard
    install_ticket_guard()
ctx = ssl.create_default_context(cafile=sys.argv[3])
ctx.load_cert_chain(sys.argv[4], sys.argv[5])
try:
    admin = KafkaAdminClient(bootstrap_servers=sys.argv[2], security_protocol="SSL", ssl_context=ctx)
    admin.create_topics([NewTopic(f"tickets-{sys.argv[1]}-{os.getpid()}", 1, 1)])  # what ensure_topics does
    print("connected")
except KafkaConnectionError as exc:
    print("failed:", exc)
"""
    paths = [str(pki[k]) for k in ("ca", "client_cert", "client_key")]

    def attempt(mode: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-c", code, mode, mtls_broker.bootstrap, *paths],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-500:]

    # With the guard: every time. Without it the drop is a race (the tickets may still arrive while a request is in
    # flight): it failed in about two runs of three when the guard was written, and in none of eight in a later CI
    # run, so the unguarded runs are not asserted (a test that waits for a race to lose is a flaky test). What a
    # failure without the guard looks like is kept in the comment: "Connection to 111 failed".
    assert [attempt("guard") for _ in range(5)] == ["connected"] * 5
