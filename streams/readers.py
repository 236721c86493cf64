"""Read articles from files and directories: .txt (first line = title), .json, .jsonl."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from schemas.article import Article, ArticleError, parse_article

__all__ = ["SUPPORTED_SUFFIXES", "InputRecord", "iter_files", "read_articles", "read_records"]

SUPPORTED_SUFFIXES = (".txt", ".json", ".jsonl")


@dataclass(frozen=True)
class InputRecord:
    """One article-to-be from an input file: its origin (file[:line]) and its raw JSON bytes."""

    origin: str
    raw: bytes

    def parse(self, max_chars: int = 200_000) -> Article:
        return parse_article(self.raw, max_chars=max_chars)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files of the given paths in a stable order (directories walked recursively, sorted by name)."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES and not child.name.startswith("."):
                    if child.name in ("expected.json",):
                        continue
                    yield child
        elif path.is_file():
            yield path
        else:
            raise FileNotFoundError(f"{path}: no such file or directory")


def _txt_record(path: Path) -> bytes:
    text = path.read_text("utf-8", errors="replace")
    title, _, body = text.lstrip("\ufeff").partition("\n")
    article = {"id": path.stem, "title": title.strip(), "text": body.strip()}
    return json.dumps(article, ensure_ascii=False).encode("utf-8")


def read_records(paths: Iterable[str | Path]) -> Iterator[InputRecord]:
    """Raw records of every input, in order (a .json file may hold one object or a list)."""
    for path in iter_files(paths):
        suffix = path.suffix.lower()
        if suffix == ".txt":
            yield InputRecord(str(path), _txt_record(path))
        elif suffix == ".jsonl":
            with path.open("rb") as fh:
                for lineno, line in enumerate(fh, 1):
                    if line.strip():
                        yield InputRecord(f"{path}:{lineno}", line.rstrip(b"\r\n"))
        elif suffix == ".json":
            raw = path.read_bytes()
            try:
                data = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                yield InputRecord(str(path), raw)
                continue
            if isinstance(data, list):
                for i, item in enumerate(data):
                    yield InputRecord(f"{path}[{i}]", json.dumps(item, ensure_ascii=False).encode("utf-8"))
            else:
                yield InputRecord(str(path), raw)
        else:
            raise ValueError(f"{path}: unsupported file type {suffix!r} (use {', '.join(SUPPORTED_SUFFIXES)})")


def read_articles(
    paths: Iterable[str | Path], max_chars: int = 200_000
) -> Iterator[Article | tuple[InputRecord, ArticleError]]:
    """Articles of every input, or the record and its error where one is not a valid article."""
    for rec in read_records(paths):
        try:
            yield rec.parse(max_chars)
        except ArticleError as err:
            yield rec, err
