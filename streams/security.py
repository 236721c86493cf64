"""Connecting to a secured Kafka: the ``STORYWIRE_SECURITY__*`` settings and the one function that turns them into
client arguments.

Every Kafka client the project makes takes its arguments from :func:`kafka_client_args` (kafka-python: ingest,
tail, alerts, board, audit, replay, topic creation, the worker's watchdog and end-offset probe; the same names
are aiokafka's) or, for the Faust worker, from :func:`faust_credentials`, which is built from the same pieces.
``tests/unit/streams/test_security.py`` fails when a client is constructed anywhere else.

Secrets (the SASL password, the client key's password, the board token) are :class:`pydantic.SecretStr`: a
printed settings object, a validation error and ``repr`` show ``**********``. A password file is read when the
client arguments are built, never kept in the settings. Kafka clients log each request at DEBUG level, and a SASL
PLAIN login request holds the password: once a secret is loaded, :func:`redact_in_logs` makes every log record of
the process show ``**********`` in its place, whatever the logger and level.

Importing this module loads neither Faust nor a Kafka client (``streams.settings`` imports it).
"""

from __future__ import annotations

import logging
import ssl
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, SecretStr, field_validator, model_validator

if TYPE_CHECKING:
    from faust.types.auth import CredentialsT

__all__ = [
    "SASL_MECHANISMS",
    "SECURITY_PROTOCOLS",
    "SecurityConfigError",
    "SecuritySettings",
    "faust_credentials",
    "kafka_client_args",
    "redact_in_logs",
    "sasl_password",
    "tls_context",
]

SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
ENV = "STORYWIRE_SECURITY__"

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
Mechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]


class Settings(Protocol):
    """What the builders read of :class:`streams.settings.Settings` (not imported: it imports this module)."""

    @property
    def bootstrap_servers(self) -> str: ...

    @property
    def security(self) -> SecuritySettings: ...


class SecurityConfigError(ValueError):
    """The security settings cannot be used (a file cannot be read, a key does not fit its certificate, …).
    The message names the ``STORYWIRE_SECURITY__*`` variable to fix and never holds a secret."""


class SecuritySettings(BaseModel):
    """How the Kafka clients connect: ``STORYWIRE_SECURITY__<FIELD>`` (docs/operations.md, "Connecting to a
    secured cluster")."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: Mechanism | None = None  # required with SASL_PLAINTEXT and SASL_SSL
    username: str | None = None
    password: SecretStr | None = None
    password_file: Path | None = None  # a file holding the password (one line); read when a client is built
    ca_file: Path | None = None  # PEM CA bundle that signed the broker's certificate; None: the system's CAs
    cert_file: Path | None = None  # client certificate (PEM) for mutual TLS; may hold the key too
    key_file: Path | None = None  # its private key (PEM)
    key_password: SecretStr | None = None  # when the private key is encrypted
    check_hostname: bool = True  # the broker's certificate must name the host it is reached at

    @field_validator("protocol", "sasl_mechanism", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper().replace("_SHA_", "-SHA-") if isinstance(value, str) else value

    @field_validator("password_file", "ca_file", "cert_file", "key_file")
    @classmethod
    def _readable_file(cls, value: Path | None, info: Any) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"{ENV}{info.field_name.upper()}: no file at {value}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> SecuritySettings:
        sasl = self.protocol.startswith("SASL_")
        if sasl:
            if self.sasl_mechanism is None:
                raise ValueError(
                    f"{ENV}PROTOCOL={self.protocol} needs {ENV}SASL_MECHANISM: one of {', '.join(SASL_MECHANISMS)}"
                )
            if not self.username:
                raise ValueError(f"{ENV}PROTOCOL={self.protocol} needs {ENV}USERNAME")
            if (self.password is None) == (self.password_file is None):
                raise ValueError(
                    f"{ENV}PROTOCOL={self.protocol} needs exactly one of {ENV}PASSWORD and {ENV}PASSWORD_FILE"
                )
        else:
            stray = [n for n in ("sasl_mechanism", "username", "password", "password_file") if getattr(self, n)]
            if stray:
                names = ", ".join(f"{ENV}{n.upper()}" for n in stray)
                raise ValueError(f"{names} set, but {ENV}PROTOCOL={self.protocol} does not use SASL")
        if not self.tls:
            stray = [n for n in ("ca_file", "cert_file", "key_file", "key_password") if getattr(self, n)]
            if stray:
                names = ", ".join(f"{ENV}{n.upper()}" for n in stray)
                raise ValueError(f"{names} set, but {ENV}PROTOCOL={self.protocol} does not use TLS")
        if self.key_file is not None and self.cert_file is None:
            raise ValueError(f"{ENV}KEY_FILE needs {ENV}CERT_FILE (the client certificate)")
        return self

    @property
    def tls(self) -> bool:
        return self.protocol in ("SSL", "SASL_SSL")

    @property
    def sasl(self) -> bool:
        return self.protocol in ("SASL_PLAINTEXT", "SASL_SSL")

    def describe(self) -> str:
        """One line for logs and errors, without secrets: ``SASL_SSL, SCRAM-SHA-512 as 'alice'``."""
        parts: list[str] = [self.protocol]
        if self.sasl:
            parts.append(f"{self.sasl_mechanism} as {self.username!r}")
        if self.cert_file is not None:
            parts.append("client certificate")
        return ", ".join(parts)


_secrets: set[str] = set()
_secrets_lock = threading.Lock()
MASK = "**********"


def _redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def redact_in_logs(secret: str | None) -> None:
    """From now on, no log record of this process shows ``secret`` (as text or as escaped bytes): the record
    factory replaces it with ``**********`` (installed once, at the first secret)."""
    if not secret or len(secret) < 4:  # a very short secret would mask ordinary words; it is refused anyway
        return
    forms = {secret, repr(secret)[1:-1], repr(secret.encode("utf-8"))[2:-1]}
    with _secrets_lock:
        first = not _secrets
        _secrets.update(f for f in forms if f)
        if not first:
            return
        make_record = logging.getLogRecordFactory()

        def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            try:
                message = record.getMessage()
            except Exception:  # a broken format string: logging reports it itself
                return record
            if any(s in message for s in _secrets):
                record.msg, record.args = _redact(message), None
            return record

        logging.setLogRecordFactory(redacting_factory)


def sasl_password(security: SecuritySettings) -> str | None:
    """The SASL password: ``password``, or the first line of ``password_file`` (read now, never stored)."""
    if security.password is not None:
        password = security.password.get_secret_value()
        redact_in_logs(password)
        return password
    if security.password_file is None:
        return None
    try:
        text = security.password_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise SecurityConfigError(f"cannot read {ENV}PASSWORD_FILE {security.password_file}: {reason}") from None
    lines = text.splitlines()
    if not lines or not lines[0]:
        raise SecurityConfigError(f"{ENV}PASSWORD_FILE {security.password_file} is empty")
    redact_in_logs(lines[0])
    return lines[0]


def tls_context(security: SecuritySettings) -> ssl.SSLContext | None:
    """The client TLS context (None without TLS): verifies the broker with ``ca_file`` (else the system's CAs),
    checks its host name unless told not to, TLS 1.2 at least, and presents the client certificate if set."""
    if not security.tls:
        return None
    try:
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=security.ca_file)
    except (ssl.SSLError, OSError) as exc:
        raise SecurityConfigError(f"cannot load {ENV}CA_FILE {security.ca_file}: {_ssl_reason(exc)}") from None
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    # kafka-python 2.3.3 drops an idle connection that receives a TLS 1.3 session ticket (mutual TLS shows it);
    # the guard keeps it (streams/kafka/tls_tickets.py).
    from streams.kafka.tls_tickets import install_ticket_guard

    install_ticket_guard()
    if not security.check_hostname:
        ctx.check_hostname = False  # the certificate is still verified against the CAs
    if security.cert_file is not None:
        key_password = security.key_password.get_secret_value() if security.key_password else None
        redact_in_logs(key_password)
        try:
            ctx.load_cert_chain(security.cert_file, security.key_file, password=key_password)
        except (ssl.SSLError, OSError) as exc:
            raise SecurityConfigError(
                f"cannot load the client certificate {ENV}CERT_FILE {security.cert_file}"
                + (f" with {ENV}KEY_FILE {security.key_file}" if security.key_file else "")
                + f": {_ssl_reason(exc)} (a wrong {ENV}KEY_PASSWORD, or a key that does not fit the certificate?)"
            ) from None
    return ctx


def _ssl_reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return str(exc.reason)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__


def _security_args(security: SecuritySettings) -> dict[str, Any]:
    args: dict[str, Any] = {"security_protocol": security.protocol}
    ctx = tls_context(security)
    if ctx is not None:
        args["ssl_context"] = ctx
    if security.sasl:
        args["sasl_mechanism"] = security.sasl_mechanism
        args["sasl_plain_username"] = security.username
        args["sasl_plain_password"] = sasl_password(security)
    return args


def kafka_client_args(settings: Settings) -> dict[str, Any]:
    """``bootstrap_servers`` and the security arguments of a Kafka client, for kafka-python (producer, consumer,
    admin) and aiokafka alike: ``security_protocol``, ``ssl_context``, ``sasl_mechanism``,
    ``sasl_plain_username``, ``sasl_plain_password``. Raises :class:`SecurityConfigError`."""
    return {"bootstrap_servers": settings.bootstrap_servers, **_security_args(settings.security)}


def faust_credentials(settings: Settings) -> CredentialsT | None:
    """The Faust worker's ``broker_credentials`` for the same settings (None: plaintext)."""
    import faust

    security = settings.security
    args = _security_args(security)
    if security.sasl:
        return faust.SASLCredentials(
            username=args["sasl_plain_username"],
            password=args["sasl_plain_password"],
            ssl_context=args.get("ssl_context"),
            mechanism=args["sasl_mechanism"],
        )
    if security.tls:
        return faust.SSLCredentials(args["ssl_context"])
    return None
