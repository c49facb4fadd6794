"""Live labs in headless Chromium on the built site: the real simulator running in the page (Pyodide).

Measures, as a reader meets them:
* from the click on "Run live in your browser" to a live lab, with an empty browser cache (split into download,
  Python's boot, installing simpy and the simulator, and the first run and redraw) and with the cache warm (the
  page opened again);
* a control change to the redrawn chart, for every control of every lab of the book (ranges moved to values between
  the static twin's grid points, every option of a choice, toggles both ways).

The site is served from 127.0.0.1 with `Cache-Control: max-age=600`, as GitHub Pages serves it. Budgets (DESIGN.md,
issue 14): click to live at most 10 s cold and 3 s warm; control change to redraw at most 250 ms at the 95th
percentile. Prints a table; asserts nothing. Needs a built book (`make book`).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import random
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.site_check import CHROMIUM, CHROMIUM_ARGS, toc_pages  # noqa: E402

SITE = ROOT / "_build" / "html"
COLD_RUNS = 3
RANGE_MOVES = 8
TIMEOUT_MS = 120_000
BUDGET_COLD_S, BUDGET_WARM_S, BUDGET_P95_MS = 10.0, 3.0, 250.0


SERVED = {"bytes": 0}  # what the server sent (a response from the browser's cache sends nothing)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
        before = source.tell()
        super().copyfile(source, outputfile)
        SERVED["bytes"] += source.tell() - before

    def guess_type(self, path: str) -> str:  # type: ignore[override]
        return "application/wasm" if str(path).endswith(".wasm") else super().guess_type(path)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def _serve(root: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _open(page: Page, url: str) -> list[str]:
    """Open ``url``; the requests to another origin it made (none reach it: see _browser)."""
    outside: list[str] = []
    origin = url.split("/")[2]
    page.on("request", lambda r: outside.append(r.url) if r.url.split("/")[2] != origin
            and not r.url.startswith(("data:", "blob:")) else None)
    page.goto(url, wait_until="load")
    return outside


def _browser(p: Any, profile: Path | None = None) -> Any:
    """Chromium on which every host but 127.0.0.1 is unreachable (not Playwright's routing, which would turn the
    HTTP cache off); with ``profile``, a persistent context whose cache is on disk, as in a reader's browser (an
    in-memory cache keeps no 10 MB file)."""
    args = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
    if profile is not None:
        return p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, headless=True, args=args)
    return p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)


def _go_live(page: Page, index: int) -> dict[str, Any]:
    """Click lab ``index``'s button and wait for its first live redraw; the page's own timings."""
    box = page.locator(".backstage-lab").nth(index)
    box.locator(".backstage-live-button").click()
    page.wait_for_function("b => Number(b.dataset.liveRuns || 0) >= 1 || b.classList.contains('backstage-live-failed')",
                           arg=box.element_handle(), timeout=TIMEOUT_MS)
    status = box.locator(".backstage-live-status").inner_text()
    if "backstage-live-failed" in (box.get_attribute("class") or ""):
        raise RuntimeError(f"lab {index} did not go live: {status}")
    return page.evaluate("i => ({boot: window.backstageLive.boot, "
                         "first: window.backstageLive.redraws.filter(r => r.lab === i && r.kind === 'first')[0]})",
                         index)


def click_to_live(p: Any, base: str, path: str) -> None:
    print("Click to live (s), the first lab of", path)
    print(f"{'':10} {'download':>9} {'boot':>6} {'install':>8} {'first run':>10} {'total':>7}  {'MB served':>10}")
    colds, warms = [], []
    for _ in range(COLD_RUNS):
        with tempfile.TemporaryDirectory() as profile:
            context = _browser(p, Path(profile))  # a new profile: an empty cache
            page = context.new_page()
            outside = _open(page, base + path)
            SERVED["bytes"] = 0
            cold = _go_live(page, 0)
            colds.append(cold)
            _row("cold", cold, SERVED["bytes"] / 1e6)
            page.close()
            page = context.new_page()  # the same browser, its cache warm: the page again
            outside += _open(page, base + path)
            SERVED["bytes"] = 0
            warm = _go_live(page, 0)
            warms.append(warm)
            _row("warm", warm, SERVED["bytes"] / 1e6)
            if outside:
                print("  requests to another origin (unreachable):", outside)
            context.close()
    cold_s = statistics.median(c["first"]["ms"] for c in colds) / 1000
    warm_s = statistics.median(w["first"]["ms"] for w in warms) / 1000
    cold_verdict = "within" if cold_s <= BUDGET_COLD_S else "OVER"
    warm_verdict = "within" if warm_s <= BUDGET_WARM_S else "OVER"
    print(f"median: cold {cold_s:.2f} s (budget {BUDGET_COLD_S:.0f} s: {cold_verdict}), "
          f"warm {warm_s:.2f} s (budget {BUDGET_WARM_S:.0f} s: {warm_verdict})")


def _row(label: str, timing: dict[str, Any], mb: float) -> None:
    boot, first = timing["boot"], timing["first"]
    run_ms = first["ms"] - boot["total_ms"]
    print(f"{label:10} {boot['download_ms'] / 1000:9.2f} {boot['boot_ms'] / 1000:6.2f} "
          f"{boot['install_ms'] / 1000:8.2f} {run_ms / 1000:10.2f} {first['ms'] / 1000:7.2f}  {mb:10.1f}")


def _moves(control: dict[str, Any], rng: random.Random) -> list[tuple[str, Any]]:
    """The events that move a control through its values, and back to its default."""
    if control["kind"] == "range":
        lo, hi, step = control["min"], control["max"], control["live_step"]
        count = round((hi - lo) / step)
        values = [lo + step * rng.randrange(count + 1) for _ in range(RANGE_MOVES)]
        return [("range", v) for v in values] + [("range", control["default"])]
    if control["kind"] == "toggle":
        return [("toggle", not control["default"]), ("toggle", control["default"])]
    options = control["options"]
    others = [i for i, o in enumerate(options) if o != control["default"]]
    return [("choice", i) for i in others] + [("choice", options.index(control["default"]))]


MOVE = """([box, name, kind, value]) => {
  const input = box.querySelector(`.vega-bindings [name='${name}']`);
  if (kind === 'range') { input.value = value; input.dispatchEvent(new Event('input', {bubbles: true})); }
  else if (kind === 'toggle') { input.checked = value; input.dispatchEvent(new Event('change', {bubbles: true})); }
  else { input.selectedIndex = value; input.dispatchEvent(new Event('change', {bubbles: true})); }
}"""


def control_changes(browser: Browser, base: str) -> None:
    print("Control change to redrawn chart (ms), live in the browser, every control of every lab")
    print(f"{'lab':36} {'changes':>7} {'p50':>6} {'p95':>6} {'max':>6}  {'python p50':>10}")
    rng = random.Random(14)
    everything: list[float] = []
    for path in toc_pages(ROOT / "_toc.yml"):
        context = browser.new_context()
        page = context.new_page()
        _open(page, base + path)
        boxes = page.locator(".backstage-lab")
        for i in range(boxes.count()):
            box = boxes.nth(i)
            _go_live(page, i)
            spec = box.evaluate("b => b.backstageLab.spec")
            handle = box.element_handle()
            for control in spec["controls"]:
                for kind, value in _moves(control, rng):
                    runs = int(box.evaluate("b => Number(b.dataset.liveRuns)"))
                    page.evaluate(MOVE, [handle, control["name"], kind, value])
                    page.wait_for_function("([b, n]) => Number(b.dataset.liveRuns) > n", arg=[handle, runs],
                                           timeout=TIMEOUT_MS)
            redraws = page.evaluate("i => window.backstageLive.redraws.filter(r => r.lab === i && r.kind === 'change')",
                                    i)
            ms = [r["ms"] for r in redraws]
            everything += ms
            title = f"{path.removeprefix('book/').removesuffix('.html')} lab {i + 1} ({scenario_name(spec)})"
            print(f"{title[:36]:36} {len(ms):7} {statistics.median(ms):6.0f} {_p95(ms):6.0f} {max(ms):6.0f}  "
                  f"{statistics.median(r['python_ms'] for r in redraws):10.0f}")
        context.close()
    p95 = _p95(everything)
    verdict = "within" if p95 <= BUDGET_P95_MS else "OVER"
    print(f"{'all labs':36} {len(everything):7} {statistics.median(everything):6.0f} {p95:6.0f} "
          f"{max(everything):6.0f}  (budget p95 {BUDGET_P95_MS:.0f} ms: {verdict})")


def scenario_name(spec: dict[str, Any]) -> str:
    return str(spec["scenario"]["name"])


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    if not (SITE / "_static" / "backstage" / "live" / "files.json").exists():
        sys.exit(f"no live labs in {SITE}: run `make book` first")
    with sync_playwright() as p, _serve(SITE) as base:
        first_lab_page = next(path for path in toc_pages(ROOT / "_toc.yml")
                              if "backstage-live-spec" in (SITE / path).read_text(encoding="utf-8"))
        click_to_live(p, base, first_lab_page)
        print()
        browser = _browser(p)
        control_changes(browser, base)
        browser.close()


if __name__ == "__main__":
    main()
