"""Live labs on the built site: "Run live in your browser" runs the real simulator in the page (Pyodide, served by
the site itself), with every outside request blocked. Few and quick: one lab goes live once."""

from __future__ import annotations

import math
from urllib.parse import urlparse

from playwright.sync_api import Page

import sim
from tests.browser.conftest import SCREENSHOTS
from tests.browser.site_check import check_page
from widgets.chapters import scheduled_jobs as chapter

LIVE_TIMEOUT_MS = 90_000  # from the click to a live lab on a loaded CI machine (the budget, 10 s, is for `make bench`)


def _runs(box) -> int:  # type: ignore[no-untyped-def]
    return int(box.evaluate("b => Number(b.dataset.liveRuns || 0)"))


def test_a_lab_goes_live_and_a_slider_between_grid_points_redraws_with_sim_run(page: Page, site_url: str) -> None:
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    report = check_page(page, site_url + "book/scheduled-jobs.html")
    assert not report.problems()
    early = [u for u in fetched if "/live/" in u and urlparse(u).path.rsplit("/", 1)[1] not in ("live.js", "live.css")]
    assert not early, f"nothing of the live simulator is fetched before the reader asks for it: {early}"

    box = page.locator(".backstage-lab", has=page.locator(".vega-bindings input[name='apps']"))
    slider = box.locator(".vega-bindings input[name='apps']")
    assert slider.get_attribute("step") == "2"  # the static twin: the grid's points only
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    box.screenshot(path=str(SCREENSHOTS / "live-lab-before.png"))

    box.locator(".backstage-live-button").click()
    box.locator(".backstage-live-progress").wait_for(state="visible", timeout=5_000)
    page.wait_for_function("b => Number(b.dataset.liveRuns || 0) >= 1", arg=box.element_handle(),
                           timeout=LIVE_TIMEOUT_MS)
    assert "Live" in box.locator(".backstage-live-status").inner_text()
    assert slider.get_attribute("step") == "1"  # live: any whole number of apps

    # 5 apps: between the twin's grid points (2, 4, 6 ...), so only the live simulator can draw it.
    slider.evaluate("e => { e.value = 5; e.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.wait_for_function("b => Number(b.dataset.liveRuns || 0) >= 2", arg=box.element_handle(), timeout=30_000)
    box.screenshot(path=str(SCREENSHOTS / "live-lab-after.png"))

    lab = box.evaluate("b => ({values: b.backstageLab.values, summary: b.backstageLab.summary})")
    assert lab["values"] == {"apps": 5, "mechanism": "job"}
    truth = sim.run(chapter.fleet_scenario(5, "job"), seed=chapter.fleet_lab().seed).summary
    for key, value in truth.items():
        assert lab["summary"][key] == (None if isinstance(value, float) and math.isnan(value) else value), key

    # The chart shows those numbers: B's column of the table, as the chart formats them.
    drawn = (box.locator("svg").first.text_content() or "").replace("\u202f", " ")
    assert f"{truth['wakeups']:,.0f}" in drawn and f"{truth['battery_drained_mah']:,.0f}" in drawn
    assert slider.evaluate("e => e.nextElementSibling.textContent") == "5"  # the value the slider shows

    assert report.outside_requests == [] and report.failed_requests == [] and report.console_errors == []
    assert any("/live/pyodide/pyodide.asm.wasm" in u for u in fetched)  # served by the site itself


def test_without_webassembly_the_lab_stays_precomputed_and_says_why(page: Page, site_url: str) -> None:
    page.add_init_script("delete window.WebAssembly")
    report = check_page(page, site_url + "book/batching.html")
    assert not report.problems()
    box = page.locator(".backstage-lab").first
    before = box.locator("svg").first.inner_html()
    box.locator(".backstage-live-button").click()
    assert "cannot run WebAssembly" in box.locator(".backstage-live-status").inner_text()
    assert box.locator(".backstage-live-button").is_disabled()
    assert box.locator("svg").first.inner_html() == before and box.locator("svg").first.is_visible()
    assert report.outside_requests == []


def test_an_exercise_answered_wrong_then_right_in_the_browser_gets_the_kernels_verdicts(page: Page,
                                                                                        site_url: str) -> None:
    report = check_page(page, site_url + "book/scheduled-jobs.html")
    assert not report.problems()
    box = page.locator(".backstage-exercise[data-exercise='unmetered']")
    exercise = chapter.EXERCISES["unmetered"]
    for n, (source, word) in enumerate(((exercise.wrong[0], "Not yet"), (exercise.solution, "Correct")), start=1):
        box.locator("textarea").fill(source)
        box.locator(".backstage-live-button").click()
        page.wait_for_function("([b, n]) => Number(b.dataset.checks || 0) >= n", arg=[box.element_handle(), n],
                               timeout=LIVE_TIMEOUT_MS)
        shown = box.locator(".backstage-exercise-verdict").inner_text()
        kernel = chapter.EXERCISES.check("unmetered", chapter.EXERCISES.evaluate(source))
        assert word in shown and kernel.message in shown, shown
    box.screenshot(path=str(SCREENSHOTS / "live-exercise.png"))
    assert report.outside_requests == [] and report.failed_requests == [] and report.console_errors == []
