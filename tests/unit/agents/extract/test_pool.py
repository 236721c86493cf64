"""Extraction in child processes: same results as in process, and a child that dies loses no article."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import BrokenExecutor
from pathlib import Path

import pytest

from agents.extract.pool import ExtractPool, ExtractResult
from schemas import Article, ArticleError, ArticleExtraction
from schemas.article import ErrorCode
from streams.ingest.readers import read_records
from tests.conftest import ROOT


def _no_setup(tag: str) -> None:
    """Initializer of the fake pools (no spaCy)."""


def _fake_extract(articles: list[Article]) -> list[ExtractResult]:
    """Stands in for spaCy: 'CRASH' kills the process; 'ONCE:<path>' kills it the first time only."""
    for a in articles:
        if "CRASH" in a.text:
            os._exit(3)
        if a.text.startswith("ONCE:"):
            marker = Path(a.text.removeprefix("ONCE:"))
            if not marker.exists():
                marker.write_text("died once")
                os._exit(3)
    return [ArticleExtraction(article=a, sentences=[a.text, str(os.getpid())]) for a in articles]


def _articles(*texts: str) -> list[Article]:
    return [Article(id=f"a{i}", text=t) for i, t in enumerate(texts)]


def _run_pool(pool: ExtractPool, batches: list[list[Article]]) -> list[list[ExtractResult]]:
    async def go() -> list[list[ExtractResult]]:
        try:
            await pool.start()
            return [await pool.extract(b) for b in batches]
        finally:
            await pool.shutdown()

    return asyncio.run(go())


def test_article_error_survives_pickling() -> None:
    import pickle

    err = pickle.loads(pickle.dumps(ArticleError(ErrorCode.EMPTY_TEXT, "no text")))
    assert (err.code, err.reason) == (ErrorCode.EMPTY_TEXT, "no text")


def test_an_article_that_kills_its_process_is_dead_lettered_alone_and_the_others_are_extracted() -> None:
    pool = ExtractPool(1, initializer=_no_setup, initargs=("t",), work=_fake_extract)
    batch = _articles("one", "two", "CRASH here", "four")
    [results] = _run_pool(pool, [batch, _articles("after")])[:1]
    assert [type(r).__name__ for r in results] == [
        "ArticleExtraction",
        "ArticleExtraction",
        "ArticleError",
        "ArticleExtraction",
    ]
    bad = results[2]
    assert isinstance(bad, ArticleError) and bad.code == ErrorCode.EXTRACTION_FAILED and "died" in bad.reason
    assert [r.article.id for r in results if isinstance(r, ArticleExtraction)] == ["a0", "a1", "a3"]
    assert pool.restarts >= 2  # the batch, then the bad article alone


def test_a_process_killed_once_costs_a_retry_of_the_same_batch(tmp_path: Path) -> None:
    pool = ExtractPool(1, initializer=_no_setup, initargs=("t",), work=_fake_extract)
    batch = _articles("one", f"ONCE:{tmp_path / 'marker'}", "three")
    first, second = _run_pool(pool, [batch, _articles("later")])
    assert all(isinstance(r, ArticleExtraction) for r in first) and len(first) == 3
    assert isinstance(second[0], ArticleExtraction) and second[0].article.text == "later"
    assert pool.restarts == 1


def test_a_pool_whose_process_cannot_start_raises_instead_of_dead_lettering() -> None:
    pool = ExtractPool(1, initializer=_fail_setup, initargs=("t",), work=_fake_extract)
    with pytest.raises(BrokenExecutor):
        _run_pool(pool, [_articles("one")])


def _fail_setup(tag: str) -> None:
    raise RuntimeError("no model")


@pytest.mark.parametrize("processes", [1, 0])
def test_results_equal_the_in_process_extractor(extractor, examples_dir: Path, processes: int) -> None:  # type: ignore[no-untyped-def]
    arts = [r.parse() for r in read_records([examples_dir])][:6]
    from agents.extract.extractor import DEFAULT_MODEL

    pool = ExtractPool(processes, initargs=(DEFAULT_MODEL, 32))
    [got] = _run_pool(pool, [arts])
    want = extractor.extract(arts)
    assert [r.model_dump_json() for r in got if isinstance(r, ArticleExtraction)] == [
        r.model_dump_json() for r in want if isinstance(r, ArticleExtraction)
    ]
    assert len(got) == len(want)


_PARENT = """
import asyncio, sys
from agents.extract.pool import ExtractPool
from schemas import Article
from tests.unit.agents.extract.test_pool import _fake_extract, _no_setup

async def main():
    pool = ExtractPool(1, initializer=_no_setup, initargs=("t",), work=_fake_extract)
    [res] = await pool.extract([Article(id="a", text="pid please")])
    print(res.sentences[1], flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


def test_the_extraction_process_exits_when_its_worker_is_killed() -> None:
    import signal
    import subprocess
    import sys
    import time

    root = ROOT
    parent = subprocess.Popen([sys.executable, "-c", _PARENT], cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Path(f"/proc/{child}").exists():
            time.sleep(0.2)
        assert not Path(f"/proc/{child}").exists(), "the extraction process outlived its worker"
    finally:
        parent.kill()
