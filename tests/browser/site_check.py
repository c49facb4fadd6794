"""Checks one page of the built site the way a reader's browser sees it, with every outside request blocked."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import yaml
from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# How long a chart may take to draw after the page has loaded.
CHART_TIMEOUT_MS = 15_000
# Altair's HTML output: a div per chart, which vega-embed fills with an svg or a canvas.
CHART_SELECTOR = "div[id^='altair-viz-']"


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless (never a browser that Playwright would download)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium (make browser does)")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 at a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def toc_pages(toc_file: Path) -> list[str]:
    """Every page named in a jb-book ``_toc.yml``, in reading order, as paths of built HTML files."""
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                pages.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []):
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(toc)
    return [str(Path(p).with_suffix("")) + ".html" for p in pages]


@dataclass
class PageReport:
    """What went wrong on one page; empty lists mean the page is fine."""

    url: str
    outside_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    charts: int = 0
    undrawn_charts: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    dead_widgets: list[str] = field(default_factory=list)
    transferred_bytes: int = 0

    def problems(self) -> list[str]:
        out = [f"request to another origin (blocked): {u}" for u in self.outside_requests]
        out += [f"failed request: {u}" for u in self.failed_requests]
        out += [f"console error: {m}" for m in self.console_errors]
        out += [f"chart did not draw: {c}" for c in self.undrawn_charts]
        out += [f"missing: {m}" for m in self.missing]
        out += [f"widget on a static page: {w}" for w in self.dead_widgets]
        return out


def exercise_bindings(page: Page) -> list[str]:
    """Move every bound control of every chart on the page to another value; report controls that change nothing.

    A control counts as working when the chart's drawing (its svg markup) differs after the change.
    """
    problems = []
    for chart in page.locator(CHART_SELECTOR).all():
        svg = chart.locator("svg").first
        for control in chart.locator(".vega-bindings input, .vega-bindings select").all():
            name = control.evaluate("e => e.closest('.vega-bind').querySelector('.vega-bind-name')?.textContent")
            before = svg.inner_html()
            kind = control.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
            if kind == "input:checkbox":
                control.click()
            elif kind.startswith("select"):
                options = control.evaluate("e => [...e.options].map(o => o.value)")
                current = control.input_value()
                control.select_option(next(v for v in options if v != current))
            elif kind == "input:range":
                control.evaluate("e => { e.value = e.max == e.value ? e.min : e.max; "
                                 "e.dispatchEvent(new Event('input', {bubbles: true})); }")
            else:
                continue
            page.wait_for_timeout(300)
            if svg.inner_html() == before:
                problems.append(f"{chart.get_attribute('id')}: moving {name!r} changed nothing")
    return problems


def check_page(page: Page, url: str, *, book_chrome: bool = True) -> PageReport:
    """Load ``url`` in ``page`` and report outside requests, failures, console errors and undrawn charts.

    ``book_chrome`` also requires the theme's header and the search box, which every book page has.
    """
    report = PageReport(url=url)
    origin = urlparse(url).netloc

    def route(r):  # type: ignore[no-untyped-def]
        if urlparse(r.request.url).netloc == origin or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            report.outside_requests.append(r.request.url)
            r.abort()

    def on_finished(request):  # type: ignore[no-untyped-def]
        sizes = request.sizes()
        report.transferred_bytes += sizes["responseBodySize"] + sizes["responseHeadersSize"]

    def on_failed(request):  # type: ignore[no-untyped-def]
        if urlparse(request.url).netloc == origin:
            report.failed_requests.append(f"{request.url} ({request.failure})")

    def on_response(response):  # type: ignore[no-untyped-def]
        if response.status >= 400:
            report.failed_requests.append(f"{response.url} (HTTP {response.status})")

    page.route("**/*", route)
    page.on("requestfinished", on_finished)
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    page.on("console", lambda m: report.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: report.console_errors.append(str(e)))

    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")

    charts = page.locator(CHART_SELECTOR)
    report.charts = charts.count()
    for i in range(report.charts):
        chart = charts.nth(i)
        chart_id = chart.get_attribute("id") or f"chart {i}"
        try:
            chart.locator("svg, canvas").first.wait_for(state="attached", timeout=CHART_TIMEOUT_MS)
        except Exception:
            text = chart.inner_text().strip()[:200]
            report.undrawn_charts.append(f"{chart_id}" + (f": {text}" if text else ""))

    # A static page never shows a dead ipywidget, nor carries widget state or the scripts that would render it.
    if page.locator(".jupyter-widgets, .widget-area").count():
        report.dead_widgets.append("an ipywidget view")
    if page.locator("script[type='application/vnd.jupyter.widget-state+json']").count():
        report.dead_widgets.append("embedded widget state")
    for script in page.locator("script[src]").evaluate_all("els => els.map(e => e.src)"):
        if "require" in script.rsplit("/", 1)[-1] or "html-manager" in script or "embed-amd" in script:
            report.dead_widgets.append(f"widget script {script}")

    if book_chrome:
        if page.locator(".bd-header").count() == 0:
            report.missing.append("the book theme's header (.bd-header)")
        if page.locator("button.search-button, .search-button-field").count() == 0:
            report.missing.append("the search box")
    return report
