"""Every patch of Faust internals storywire needs, each in its own module with why and what it was checked on.

All were written against and checked on faust-streaming 0.15.3 with aiokafka 0.14.0 (pinned in pyproject.toml):
a version bump must re-run the integration tests named in each module (tests/integration: reliability, stall
regression) before a patch is kept or dropped.

========================  ===========================================================================  ============
module                    what it changes                                                              setting
========================  ===========================================================================  =================
``end_offsets``           table recovery reads changelogs to their true end (tansu under-reports it)   exact_end_offsets
``commit_guard``          no stream records cleared at the end of a rebalance; no crawling commits     commit_guard
``fetch_guard``           no fetched records dropped when the active partitions change mid-fetch       fetch_guard
``fetch_wait``            the worker consumer's fetch wait (Faust hard-codes 1500 ms)                  fetch_max_wait_ms
========================  ===========================================================================  =================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from streams.faust_patches.commit_guard import install_commit_guard
from streams.faust_patches.end_offsets import install_exact_end_offsets
from streams.faust_patches.fetch_guard import install_fetch_guard
from streams.faust_patches.fetch_wait import install_fetch_max_wait

if TYPE_CHECKING:
    from streams.settings import Settings

__all__ = ["install_patches"]


def install_patches(settings: Settings) -> None:
    """Install the patches the settings ask for (each is idempotent), before the Faust app is created."""
    if settings.fetch_max_wait_ms is not None:
        install_fetch_max_wait(settings.fetch_max_wait_ms)
    if settings.exact_end_offsets:
        install_exact_end_offsets()
    if settings.commit_guard:  # before the fetch guard, which then wraps it and sees Faust's own partition set
        install_commit_guard()
    if settings.fetch_guard:
        install_fetch_guard()
