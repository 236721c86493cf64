"""English-only pipeline: other languages are rejected, English headlines and prose are not."""

from __future__ import annotations

import json

import pytest

from agents.extract.language import is_english
from tests.conftest import shared_path

ENGLISH = [
    "Mt. Gox CEO's blog hacked; alleged Bitcoin balances posted",  # a headline with almost no stop words
    "Copper plunges on Chinese default",
    "A fire broke out on the ferry on Tuesday and two people died, the harbor master said in a statement.",
]
FOREIGN = [
    "Le président de la République a annoncé hier une nouvelle réforme des retraites qui sera présentée au "
    "parlement la semaine prochaine par le gouvernement.",
    "Der Bundestag hat am Freitag das neue Gesetz verabschiedet, das die Regierung seit Monaten vorbereitet "
    "hatte und das nun in Kraft tritt.",
    "El gobierno anunció el lunes nuevas medidas económicas para contener la inflación, que alcanzó su nivel "
    "más alto en una década según los datos oficiales.",
    "Президент России заявил о новых санкциях",
    "这是一个中文句子，用于测试语言检测。",
]


@pytest.mark.parametrize("text", ENGLISH)
def test_english_is_english(text: str) -> None:
    assert is_english(text)


@pytest.mark.parametrize("text", FOREIGN)
def test_other_languages_are_not(text: str) -> None:
    assert not is_english(text)


def test_no_real_english_article_or_headline_is_rejected() -> None:
    rejected = []
    for name, field in (("uci-headlines-dev", "title"), ("gvc-dev", "text"), ("ecbplus-dev", "text")):
        for line in shared_path("eval", f"{name}.jsonl").open():
            text = json.loads(line)[field]
            if text and not is_english(text):
                rejected.append(text[:80])
    assert rejected == []
