"""The chapter "Choosing the right tool" as a reader's browser shows it, with only the site's own origin reachable:
the chooser answers and the four-ways figure follows the task chosen, with no kernel."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import SCREENSHOTS
from tests.browser.site_check import check_page

PATH = "book/choosing.html"


def test_the_page_renders_with_no_outside_request_and_no_console_error(page: Page, site_url: str) -> None:
    report = check_page(page, site_url + PATH)
    assert not report.problems(), report.problems()
    assert report.charts == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "choosing.png"), full_page=True)
    assert "Traceback" not in (page.locator("article").text_content() or "")


def test_the_chooser_on_the_page_answers_as_the_reader_describes_the_task(page: Page, site_url: str) -> None:
    check_page(page, site_url + PATH)
    box = page.locator(".bs-chooser")
    assert box.locator(".bs-tool").inner_text() == "An expedited job"
    box.locator("input[value='1']").nth(1).check()  # the user notices it
    assert box.locator(".bs-tool").inner_text() == "A foreground service"


def test_the_four_ways_figure_follows_the_task(page: Page, site_url: str) -> None:
    check_page(page, site_url + PATH)
    chart = page.locator("div[id^='altair-viz-']").first

    def text() -> str:
        return chart.locator("svg").first.text_content() or ""

    assert "refreshes" in text()
    chart.locator(".vega-bindings select").first.select_option(label="React to the charger")
    page.wait_for_timeout(300)
    assert "never reacted" in text() and "refreshes" not in text()
    chart.screenshot(path=str(SCREENSHOTS / "choosing-charger.png"))
