"""What the extractor reads of one hand-written article: shared by the facts tests."""

from __future__ import annotations

from schemas import Article, ArticleFacts


def facts_of(extractor, title: str, text: str) -> ArticleFacts:  # type: ignore[no-untyped-def]
    """The facts of one article (``extractor``: the session's Extractor fixture)."""
    [ex] = extractor.extract([Article(id="a", title=title, text=text)])
    return ex.facts  # type: ignore[no-any-return]


def ages_of(facts: ArticleFacts) -> dict[str, int | None]:
    """Each participant's age, by name."""
    return {p.name: p.age for p in facts.participants}
