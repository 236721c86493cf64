"""spaCy extraction off the event loop, in child processes: the parse does not compete for the worker's GIL.

The extract agent awaits :meth:`ExtractPool.extract` for each batch. Each child loads the spaCy pipeline once
(the pool's initializer) and runs :meth:`agents.extract.extractor.Extractor.extract` on the batches it is sent, so the
results are the ones the in-process extractor gives. A child that dies (killed, out of memory, a crash in native
code) breaks the pool: it is started again and the batch retried; if the batch fails again its articles are
retried one by one, and only an article that fails on its own gets an ``extraction_failed`` error.
``processes=0`` (the worker's default, STORYWIRE_EXTRACT_PROCESSES) runs the same code in one thread of the worker
process instead: on the 2-core bench machine a child parsed 5-15 % slower than that thread (docs/benchmarks.md).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import TYPE_CHECKING

from schemas import Article, ArticleError, ArticleExtraction
from schemas.article import ErrorCode

if TYPE_CHECKING:
    from agents.extract.extractor import Extractor

__all__ = ["ExtractPool", "ExtractResult"]

log = logging.getLogger("storywire.extract")

ExtractResult = ArticleExtraction | ArticleError

_extractor: Extractor | None = None  # one per child process (or per thread with processes=0)


def load_extractor(model: str, batch_size: int) -> None:
    """Pool initializer: load the spaCy pipeline once in this process."""
    global _extractor
    from agents.extract.extractor import Extractor, load_nlp

    _extractor = Extractor(load_nlp(model), batch_size=batch_size)


def extract_loaded(articles: list[Article]) -> list[ExtractResult]:
    """Run in a pool process: extract one batch with the extractor :func:`load_extractor` loaded."""
    assert _extractor is not None, "load_extractor runs first (the pool's initializer)"
    return _extractor.extract(articles)


def _ready() -> bool:
    return True


def _start_child(initializer: Callable[..., None], *initargs: object) -> None:
    """First thing in a pool process: outlive no worker, leave Ctrl-C to it, then the real initializer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker stops the pool itself (shutdown)
    worker = multiprocessing.parent_process()  # the worker, also under forkserver (not the fork server)

    def exit_when_orphaned() -> None:  # a worker killed with -9 cannot stop its pool: the pool notices
        if worker is not None:
            worker.join()  # returns when the worker is gone
            os._exit(0)

    threading.Thread(target=exit_when_orphaned, name="storywire-orphan-watch", daemon=True).start()
    initializer(*initargs)


class ExtractPool:
    """A pool of ``processes`` extraction processes (0: one thread in this process), restarted when a child dies.

    ``initializer``/``initargs`` and ``work`` are module-level functions (they are pickled by name to the
    children); the defaults load spaCy and extract.
    """

    def __init__(
        self,
        processes: int,
        *,
        initargs: tuple[object, ...],
        start_method: str = "forkserver",
        initializer: Callable[..., None] = load_extractor,
        work: Callable[[list[Article]], list[ExtractResult]] = extract_loaded,
    ) -> None:
        self.processes = processes
        self.start_method = start_method
        self.initializer = initializer
        self.initargs = initargs
        self.work = work
        self.restarts = 0
        self._executor: Executor | None = None

    def _new_executor(self) -> Executor:
        if self.processes <= 0:
            return ThreadPoolExecutor(
                max_workers=1,
                thread_name_prefix="storywire-extract",
                initializer=self.initializer,
                initargs=self.initargs,
            )
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            context.set_forkserver_preload(["agents.extract.extractor"])  # children fork with spaCy already imported
        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=context,
            initializer=functools.partial(_start_child, self.initializer, *self.initargs),
        )

    async def start(self) -> None:
        """Start the children and wait until each has loaded the pipeline (raises when that fails)."""
        if self._executor is None:
            self._executor = self._new_executor()
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._executor, _ready) for _ in range(max(1, self.processes))))

    async def _restart(self, why: str) -> None:
        self.restarts += 1
        log.error("extraction process died (%s); starting a new one (restart %d)", why, self.restarts)
        old, self._executor = self._executor, None
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)
        await self.start()  # a child that cannot even start is a fault of the setup: raise, lose nothing

    async def _run(self, articles: Sequence[Article]) -> list[ExtractResult]:
        if self._executor is None:
            await self.start()
        assert self._executor is not None
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.work, list(articles))

    async def extract(self, articles: Sequence[Article]) -> list[ExtractResult]:
        """One result per article, in order. Never raises for a bad article (only when no child can start)."""
        try:
            start = time.perf_counter()
            results = await self._run(articles)
            log.debug("extracted %d articles in %.2f s", len(articles), time.perf_counter() - start)
            return results
        except BrokenExecutor as exc:
            await self._restart(f"{type(exc).__name__} during a batch of {len(articles)} articles")
            try:
                return await self._run(articles)  # the same batch again: a kill from outside changes nothing
            except BrokenExecutor as again:
                await self._restart(f"{type(again).__name__} again on the same batch: retrying one by one")
            except Exception:
                log.exception("extraction of a batch of %d failed; retrying one by one", len(articles))
        except Exception:  # one bad article must not sink the batch: retry one by one to isolate it
            log.exception("extraction of a batch of %d failed; retrying one by one", len(articles))
        return [await self._one(art) for art in articles]

    async def _one(self, article: Article) -> ExtractResult:
        try:
            [result] = await self._run([article])
            return result
        except BrokenExecutor as exc:
            await self._restart(f"{type(exc).__name__} while extracting article {article.id!r} alone")
            return ArticleError(ErrorCode.EXTRACTION_FAILED, f"the extraction process died on this article ({exc})")
        except Exception as exc:
            return ArticleError(ErrorCode.EXTRACTION_FAILED, f"extraction failed: {exc!r}")

    async def shutdown(self) -> None:
        """Stop the children once the running batch (if any) is done; batches not started are dropped."""
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
            log.info("extraction process(es) stopped")
