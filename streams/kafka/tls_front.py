"""A TLS front for the embedded broker: terminates TLS (optionally mutual TLS) and pipes the bytes to tansu.

tansu 0.6.0 lists ``--cert`` and ``--key`` in ``broker --help`` but cannot serve TLS: its argument parser
refuses the two together ("the argument '--cert <CERT>' cannot be used with '--key <KEY>'"), and either one
alone is ignored (the listener stays plaintext; checked 2026-12-06, docs/operations.md, "Connecting to a secured
cluster"). So :class:`streams.kafka.broker.EmbeddedBroker` with ``tls=`` runs tansu on a private loopback port,
advertises this front's address, and starts this front in a child process. For the clients this *is* a TLS
broker: they do the TLS handshake (and present a client certificate, when one is required) with this process,
exactly as with a TLS listener of Kafka.

Development and tests only: one process, no TLS session tickets, no certificate reloading.

``python -m streams.kafka.tls_front --listen 127.0.0.1:9093 --upstream 127.0.0.1:9092 --cert c.pem --key k.pem
[--client-ca ca.pem]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import ssl

__all__ = ["main", "server_context"]


def server_context(cert_file: str, key_file: str, client_ca: str | None = None) -> ssl.SSLContext:
    """TLS 1.2+ server context; with ``client_ca`` a client certificate signed by it is required (mutual TLS)."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert_file, key_file)
    if client_ca:
        ctx.load_verify_locations(client_ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            data = await reader.read(256 * 1024)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def _serve(listen: tuple[str, int], upstream: tuple[str, int], ctx: ssl.SSLContext) -> None:
    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            up_r, up_w = await asyncio.open_connection(*upstream)
        except OSError:
            client_w.close()
            return
        await asyncio.gather(_pipe(client_r, up_w), _pipe(up_r, client_w))

    server = await asyncio.start_server(
        handle, listen[0], listen[1], ssl=ctx, ssl_handshake_timeout=10.0, reuse_address=True
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"tls front on {listen[0]}:{listen[1]} -> {upstream[0]}:{upstream[1]}", flush=True)
    async with server:
        await stop.wait()


def _hostport(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    return host or "127.0.0.1", int(port)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m streams.kafka.tls_front", description=__doc__.split("\n")[0])
    parser.add_argument("--listen", required=True, type=_hostport, help="HOST:PORT to accept TLS connections on")
    parser.add_argument("--upstream", required=True, type=_hostport, help="HOST:PORT of the plaintext broker")
    parser.add_argument("--cert", required=True, help="server certificate chain (PEM)")
    parser.add_argument("--key", required=True, help="server private key (PEM)")
    parser.add_argument("--client-ca", default=None, help="require client certificates signed by this CA (PEM)")
    args = parser.parse_args(argv)
    ctx = server_context(args.cert, args.key, args.client_ca)
    asyncio.run(_serve(args.listen, args.upstream, ctx))


if __name__ == "__main__":
    main()
