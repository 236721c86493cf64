"""Ingest: files, directories, JSON lines, feeds and pages → ``Article`` s on the ``articles`` topic. ``readers``
(local inputs), ``feeds`` (RSS/Atom), ``fetch`` (HTTP), ``html`` (page text), ``seen`` (what was sent before),
``producer`` (the ``Ingestor``)."""
