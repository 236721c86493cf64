"""Page furniture (share bars, copyright notices, "enable JavaScript") is blanked before parsing; news stays."""

from __future__ import annotations

import pytest
from spacy.language import Language

from agents.extract.extractor import Extractor, load_nlp, parsed_text
from agents.extract.furniture import blank_furniture, is_furniture
from schemas.article import Article
from schemas.extraction import ArticleExtraction

CRAWLED = (
    "Please enable Javascript to watch this video\n\n"
    "HENRY COUNTY, Ind. -- Officials in Henry County are investigating after three bodies were found in a home "
    "just east of Knightstown on Thursday morning, Sheriff Joe Bergacs said.\n\n"
    "Share this: Facebook\nTwitter\nLike this: Like Loading...\n"
    "Copyright 2015 The Associated Press. All rights reserved. This material may not be published, broadcast, "
    "rewritten or redistributed.\n"
    "Stay informed with the latest headlines; sign up for our newsletter"
)


@pytest.mark.parametrize(
    "line",
    [
        "Please enable Javascript to watch this video",
        "Share this: Facebook",
        "Like this: Like Loading...",
        "Follow us on Twitter | Like us on Facebook",
        "(©2014 CBS Local Media, a division of CBS Radio Inc. All Rights Reserved.)",
        "Copyright 2016 WFAA",
        "If you enjoyed this post, make sure you subscribe to my RSS feed",
        "Latest News:",
        "For the latest news, weather and video, download the WKXT 6 News app. The smartphone and tablet apps will "
        "keep you updated with Bellport and East Tennessee news.",
    ],
)
def test_furniture_lines(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Facebook and Twitter removed the video on Monday, a spokesman said.",
        "The flaw lets attackers run JavaScript in the browser of anyone who opens the page.",
        "Police said the copyright dispute began in 2014.",
        "Researchers told users to turn on JavaScript only for sites they trust until the browser is patched, "
        "because the flaw lets a page read the passwords that other tabs have saved, the company said on Monday.",
        "More than 200 people were evacuated.",
        "Police said the teen used a phone to download the app that the shooter had used to plan the robbery at the "
        "store in Bellport, where two clerks were wounded and a customer was killed on Friday night, on Saturday.",
        "",
    ],
)
def test_news_lines_stay(line: str) -> None:
    assert not is_furniture(line)


def test_blanking_keeps_every_offset_and_never_the_headline() -> None:
    text = "Share this story\n" + CRAWLED  # a headline made of widget words is still the headline
    out = blank_furniture(text)
    assert len(out) == len(text)
    assert out.startswith("Share this story\n")
    start = text.index("Officials")
    assert out[start : start + 40] == text[start : start + 40]
    assert "Javascript" not in out and "Copyright" not in out and "newsletter" not in out
    assert [i for i, c in enumerate(text) if c == "\n"] == [i for i, c in enumerate(out) if c == "\n"]
    assert blank_furniture("No furniture here.\nJust news.") == "No furniture here.\nJust news."


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


def test_furniture_leaves_no_entity_term_or_sentence_behind(nlp: Language) -> None:
    article = Article(id="a1", title="Three found dead in Henry County home", text=CRAWLED, source="fox59.com")
    ex = Extractor(nlp).extract([article])[0]
    assert isinstance(ex, ArticleExtraction)
    names = {e.name.lower() for e in ex.entities}
    assert "henry county" in names and "knightstown" in names
    assert not {"javascript", "facebook", "twitter", "the associated press", "associated press"} & names
    assert not {"javascript", "copyright", "newsletter", "facebook"} & set(ex.terms)
    assert not [s for s in ex.sentences if "rights reserved" in s.lower() or "Loading" in s]
    assert parsed_text(article).index("Officials") == article.body.index("Officials")  # offsets into the body hold


def test_a_follow_line_with_the_outlets_address_is_furniture() -> None:
    assert is_furniture("Follow KXYZNEWS.COM: Facebook | Twitter")
    assert is_furniture("Follow @KXYZ on Twitter")
    assert not is_furniture("Police said the site kxyznews.com was down for hours on Friday.")
