"""``python -m streams.cli``: the ``storywire`` command (streams.kafka.processes starts workers this way)."""

from streams.cli import main

main()
