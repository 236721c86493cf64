"""``storywire broker`` and ``storywire worker``: the two long-running processes of a deployment."""

from __future__ import annotations

import logging

import click

from streams.cli.common import load_settings

__all__ = ["broker", "worker"]


@click.command()
@click.option("--port", type=int, default=9092, show_default=True, help="Port to listen on (127.0.0.1).")
def broker(port: int) -> None:
    """Run the embedded Kafka-compatible broker (tansu, memory-only) in the foreground."""
    import time

    from streams.kafka.broker import BrokerError, EmbeddedBroker
    from streams.kafka.clients import ensure_topics
    from streams.kafka.processes import sigterm_as_interrupt
    from streams.settings import Settings

    with sigterm_as_interrupt():  # SIGTERM (docker stop, systemd) stops the broker process as Ctrl-C does
        try:
            b = EmbeddedBroker(port).start()
        except BrokerError as exc:
            raise click.ClickException(str(exc)) from exc
        try:
            settings = Settings(broker=b.kafka_url)
            ensure_topics(settings)
            click.echo(f"embedded broker on {b.bootstrap} (memory-only: everything is lost when it stops)")
            click.echo(f"use it with: export STORYWIRE_BROKER={b.kafka_url}    (Ctrl-C stops it)")
            while b.running:
                time.sleep(0.5)
            raise click.ClickException(f"the broker exited; run `storywire broker --port {port}` again")
        except KeyboardInterrupt:
            pass
        finally:
            b.stop()


@click.command()
@click.option(
    "--loglevel",
    type=click.Choice(["debug", "info", "warning", "error", "critical"], case_sensitive=False),
    default="info",
    show_default=True,
    help="How much the worker logs (Faust's and storywire's loggers).",
)
@click.option("--web/--no-web", default=None, help="Serve Faust's web views (default: STORYWIRE_WEB_ENABLED).")
def worker(loglevel: str, web: bool | None) -> None:
    """Run a stream-processing worker (all agents) against STORYWIRE_BROKER."""
    import faust

    from streams.app import build_app
    from streams.kafka.clients import KafkaUnavailable, ensure_topics

    settings = load_settings()
    if web is not None:
        settings = settings.model_copy(update={"web_enabled": web})
    settings.tune_gc()
    try:
        ensure_topics(settings)
    except KafkaUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    sw = build_app(settings)
    logging.getLogger("kafka").setLevel(logging.WARNING)  # our plain clients (offset probes, watchdog) are chatty
    w = faust.Worker(sw.app, loglevel=loglevel, quiet=True, redirect_stdouts=False)
    w.execute_from_commandline()
