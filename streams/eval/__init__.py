"""Evaluation against labeled news, kept apart from the pipeline: ``clustering`` (``storywire eval`` / ``cluster``),
``events`` and ``mentions`` (``storywire eval-events``), and the metrics ``bcubed`` and ``conll``."""
