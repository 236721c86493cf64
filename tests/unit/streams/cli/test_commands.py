"""The ``storywire`` group: its commands and their help, ``--version``, and what a command does not import."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from click.testing import CliRunner

from streams.cli import cli

COMMANDS = {
    "alerts",
    "audit",
    "bench",
    "board",
    "broker",
    "cluster",
    "demo",
    "eval",
    "eval-events",
    "eval-facts",
    "ingest",
    "replay",
    "schemas",
    "stories",
    "tail",
    "worker",
}
# The worker (Faust and what it wires) and the Kafka clients: what a command without a broker must not import.
WORKER_MODULES = ("faust", "streams.app", "agents.wiring", "aiokafka", "kafka")


def _python(code: str, cwd: Path) -> str:
    """Run ``code`` in a fresh interpreter; its stdout."""
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_every_command_is_registered_and_has_help() -> None:
    assert set(cli.commands) == COMMANDS
    runner = CliRunner()
    top = runner.invoke(cli, ["--help"])
    assert top.exit_code == 0 and "--version" in top.output
    for name in sorted(COMMANDS):
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert result.output.startswith(f"Usage: cli {name} "), (name, result.output)


def test_version_is_the_installed_package_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"storywire {version('storywire')}\n"


def test_python_dash_m_streams_cli_runs_the_command_line(tmp_path: Path) -> None:
    # streams.kafka.processes.WorkerProcess starts workers as `python -m streams.cli worker`.
    done = subprocess.run(
        [sys.executable, "-m", "streams.cli", "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"storywire {version('storywire')}\n"


def test_help_imports_neither_the_worker_nor_spacy(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from streams.cli import cli\n"
        "try:\n"
        "    cli(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print([m for m in {(*WORKER_MODULES, 'spacy')!r} if m in sys.modules])\n"
    )
    assert _python(code, tmp_path).splitlines()[-1] == "[]"


def test_schemas_command_does_not_import_the_worker(tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "from streams.cli import cli\n"
        f"cli(['schemas', '--out', {str(tmp_path / 'schemas')!r}], standalone_mode=False)\n"
        f"print(json.dumps([m for m in {WORKER_MODULES!r} if m in sys.modules]))\n"
    )
    out = _python(code, tmp_path).splitlines()
    assert json.loads(out[-1]) == []
    assert (tmp_path / "schemas" / "StoryUpdate.schema.json").is_file()
    assert (tmp_path / "schemas" / "examples" / "Alert.json").is_file()


def test_demo_examples_are_package_data() -> None:
    import streams
    import streams.cli.demo as demo_module  # the module, not the command of the same name

    assert demo_module.EXAMPLES_DIR == Path(streams.__file__).resolve().parent / "examples"
    assert len(list(demo_module.EXAMPLES_DIR.glob("*.json"))) >= 10


def test_stories_prints_each_story_with_its_facts(examples_dir: Path) -> None:
    paths = [
        str(examples_dir / "01-ferry-fire-port-halloway.json"),
        str(examples_dir / "17-ferry-fire-victims-named.json"),
    ]
    result = CliRunner().invoke(cli, ["stories", *paths], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    facts = next(line for line in result.output.splitlines() if "facts:" in line)
    assert "fire · Port Halloway, Maine" in facts and "2 killed, 14 injured" in facts


def test_demo_names_a_bad_setting_before_it_starts_a_broker(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from streams.kafka import broker

    def no_broker(self):  # type: ignore[no-untyped-def]
        raise AssertionError("the demo started a broker with settings it could not use")

    monkeypatch.setattr(broker.EmbeddedBroker, "start", no_broker)
    monkeypatch.setenv("STORYWIRE_STORY__WINDOW_ARTICLES", "10")
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 1, result.output
    assert "invalid STORYWIRE_* setting" in result.output and "story.window_articles (10)" in result.output
