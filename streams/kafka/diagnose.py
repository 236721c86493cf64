"""Why a Kafka client cannot talk to the broker, said in one line that names the setting to change.

A Kafka client that cannot connect rarely says why: kafka-python and aiokafka retry a refused login or a TLS
mismatch until a timeout and then report "no brokers available" or "failed to update metadata after 60 s".
:func:`diagnose` opens one connection the way the clients would (the same :func:`streams.security.kafka_client_args`),
goes through TCP, the TLS handshake, the API-version exchange, the SASL login and one metadata request, and
classifies what stopped it:

================================  ==========================================================================
kind                              what happened
================================  ==========================================================================
``ok``                            everything answered
``unreachable``                   nothing accepts TCP connections there (worth retrying, as ``failed`` is)
``untrusted_certificate``         the broker's certificate is not signed by a CA the client trusts
``hostname_mismatch``             the certificate does not name the host the client connected to
``client_certificate_required``   the broker asks for a client certificate (mutual TLS) the client lacks
``tls_to_plaintext``              the client speaks TLS to a plaintext listener
``plaintext_to_tls``              the client speaks plaintext to a TLS listener
``mechanism_not_enabled``         the broker does not accept the client's SASL mechanism
``authentication_failed``         the broker refused the login (wrong user or password)
``authentication_required``       the broker wants a SASL login the client does not attempt
``bad_configuration``             the security settings cannot be used (a file, a key)
``failed``                        anything else (the message carries the client's error)
================================  ==========================================================================

No message ever holds a password or a key: only the protocol, the mechanism, the user name and file paths.
"""

from __future__ import annotations

import socket
import ssl
import struct
import time
from dataclasses import dataclass
from typing import Any

from streams.security import ENV, SecurityConfigError, SecuritySettings, kafka_client_args
from streams.settings import Settings

__all__ = ["Diagnosis", "diagnose", "speaks_plaintext_kafka", "speaks_tls"]


@dataclass(frozen=True)
class Diagnosis:
    kind: str
    message: str
    address: str = ""

    @property
    def ok(self) -> bool:
        return self.kind == "ok"

    @property
    def retryable(self) -> bool:
        """An unreachable broker, or one that fails in a way no setting explains (it may be starting), may work
        later; every other kind is a setting to change."""
        return self.kind in ("unreachable", "failed")


def _hosts(bootstrap: str) -> list[tuple[str, int]]:
    hosts = []
    for part in bootstrap.split(","):
        host, _, port = part.strip().rpartition(":")
        if not host:
            host, port = port, "9092"
        hosts.append((host.strip("[]"), int(port or 9092)))
    return hosts


def diagnose(settings: Settings, timeout: float = 10.0) -> Diagnosis:
    """Connect once to each bootstrap address until one works; the first non-retryable problem wins."""
    try:
        args = kafka_client_args(settings)
    except SecurityConfigError as exc:
        return Diagnosis("bad_configuration", str(exc))
    security = settings.security
    results = [_diagnose_one(h, p, args, security, timeout) for h, p in _hosts(args["bootstrap_servers"])]
    for d in results:
        if d.ok:
            return d
    return next((d for d in results if not d.retryable), results[0])


# ---------------------------------------------------------------------------------------------------------------
# One address
# ---------------------------------------------------------------------------------------------------------------


def _probe_connection_class() -> type:
    """A kafka-python BrokerConnection that remembers why it was closed (built lazily: kafka-python is heavy)."""
    from kafka.conn import BrokerConnection

    class ProbeConnection(BrokerConnection):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.failure: tuple[Any, BaseException] | None = None
            self.enabled_mechanisms: list[str] | None = None
            self.server_error: str | None = None
            super().__init__(*args, **kwargs)

        def close(self, error: BaseException | None = None) -> None:
            if error is not None and self.failure is None:
                self.failure = (self.state, error)
            super().close(error)

        def _handle_sasl_handshake_response(self, future: Any, response: Any) -> Any:
            self.enabled_mechanisms = [str(m) for m in getattr(response, "enabled_mechanisms", None) or []]
            return super()._handle_sasl_handshake_response(future, response)

        def _init_sasl_mechanism(self) -> None:
            super()._init_sasl_mechanism()
            mechanism = getattr(self, "_sasl_mechanism", None)
            receive = getattr(mechanism, "receive", None)
            if mechanism is None or receive is None:
                return

            def remember_server_error(auth_bytes: bytes) -> Any:
                if isinstance(auth_bytes, bytes) and auth_bytes.startswith(b"e="):  # a SCRAM server-final error
                    self.server_error = auth_bytes[2:80].decode("ascii", errors="replace")
                return receive(auth_bytes)

            mechanism.receive = remember_server_error

    return ProbeConnection


def _tcp_reachable(host: str, port: int, timeout: float) -> OSError | None:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except OSError as exc:
        return exc


def _diagnose_one(host: str, port: int, args: dict[str, Any], security: SecuritySettings, timeout: float) -> Diagnosis:
    from kafka.conn import ConnectionStates
    from kafka.protocol.metadata import MetadataRequest

    address = f"{host}:{port}"
    refused = _tcp_reachable(host, port, min(timeout, 3.0))
    if refused is not None:
        return Diagnosis("unreachable", f"nothing accepts connections at {address} ({_reason(refused)})", address)
    if security.tls and not speaks_tls(host, port):  # a plaintext listener would leave the handshake hanging
        if speaks_plaintext_kafka(host, port):
            return _tls_to_plaintext(address, security)
        return Diagnosis("failed", f"no TLS server answers at {address} ({security.describe()})", address)
    client_args = {k: v for k, v in args.items() if k != "bootstrap_servers"}
    conn = _probe_connection_class()(
        host,
        port,
        socket.AF_UNSPEC,
        client_id="storywire-probe",
        request_timeout_ms=int(timeout * 1000),
        **client_args,
    )
    try:
        try:
            connected = conn.connect_blocking(timeout)
        except ssl.SSLCertVerificationError as exc:
            return _certificate_problem(exc, address)
        except ssl.SSLError as exc:
            return _tls_alert(exc, address, security)
        if not connected:
            return _connect_failure(conn, ConnectionStates, address, security, timeout)
        future = conn.send(MetadataRequest[0]([]))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not conn.disconnected():
            try:
                if conn.recv():
                    return Diagnosis("ok", f"{address} answers ({security.describe()})", address)
            except ssl.SSLError as exc:
                return _tls_alert(exc, address, security)
            time.sleep(0.01)
        if conn.disconnected() and not security.sasl:
            return Diagnosis(
                "authentication_required",
                f"the broker at {address} closes the connection before answering a metadata request: it requires "
                f"a login; set {ENV}PROTOCOL=SASL_SSL (or SASL_PLAINTEXT) with {ENV}SASL_MECHANISM, {ENV}USERNAME "
                f"and {ENV}PASSWORD",
                address,
            )
        error = future.exception if future.failed() else "no answer to a metadata request"
        return Diagnosis("failed", f"the broker at {address} did not answer ({security.describe()}): {error}", address)
    finally:
        conn.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        return str(exc.verify_message)
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return str(exc.reason)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc)
    return text if text else type(exc).__name__


def _certificate_problem(exc: ssl.SSLCertVerificationError, address: str) -> Diagnosis:
    detail = _reason(exc)
    if "mismatch" in detail.lower() or "not valid for" in detail.lower():
        return Diagnosis(
            "hostname_mismatch",
            f"the broker's certificate does not name the host connected to ({address}: {detail}): connect by a "
            f"name the certificate holds (STORYWIRE_BROKER), or set {ENV}CHECK_HOSTNAME=false",
            address,
        )
    return Diagnosis(
        "untrusted_certificate",
        f"the broker's certificate is not trusted: set {ENV}CA_FILE to the CA that signed it ({address}: {detail})",
        address,
    )


def _tls_alert(exc: ssl.SSLError, address: str, security: SecuritySettings) -> Diagnosis:
    reason = _reason(exc)
    upper = reason.upper()
    if "CERTIFICATE_REQUIRED" in upper or (security.cert_file is None and "HANDSHAKE_FAILURE" in upper):
        return Diagnosis(
            "client_certificate_required",
            f"the broker at {address} requires a client certificate (mutual TLS): set {ENV}CERT_FILE and "
            f"{ENV}KEY_FILE ({reason})",
            address,
        )
    if "UNKNOWN_CA" in upper or "BAD_CERTIFICATE" in upper or "CERTIFICATE_UNKNOWN" in upper:
        return Diagnosis(
            "client_certificate_rejected",
            f"the broker at {address} rejects the client certificate {ENV}CERT_FILE ({reason}): it must be signed "
            "by a CA the broker trusts",
            address,
        )
    if "WRONG_VERSION_NUMBER" in upper or "RECORD_LAYER_FAILURE" in upper or "PACKET_LENGTH_TOO_LONG" in upper:
        return _tls_to_plaintext(address, security)
    return Diagnosis("failed", f"TLS with the broker at {address} failed: {reason}", address)


def _tls_to_plaintext(address: str, security: SecuritySettings) -> Diagnosis:
    plain = "SASL_PLAINTEXT" if security.sasl else "PLAINTEXT"
    return Diagnosis(
        "tls_to_plaintext",
        f"the broker at {address} does not speak TLS, but {ENV}PROTOCOL={security.protocol}: set it to {plain} "
        "or connect to the broker's TLS listener",
        address,
    )


def _connect_failure(conn: Any, states: Any, address: str, security: SecuritySettings, timeout: float) -> Diagnosis:
    host, _, port_text = address.rpartition(":")
    port = int(port_text)
    state, error = conn.failure if conn.failure is not None else (conn.state, None)
    if state is states.HANDSHAKE:  # closed during, or no answer to, the TLS handshake
        if speaks_plaintext_kafka(host, port):
            return _tls_to_plaintext(address, security)
        detail = _reason(error) if error is not None else f"no answer in {timeout:.0f} s"
        return Diagnosis("failed", f"TLS handshake with the broker at {address} failed: {detail}", address)
    if error is None:  # still connecting when the time was up: slow, not refused
        step = getattr(state, "name", str(state)).lower()
        return Diagnosis(
            "failed",
            f"the broker at {address} did not complete the connection in {timeout:.0f} s (stuck at {step}; "
            f"{security.describe()})",
            address,
        )
    if state in (states.API_VERSIONS_SEND, states.API_VERSIONS_RECV) and not security.tls and speaks_tls(host, port):
        tls = "SASL_SSL" if security.sasl else "SSL"
        return Diagnosis(
            "plaintext_to_tls",
            f"the broker at {address} speaks TLS, but {ENV}PROTOCOL={security.protocol}: set it to {tls} "
            f"(and {ENV}CA_FILE if its certificate is not signed by a public CA)",
            address,
        )
    if state in (states.API_VERSIONS_SEND, states.API_VERSIONS_RECV) and security.tls:
        alert = _alert_after_handshake(host, port, conn.config.get("ssl_context"))
        if alert is not None:  # TLS 1.3: a refused client certificate shows on the first read, not in the handshake
            return _tls_alert(alert, address, security)
        if security.cert_file is None:  # some servers hang up without the alert
            return Diagnosis(
                "client_certificate_required",
                f"the broker at {address} closes the TLS connection before answering: it most likely requires a "
                f"client certificate (mutual TLS); set {ENV}CERT_FILE and {ENV}KEY_FILE",
                address,
            )
        return Diagnosis(
            "client_certificate_rejected",
            f"the broker at {address} closes the TLS connection before answering: it most likely rejects the "
            f"client certificate {ENV}CERT_FILE (signed by a CA it does not trust?)",
            address,
        )
    if state is states.AUTHENTICATING:
        return _login_failure(conn, error, address, security)
    detail = _reason(error) if error is not None else f"gave up in state {getattr(state, 'name', state)}"
    return Diagnosis("failed", f"cannot connect to the broker at {address} ({security.describe()}): {detail}", address)


def _login_failure(conn: Any, error: BaseException | None, address: str, security: SecuritySettings) -> Diagnosis:
    from kafka.errors import UnsupportedSaslMechanismError

    mechanism = security.sasl_mechanism
    offered = conn.enabled_mechanisms
    if isinstance(error, UnsupportedSaslMechanismError) or (offered is not None and mechanism not in offered):
        offers = ", ".join(offered) if offered else "none"
        if offered and mechanism in offered:  # listed, yet refused: the listener does not do SASL
            return Diagnosis(
                "mechanism_not_enabled",
                f"the broker at {address} refuses SASL {mechanism} on this listener (it lists {offers}): it may not "
                f"use SASL at all; check {ENV}PROTOCOL",
                address,
            )
        return Diagnosis(
            "mechanism_not_enabled",
            f"the broker at {address} does not accept SASL {mechanism} (it offers: {offers}): set {ENV}SASL_MECHANISM",
            address,
        )
    if offered is None and conn.server_error is None:  # the broker hung up on the handshake: no reason given
        return Diagnosis(
            "authentication_failed",
            f"authentication failed: the broker at {address} closed the connection during the SASL {mechanism} login "
            f"of user {security.username!r}: check {ENV}SASL_MECHANISM, {ENV}USERNAME and {ENV}PASSWORD "
            f"(or {ENV}PASSWORD_FILE)",
            address,
        )
    said = conn.server_error or (str(error) if error is not None and str(error) else None)
    return Diagnosis(
        "authentication_failed",
        f"authentication failed: the broker at {address} refused the SASL {mechanism} login of user "
        f"{security.username!r}" + (f" ({said})" if said else "") + f": check {ENV}USERNAME and {ENV}PASSWORD "
        f"(or {ENV}PASSWORD_FILE)",
        address,
    )


# ---------------------------------------------------------------------------------------------------------------
# What does the port speak?
# ---------------------------------------------------------------------------------------------------------------


def speaks_tls(host: str, port: int, timeout: float = 3.0) -> bool:
    """Does a TLS server answer there (any certificate; an alert about a missing client certificate counts)?"""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            ctx.wrap_socket(sock, server_hostname=host),
        ):
            return True
    except ssl.SSLError as exc:
        return "ALERT" in str(exc.reason or "").upper()
    except OSError:
        return False


def _alert_after_handshake(
    host: str, port: int, ctx: ssl.SSLContext | None, timeout: float = 3.0
) -> ssl.SSLError | None:
    """The TLS alert the server sends after the handshake, on the first request (None: no alert)."""
    if ctx is None:
        return None
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            ctx.wrap_socket(sock, server_hostname=host) as tls,
        ):
            tls.sendall(_api_versions_request())
            tls.recv(8)
    except ssl.SSLError as exc:
        return exc if "ALERT" in str(exc.reason or "").upper() else None
    except OSError:
        return None
    return None


def _api_versions_request() -> bytes:
    client_id = b"storywire-probe"
    body = struct.pack(">hhih", 18, 0, 0x5EC, len(client_id)) + client_id
    return struct.pack(">i", len(body)) + body


def speaks_plaintext_kafka(host: str, port: int, timeout: float = 3.0) -> bool:
    """Does a plaintext Kafka broker answer an ApiVersions request there?"""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(_api_versions_request())
            head = b""
            while len(head) < 8:
                chunk = sock.recv(8 - len(head))
                if not chunk:
                    return False
                head += chunk
    except OSError:
        return False
    size, correlation_id = struct.unpack(">ii", head)
    return bool(correlation_id == 0x5EC and 0 < size < 1_000_000)
