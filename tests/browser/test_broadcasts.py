"""The chapter "Broadcasts" on the built site, with only the site's own origin reachable: it renders, its charts draw,
its static labs and the storm comparison redraw when a control moves, and its exercises are there with their
solutions closed."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import SCREENSHOTS
from tests.browser.site_check import CHART_SELECTOR, check_page, exercise_bindings

PAGE = "book/broadcasts.html"


def _text(locator) -> str:  # type: ignore[no-untyped-def]
    return (locator.text_content() or "").replace("\u202f", " ")


def test_the_page_renders_alone_with_every_chart_drawn(page: Page, site_url: str) -> None:
    report = check_page(page, site_url + PAGE)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "broadcasts-page.png"), full_page=True)
    assert not report.problems(), report.problems()
    assert report.charts == 3  # the storm lab, the five ways side by side, the slow receiver lab
    article = _text(page.locator("article"))
    assert "Traceback" not in article
    assert "256 times" in article  # the prediction's answer, glued from the run


def test_every_bound_control_changes_its_chart(page: Page, site_url: str) -> None:
    assert not check_page(page, site_url + PAGE).problems()
    problems = exercise_bindings(page)
    assert not problems, problems


def test_the_storm_comparison_follows_its_slider(page: Page, site_url: str) -> None:
    check_page(page, site_url + PAGE)
    chart = page.locator(CHART_SELECTOR).nth(1)
    svg = chart.locator("svg").first
    assert "256" in _text(svg)  # 16 apps, manifest receivers targeting 23: 16 x 16 changes
    chart.locator(".vega-bindings input[type=range]").evaluate(
        "e => { e.value = 32; e.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.wait_for_timeout(300)
    chart.screenshot(path=str(SCREENSHOTS / "broadcasts-comparison-32.png"))
    assert "512" in _text(svg)


def test_the_slow_receiver_lab_shows_the_anr_and_the_job_avoids_it(page: Page, site_url: str) -> None:
    check_page(page, site_url + PAGE)
    chart = page.locator(CHART_SELECTOR).nth(2)
    svg = chart.locator("svg").first
    assert "ANR at 10.0 s" in _text(svg)
    run = chart.locator(".vega-bindings select").nth(2)
    run.select_option(index=2)  # schedule a job
    page.wait_for_timeout(300)
    chart.screenshot(path=str(SCREENSHOTS / "broadcasts-slow-job.png"))
    assert "ANR at" not in _text(svg)
    assert "the job's work: 15.0 s" in _text(svg)


def test_the_exercises_are_there_with_their_solutions_closed(page: Page, site_url: str) -> None:
    check_page(page, site_url + PAGE)
    exercises = page.locator(".exercise")
    assert exercises.count() == 3
    assert page.locator(".exercise .backstage-verdict").count() == 3
    solutions = page.locator(".solution.dropdown")
    assert solutions.count() == 3
    for i in range(3):
        body = solutions.nth(i).locator(".admonition-title ~ *")
        assert body.count() and not any(body.nth(j).is_visible() for j in range(body.count()))
    # the who-hears answer is closed too, and opens on a table
    answer = page.locator(".admonition.dropdown", has_text="The answer, from the simulator")
    assert not answer.locator("table").first.is_visible()
    answer.locator(".admonition-title").click()
    page.wait_for_timeout(300)
    assert answer.locator("table").first.is_visible()
    assert "held until it runs" in _text(answer)
