"""Plain Kafka clients (kafka-python) and the processes around them: ``clients`` (producers, consumers, topic
creation), ``broker`` (the embedded tansu broker), ``processes`` (worker subprocesses), ``watch`` (following the
output topics), ``audit`` and ``replay``."""
