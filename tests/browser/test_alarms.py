"""The chapter "Alarms" as a reader's browser shows it, with only the site's own origin reachable."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import SCREENSHOTS
from tests.browser.site_check import check_page

PATH = "book/alarms.html"


def _svg_text(page: Page, index: int) -> str:
    chart = page.locator("div[id^='altair-viz-']").nth(index)
    return (chart.locator("svg").first.text_content() or "").replace("\u202f", " ")


def test_the_alarms_page_renders_with_no_outside_request_and_no_console_error(page: Page, site_url: str) -> None:
    report = check_page(page, site_url + PATH)
    assert not report.problems(), report.problems()
    assert report.charts == 3  # the reminder, sync and bucket labs
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "alarms.png"), full_page=True)
    text = page.locator("article").text_content() or ""
    assert "Traceback" not in text
    # the tables of the reminder, the sync, the buckets and the permission are on the page
    assert page.locator("article table").count() >= 6
    assert "SecurityException" in text


def test_the_reminder_lab_redraws_when_the_call_changes(page: Page, site_url: str) -> None:
    check_page(page, site_url + PATH)
    chart = page.locator("div[id^='altair-viz-']").first
    select = chart.locator(".vega-bindings select").first
    assert chart.locator(".vega-bindings select").count() == 2  # the call and the Android version
    before = _svg_text(page, 0)
    chart.screenshot(path=str(SCREENSHOTS / "alarms-reminder-before.png"))
    select.select_option(label="setExact()")
    page.wait_for_timeout(300)
    after = _svg_text(page, 0)
    chart.screenshot(path=str(SCREENSHOTS / "alarms-reminder-after.png"))
    assert after != before
    # A and B are now the same call: every row of the A/B table says "same"
    assert after.count("same") >= 3


def test_the_bucket_lab_redraws_when_the_bucket_changes(page: Page, site_url: str) -> None:
    check_page(page, site_url + PATH)
    chart = page.locator("div[id^='altair-viz-']").nth(2)
    before = _svg_text(page, 2)
    chart.locator(".vega-bindings select").first.select_option(label="active")
    page.wait_for_timeout(300)
    assert _svg_text(page, 2) != before


def test_the_exercises_show_a_verdict_and_closed_solutions(page: Page, site_url: str) -> None:
    check_page(page, site_url + PATH)
    assert page.locator(".exercise").count() == 3
    assert page.locator(".exercise .backstage-verdict").count() == 3
    solutions = page.locator(".solution.dropdown")
    assert solutions.count() == 3
    solutions.first.locator(".admonition-title").click()
    page.wait_for_timeout(300)
    assert "Correct" in (solutions.first.text_content() or "")
