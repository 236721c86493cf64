"""The runtime around the pipeline: the Faust ``app`` (the one place that wires the stages), ``settings``,
``topics``, ``codecs``, ``watchdog``, Faust patches (``faust_patches``), Kafka clients (``kafka``), ``ingest``, the
``board``, ``eval`` and the command line (``cli``)."""
