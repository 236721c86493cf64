"""docker-compose.sasl-ssl.yml: it validates over docker-compose.yml, gives the worker and the cli the security
settings, and scripts/compose-secrets.sh makes certificates and passwords that fit together and that storywire's
clients accept (against the embedded broker's TLS front; Kafka itself is not run: no Docker engine here)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from streams.kafka.broker import EmbeddedBroker, TlsFiles
from streams.kafka.diagnose import diagnose
from streams.settings import Settings

pytestmark = [pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]


def test_compose_variant_validates_and_configures_the_clients() -> None:
    if shutil.which("docker-compose") is None:
        pytest.skip("docker-compose (Debian's 1.29, installed by `make install`) is not available")
    files = ["-f", str(ROOT / "docker-compose.yml"), "-f", str(ROOT / "docker-compose.sasl-ssl.yml")]
    out = subprocess.run(
        ["docker-compose", *files, "config"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    config = yaml.safe_load(out)
    kafka = config["services"]["kafka"]["environment"]
    assert kafka["KAFKA_ADVERTISED_LISTENERS"].startswith("BROKER://localhost:19092,SASL_SSL://kafka:9092")
    assert "SASL_SSL:SASL_SSL" in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"]
    assert kafka["KAFKA_SASL_ENABLED_MECHANISMS"] == "PLAIN"
    assert "localhost:19092" in " ".join(config["services"]["kafka"]["healthcheck"]["test"])
    for name in ("worker", "cli"):
        service = config["services"][name]
        env = service["environment"]
        assert env["STORYWIRE_BROKER"] == "kafka://kafka:9092"  # from docker-compose.yml, kept
        assert env["STORYWIRE_SECURITY__PROTOCOL"] == "SASL_SSL"
        assert env["STORYWIRE_SECURITY__SASL_MECHANISM"] == "PLAIN"
        assert env["STORYWIRE_SECURITY__PASSWORD_FILE"] == "/run/secrets/storywire_kafka_password"
        assert "STORYWIRE_SECURITY__PASSWORD" not in env  # never inline in the compose file
        assert {s["source"] for s in service["secrets"]} == {"storywire_kafka_password", "kafka_ca"}
        # the same variables make valid settings (the files exist in the container; here, made up)
        security = {k.removeprefix("STORYWIRE_SECURITY__").lower(): v for k, v in env.items() if "SECURITY__" in k}
        for key in ("password_file", "ca_file"):
            security[key] = str(ROOT / "pyproject.toml")
        assert Settings(security=security).security.describe() == "SASL_SSL, PLAIN as 'storywire'"


def test_compose_secrets_script_makes_files_the_clients_accept(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed by scripts/compose-secrets.sh")
    target = tmp_path / "secrets"
    subprocess.run([str(ROOT / "scripts" / "compose-secrets.sh"), str(target)], check=True, capture_output=True)
    password = (target / "storywire-kafka-password").read_text().strip()
    assert len(password) >= 32
    assert f'user_storywire="{password}";' in (target / "kafka" / "kafka_server_jaas.conf").read_text()
    keystore_password = (target / "kafka" / "keystore-password").read_text().strip()
    listing = subprocess.run(
        ["openssl", "pkcs12", "-in", str(target / "kafka" / "kafka.keystore.p12"), "-nokeys", "-passin", "stdin"],
        input=keystore_password,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "CN = kafka" in listing or "CN=kafka" in listing
    again = subprocess.run([str(ROOT / "scripts" / "compose-secrets.sh"), str(target)], capture_output=True, text=True)
    assert again.returncode == 1 and "exists" in again.stderr  # never overwrites

    # Kafka's certificate, served by the embedded broker's TLS front: storywire connects by the name "localhost"
    tls = TlsFiles(target / "kafka.crt", target / "kafka.key")
    with EmbeddedBroker(tls=tls, log_path=tmp_path / "broker.log") as broker:
        ok = Settings(
            broker=f"kafka://localhost:{broker.port}", security={"protocol": "SSL", "ca_file": target / "ca.pem"}
        )
        assert diagnose(ok).ok, diagnose(ok).message
        untrusted = Settings(broker=f"kafka://localhost:{broker.port}", security={"protocol": "SSL"})
        assert diagnose(untrusted).kind == "untrusted_certificate"
