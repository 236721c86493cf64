"""STORYWIRE_SECURITY__*: the settings, the client arguments built for each protocol and SASL mechanism (kafka-python,
aiokafka through Faust's credentials), every Kafka client of the project built from them, and no secret shown."""

from __future__ import annotations

import ast
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import trustme
from pydantic import ValidationError

from streams.kafka.processes import settings_env
from streams.security import (
    SASL_MECHANISMS,
    SecurityConfigError,
    SecuritySettings,
    faust_credentials,
    kafka_client_args,
    tls_context,
)
from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "s3cret-Pa55word-for-the-sasl-tests"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A CA, a broker certificate, a client certificate and an encrypted copy of its key."""
    d = tmp_path_factory.mktemp("pki")
    ca = trustme.CA()
    client = ca.issue_cert("client@storywire.example")
    ca.cert_pem.write_to_path(d / "ca.pem")
    client.cert_chain_pems[0].write_to_path(d / "client-cert.pem")
    client.private_key_pem.write_to_path(d / "client-key.pem")
    client.private_key_and_cert_chain_pem.write_to_path(d / "client-both.pem")
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(client.private_key_pem.bytes(), password=None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"key-pass-phrase"),
    )
    (d / "client-enc-key.pem").write_bytes(encrypted)
    (d / "password.txt").write_text(PASSWORD + "\n")
    return {p.stem.replace("-", "_"): p for p in d.iterdir()}


def sasl(mechanism: str = "SCRAM-SHA-512", protocol: str = "SASL_SSL", **more: Any) -> dict[str, Any]:
    return {"protocol": protocol, "sasl_mechanism": mechanism, "username": "alice", "password": PASSWORD, **more}


# --------------------------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------------------------


def test_plaintext_is_the_default_and_adds_nothing() -> None:
    args = kafka_client_args(Settings(broker="kafka://k1:9092;kafka://k2:9093"))
    assert args == {"bootstrap_servers": "k1:9092,k2:9093", "security_protocol": "PLAINTEXT"}
    assert faust_credentials(Settings()) is None


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, pki: dict[str, Path]) -> None:
    monkeypatch.setenv("STORYWIRE_SECURITY__PROTOCOL", "sasl_ssl")
    monkeypatch.setenv("STORYWIRE_SECURITY__SASL_MECHANISM", "scram-sha-256")
    monkeypatch.setenv("STORYWIRE_SECURITY__USERNAME", "alice")
    monkeypatch.setenv("STORYWIRE_SECURITY__PASSWORD_FILE", str(pki["password"]))
    monkeypatch.setenv("STORYWIRE_SECURITY__CA_FILE", str(pki["ca"]))
    sec = Settings().security
    assert (sec.protocol, sec.sasl_mechanism, sec.username, sec.password) == (
        "SASL_SSL",
        "SCRAM-SHA-256",
        "alice",
        None,
    )
    assert kafka_client_args(Settings())["sasl_plain_password"] == PASSWORD  # first line of the file, read now


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"protocol": "SASL_SSL", "username": "a", "password": "p"}, "needs STORYWIRE_SECURITY__SASL_MECHANISM"),
        ({"protocol": "SASL_SSL", "sasl_mechanism": "PLAIN", "password": "p"}, "needs STORYWIRE_SECURITY__USERNAME"),
        ({"protocol": "SASL_PLAINTEXT", "sasl_mechanism": "PLAIN", "username": "a"}, "exactly one of"),
        ({"protocol": "PLAINTEXT", "username": "a", "password": "p"}, "does not use SASL"),
        ({"protocol": "SASL_PLAINTEXT", **sasl("PLAIN", "SASL_PLAINTEXT"), "ca_file": "x"}, "no file at x"),
        ({"protocol": "SSL", "sasl_mechanism": "GSSAPI"}, "sasl_mechanism"),
        ({"protocol": "TLS"}, "protocol"),
        ({"protocol": "SSL", "key_file": "/etc/hostname"}, "needs STORYWIRE_SECURITY__CERT_FILE"),
        ({"protocol": "SSL", "ca_file": "/nonexistent/ca.pem"}, "STORYWIRE_SECURITY__CA_FILE: no file at"),
    ],
)
def test_inconsistent_settings_are_refused_with_the_variable_to_fix(fields: dict[str, Any], says: str) -> None:
    with pytest.raises(ValidationError) as err:
        Settings(security=fields)
    assert says in str(err.value)


def test_tls_fields_without_tls_are_refused(pki: dict[str, Path]) -> None:
    with pytest.raises(ValidationError, match="does not use TLS"):
        Settings(security={"protocol": "SASL_PLAINTEXT", **sasl("PLAIN", "SASL_PLAINTEXT"), "ca_file": pki["ca"]})


# --------------------------------------------------------------------------------------------------------------
# Client arguments, per protocol and mechanism
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mechanism", SASL_MECHANISMS)
@pytest.mark.parametrize("protocol", ["SASL_PLAINTEXT", "SASL_SSL"])
def test_sasl_arguments_for_each_mechanism(protocol: str, mechanism: str, pki: dict[str, Path]) -> None:
    tls = {"ca_file": pki["ca"]} if protocol == "SASL_SSL" else {}
    settings = Settings(broker="kafka://broker.example:9096", security=sasl(mechanism, protocol, **tls))
    args = kafka_client_args(settings)
    assert args["bootstrap_servers"] == "broker.example:9096"
    assert args["security_protocol"] == protocol
    assert args["sasl_mechanism"] == mechanism
    assert (args["sasl_plain_username"], args["sasl_plain_password"]) == ("alice", PASSWORD)
    assert ("ssl_context" in args) == (protocol == "SASL_SSL")

    # kafka-python accepts exactly these arguments (its config names), and builds its SASL mechanism from them
    from kafka.conn import BrokerConnection

    conn = BrokerConnection("broker.example", 9096, 0, **{k: v for k, v in args.items() if k != "bootstrap_servers"})
    assert conn.config["security_protocol"] == protocol and conn.config["sasl_mechanism"] == mechanism
    assert type(conn._sasl_mechanism).__name__ == (
        "SaslMechanismPlain" if mechanism == "PLAIN" else "SaslMechanismScram"
    )

    # the Faust worker: its credentials, and the aiokafka arguments Faust derives from them
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    creds = faust_credentials(settings)
    aio = credentials_to_aiokafka_auth(creds)
    assert aio["security_protocol"] == protocol and aio["sasl_mechanism"] == mechanism
    assert (aio["sasl_plain_username"], aio["sasl_plain_password"]) == ("alice", PASSWORD)
    assert (aio["ssl_context"] is not None) == (protocol == "SASL_SSL")
    assert PASSWORD not in repr(creds)

    # and aiokafka itself takes them (it validates the combination when a client is made)
    import asyncio

    from aiokafka import AIOKafkaProducer

    async def make() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=args["bootstrap_servers"], **aio)
        assert producer.client._sasl_mechanism == mechanism
        assert producer.client._security_protocol == protocol

    asyncio.run(make())


def test_ssl_arguments_verify_the_broker_and_present_a_client_certificate(pki: dict[str, Path]) -> None:
    settings = Settings(
        security={
            "protocol": "SSL",
            "ca_file": pki["ca"],
            "cert_file": pki["client_cert"],
            "key_file": pki["client_key"],
        }
    )
    args = kafka_client_args(settings)
    assert args["security_protocol"] == "SSL" and "sasl_mechanism" not in args
    ctx: ssl.SSLContext = args["ssl_context"]
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    assert ctx.minimum_version >= ssl.TLSVersion.TLSv1_2
    assert len(ctx.get_ca_certs()) == 1  # our CA only
    from faust.auth import SSLCredentials

    creds = faust_credentials(settings)
    assert isinstance(creds, SSLCredentials) and creds.context.verify_mode == ssl.CERT_REQUIRED


def test_client_certificate_variants(pki: dict[str, Path]) -> None:
    both = SecuritySettings(protocol="SSL", ca_file=pki["ca"], cert_file=pki["client_both"])  # key in the same file
    assert tls_context(both) is not None
    encrypted = SecuritySettings(
        protocol="SSL", cert_file=pki["client_cert"], key_file=pki["client_enc_key"], key_password="key-pass-phrase"
    )
    assert tls_context(encrypted) is not None
    wrong = SecuritySettings(
        protocol="SSL", cert_file=pki["client_cert"], key_file=pki["client_enc_key"], key_password="nope"
    )
    with pytest.raises(SecurityConfigError) as err:
        tls_context(wrong)
    assert "STORYWIRE_SECURITY__KEY_PASSWORD" in str(err.value) and "nope" not in str(err.value)
    mismatched = SecuritySettings(protocol="SSL", cert_file=pki["client_cert"], key_file=pki["client_enc_key"])
    with pytest.raises(SecurityConfigError):
        tls_context(mismatched)  # encrypted key, no password: refused, not prompted for on a terminal


def test_hostname_check_can_be_turned_off_but_not_verification(pki: dict[str, Path]) -> None:
    ctx = tls_context(SecuritySettings(protocol="SSL", ca_file=pki["ca"], check_hostname=False))
    assert ctx is not None and not ctx.check_hostname and ctx.verify_mode == ssl.CERT_REQUIRED


def test_an_unreadable_password_file_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_text("")
    settings = Settings(security=sasl(password=None, password_file=empty))
    with pytest.raises(SecurityConfigError, match=r"STORYWIRE_SECURITY__PASSWORD_FILE .* is empty"):
        kafka_client_args(settings)


# --------------------------------------------------------------------------------------------------------------
# Every client the project makes takes these arguments
# --------------------------------------------------------------------------------------------------------------

CLIENT_CLASSES = {"KafkaConsumer", "KafkaProducer", "KafkaAdminClient", "AIOKafkaConsumer", "AIOKafkaProducer"}
# Where clients are made, and how each gets its arguments (reviewed; a new place must be added here on purpose).
CLIENT_SITES = {
    "streams/kafka/clients.py": 3,  # ensure_topics, make_producer, make_consumer: client_args(settings, ...)
    "streams/watchdog.py": 1,  # _topics(client_args): kafka_client_args(settings) from streams/app.py
    "streams/faust_patches/end_offsets.py": 1,  # probe_end_offsets(client_args): kafka_client_args(app settings)
}


def _client_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name in CLIENT_CLASSES:
                calls.append(node)
    return calls


def test_every_kafka_client_is_built_from_the_security_arguments() -> None:
    found: dict[str, int] = {}
    for package in ("streams", "agents", "schemas"):
        for path in sorted((ROOT / package).rglob("*.py")):
            calls = _client_calls(path)
            if not calls:
                continue
            rel = path.relative_to(ROOT).as_posix()
            found[rel] = len(calls)
            for call in calls:
                keywords = {k.arg for k in call.keywords}
                assert "bootstrap_servers" not in keywords, f"{rel}:{call.lineno} sets bootstrap_servers itself"
                assert None in keywords, f"{rel}:{call.lineno} does not take **client arguments"
    assert found == CLIENT_SITES


def test_the_worker_and_its_own_clients_get_the_credentials(
    pki: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from streams import watchdog
    from streams.app import build_app
    from streams.faust_patches import end_offsets

    settings = Settings(security=sasl("SCRAM-SHA-512", ca_file=pki["ca"]))
    sw = build_app(settings, with_agents=False)
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    aio = credentials_to_aiokafka_auth(sw.app.conf.broker_credentials, sw.app.conf.ssl_context)
    assert aio["security_protocol"] == "SASL_SSL" and aio["sasl_plain_password"] == PASSWORD
    assert end_offsets._client_args(sw.app)["sasl_mechanism"] == "SCRAM-SHA-512"

    made: list[dict[str, Any]] = []

    class FakeConsumer:
        def __init__(self, *topics: str, **kwargs: Any) -> None:
            made.append(kwargs)

        def topics(self) -> set[str]:
            return set()

        def close(self) -> None:
            pass

        def assign(self, _tps: Any) -> None:
            pass

        def seek(self, *_a: Any) -> None:
            pass

        def poll(self, timeout_ms: int = 0) -> dict[Any, Any]:
            return {}

    monkeypatch.setattr(watchdog, "KafkaConsumer", FakeConsumer)
    monkeypatch.setattr(end_offsets, "KafkaConsumer", FakeConsumer)
    args = kafka_client_args(settings)
    watchdog._topics(args)
    from faust.types import TP

    end_offsets.probe_end_offsets(args, {TP("t", 0): 5})
    assert len(made) == 2
    for kwargs in made:
        assert kwargs["security_protocol"] == "SASL_SSL" and kwargs["sasl_plain_password"] == PASSWORD
        assert isinstance(kwargs["ssl_context"], ssl.SSLContext)


# --------------------------------------------------------------------------------------------------------------
# Secrets never shown
# --------------------------------------------------------------------------------------------------------------


def test_secret_never_printed_by_settings_or_their_errors() -> None:
    token = "board-token-that-must-stay-hidden"
    settings = Settings(security=sasl("PLAIN"), board={"token": token})
    for text in (repr(settings), str(settings), settings.model_dump_json(), repr(settings.security.describe())):
        assert PASSWORD not in text and token not in text
    assert settings.security.password is not None and settings.security.password.get_secret_value() == PASSWORD
    # a validation error echoes no input
    with pytest.raises(ValidationError) as err:
        Settings(security={"protocol": "SASL_SSL", "username": "alice", "password": PASSWORD}, board={"token": token})
    assert PASSWORD not in str(err.value) and token not in str(err.value) and PASSWORD not in repr(err.value)
    with pytest.raises(ValidationError) as err:
        Settings(board={"token": "short-secret"})
    assert "short-secret" not in str(err.value) and "at least 16" in str(err.value)


def test_secrets_reach_a_child_process_intact() -> None:
    settings = Settings(security=sasl("SCRAM-SHA-256"), board={"token": "t" * 20}, topic_prefix="x-")
    env = settings_env(settings)
    assert env["STORYWIRE_SECURITY__PASSWORD"] == PASSWORD  # the value, not "**********"
    assert env["STORYWIRE_BOARD__TOKEN"] == "t" * 20
    code = "from streams.settings import Settings; s = Settings(); print(s.security.describe(), s.topic_prefix)"
    out = subprocess.run(
        [sys.executable, "-c", code], env={**env, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "SASL_SSL, SCRAM-SHA-256 as 'alice' x-"


def test_a_loaded_secret_is_masked_in_every_log_record(caplog: pytest.LogCaptureFixture) -> None:
    """Kafka clients log each request at DEBUG level; a SASL PLAIN login request holds the password."""
    import logging

    from kafka.protocol.sasl_authenticate import SaslAuthenticateRequest

    secret = 'pa"ss-w\\ord-Ünïcode-42'
    kafka_client_args(Settings(security=sasl("PLAIN", "SASL_PLAINTEXT", password=secret)))
    request = SaslAuthenticateRequest[0](auth_bytes=b"\x00alice\x00" + secret.encode())
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("kafka.conn").debug("%s: Request %d: %s", "conn", 3, request)
        logging.getLogger("aiokafka.conn").debug("Request to %s: %s", "h:1", request)
        logging.getLogger("faust").info("connecting as %s with %s", "alice", secret)
    text = caplog.text
    assert "**********" in text and "alice" in text
    assert secret not in text and repr(secret.encode())[2:-1] not in text and "42" not in text
