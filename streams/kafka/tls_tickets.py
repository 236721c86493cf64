"""kafka-python 2.3.3 drops a TLS connection that receives a TLS 1.3 session ticket while it is idle.

In TLS 1.3 the server sends its session tickets (NewSessionTicket) *after* the handshake. With a client certificate
(mutual TLS) it can only do so once it has checked the client's certificate, so the tickets may reach a connection
that has no request in flight: a connection kafka-python opens to a broker whose API versions it already knows
sends nothing after the handshake. kafka-python's poll loop then sees the socket readable "without in-flight
requests" and closes the connection as out of sync, over and over: ``KafkaAdminClient`` failed with "Connection to
111 failed" against a mutual-TLS listener (``ensure_topics`` in 21 of 24 attempts; an admin client creating one
topic in about two runs of three: tests/integration/test_security_tls.py).

The guard (:func:`install_ticket_guard`, installed by :func:`streams.security.tls_context`): before
:meth:`kafka.conn.BrokerConnection.close` closes a TLS connection for that reason, it reads from the TLS socket
once. ``SSLWantReadError`` means the readable bytes were TLS records only (the tickets, now consumed): the
connection is kept. Application data or the end of the stream close it as before. aiokafka (the Faust worker)
reads through asyncio's SSL layer and is not affected. Checked on kafka-python 2.3.3 (pinned, < 3).
"""

from __future__ import annotations

import logging
import ssl
import threading
from typing import Any

__all__ = ["install_ticket_guard"]

log = logging.getLogger("storywire.tls")

_EVENT_READ_WITHOUT_REQUEST = "EVENT_READ without in-flight-requests"
_installed = False
_lock = threading.Lock()


def _tls_records_only(sock: ssl.SSLSocket) -> bool:
    """Were the bytes waiting on this non-blocking TLS socket TLS records without application data?"""
    try:
        sock.recv(1)
    except ssl.SSLWantReadError:
        return True
    except OSError:
        return False
    return False  # application data or the end of the stream: the connection is out of sync or gone


def install_ticket_guard() -> None:
    """Patch :meth:`kafka.conn.BrokerConnection.close` (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        from kafka.conn import BrokerConnection, ConnectionStates

        original = BrokerConnection.close

        def close(self: Any, error: BaseException | None = None) -> Any:
            sock = getattr(self, "_sock", None)
            if (
                error is not None
                and _EVENT_READ_WITHOUT_REQUEST in str(error)
                and self.state is ConnectionStates.CONNECTED
                and isinstance(sock, ssl.SSLSocket)
                and _tls_records_only(sock)
            ):
                log.debug("%s: kept open: it read TLS records only (a TLS 1.3 session ticket)", self)
                return None
            return original(self, error)

        BrokerConnection.close = close
        _installed = True
