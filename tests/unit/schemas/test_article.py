"""Parsing raw input messages into articles: every kind of bad input gets a code and a reason."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.article import Article, ArticleError, ErrorCode, article_id_for_url, parse_article


def raw(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def test_minimal_article_with_url_gets_a_stable_id() -> None:
    a = parse_article(raw(url="https://www.example.com/news/1/", text="Body."))
    b = parse_article(raw(url="http://example.com/news/1", text="Other body."))
    assert a.id == b.id == article_id_for_url("https://example.com/news/1")
    assert a.outlet == "example.com"


def test_blank_published_is_missing_and_naive_dates_are_utc() -> None:
    a = parse_article(raw(id="x", text="t", published=""))
    assert a.published is None
    b = parse_article(raw(id="x", text="t", published="2026-03-10T17:05:00"))
    assert b.published is not None and b.published.utcoffset() is not None


def test_headline_only_article_is_accepted_and_its_body_is_the_title() -> None:
    a = parse_article(raw(id="h", title="Quake hits coast", text=""))
    assert a.body == "Quake hits coast"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"\xff\xfe\x00garbage", ErrorCode.NOT_UTF8),
        (b"not json at all", ErrorCode.NOT_JSON),
        (b"[1, 2, 3]", ErrorCode.INVALID_ARTICLE),
        (raw(title="no text field", id="a"), ErrorCode.INVALID_ARTICLE),
        (raw(text="no id and no url"), ErrorCode.INVALID_ARTICLE),
        (raw(id="a", text="   ", title=""), ErrorCode.EMPTY_TEXT),
        (raw(id="a", text="x" * 300_001), ErrorCode.TEXT_TOO_LARGE),
        (raw(id="a", text="t", published="not a date"), ErrorCode.INVALID_ARTICLE),
    ],
)
def test_bad_input_gets_a_coded_error(payload: bytes, code: str) -> None:
    with pytest.raises(ArticleError) as info:
        parse_article(payload, max_chars=200_000)
    assert info.value.code == code
    assert info.value.reason  # a human-readable reason


def test_content_hash_changes_with_content_only() -> None:
    a = Article(id="a", title="T", text="Body")
    assert a.content_hash() == Article(id="a", title="T", text="Body", metadata={"x": 1}).content_hash()
    assert a.content_hash() != Article(id="a", title="T", text="Body!").content_hash()


@given(st.binary(max_size=300))
def test_any_bytes_either_parse_or_raise_a_coded_error(data: bytes) -> None:
    try:
        article = parse_article(data)
    except ArticleError as err:
        assert err.code in {ErrorCode.NOT_UTF8, ErrorCode.NOT_JSON, ErrorCode.INVALID_ARTICLE, ErrorCode.EMPTY_TEXT}
    else:
        assert article.id and (article.text.strip() or article.title.strip())
