"""Every page in the table of contents, as a reader's browser shows it with only the site's own origin reachable."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ROOT, SCREENSHOTS, SITE
from tests.browser.site_check import check_page, exercise_bindings, toc_pages

PAGES = toc_pages(ROOT / "_toc.yml")


def test_toc_lists_pages_that_were_built() -> None:
    missing = [p for p in PAGES if not (SITE / p).exists()]
    assert not missing, f"pages in _toc.yml with no built HTML: {missing}"


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_alone_and_every_chart_draws(page: Page, site_url: str, path: str) -> None:
    report = check_page(page, site_url + path)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / (path.replace("/", "__") + ".png")), full_page=True)
    problems = report.problems()
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", PAGES)
def test_every_bound_control_changes_its_chart(page: Page, site_url: str, path: str) -> None:
    report = check_page(page, site_url + path)
    assert not report.problems()
    problems = exercise_bindings(page)
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


def test_the_batching_lab_is_interactive_on_the_static_page(page: Page, site_url: str) -> None:
    check_page(page, site_url + "book/batching.html")
    chart = page.locator("div[id^='altair-viz-']").first
    # the interval, the batching switch and the network (LTE, 3G, Wi-Fi)
    assert chart.locator(".vega-bindings select, .vega-bindings input").count() == 3
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    svg = chart.locator("svg").first

    def tail_labels() -> str:
        return (svg.text_content() or "").replace("\u202f", " ")

    # As it opens: A sends each 5-minute sync alone, B batches them: B's tail energy is a fraction of A's.
    chart.screenshot(path=str(SCREENSHOTS / "batching-lab-before.png"))
    assert "A 266" in tail_labels() and "B 22" in tail_labels()
    chart.locator(".vega-bindings input[type=checkbox]").uncheck()
    page.wait_for_timeout(300)
    chart.screenshot(path=str(SCREENSHOTS / "batching-lab-after.png"))
    assert "B 266" in tail_labels()


@pytest.mark.parametrize("path", PAGES)
def test_exercises_are_present_with_their_solutions_closed(page: Page, site_url: str, path: str) -> None:
    check_page(page, site_url + path)
    exercises = page.locator(".exercise")
    solutions = page.locator(".solution.dropdown")
    assert solutions.count() == exercises.count(), "every exercise has one solution, in a dropdown"
    for i in range(solutions.count()):
        body = solutions.nth(i).locator(".admonition-title ~ *")
        assert body.count() and not any(body.nth(j).is_visible() for j in range(body.count())), (
            f"{path}: solution {i + 1} is open as the page loads"
        )


def test_the_scheduled_jobs_chapter_has_its_exercises(page: Page, site_url: str) -> None:
    check_page(page, site_url + "book/scheduled-jobs.html")
    assert page.locator(".exercise").count() >= 3
    # Each exercise cell shows the checker's verdict for the empty answer, not a traceback.
    verdicts = page.locator(".exercise .backstage-verdict")
    assert verdicts.count() == page.locator(".exercise").count()
    assert "Traceback" not in (page.locator("article").text_content() or "")
    page.locator(".solution.dropdown .admonition-title").first.click()
    page.wait_for_timeout(300)
    assert "Correct" in (page.locator(".solution.dropdown").first.text_content() or "")


def test_site_root_redirects_to_the_first_page(page: Page, site_url: str) -> None:
    report = check_page(page, site_url, book_chrome=False)
    page.wait_for_url(f"**/{PAGES[0]}")
    assert not report.problems(), report.problems()


def test_intro_shows_the_release_history_chart(page: Page, site_url: str) -> None:
    report = check_page(page, site_url + "book/intro.html")
    assert report.charts == 1
    label = page.locator("div[id^='altair-viz-'] [aria-label]").first.get_attribute("aria-label") or ""
    assert "Grid of Android releases" in label, label
    # The chart's cells name the restrictions (text, not colour alone).
    svg_text = page.locator("div[id^='altair-viz-'] svg").first.text_content() or ""
    assert "standby" in svg_text and "Doze" in svg_text


def test_on_a_phone_a_wide_chart_scrolls_sideways_instead_of_being_cut_off(browser, site_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 420, "height": 900})
    page = context.new_page()
    check_page(page, site_url + "book/batching.html")
    chart = page.locator("div[id^='altair-viz-']").first
    overflow, scroll_width, client_width = chart.evaluate(
        "e => [getComputedStyle(e).overflowX, e.scrollWidth, e.clientWidth]")
    assert scroll_width > client_width and overflow == "auto"
    assert page.evaluate("document.documentElement.scrollWidth") <= 420  # the page itself does not overflow
    context.close()
