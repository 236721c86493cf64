"""The compiled clusterer (`make native`, mypyc) is the one in use, and it decides exactly as the plain module does."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from itertools import islice
from pathlib import Path

import pytest

import agents
from schemas.article import Article
from schemas.extraction import ArticleExtraction
from streams.evaluate import read_articles_jsonl
from tests.conftest import EXAMPLES, SHARED

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter (so that agents/__init__ chooses the module anew): every assignment and the final
# profiles of the extractions in argv[1], under a few settings, with a restore from the profiles half way.
SCRIPT = """
import json, sys
import agents.clustering as clustering
from agents.clustering import ClusterSettings, StoryIndex
from schemas.extraction import ArticleExtraction

extractions = [ArticleExtraction.model_validate_json(line) for line in open(sys.argv[1], encoding="utf-8")]
out = [clustering.__file__]
for settings in (ClusterSettings(), ClusterSettings(max_stories=12, max_candidates=3, merge_threshold=0.12)):
    index = StoryIndex(settings)
    for n, ex in enumerate(extractions * 2):  # the second pass: redeliveries
        out.append(index.assign(ex).model_dump_json())
        if n == len(extractions) // 2:
            restored = StoryIndex(settings)
            restored.restore(index.profiles())
            index = restored
    out += [p.model_dump_json() for p in index.profiles()]
print(json.dumps(out))
"""


def _run(extractions_file: Path, *, pure: bool) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "STORYWIRE_PURE_PYTHON"}
    if pure:
        env["STORYWIRE_PURE_PYTHON"] = "1"
    res = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(extractions_file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def _articles() -> list[Article]:
    """The project's example articles, and where ../shared is beside the checkout, real news of all three kinds
    (full text without dates, dated full text, headlines only)."""
    articles = [Article.model_validate_json(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))]
    for name, n in (("ecbplus-dev", 60), ("gvc-dev", 40), ("uci-headlines-dev", 120)):
        path = SHARED / "eval" / f"{name}.jsonl"
        if path.exists():
            articles += [article for article, _ in islice(read_articles_jsonl(path), n)]
    return articles


def test_the_compiled_clusterer_is_in_use() -> None:
    if agents.pure_python_requested():
        pytest.skip("STORYWIRE_PURE_PYTHON is set: the plain module runs on purpose")
    if not agents.compiled_clustering_files():
        if shutil.which("cc") or shutil.which("gcc"):
            pytest.fail(
                "a C compiler is here but agents/clustering is not compiled: `make native` failed (build/mypyc.log)"
            )
        pytest.skip("no C compiler: agents/clustering runs as plain Python")
    assert agents.NATIVE_STAMP.read_text(encoding="ascii").strip() == agents.clustering_source_digest(), (
        "the compiled module was built from another agents/clustering.py: run `make native`"
    )
    clustering = importlib.import_module("agents.clustering")
    assert Path(clustering.__file__ or "") in agents.compiled_clustering_files()


@pytest.mark.slow
def test_compiled_and_plain_clusterer_decide_identically(extractor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if not agents.compiled_clustering_files():
        pytest.skip("agents/clustering is not compiled here (`make native`): nothing to compare")
    extractions = [e for e in extractor.extract(_articles()) if isinstance(e, ArticleExtraction)]
    data = tmp_path / "extractions.jsonl"
    data.write_text("".join(e.model_dump_json() + "\n" for e in extractions), encoding="utf-8")

    compiled, plain = _run(data, pure=False), _run(data, pure=True)

    assert compiled[0].endswith(".so") and plain[0].endswith("clustering.py"), (compiled[0], plain[0])
    assert len(compiled) > 2 * len(extractions)
    for n, (c, p) in enumerate(zip(compiled[1:], plain[1:], strict=True)):
        assert c == p, f"line {n}: the compiled clusterer differs from the plain one"
