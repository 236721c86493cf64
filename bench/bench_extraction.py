"""Extraction throughput: ``Extractor.extract`` against plain ``nlp.pipe`` of the same pipeline, same texts.

    .venv/bin/python -m bench.bench_extraction [--limit 200] [--rounds 3] [--batch-size 32] [FILE.jsonl ...]

Texts come from ecbplus-dev.jsonl and gvc-dev.jsonl of ../shared/eval (full texts; bench/paths.py says where
else they are looked for), else from the example articles (streams/examples/).
The two measurements alternate round by round and the best round of each is kept, so that other load on a
shared machine weighs on both alike. Prints docs/s of each and their ratio (the aim is >= 0.9).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import spacy

from agents.extract.extractor import DEFAULT_MODEL, Extractor, load_nlp, parsed_text
from schemas.article import Article

DEFAULT_FILES = ("ecbplus-dev", "gvc-dev")


def read_articles(paths: Iterable[Path], limit: int) -> list[Article]:
    """Up to ``limit`` articles with text, taken in turn from each file (JSONL rows or examples/*.json)."""
    per_file: list[list[Article]] = []
    for path in paths:
        rows: list[dict[str, object]] = []
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as f:
                rows = [json.loads(line) for line in f if line.strip()]
        elif path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            rows = data if isinstance(data, list) else [data]
        per_file.append([Article.model_validate(r) for r in rows if isinstance(r, dict) and r.get("text")])
    mixed = [a for group in zip(*per_file, strict=False) for a in group] if len(per_file) > 1 else per_file[0]
    return mixed[:limit]


def default_paths(eval_dir: Path | None = None) -> list[Path]:
    """The dev files of ``eval_dir`` (default: bench.paths.eval_dir()), else the example articles of streams."""
    from bench.paths import eval_dir as default_eval_dir
    from streams.cli.demo import EXAMPLES_DIR

    directory = eval_dir if eval_dir is not None else default_eval_dir()
    found = [p for p in (directory / f"{name}.jsonl" for name in DEFAULT_FILES) if p.is_file()]
    return found or sorted(EXAMPLES_DIR.glob("*.json"))


def pipe_first_pass(texts_json: str, warm_up: int) -> None:
    """In a fresh process: load the pipeline, read ``warm_up`` warm-up texts, then time ``nlp.pipe`` (spaCy's
    default batch size) over texts it has never read; print docs/s.

    This is the state a bench worker is in (a fresh process, a few warm-up articles, then the timed articles,
    each read for the first time), so the end-to-end ratio compares like with like. A second pass over the same
    texts in one process is faster (spaCy's vocabulary and lemma cache hold every word by then).
    """
    from bench.bench_e2e import warm_up_texts

    texts = json.loads(Path(texts_json).read_text(encoding="utf-8"))
    nlp = load_nlp()
    list(nlp.pipe(warm_up_texts(warm_up)))
    start = time.perf_counter()
    for _ in nlp.pipe(texts):
        pass
    print(f"{len(texts) / (time.perf_counter() - start):.6f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="JSONL files of articles (default: ECB+ and GVC dev)")
    parser.add_argument("--limit", type=int, default=200, help="articles to run (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the best of each is kept")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--raw-model",
        action="store_true",
        help=f"also time nlp.pipe of spacy.load({DEFAULT_MODEL!r}) without storywire's components",
    )
    args = parser.parse_args(argv)

    paths = args.files or default_paths()
    articles = read_articles(paths, args.limit)
    if not articles:
        print(f"no articles with text in {', '.join(map(str, paths))}; pass JSONL files", file=sys.stderr)
        return 2
    texts = [parsed_text(a) for a in articles]
    words = sum(len(t.split()) for t in texts)
    print(
        f"{len(articles)} articles ({words / len(articles):.0f} words each) from {', '.join(p.name for p in paths)}",
        file=sys.stderr,
    )

    nlp = load_nlp()
    extractor = Extractor(nlp, batch_size=args.batch_size)
    raw = spacy.load(DEFAULT_MODEL) if args.raw_model else None
    list(nlp.pipe(texts[:8]))  # warm up
    extractor.extract(articles[:8])

    best = {"pipe": float("inf"), "extract": float("inf"), "raw": float("inf")}
    for round_no in range(1, args.rounds + 1):
        start = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=args.batch_size):
            pass
        best["pipe"] = min(best["pipe"], time.perf_counter() - start)
        start = time.perf_counter()
        results = extractor.extract(articles)
        best["extract"] = min(best["extract"], time.perf_counter() - start)
        if raw is not None:
            start = time.perf_counter()
            for _ in raw.pipe(texts, batch_size=args.batch_size):
                pass
            best["raw"] = min(best["raw"], time.perf_counter() - start)
        print(
            f"round {round_no}/{args.rounds}: pipe {best['pipe']:.1f}s, extract {best['extract']:.1f}s", file=sys.stderr
        )

    n = len(texts)
    pipe_rate, extract_rate = n / best["pipe"], n / best["extract"]
    errors = sum(1 for r in results if isinstance(r, Exception))
    print(f"nlp.pipe ({' > '.join(nlp.pipe_names)}): {pipe_rate:.1f} docs/s")
    if raw is not None:
        print(f"nlp.pipe (raw {DEFAULT_MODEL}, no storywire components): {n / best['raw']:.1f} docs/s")
    print(f"Extractor.extract: {extract_rate:.1f} docs/s ({errors} articles returned errors)")
    print(f"ratio extract / pipe: {extract_rate / pipe_rate:.3f}")
    return 0


if __name__ == "__main__":
    if not __package__:  # run as a file (python bench/bench_extraction.py): `bench` is imported from the checkout
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
