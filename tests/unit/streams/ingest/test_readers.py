"""Reading articles from .txt, .json and .jsonl files and directories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemas.article import ArticleError
from streams.ingest.readers import read_articles, read_records


def test_txt_first_line_is_the_title(tmp_path: Path) -> None:
    (tmp_path / "a1.txt").write_text("Flood closes bridge\n\nThe river rose overnight.\n")
    [article] = list(read_articles([tmp_path / "a1.txt"]))
    assert not isinstance(article, tuple)
    assert article.id == "a1" and article.title == "Flood closes bridge"
    assert article.text == "The river rose overnight."


def test_directory_jsonl_and_json_list_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"id": "j1", "text": "one"}) + "\n\n" + json.dumps({"id": "j2", "text": "two"}) + "\n"
    )
    (tmp_path / "a.json").write_text(json.dumps([{"id": "l1", "text": "x"}, {"id": "l2", "text": "y"}]))
    (tmp_path / "ignored.csv").write_text("nope")
    ids = [a.id for a in read_articles([tmp_path]) if not isinstance(a, tuple)]
    assert ids == ["l1", "l2", "j1", "j2"]


def test_bad_line_is_reported_with_its_origin(tmp_path: Path) -> None:
    (tmp_path / "c.jsonl").write_text('{"id": "ok", "text": "fine"}\n{broken\n')
    results = list(read_articles([tmp_path / "c.jsonl"]))
    bad = [r for r in results if isinstance(r, tuple)]
    assert len(bad) == 1
    record, error = bad[0]
    assert record.origin.endswith("c.jsonl:2") and isinstance(error, ArticleError) and error.code == "not_json"


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        list(read_records([tmp_path / "nope"]))


def test_examples_are_all_valid_articles(examples_dir: Path) -> None:
    results = list(read_articles([examples_dir]))
    assert len(results) >= 14
    assert all(not isinstance(r, tuple) for r in results), [r for r in results if isinstance(r, tuple)]
    outlets = {r.outlet for r in results if not isinstance(r, tuple)}
    assert len(outlets) >= 5
