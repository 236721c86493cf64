"""The story boards: ``storywire board`` (a live web page) and ``storywire tail`` (a terminal table).

- :mod:`streams.board.state`: the board's state (latest version of every story, bounded history, newest change
  first) and the hub that tells the browsers about each change.
- :mod:`streams.board.render`: the HTML pages, from the Jinja templates in ``templates/``.
- :mod:`streams.board.feed`: the Kafka consumer thread that reads ``story-updates``.
- :mod:`streams.board.server`: the aiohttp application (routes, security headers, ``static/`` files) and
  :class:`~streams.board.server.BoardServer`, which runs it in a thread.
- :mod:`streams.board.terminal`: the rich table of ``storywire tail``.

Nothing is imported here, so importing one module does not pull in aiohttp or kafka-python.
"""
