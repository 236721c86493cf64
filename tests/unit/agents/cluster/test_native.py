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

import agents.cluster as native
from schemas.article import Article
from schemas.extraction import ArticleExtraction
from streams.eval.clustering import read_articles_jsonl
from tests.conftest import EXAMPLES, ROOT, SHARED

# Runs in a fresh interpreter (so that agents/cluster/__init__ chooses the modules anew): every assignment and the final
# profiles of the extractions in argv[1], under a few settings, with a restore from the profiles half way.
SCRIPT = """
import json, sys
import agents.cluster.index as clustering
from agents.cluster.index import ClusterSettings, StoryIndex
from schemas.extraction import ArticleExtraction

extractions = [ArticleExtraction.model_validate_json(line) for line in open(sys.argv[1], encoding="utf-8")]
import agents.cluster.features as features
out = [clustering.__file__, features.__file__]
for settings in (
    ClusterSettings(),
    ClusterSettings(max_stories=12, max_candidates=3, merge_threshold=0.12),
    ClusterSettings(split_min_part=2, split_ratio=0.9),  # splits (and stories that never merge back) too
):
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
    if native.pure_python_requested():
        pytest.skip("STORYWIRE_PURE_PYTHON is set: the plain modules run on purpose")
    if not native.compiled_files():
        if shutil.which("cc") or shutil.which("gcc"):
            pytest.fail(
                "a C compiler is here but agents/cluster is not compiled: `make native` failed (build/mypyc.log)"
            )
        pytest.skip("no C compiler: agents/cluster runs as plain Python")
    assert native.NATIVE_STAMP.read_text(encoding="ascii").strip() == native.native_source_digest(), (
        "the compiled modules were built from other sources of agents/cluster: run `make native`"
    )
    for name in native.NATIVE_MODULES:
        module = importlib.import_module(f"agents.cluster.{name}")
        assert Path(module.__file__ or "") in native.compiled_files(), name


@pytest.mark.slow
def test_compiled_and_plain_clusterer_decide_identically(extractor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if not native.compiled_files():
        pytest.skip("agents/cluster is not compiled here (`make native`): nothing to compare")
    extractions = [e for e in extractor.extract(_articles()) if isinstance(e, ArticleExtraction)]
    data = tmp_path / "extractions.jsonl"
    data.write_text("".join(e.model_dump_json() + "\n" for e in extractions), encoding="utf-8")

    compiled, plain = _run(data, pure=False), _run(data, pure=True)

    assert all(f.endswith(".so") for f in compiled[:2]), compiled[:2]
    assert plain[0].endswith("index.py") and plain[1].endswith("features.py"), plain[:2]
    assert len(compiled) > 2 * len(extractions)
    for n, (c, p) in enumerate(zip(compiled[2:], plain[2:], strict=True)):
        assert c == p, f"line {n}: the compiled clusterer differs from the plain one"
