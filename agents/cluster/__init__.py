"""Story clustering: an article's features (``features``), the online index that assigns stories (``index``),
its stored profiles (``models``), the messages a merge or an eviction sends to the story stage (``messages``),
its settings (``settings``), and the Faust agent (``agent``).

``features``, ``index`` and ``split`` can run compiled: ``make native`` (part of ``make install``) compiles each
with mypyc into ``agents/cluster/<module>.*.so`` and records the SHA-256 of the sources it compiled in
``agents/cluster/native.sha256``. Python would import a compiled module in preference to its source even after
the source changed, so this package checks first: when the compiled modules were built from other sources
(edited or checked out since), a finder makes both import from their ``.py`` files, with a warning, until
``make native`` runs again. Setting ``STORYWIRE_PURE_PYTHON=1`` does the same on purpose. Both give the same
results, bit for bit (tests/unit/agents/cluster/test_native.py); the compiled ones are faster
(docs/clustering.md, "Speed"). Nothing is imported here: the choice takes effect when a module is imported.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

__all__ = ["NATIVE_MODULES", "NATIVE_STAMP", "compiled_files", "native_source_digest", "pure_python_requested"]

_HERE = Path(__file__).resolve().parent
NATIVE_MODULES = ("features", "index", "split")  # compiled by `make native`, each on its own
NATIVE_STAMP = _HERE / "native.sha256"  # the SHA-256 of the sources that the compiled modules came from


def native_source_digest() -> str:
    """SHA-256 over the sources of the compilable modules, in order (what ``make native`` writes to the stamp)."""
    digest = hashlib.sha256()
    for name in NATIVE_MODULES:
        digest.update((_HERE / f"{name}.py").read_bytes())
    return digest.hexdigest()


def compiled_files() -> list[Path]:
    """The compiled modules that `make native` built here (what the import system would load)."""
    return [
        path
        for name in NATIVE_MODULES
        for suffix in importlib.machinery.EXTENSION_SUFFIXES
        if (path := _HERE / f"{name}{suffix}").exists()
    ]


def pure_python_requested() -> bool:
    """Whether STORYWIRE_PURE_PYTHON asks for the plain modules (any value but empty or 0)."""
    return os.environ.get("STORYWIRE_PURE_PYTHON", "") not in ("", "0")


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Finds the compilable modules of this package in their ``.py`` files, whatever lies beside them."""

    def __init__(self, package: str) -> None:
        self.names = {f"{package}.{name}": _HERE / f"{name}.py" for name in NATIVE_MODULES}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        source = self.names.get(fullname)
        return None if source is None else importlib.util.spec_from_file_location(fullname, source)


def _choose_modules() -> None:
    if not compiled_files():
        return
    if not pure_python_requested():
        try:
            built_from = NATIVE_STAMP.read_text(encoding="ascii").strip()
        except OSError:
            built_from = ""
        if built_from == native_source_digest():
            return  # the compiled modules are current: the import system takes them
        warnings.warn(
            "agents/cluster changed since it was compiled: running it as plain Python (slower); "
            "`make native` compiles it again",
            RuntimeWarning,
            stacklevel=3,
        )
    sys.meta_path.insert(0, _SourceFinder(__name__))


_choose_modules()
