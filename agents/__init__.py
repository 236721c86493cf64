"""storywire's pure logic: extraction, clustering, event dedupe, story building (no I/O, no clock).

``agents.clustering`` can run compiled: ``make native`` (part of ``make install``) compiles it with mypyc into
``agents/clustering.*.so`` and records the SHA-256 of the source it compiled in ``agents/clustering.native``.
Python would import the compiled module in preference to the source even after the source changed, so this
package checks first: a compiled module built from other source (edited or checked out since) is bypassed
with a warning, and ``agents/clustering.py`` runs as plain Python until ``make native`` runs again. Setting
``STORYWIRE_PURE_PYTHON=1`` bypasses it on purpose. Both give the same results, bit for bit
(tests/unit/test_native_clustering.py); the compiled one is faster (docs/clustering.md, "Speed").
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from pathlib import Path

_HERE = Path(__file__).resolve().parent
CLUSTERING_SOURCE = _HERE / "clustering.py"
NATIVE_STAMP = _HERE / "clustering.native"  # the SHA-256 of the clustering.py that the compiled module came from


def clustering_source_digest() -> str:
    return hashlib.sha256(CLUSTERING_SOURCE.read_bytes()).hexdigest()


def compiled_clustering_files() -> list[Path]:
    """The compiled module of agents.clustering, if `make native` built one (what the import system would load)."""
    return [p for suffix in importlib.machinery.EXTENSION_SUFFIXES if (p := _HERE / f"clustering{suffix}").exists()]


def pure_python_requested() -> bool:
    """Whether STORYWIRE_PURE_PYTHON asks for the plain agents.clustering (any value but empty or 0)."""
    return os.environ.get("STORYWIRE_PURE_PYTHON", "") not in ("", "0")


def _load_clustering_source() -> None:
    """Import agents.clustering from its source file, whatever compiled module lies beside it."""
    spec = importlib.util.spec_from_file_location(f"{__name__}.clustering", CLUSTERING_SOURCE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[spec.name]
        raise
    globals()["clustering"] = module


def _choose_clustering() -> None:
    if not compiled_clustering_files():
        return
    if pure_python_requested():
        _load_clustering_source()
        return
    try:
        built_from = NATIVE_STAMP.read_text(encoding="ascii").strip()
    except OSError:
        built_from = ""
    if built_from != clustering_source_digest():
        warnings.warn(
            "agents/clustering.py changed since it was compiled: running it as plain Python (slower); "
            "`make native` compiles it again",
            RuntimeWarning,
            stacklevel=2,
        )
        _load_clustering_source()


_choose_clustering()
