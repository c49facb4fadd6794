"""The guide's decision in the browser: the chooser answers with no kernel, from the table the page carries."""

from __future__ import annotations

from playwright.sync_api import Page

from widgets.chooser import Chooser


def test_the_chooser_answers_in_the_browser_with_no_kernel(page: Page) -> None:
    page.set_content(f"<html><body>{Chooser()._repr_html_()}</body></html>")
    assert page.locator(".bs-tool").inner_text() == "An expedited job"
    page.locator("input[value='1']").nth(3).check()  # can it wait? yes
    assert page.locator(".bs-tool").inner_text() == "A scheduled job"
    page.locator("input[value='1']").nth(0).check()  # at a set time? yes
    assert page.locator(".bs-tool").inner_text() == "An alarm"
    assert "SCHEDULE_EXACT_ALARM" in page.locator(".bs-today").inner_text()
