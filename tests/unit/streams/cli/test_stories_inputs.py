"""Issue 28, items 2 and 3: ``storywire stories`` names every rejected file and exits non-zero when nothing was
accepted; ``--version`` and the help texts."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from streams.cli import cli

FRENCH = (
    "Un incendie s'est déclaré mardi matin à bord du ferry Northern Light alors qu'il approchait du port. "
    "Les deux cents passagers ont été évacués dans le calme et les secours sont arrivés très rapidement sur place."
)


def test_stories_on_a_directory_of_bad_files_names_each_and_exits_non_zero(tmp_path: Path) -> None:
    (tmp_path / "blob.json").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe binary")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "huge.txt").write_text("Huge\n" + "word " * 1_100_000)
    (tmp_path / "french.txt").write_text("Incendie à bord\n" + FRENCH)
    (tmp_path / "wire.jsonl").write_text('{"id": "x1", "text": ""}\nnot json\n')
    result = CliRunner().invoke(cli, ["stories", str(tmp_path)])
    err = " ".join(result.stderr.split())
    assert result.exit_code == 1, result.output
    for name, code in [
        ("blob.json", "not_utf8"),
        ("empty.txt", "empty_text"),
        ("huge.txt", "text_too_large"),
        ("french.txt", "unsupported_language"),
        ("wire.jsonl:1", "empty_text"),
        ("wire.jsonl:2", "not_json"),
    ]:
        assert f"{tmp_path / name}: {code}" in err, (name, err)
    assert "rejected ?" not in err and "url-" not in err
    assert "nothing was accepted" in err


def test_stories_takes_urls_as_ingest_does(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["stories", "http://127.0.0.1:9/nothing-here"])
    assert result.exit_code == 1
    assert "http://127.0.0.1:9/nothing-here: cannot fetch it" in " ".join(result.stderr.split())


def test_version_and_help_texts() -> None:
    runner = CliRunner()
    version = runner.invoke(cli, ["--version"])
    assert version.exit_code == 0 and version.output.startswith("storywire ")
    stories_help = runner.invoke(cli, ["stories", "--help"]).output
    assert "PATH|URL" in stories_help and ".jsonl" in stories_help and "JSON Feeds" in stories_help
    worker_help = " ".join(runner.invoke(cli, ["worker", "--help"]).output.split())
    assert "How much the worker logs" in worker_help
    replay_help = " ".join(runner.invoke(cli, ["replay", "--help"]).output.split())
    assert "Seconds to wait for the replay" in replay_help
    assert "--no-fetch" in runner.invoke(cli, ["ingest", "--help"]).output
