"""``storywire bench``: the bench package imported as a package, its paths in a checkout and installed, and parts
without the labeled eval files skipped with a message."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import bench.paths
from bench.run_bench import BenchConfig, Results, measure_cluster, measure_memory, measure_story
from streams.cli import cli
from tests.conftest import ROOT


def test_bench_command_imports_the_package_without_touching_sys_path() -> None:
    before = list(sys.path)
    result = CliRunner().invoke(cli, ["bench", "--only", "pipe,nope"])
    assert result.exit_code == 2
    assert "unknown part(s) nope" in result.output
    assert sys.path == before
    assert Path(sys.modules["bench.run_bench"].__file__ or "").parent == ROOT / "bench"


def test_paths_in_the_checkout() -> None:
    assert bench.paths.checkout() == ROOT
    assert bench.paths.report_path() == ROOT / "bench" / "results.md"
    assert bench.paths.cache_dir() == ROOT / "bench" / "cache" / "extractions"


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """As from a wheel: the package in site-packages (no pyproject.toml beside it); the working directory is
    ``tmp_path/work``, which is returned."""
    site = tmp_path / "site-packages" / "bench"
    site.mkdir(parents=True)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(bench.paths, "PACKAGE_DIR", site)
    monkeypatch.chdir(work)
    monkeypatch.delenv("STORYWIRE_EVAL_DIR", raising=False)
    return work


def test_paths_when_installed(installed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert bench.paths.checkout() is None
    assert bench.paths.report_path() == installed / "bench-results.md"
    assert bench.paths.cache_dir() == installed / ".storywire" / "bench-cache"
    assert BenchConfig().out == installed / "bench-results.md"
    # No eval files anywhere: the first place looked at, for the messages.
    assert bench.paths.eval_dir() == installed / "shared" / "eval"
    beside = installed.parent / "shared" / "eval"
    beside.mkdir(parents=True)
    assert bench.paths.eval_dir() == beside
    inside = installed / "shared" / "eval"
    inside.mkdir(parents=True)
    assert bench.paths.eval_dir() == inside
    monkeypatch.setenv("STORYWIRE_EVAL_DIR", str(installed / "mine"))
    assert bench.paths.eval_dir() == installed / "mine"


def test_parts_needing_the_eval_files_say_they_are_skipped(tmp_path: Path) -> None:
    cfg = BenchConfig.quick(eval_dir=tmp_path / "absent", cache_dir=tmp_path / "cache")
    res = Results()
    said: list[str] = []
    for measure in (measure_cluster, measure_memory, measure_story):
        measure(cfg, res, said.append)
    assert [s.split(":")[0] for s in res.skipped] == ["cluster", "memory", "story"]
    assert all("skipped" in s and "STORYWIRE_EVAL_DIR" in s for s in said), said
    assert not res.cluster and not res.memory and not res.story and not res.errors


def test_the_raw_pass_runs_in_a_fresh_process_and_reports_its_rate(tmp_path: Path) -> None:
    """Row (1), the end-to-end ratio's basis: spaCy in a new process, as each round's worker is."""
    from bench.run_bench import measure_pipe_fresh

    texts = ["The mayor of Springfield opened the new bridge on Monday.", "Two people were hurt in a crash."] * 3
    rate = measure_pipe_fresh(texts, partitions=2, workdir=tmp_path)
    assert rate > 0
    assert (tmp_path / "pipe-texts.json").exists()
