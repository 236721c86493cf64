"""Issue 28: what a new user hit with real pages and feeds, on small pages and feeds written here in their shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from streams.cli import cli
from streams.ingest.html import NotAnArticle, UnsupportedLanguage, clean_title, extract_page, page_article
from streams.ingest.producer import Ingestor
from streams.ingest.readers import read_records
from streams.settings import Settings
from tests.unit.streams.ingest.samples import FERRY_PARAGRAPHS, FERRY_TITLE, article_page, serve

PROSE = [
    "A fire broke out on the passenger ferry Northern Light early on Tuesday as it approached Port Halloway, "
    "forcing the crew to evacuate all 212 passengers onto lifeboats in calm seas.",
    "The harbor master said two crew members died and fourteen people were treated for smoke inhalation at the "
    "county hospital, where three remained overnight for observation.",
    "Investigators from the maritime safety board arrived on Wednesday and said they would examine the engine room, "
    "where witnesses reported seeing smoke minutes before the alarm sounded.",
]


def _page(title: str, body: str, *, head: str = "", lang: str = "en") -> str:
    return f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{head}</head>
<body><header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
<main><article><h1>{title}</h1>{body}</article></main>
<footer><p>© 2026 Example Media. All rights reserved.</p></footer></body></html>"""


def _ingest(*args: str) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(cli, ["ingest", "--dry-run", "--no-progress", *args])
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()], result.stderr


# -- item 4: a feed entry whose page cannot be fetched; --no-fetch ------------------------------------------------


FEED2_RSS = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"><channel><title>RSS Title</title><link>{base}/main.html</link>
<item><title>Harbor reopens after the ferry fire</title>
<description>The harbor at Port Halloway reopened on Thursday, two days after the ferry fire.</description>
<link>{base}/blog/post/1</link><guid isPermaLink="false">7bd204c6</guid>
<pubDate>Sun, 06 Sep 2009 16:20:00 +0000</pubDate></item></channel></rss>"""


def test_a_feed_entry_whose_page_cannot_be_fetched_is_sent_with_the_feeds_own_text(tmp_path: Path) -> None:
    with serve() as site:  # the entry's link answers 404, as example.com did for trafilatura's feed2.rss
        site.add("/rss.xml", FEED2_RSS.format(base=site.base), "application/rss+xml")
        code, articles, err = _ingest(f"{site.base}/rss.xml")
    assert code == 0, err
    [article] = articles
    assert article["title"] == "Harbor reopens after the ferry fire"
    assert str(article["text"]).startswith("The harbor at Port Halloway reopened")
    meta = article["metadata"]
    assert isinstance(meta, dict) and meta["text_from"] == "feed-summary" and "404" in meta["page_error"]


def test_no_fetch_uses_the_feed_alone(tmp_path: Path) -> None:
    with serve() as site:
        site.add("/rss.xml", FEED2_RSS.format(base=site.base), "application/rss+xml")
        site.add("/blog/post/1", article_page(FERRY_TITLE, FERRY_PARAGRAPHS))
        code, articles, err = _ingest("--no-fetch", f"{site.base}/rss.xml")
        paths = [path for path, _ in site.requests]
    assert code == 0, err
    assert paths == ["/rss.xml"]  # the entry's page was not fetched
    assert articles[0]["metadata"]["text_from"] == "feed-summary"  # type: ignore[index]


# -- item 5: JSON Feed ---------------------------------------------------------------------------------------------

NPR_JSON_FEED = {
    "version": "https://jsonfeed.org/version/1",
    "title": "Technology",
    "home_page_url": "https://news.example/sections/technology/?utm_medium=JSONFeed",
    "author": {"name": "Example Public Radio"},
    "items": [
        {
            "id": "1050315385",
            "url": "https://news.example/2026/03/10/1050315385/drones-deliver-blood?utm_medium=JSONFeed",
            "title": "How delivery drones carry blood to rural clinics",
            "content_html": "".join(f"<p>{p}</p>" for p in PROSE)
            + "<img src='https://news.example/tracking/pixel.png?story=1050315385' />",
            "summary": "Drones carry blood to rural clinics.",
            "date_published": "2026-03-10T05:00:00-04:00",
        }
    ],
}


def test_a_json_feed_file_is_read_from_its_items_content(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(NPR_JSON_FEED).replace("/", "\\/"))  # escaped slashes, as NPR's feed has them
    code, articles, err = _ingest(str(path))
    assert code == 0, err
    [article] = articles
    assert article["title"] == "How delivery drones carry blood to rural clinics"
    assert str(article["text"]).startswith("A fire broke out on the passenger ferry")
    assert article["source"] == "Example Public Radio" and article["published"] == "2026-03-10T05:00:00-04:00"
    assert article["url"] == "https://news.example/2026/03/10/1050315385/drones-deliver-blood"
    assert article["metadata"]["text_from"] == "feed-content"  # type: ignore[index]


def test_a_json_feed_url_is_read(tmp_path: Path) -> None:
    with serve() as site:
        site.add("/feed.json", json.dumps(NPR_JSON_FEED), "application/json")
        code, articles, err = _ingest(f"{site.base}/feed.json")
    assert code == 0 and len(articles) == 1, err


# -- item 6: languages ---------------------------------------------------------------------------------------------

CHINESE = "香港行政长官梁振英在各方压力下到立法会接受质询，就其大宅的违章建筑问题道歉。" * 4
JAPANESE = "６月12日の歴史的な米朝首脳会談を巡って戦っていたのは、米大統領のトランプと北朝鮮委員長の金正恩だった。" * 4


@pytest.mark.parametrize(("text", "language"), [(CHINESE, "Chinese"), (JAPANESE, "Japanese")])
def test_a_chinese_or_japanese_page_is_named_as_such(tmp_path: Path, text: str, language: str) -> None:
    page = tmp_path / "page.html"
    page.write_text(_page("首脳会談", f"<p>{text}</p><p>{text}</p>", lang="zh"))
    code, articles, err = _ingest(str(page))
    assert code == 1 and not articles
    assert f"{page}: unsupported_language: the page is in {language}" in " ".join(err.split())
    assert "characters of prose" not in err
    with pytest.raises(UnsupportedLanguage, match=language):
        extract_page(page.read_bytes())


def test_a_french_article_is_rejected_at_ingest_not_later(tmp_path: Path) -> None:
    french = (
        "Un incendie s'est déclaré mardi matin à bord du ferry Northern Light alors qu'il approchait du port. "
        "Les deux cents passagers ont été évacués dans le calme et les secours sont arrivés très rapidement sur place."
    )
    (tmp_path / "wire.jsonl").write_text(
        json.dumps({"id": "fr-1", "title": "Incendie à bord d'un ferry", "text": french}) + "\n"
    )
    code, articles, err = _ingest(str(tmp_path / "wire.jsonl"))
    assert code == 1 and not articles
    assert f"{tmp_path / 'wire.jsonl'}:1: unsupported_language" in " ".join(err.split())
    assert "French" in err


# -- item 7: home and section pages --------------------------------------------------------------------------------

TEASERS = "".join(
    f'<div class="teaser"><h2><a href="/2026/03/{i}/story-{i}">{h}</a></h2><p>{p}</p></div>'
    for i, (h, p) in enumerate(zip(["Ferry fire", "Council vote", "Storm"], PROSE, strict=True))
)


def test_a_home_page_is_not_an_article(tmp_path: Path) -> None:
    head = (
        '<meta property="og:type" content="website"><meta property="og:site_name" content="Yahoo">'
        '<link rel="canonical" href="https://uk.news.example/">'
    )
    page = tmp_path / "home.html"
    page.write_text(_page("Yahoo UK", TEASERS, head=head))
    code, articles, err = _ingest(str(page))
    assert code == 1 and not articles
    assert f"error {page}: not an article: its address https://uk.news.example/ is a site's home page" in " ".join(
        err.split()
    )


def test_a_section_page_titled_like_wireds_is_not_an_article(tmp_path: Path) -> None:
    head = '<meta property="og:type" content="website"><link rel="canonical" href="https://mag.example/technology">'
    page = _page("MAG - The Latest in Technology, Science, Culture and Business", TEASERS, head=head)
    with pytest.raises(NotAnArticle, match="section page"):
        extract_page(page)
    summary = Ingestor(Settings(), None)
    summary.ingest_file(_write(tmp_path / "section.html", page))
    assert summary.summary.reasons == {"not_an_article": 1}


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


# -- item 8: page furniture ----------------------------------------------------------------------------------------


def test_page_furniture_is_left_out_and_the_article_kept(tmp_path: Path) -> None:
    body = "".join(f"<p>{p}</p>" for p in PROSE) + (
        "<p>CNN's Jason Carroll contributed to this report.</p>"
        "<p>Loading weather data ...</p>"
        "<p>We use cookies to give you the best experience. By continuing you agree to our cookie policy.</p>"
        "<p>Support our journalism: donate via PayPal today.</p>"
        "<h3>More Must-Reads From The Herald</h3><ul><li>The Struggle to Save Lives</li>"
        "<li>The Best Inventions of 2026</li></ul>"
        "<p>Write to Maria Okafor at maria.okafor@herald.example</p><p>(END)</p>"
    )
    page = extract_page(_page("Ferry fire kills two off Port Halloway", body))
    for gone in ("Loading weather", "cookies", "PayPal", "Must-Reads", "Best Inventions", "maria.okafor", "(END)"):
        assert gone not in page.text, gone
    assert page.text.startswith("A fire broke out on the passenger ferry")
    assert all(p in page.text for p in PROSE) and "Jason Carroll contributed" in page.text


def test_a_page_whose_source_would_be_its_headline_is_named_by_its_host() -> None:
    title = "DNA confirms the body in the Mekong is the activist's aide"
    head = (
        f'<meta property="og:site_name" content="{title}"><link rel="canonical" href="https://prachatai.example/j/1">'
    )
    page = extract_page(_page(title, "".join(f"<p>{p}</p>" for p in PROSE), head=head))
    assert page.sitename is None
    assert page_article(page, url=page.url)["source"] == "prachatai.example"


# -- item 9: titles ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "outlet", "host", "clean"),
    [
        ("Takeaways from Trump's testimony in his civil fraud trial | CNN Politics", "CNN", "www.cnn.com", None),
        (
            "Man charged in Burlington stabbing - WCAX.COM Local Vermont News, Weather and Sports-",
            None,
            "www.wcax.com",
            "Man charged in Burlington stabbing",
        ),
        ("N. Korea slams S. Korea for joint drill | Yonhap News Agency", "Yonhap News Agency", None, None),
        (
            "LinkNaija | Nigeria's popular news platform: Nollywood actress stuns in new photos",
            "LinkNaija | Nigeria's popular news platform",
            None,
            "Nollywood actress stuns in new photos",
        ),
        ("CNN sued over its coverage", "CNN", "cnn.com", "CNN sued over its coverage"),  # a headline stays whole
    ],
)
def test_the_outlets_name_is_cut_from_titles(
    title: str, outlet: str | None, host: str | None, clean: str | None
) -> None:
    expected = clean or title.rsplit(" | ", 1)[0]
    assert clean_title(title, outlet, host) == expected


def test_a_suffix_repeated_on_one_outlets_titles_is_cut(tmp_path: Path) -> None:
    items = "".join(
        f"<item><title>{t} - Auto News</title><link>https://cars.example/{i}</link>"
        f"<content:encoded><![CDATA[{''.join(f'<p>{p}</p>' for p in PROSE)} {i}]]></content:encoded></item>"
        for i, t in enumerate(["All-new Sentra arrives next year", "Hybrid pickup tested on mountain roads"])
    )
    feed = (
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>AutoIndustriya.com</title><link>https://cars.example/</link>{items}</channel></rss>"
    )
    code, articles, err = _ingest(str(_write(tmp_path / "cars.rss", feed)))
    assert code == 0, err
    assert [a["title"] for a in articles] == [
        "All-new Sentra arrives next year",
        "Hybrid pickup tested on mountain roads",
    ]


# -- item 10: sources are named ------------------------------------------------------------------------------------


def test_a_source_without_an_outlet_is_named_by_its_file(tmp_path: Path) -> None:
    (tmp_path / "a3.txt").write_text("Ferry fire kills two\n" + "\n\n".join(PROSE))
    (tmp_path / "ap_meta_refresh.html").write_text(_page("Ferry fire kills two", "".join(f"<p>{p}</p>" for p in PROSE)))
    (tmp_path / "wire.jsonl").write_text(json.dumps({"id": "w1", "title": "Fire", "text": PROSE[1]}) + "\n")
    records = {Path(r.origin.split(":")[0]).name: json.loads(r.raw) for r in read_records([tmp_path])}
    assert records["a3.txt"]["source"] == "a3.txt"
    assert records["ap_meta_refresh.html"]["source"] == "ap_meta_refresh.html"
    assert records["wire.jsonl"]["source"] == "wire.jsonl:1"
    assert not any(str(r["source"]).startswith("unknown") for r in records.values())
