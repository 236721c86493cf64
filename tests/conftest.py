"""Shared fixtures: paths to ../shared and to the project's examples."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "streams" / "examples"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip with a clear message where it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: these tests need ../shared beside the checkout (CI has it)")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return shared_path("samples", "seeds")


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from agents.extract.extractor import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def extractor(nlp):  # type: ignore[no-untyped-def]
    from agents.extract.extractor import Extractor

    return Extractor(nlp)
