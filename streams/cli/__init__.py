"""The ``storywire`` command line: the group, ``--version``, and the commands of the modules beside this one.

Each command module imports its heavy dependencies (spaCy, Faust, Kafka clients) inside its commands, so that
``storywire --help`` and ``storywire --version`` stay fast.
"""

from __future__ import annotations

import logging

import click

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="storywire", prog_name="storywire", message="%(prog)s %(version)s")
def cli() -> None:
    """storywire: news articles in, living story summaries out."""


def _register_commands() -> None:
    # Imported here, not at module level: a module-level `from streams.cli.demo import demo` would shadow the
    # submodule streams.cli.demo with the command object of the same name.
    from streams.cli.bench import bench
    from streams.cli.board import board
    from streams.cli.check import audit, replay
    from streams.cli.demo import demo
    from streams.cli.eval import cluster, eval_cmd
    from streams.cli.eval_events import eval_events
    from streams.cli.eval_facts import eval_facts
    from streams.cli.ingest import ingest
    from streams.cli.run import broker, worker
    from streams.cli.schemas import schemas
    from streams.cli.stories import stories
    from streams.cli.watch import alerts, tail

    commands = (broker, worker, tail, alerts, demo, stories, schemas, audit, replay)
    for command in (*commands, cluster, eval_cmd, eval_events, eval_facts, ingest, board, bench):
        cli.add_command(command)


_register_commands()


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # kafka-python logs every failed connection attempt; our commands say themselves what is wrong and what to do.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    cli()


if __name__ == "__main__":
    main()
