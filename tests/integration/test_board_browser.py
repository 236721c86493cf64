"""The web story board in a real browser (selenium + Debian's headless chromium) on a real broker and worker.

Skipped, with the reason, only where chromium/chromedriver are not installed (``make install`` installs them).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from streams.board.server import BoardServer
from streams.ingest.readers import read_records
from tests.integration.helpers import running_pipeline, send, wait_for_article

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCRIPT_TITLE = "<script>alert(1)</script>"
WAIT = 60.0  # seconds the browser may take to show something the pipeline already published
T = TypeVar("T")

# tests/data/examples-expected.json: story "A", 5 outlets, planted conflicts
STORY_A_FIRST = "ex-harbor-gazette-ferry-fire-1"

HOSTILE = {
    "id": "test-board-hostile-1",
    "source": "<u>Evil</u> Outlet",
    "url": "javascript:alert(2)",
    "title": SCRIPT_TITLE,
    "published": "2026-03-13T09:00:00Z",
    "text": (
        "A chess club in Dunmore, Oregon, won the state junior championship on Saturday. "
        "Coach Hazel Okafor said the twelve players had trained every evening since September. "
        "The club's youngest player, nine-year-old Theo Marsh, won all five of his games. "
        "The team will travel to the national finals in Kansas City in June."
    ),
}
# The same text from a second outlet (a wire copy): a new version of the hostile story, seen live on its page.
HOSTILE_COPY = HOSTILE | {
    "id": "test-board-hostile-2",
    "source": "Second Outlet",
    "url": "https://second.example/bakery",
    "title": "<img src=x onerror=alert(3)>",
    "published": "2026-03-13T10:00:00Z",
}


def make_driver(user_data_dir: Path) -> Any:
    """Headless Debian chromium through its chromedriver; no network chatter, a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        f"--user-data-dir={user_data_dir}",
        "--window-size=1400,1000",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture
def driver() -> Iterator[Any]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        pytest.skip(
            f"no browser: {', '.join(missing)} missing. `make install` (target browser-tool) installs Debian's "
            "chromium and chromium-driver with apt-get; it needs root and a package mirror."
        )
    with tempfile.TemporaryDirectory(prefix="storywire-chromium-") as profile:
        d = make_driver(Path(profile))
        try:
            yield d
        finally:
            d.quit()


def wait(driver: Any, condition: Callable[[Any], T], what: str, timeout: float = WAIT) -> T:
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    # The story page swaps its <main> for a fresh node when an update lands: an element found by one poll can be
    # detached before the condition reads it. That poll counts as "not yet"; the next one finds the new node.
    waiter = WebDriverWait(driver, timeout, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,))
    try:
        return waiter.until(condition)  # type: ignore[no-any-return]
    except TimeoutException:
        raise AssertionError(f"the browser did not show {what} within {timeout:.0f} s") from None


def row_of(driver: Any, story_id: str) -> Any:
    from selenium.webdriver.common.by import By

    rows = driver.find_elements(By.CSS_SELECTOR, f'tr.story[data-story-id="{story_id}"]')
    return rows[0] if rows else None


def row_at_version(driver: Any, story_id: str, version: int) -> dict[str, Any] | bool:
    """What the story's row shows once it is at ``version`` (False until then: a WebDriverWait condition)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    try:
        row = row_of(driver, story_id)
        if row is None or int(row.get_attribute("data-version")) < version:
            return False
        return {
            "independent": int(row.get_attribute("data-independent")),
            "badge": bool(row.find_elements(By.CSS_SELECTOR, "td.conflicts .conflict-badge")),
            "classes": (row.get_attribute("class") or "").split(),
        }
    except StaleElementReferenceException:  # replaced by a newer row while we looked
        return False


def count(driver: Any, selector: str) -> int:
    """How many elements match ``selector`` (markup from data would show up here)."""
    from selenium.webdriver.common.by import By

    return len(driver.find_elements(By.CSS_SELECTOR, selector))


def story_of(watcher: Any, article_id: str) -> str:
    return next(u.story_id for u in watcher.board.latest.values() if article_id in {s.article_id for s in u.sources})


def assert_no_alert(driver: Any) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018 -- the property raises when no alert is open


def test_board_live_in_a_browser(make_settings, driver, examples_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    settings = make_settings()
    records = list(read_records([examples_dir]))
    expected = json.loads((Path(__file__).resolve().parents[1] / "data" / "examples-expected.json").read_text())
    story_a_articles = set(next(s for s in expected["stories"] if s["name"] == "A")["articles"])
    assert STORY_A_FIRST in story_a_articles

    with running_pipeline(settings, tmp_path) as (producer, watcher, worker), BoardServer(settings, port=0) as board:
        driver.get(board.url)
        wait(driver, lambda d: d.find_element(By.ID, "status").text == "live", "the live status")
        driver.execute_script("window.__storywireNoReload = true;")

        # --- examples/, one article at a time; the open board follows the 5-outlet story without a reload ---
        story_a: str | None = None
        independent_seen: list[int] = []
        badge_seen_at: int | None = None
        for rec in records:
            article_id = rec.parse().id
            send(producer, settings, rec.raw, key=article_id)
            wait_for_article(watcher, worker, article_id)
            if story_a is None and article_id == STORY_A_FIRST:
                story_a = story_of(watcher, STORY_A_FIRST)
            if story_a is None or article_id not in story_a_articles:
                continue
            sid, version = story_a, watcher.board.latest[story_a].version
            shown = wait(driver, lambda d, sid=sid, v=version: row_at_version(d, sid, v), f"story A at v{version}")
            assert isinstance(shown, dict)
            independent_seen.append(shown["independent"])
            if badge_seen_at is None and shown["badge"]:
                badge_seen_at = len(independent_seen)
            if len(independent_seen) > 1:
                assert "changed" in shown["classes"], "a changed row is not highlighted"
        assert story_a is not None
        final_a = watcher.board.latest[story_a]
        assert final_a.conflicts, "the pipeline reported no conflict for story A, so the board has none to show"
        assert independent_seen[0] == 1 and independent_seen[-1] == final_a.independent_source_count
        assert independent_seen[-1] > independent_seen[0], f"story A's source count never rose: {independent_seen}"
        assert badge_seen_at is not None and badge_seen_at > 1, "the conflict badge did not appear as sources arrived"
        row = row_of(driver, story_a)
        badge = row.find_element(By.CSS_SELECTOR, ".conflict-badge")
        assert badge.is_displayed() and str(len(final_a.conflicts)) in badge.text
        assert driver.execute_script("return window.__storywireNoReload === true;"), "the board page was reloaded"
        assert len(driver.find_elements(By.CSS_SELECTOR, "tr.story")) == len(watcher.board.latest)

        # --- the story page: conflicts side by side with their sources, the timeline of versions ---
        row.find_element(By.CSS_SELECTOR, "a.story-link").click()
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "main#story h1.story-title"), "story A's page")
        assert driver.find_element(By.CSS_SELECTOR, "h1.story-title").text == final_a.title
        conflicts = driver.find_elements(By.CSS_SELECTOR, "#conflicts .conflict")
        assert len(conflicts) == len(final_a.conflicts)
        both_sides = []
        for conflict in conflicts:
            sides = conflict.find_elements(By.CSS_SELECTOR, ".sides .side")
            cited = [[c.text for c in side.find_elements(By.CSS_SELECTOR, ".side-sources .cite")] for side in sides]
            if len(sides) >= 2 and all(names and all(names) for names in cited):
                both_sides.append(cited)
        assert both_sides, "no conflict shows two sides, each with its sources"
        outlets = set(final_a.outlets)
        assert all(name in outlets for sides in both_sides for side in sides for name in side)
        versions = driver.find_elements(By.CSS_SELECTOR, "#versions li.version")
        assert [int(v.get_attribute("data-version")) for v in versions] == list(range(final_a.version, 0, -1))
        assert all(v.find_elements(By.CSS_SELECTOR, "ul.changes li") for v in versions)
        article_links = driver.find_elements(By.CSS_SELECTOR, "#summary .sentence a.cite")
        assert article_links and all(a.get_attribute("href").startswith("https://") for a in article_links)

        # --- a hostile headline is text, never markup: on the live board and on its page ---
        driver.get(board.url)
        wait(driver, lambda d: d.find_element(By.ID, "status").text == "live", "the live status")
        driver.execute_script("window.__storywireNoReload = true;")
        send(producer, settings, HOSTILE, key=str(HOSTILE["id"]))
        wait_for_article(watcher, worker, str(HOSTILE["id"]))
        hostile = watcher.board.latest[story_of(watcher, str(HOSTILE["id"]))]
        assert hostile.title == SCRIPT_TITLE and hostile.version == 1, "the hostile article joined another story"
        wait(driver, lambda d: row_at_version(d, hostile.story_id, 1), "the hostile story's row")
        row = row_of(driver, hostile.story_id)
        link = row.find_element(By.CSS_SELECTOR, "a.story-link")
        assert link.text == SCRIPT_TITLE and link.is_displayed()
        assert "<u>Evil</u> Outlet" in row.find_element(By.CSS_SELECTOR, "td.outlets").text
        assert_no_alert(driver)
        assert count(driver, "#rows script, #rows u, #rows img") == 0
        assert driver.execute_script("return window.__storywireNoReload === true;")

        link.click()
        wait(
            driver, lambda d: d.find_elements(By.CSS_SELECTOR, "main#story h1.story-title"), "the hostile story's page"
        )
        assert driver.find_element(By.CSS_SELECTOR, "h1.story-title").text == SCRIPT_TITLE
        assert_no_alert(driver)
        assert count(driver, "main script, main img, main u") == 0
        assert not driver.find_elements(By.CSS_SELECTOR, 'a[href^="javascript"]')

        # The story page follows its story live: a second outlet's copy arrives, the page shows v2 without a reload.
        driver.execute_script("window.__storywireNoReload = true;")
        send(producer, settings, HOSTILE_COPY, key=str(HOSTILE_COPY["id"]))
        wait_for_article(watcher, worker, str(HOSTILE_COPY["id"]))
        now = watcher.board.latest[hostile.story_id]
        assert now.version == 2, "the copy did not join the hostile story"
        wait(
            driver,
            lambda d: d.find_element(By.CSS_SELECTOR, "main#story").get_attribute("data-version") == "2",
            "the story page at v2",
        )
        assert driver.execute_script("return window.__storywireNoReload === true;"), "the story page was reloaded"
        assert len(driver.find_elements(By.CSS_SELECTOR, "#versions li.version")) == 2
        assert HOSTILE_COPY["title"] in driver.find_element(By.ID, "articles").text
        assert_no_alert(driver)
        assert count(driver, "main script, main img, main u") == 0
