"""Attach every stage's Faust agent to the app (called by ``streams.app.build_app``; nothing imports it back)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.alerts import agent as alerts
from agents.cluster import agent as cluster
from agents.extract import agent as extract
from agents.story import agent as story

if TYPE_CHECKING:
    from streams.topics import Streams

__all__ = ["STAGES", "attach"]

STAGES = (extract, cluster, story, alerts)  # in pipeline order: articles → … → alerts


def attach(sw: Streams) -> None:
    """Declare the agents of the pipeline on ``sw.app`` (``sw.agents`` names them)."""
    for stage in STAGES:
        stage.attach(sw)
