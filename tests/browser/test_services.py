"""The chapter "Services" as a reader's browser shows it, with only the site's own origin reachable: it renders, its
static labs redraw when a control moves, its table and exercises are there with their solutions closed."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import SCREENSHOTS
from tests.browser.site_check import check_page, exercise_bindings

PATH = "book/services.html"


def _open(page: Page, site_url: str) -> None:
    report = check_page(page, site_url + PATH)
    assert not report.problems(), "\n".join(report.problems())  # no outside request, no console error, charts draw


def test_the_page_renders_alone_with_its_three_labs(page: Page, site_url: str) -> None:
    _open(page, site_url)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "services.png"), full_page=True)
    charts = page.locator("div[id^='altair-viz-']")
    assert charts.count() == 3
    for i in range(3):
        assert charts.nth(i).locator("svg").count() >= 1
    text = page.locator("article").text_content() or ""
    assert "Traceback" not in text
    assert "stopped: app idle" in (charts.nth(0).locator("svg").first.text_content() or "")


def test_the_music_lab_stops_the_music_in_b_when_b_becomes_a_background_service(page: Page, site_url: str) -> None:
    _open(page, site_url)
    chart = page.locator("div[id^='altair-viz-']").first
    svg = chart.locator("svg").first

    def stops() -> int:
        return (svg.text_content() or "").count("stopped: app idle")

    assert stops() == 1  # A, the background service; B, the foreground service, plays on
    chart.screenshot(path=str(SCREENSHOTS / "services-music-before.png"))
    chart.locator(".vega-bindings select").first.select_option("started")
    page.wait_for_timeout(300)
    chart.screenshot(path=str(SCREENSHOTS / "services-music-after.png"))
    assert stops() == 2


def test_every_control_of_the_page_changes_its_chart(page: Page, site_url: str) -> None:
    _open(page, site_url)
    problems = exercise_bindings(page)
    assert not problems, "\n".join(problems)


def test_the_background_start_table_shows_the_refusal_on_12_and_14(page: Page, site_url: str) -> None:
    _open(page, site_url)
    row = page.locator("table tr", has_text="from the background (a job)")
    assert row.count() == 1
    cells = [c.strip() for c in row.locator("td").all_text_contents()]
    assert cells == ["runs", "refused", "refused"]


def test_the_exercises_show_a_verdict_and_their_solutions_start_closed(page: Page, site_url: str) -> None:
    _open(page, site_url)
    exercises = page.locator(".exercise")
    assert exercises.count() == 3
    assert page.locator(".exercise .backstage-verdict").count() == 3
    solutions = page.locator(".solution.dropdown")
    assert solutions.count() == 3
    for i in range(3):
        body = solutions.nth(i).locator(".admonition-title ~ *")
        assert not any(body.nth(j).is_visible() for j in range(body.count()))
    solutions.first.locator(".admonition-title").click()
    page.wait_for_timeout(300)
    assert "Correct" in (solutions.first.text_content() or "")


def test_each_prediction_reveals_its_answer_only_once_the_reader_chooses(page: Page, site_url: str) -> None:
    _open(page, site_url)
    predictions = page.locator(".bs-predict")
    assert predictions.count() == 4
    first = predictions.first
    reveal = first.locator(".bs-reveal")
    assert not reveal.is_visible()
    first.locator("label").nth(2).click()  # "about a minute after the user switches apps"
    assert reveal.is_visible()
    assert "60 s after the user switches apps" in (reveal.text_content() or "")
