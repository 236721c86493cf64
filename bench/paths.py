"""Where the benchmarks read and write: beside the source checkout when they run from one, else the current directory.

From a checkout (``bench/`` next to ``pyproject.toml``): the report is bench/results.md, extractions are cached
in bench/cache/extractions (git-ignored) and the labeled eval files are ../shared/eval. From an installed wheel
there is no checkout: the report is ./bench-results.md, the cache ./.storywire/bench-cache, and the eval files
are looked for in $STORYWIRE_EVAL_DIR, then ./shared/eval and ../shared/eval.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["EVAL_FILES_HINT", "cache_dir", "checkout", "eval_dir", "eval_dir_candidates", "report_path"]

PACKAGE_DIR = Path(__file__).resolve().parent

EVAL_FILES_HINT = "the labeled files of ../shared/eval; set STORYWIRE_EVAL_DIR to their directory"


def checkout() -> Path | None:
    """The source checkout this package runs from, or None when it is installed (no pyproject.toml beside it)."""
    root = PACKAGE_DIR.parent
    return root if (root / "pyproject.toml").is_file() and (root / "streams").is_dir() else None


def report_path() -> Path:
    """The default markdown report of ``storywire bench``."""
    root = checkout()
    return root / "bench" / "results.md" if root else Path.cwd() / "bench-results.md"


def cache_dir() -> Path:
    """The default extraction cache (the same files ``storywire eval --cache-dir`` writes)."""
    root = checkout()
    return root / "bench" / "cache" / "extractions" if root else Path.cwd() / ".storywire" / "bench-cache"


def eval_dir_candidates() -> list[Path]:
    """Where the labeled eval files are looked for, in order."""
    env = os.environ.get("STORYWIRE_EVAL_DIR")
    if env:
        return [Path(env)]
    root = checkout()
    found = [root.parent / "shared" / "eval"] if root else []
    cwd = Path.cwd()
    return [*found, cwd / "shared" / "eval", cwd.parent / "shared" / "eval"]


def eval_dir() -> Path:
    """The directory of the labeled eval files: the first candidate that exists (else the first, for messages)."""
    candidates = eval_dir_candidates()
    return next((d for d in candidates if d.is_dir()), candidates[0])
