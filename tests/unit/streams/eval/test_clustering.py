"""The in-process runners behind ``storywire cluster`` / ``storywire eval``, and the labeled files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.eval.clustering import ArticleFileError, cluster_file, evaluate_file, read_articles_jsonl
from tests.conftest import SHARED

EVAL_DIR = SHARED / "eval"

ROWS = [
    {
        "id": "q1",
        "story": "quake",
        "published": "",
        "source": "a.com",
        "title": "Magnitude 7.1 earthquake strikes Sumatra",
        "text": "A magnitude 7.1 earthquake struck off Sumatra, Indonesia, on Tuesday, triggering a tsunami warning.",
    },
    {
        "id": "r1",
        "story": "rate",
        "published": "",
        "source": "b.com",
        "title": "Fed raises interest rates by a quarter point",
        "text": "The Federal Reserve raised its benchmark interest rate by a quarter point on Wednesday.",
    },
    {
        "id": "q2",
        "story": "quake",
        "published": "",
        "source": "c.com",
        "title": "Sumatra earthquake sparks tsunami warning",
        "text": "A strong 7.1 magnitude earthquake hit Sumatra in Indonesia, and officials issued a tsunami warning.",
    },
    {
        "id": "r2",
        "story": "rate",
        "published": "",
        "source": "d.com",
        "title": "Federal Reserve lifts interest rate",
        "text": "The Federal Reserve lifted its benchmark interest rate a quarter point, citing inflation.",
    },
    {
        "id": "h1",
        "story": "rate",
        "published": "",
        "source": "e.com",
        "title": "Fed hikes interest rates again",
        "text": "",
    },
]


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_reads_articles_in_file_order_with_labels(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [*ROWS, {"id": "x", "title": "No label", "text": "Some text here."}])
    got = list(read_articles_jsonl(path))
    assert [a.id for a, _ in got] == ["q1", "r1", "q2", "r2", "h1", "x"]
    assert [g for _, g in got] == ["quake", "rate", "quake", "rate", "rate", None]
    assert got[0][0].published is None and got[4][0].text == ""


def test_bad_line_names_file_and_line_or_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(ROWS[0]) + "\n{not json\n" + json.dumps(ROWS[1]) + "\n", encoding="utf-8")
    with pytest.raises(ArticleFileError, match=r"bad\.jsonl:2: not_json"):
        list(read_articles_jsonl(path))
    seen: list[int] = []
    got = list(read_articles_jsonl(path, on_error=lambda line, err: seen.append(line)))
    assert [a.id for a, _ in got] == ["q1", "r1"] and seen == [2]


def test_cluster_file_writes_one_assignment_per_article(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", ROWS)
    out = tmp_path / "out.jsonl"
    pairs = cluster_file(path, out, progress=False)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(d["id"], d["story_id"]) for d in lines] == pairs
    assert [p[0] for p in pairs] == ["q1", "r1", "q2", "r2", "h1"]
    story = dict(pairs)
    assert story["q1"] == story["q2"] and story["r1"] == story["r2"] and story["q1"] != story["r1"]
    assert cluster_file(path, progress=False) == pairs  # same input, same assignments


def test_evaluate_file_scores_against_story_labels(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", ROWS)
    result = evaluate_file(path, progress=False)
    assert set(result) >= {"precision", "recall", "f1", "stories", "gold_stories"}
    assert result["gold_stories"] == 2 and result["articles"] == 5
    assert result["precision"] == 1.0


def test_evaluate_needs_labels(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": "x", "title": "t", "text": "Some text here."}])
    with pytest.raises(ArticleFileError, match="no 'story' label"):
        evaluate_file(path, progress=False)


def test_extraction_cache_gives_the_same_assignments(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", ROWS)
    first = cluster_file(path, progress=False, cache_dir=tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("*.jsonl"))) == 1
    assert cluster_file(path, progress=False, cache_dir=tmp_path / "cache") == first


def test_cli_eval_json_last_line_and_cluster_output(tmp_path: Path) -> None:
    from streams.cli.eval import cluster, eval_cmd

    path = write_jsonl(tmp_path / "a.jsonl", ROWS)
    runner = CliRunner()
    res = runner.invoke(eval_cmd, [str(path), "--json", "--no-progress"])
    assert res.exit_code == 0, res.output
    last = json.loads(res.stdout.strip().splitlines()[-1])
    assert set(last) >= {"precision", "recall", "f1", "stories", "gold_stories"}
    res = runner.invoke(cluster, [str(path), "--no-progress"])
    assert res.exit_code == 0, res.output
    assert [json.loads(line)["id"] for line in res.stdout.splitlines()] == ["q1", "r1", "q2", "r2", "h1"]
    res = runner.invoke(cluster, [str(path), "--no-progress", "--set", "treshold=1"])
    assert res.exit_code != 0 and "threshold" in res.output


@pytest.mark.parametrize(
    ("name", "articles", "stories"),
    [("ecbplus-dev", 772, 66), ("gvc-dev", 436, 207), ("uci-headlines-dev", 3183, 44)],
)
def test_shared_labeled_files_read_completely(name: str, articles: int, stories: int) -> None:
    path = EVAL_DIR / f"{name}.jsonl"
    if not path.exists():
        pytest.skip(f"{path} not found: the labeled files live in ../shared/eval next to the project")
    rows = list(read_articles_jsonl(path))
    assert len(rows) == articles
    assert all(g is not None for _, g in rows)
    assert len({g for _, g in rows}) == stories


@pytest.mark.slow
def test_eval_on_a_sample_of_gvc_dev_is_sane_and_repeatable(tmp_path: Path) -> None:
    """Regression guard on real labeled news: the first 80 GVC articles (shootings sorted by date)."""
    path = EVAL_DIR / "gvc-dev.jsonl"
    if not path.exists():
        pytest.skip(f"{path} not found: the labeled files live in ../shared/eval next to the project")
    sample = tmp_path / "gvc-sample.jsonl"
    sample.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:80]), encoding="utf-8")
    first = evaluate_file(sample, progress=False, cache_dir=tmp_path / "cache")
    assert first["articles"] == 80
    assert first["f1"] >= 0.85, first
    assert evaluate_file(sample, progress=False, cache_dir=tmp_path / "cache") == first


def test_shuffled_orders_keep_days_and_repeat_per_seed() -> None:
    from datetime import UTC, datetime

    from schemas.article import Article
    from streams.eval.clustering import shuffled_order

    days = [1, 1, 1, 2, 2, 2, 2, 3, 3, 3]
    dated = [
        Article(id=f"a{i}", text="x", published=datetime(2020, 1, d, 6 + i, tzinfo=UTC)) for i, d in enumerate(days)
    ]
    orders = {tuple(shuffled_order(dated, seed)) for seed in range(8)}
    assert len(orders) > 1  # the seed matters
    for order in orders:
        assert sorted(order) == list(range(10))
        assert [days[i] for i in order] == days  # each day's articles stay within their day
    assert shuffled_order(dated, 3) == shuffled_order(dated, 3)
    undated = [Article(id=f"u{i}", text="x") for i in range(10)]
    mixed = [shuffled_order(undated, seed) for seed in range(8)]
    assert any(o[0] != 0 for o in mixed) and any(o[-1] != 9 for o in mixed)  # shuffled across the whole file


def test_fold_halves_keep_an_ecb_topic_together_and_alternate() -> None:
    from streams.eval.clustering import fold_group, fold_halves

    assert fold_group("12-ecbplus") == fold_group("12-ecb") == "12"
    assert fold_group("478948") == "478948" and fold_group("d-j0NxvRU7") == "d-j0NxvRU7"
    gold = ["2-ecb", "10-ecbplus", "2-ecbplus", "10-ecb", "3-ecb"]
    halves = fold_halves(gold)
    assert halves[0] == halves[2] and halves[1] == halves[3]  # a topic's two events in one half
    assert halves == [0, 0, 0, 0, 1]  # topics by number (2, 3, 10), alternately: 2 → 0, 3 → 1, 10 → 0


def test_metadata_variants_blank_and_fill() -> None:
    from schemas.article import Article
    from streams.eval.clustering import with_metadata

    bare = Article(id="a", text="x")
    full = Article(id="b", text="x", source="news.example", url="https://news.example/b")
    assert with_metadata(full, "blank").source == "" and with_metadata(full, "blank").url is None
    filled = with_metadata(bare, "fill")
    assert filled.source and filled.url and filled.url.startswith("https://" + filled.source)
    assert with_metadata(full, "fill") == full  # an article that has them keeps its own
    assert with_metadata(bare, "fill") == filled  # deterministic


def test_cli_eval_orders_and_folds(tmp_path: Path) -> None:
    from streams.cli.eval import eval_cmd

    path = write_jsonl(tmp_path / "a.jsonl", ROWS)
    res = CliRunner().invoke(eval_cmd, [str(path), "--json", "--no-progress", "--orders", "3", "--folds", "2"])
    assert res.exit_code == 0, res.output
    last = json.loads(res.stdout.strip().splitlines()[-1])
    assert len(last["orders"]["runs"]) == 3
    assert last["orders"]["f1_min"] == min(r["f1"] for r in last["orders"]["runs"])
    assert [h["articles"] for h in last["folds"]["halves"]] == [2, 3]  # "quake" | "rate"
