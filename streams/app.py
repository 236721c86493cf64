"""The Faust app: topics, tables and agents declared once, in one place."""

from __future__ import annotations

from typing import Any

import faust
from pydantic import BaseModel

from streams.codecs import codec_name, register_codecs
from streams.faust_patches import install_patches
from streams.settings import Settings
from streams.topics import (
    ALERTS,
    ARTICLE_EXTRACTIONS,
    ARTICLES,
    ARTICLES_DEAD_LETTER,
    STORY_ARTICLES,
    STORY_UPDATES,
    Streams,
    partitions_for,
)

__all__ = ["Streams", "build_app"]


def _faust_app(settings: Settings) -> faust.App:
    from streams.security import faust_credentials

    return faust.App(
        settings.app_id,
        broker=settings.broker,
        broker_credentials=faust_credentials(settings),  # TLS and SASL: the same settings as every other client
        store=settings.store,
        datadir=str(settings.data_dir),
        topic_partitions=settings.story_partitions,
        topic_replication_factor=settings.replication_factor,
        topic_allow_declare=True,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=settings.broker_session_timeout,
        broker_rebalance_timeout=settings.broker_rebalance_timeout,
        broker_heartbeat_interval=settings.broker_heartbeat_interval,
        producer_acks=-1,
        producer_max_request_size=16 * 1024 * 1024,
        consumer_max_fetch_size=16 * 1024 * 1024,
        stream_buffer_maxsize=256,
        web_enabled=settings.web_enabled,
        web_port=settings.web_port,
        web_bind="127.0.0.1",
        key_serializer="raw",
        value_serializer="raw",
    )


class PydanticTable(faust.Table[str, Any]):
    """A changelog-backed table whose values are one pydantic model, written with that model's codec.

    Faust derives a table's serializer from a Faust-model ``value_type`` only, and creates the changelog topic
    as soon as the table is registered; so the codec is set before registration, and values read back from the
    changelog are validated into the model.
    """

    def __init__(self, app: faust.App, *, value_model: type[BaseModel] | None, **kwargs: Any) -> None:
        self.value_model = value_model
        super().__init__(app, **kwargs)
        self.value_serializer = codec_name(value_model) if value_model is not None else "json"

    def _to_value(self, v: Any) -> Any:
        if self.value_model is not None and isinstance(v, dict):
            return self.value_model.model_validate(v)
        return v


def _table(app: faust.App, name: str, value_model: type[BaseModel] | None, partitions: int) -> faust.Table[str, Any]:
    table = PydanticTable(
        app,
        name=name,
        value_model=value_model,
        default=None,
        partitions=partitions,
        key_type=str,
        beacon=app.tables.beacon,
    )
    app.tables.add(table)
    return table


def _attach_watchdog(sw: Streams) -> None:
    from streams.security import kafka_client_args
    from streams.watchdog import BrokerWatchdog

    settings = sw.settings
    hosts = [(url.host or "127.0.0.1", url.port or 9092) for url in sw.app.conf.broker]
    required = [settings.topic(ARTICLES), settings.topic(STORY_UPDATES)]
    watchdog = BrokerWatchdog(
        hosts, required, outage_timeout=settings.broker_outage_timeout, client_args=kafka_client_args(settings)
    )

    @sw.app.timer(watchdog.interval)  # type: ignore[untyped-decorator]
    async def watch_broker() -> None:
        await watchdog.check()


def build_app(settings: Settings, *, with_agents: bool = True) -> Streams:
    """Create the Faust app, its topics and tables, and attach the agents."""
    from agents.cluster.models import StoryProfile
    from agents.story.state import StoryState

    register_codecs(extra=(StoryState, StoryProfile))
    install_patches(settings)
    app = _faust_app(settings)
    app.storywire_settings = settings  # type: ignore[attr-defined]  # for the patches' own Kafka clients

    def topic(name: str, serializer: str) -> faust.TopicT:
        return app.topic(
            settings.topic(name),
            key_type=str,
            value_type=bytes if serializer == "raw" else None,
            value_serializer=serializer,
            partitions=partitions_for(name, settings),
            internal=False,
        )

    from schemas import Alert, ArticleExtraction, DeadLetter, StoryArticle, StoryUpdate

    cluster_partitions = partitions_for(ARTICLE_EXTRACTIONS, settings)
    streams = Streams(
        settings=settings,
        app=app,
        articles=topic(ARTICLES, "raw"),
        dead_letters=topic(ARTICLES_DEAD_LETTER, codec_name(DeadLetter)),
        extractions=topic(ARTICLE_EXTRACTIONS, codec_name(ArticleExtraction)),
        story_articles=topic(STORY_ARTICLES, codec_name(StoryArticle)),
        story_updates=topic(STORY_UPDATES, codec_name(StoryUpdate)),
        alerts=topic(ALERTS, codec_name(Alert)),
        cluster_index=_table(app, f"{settings.topic_prefix}cluster-index", StoryProfile, cluster_partitions),
        stories=_table(app, f"{settings.topic_prefix}stories", StoryState, settings.story_partitions),
        fired_alerts=_table(app, f"{settings.topic_prefix}fired-alerts", None, settings.story_partitions),
    )
    if with_agents:
        from agents import wiring

        wiring.attach(streams)
        _attach_watchdog(streams)
    return streams
