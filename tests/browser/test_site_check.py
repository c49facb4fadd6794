"""The page checker itself catches what it is for: outside requests, charts that fail to draw, script errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import SITE
from tests.browser.site_check import check_page, exercise_bindings, serve

CHART = """<div id="altair-viz-test"></div>
<script>vegaEmbed("#altair-viz-test", {SPEC}, {{mode: "vega-lite"}})
  .catch(e => document.getElementById("altair-viz-test").innerText = "Javascript Error: " + e.message);</script>"""
GOOD_SPEC = (
    '{"data": {"values": [{"a": 1}]}, "mark": "point", "encoding": {"x": {"field": "a", "type": "quantitative"}}}'
)
BAD_SPEC = '{"data": {"values": [{"a": 1}]}, "mark": "no-such-mark"}'


@pytest.fixture
def pages(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    bundle = SITE / "_static" / "backstage" / "vega-bundle.js"
    if not bundle.exists():
        pytest.fail(f"{bundle} missing: run `make book` first")
    (tmp_path / "vega.js").write_text(bundle.read_text(encoding="utf-8"), encoding="utf-8")
    with serve(tmp_path) as url:
        yield tmp_path, url


def write(folder: Path, name: str, body: str) -> str:
    (folder / name).write_text(f"<!doctype html><html><head><script src='vega.js'></script></head><body>{body}"
                               "</body></html>", encoding="utf-8")
    return name


def test_a_drawn_chart_passes(page: Page, pages: tuple[Path, str]) -> None:
    folder, url = pages
    report = check_page(page, url + write(folder, "good.html", CHART.format(SPEC=GOOD_SPEC)), book_chrome=False)
    assert report.charts == 1
    assert report.problems() == []


def test_a_chart_that_fails_to_draw_is_reported(page: Page, pages: tuple[Path, str]) -> None:
    folder, url = pages
    report = check_page(page, url + write(folder, "bad.html", CHART.format(SPEC=BAD_SPEC)), book_chrome=False)
    assert any("chart did not draw: altair-viz-test" in p for p in report.problems()), report.problems()


def test_a_cdn_request_is_blocked_and_reported(page: Page, pages: tuple[Path, str]) -> None:
    folder, url = pages
    cdn = "https://cdn.jsdelivr.net/npm/vega@6"
    report = check_page(page, url + write(folder, "cdn.html", f"<script src='{cdn}'></script>"),
                        book_chrome=False)
    assert report.outside_requests == [cdn]
    assert any(cdn in p for p in report.problems())


def test_a_script_error_is_reported(page: Page, pages: tuple[Path, str]) -> None:
    folder, url = pages
    report = check_page(page, url + write(folder, "err.html", "<script>undefinedFunction()</script>"),
                        book_chrome=False)
    assert any("undefinedFunction" in p for p in report.problems()), report.problems()


def test_a_page_without_the_book_theme_is_reported(page: Page, pages: tuple[Path, str]) -> None:
    folder, url = pages
    report = check_page(page, url + write(folder, "bare.html", "<p>hello</p>"))
    assert "missing: the search box" in report.problems()


def test_a_widget_on_a_static_page_is_reported(page: Page, pages: tuple[Path, str]) -> None:
    folder, url = pages
    state = '<script type="application/vnd.jupyter.widget-state+json">{}</script>'
    report = check_page(page, url + write(folder, "widget.html", state + '<div class="jupyter-widgets"></div>'),
                        book_chrome=False)
    assert "widget on a static page: embedded widget state" in report.problems()
    assert "widget on a static page: an ipywidget view" in report.problems()


def test_a_bound_control_that_changes_nothing_is_reported(page: Page, pages: tuple[Path, str]) -> None:
    folder, url = pages
    # A param bound to a checkbox that no encoding or filter uses: the control moves, the chart does not.
    spec = ('{"params": [{"name": "p", "value": false, "bind": {"input": "checkbox", "name": "dead "}}], '
            '"data": {"values": [{"a": 1}]}, "mark": "point", '
            '"encoding": {"x": {"field": "a", "type": "quantitative"}}}')
    check_page(page, url + write(folder, "dead.html", CHART.format(SPEC=spec)), book_chrome=False)
    assert exercise_bindings(page) == ["altair-viz-test: moving 'dead ' changed nothing"]
