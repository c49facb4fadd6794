"""Page weight of every page of the built book, as a browser loads it from the site's own origin.

Splits what a page transfers into the page itself (its HTML, which carries the charts and their inline data), the
shared Vega bundle, and the theme's shared assets (cached after the first page). Sizes are raw and gzipped (what a
static host such as GitHub Pages sends). Prints a table; asserts nothing. Needs a built book (`make book`).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.site_check import launch, serve, toc_pages  # noqa: E402

SITE = ROOT / "_build" / "html"
BUDGET_KB = 1500  # DESIGN.md: a chapter page, at most 1.5 MB transferred besides the shared Vega bundle


def _sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, 9))


def main() -> None:
    if not (SITE / "index.html").exists():
        sys.exit(f"no built book in {SITE}: run `make book` first")
    pages = toc_pages(ROOT / "_toc.yml")
    print("Page weight (kB): the page's own HTML (charts and their data inline), the shared Vega bundle, the")
    print("theme's shared assets; raw / gzipped. Budget: page + theme at most 1.5 MB besides the Vega bundle.\n")
    print(f"{'page':28} {'page raw':>9} {'gz':>6} {'vega raw':>9} {'gz':>6} {'theme raw':>10} {'gz':>6}  budget")
    with sync_playwright() as p, serve(SITE) as base:
        browser = launch(p)
        for page_path in pages:
            page = browser.new_page()
            files: set[Path] = set()
            page.on("requestfinished", lambda r, seen=files: seen.add(SITE / unquote(urlparse(r.url).path).lstrip("/")))
            page.goto(base + page_path)
            page.wait_for_load_state("networkidle")
            page.close()
            own = _sizes(SITE / page_path)
            vega = [f for f in files if f.name == "vega-bundle.js"]
            theme = [f for f in files if f.is_file() and f != SITE / page_path and f not in vega]
            vega_sizes = [sum(x) for x in zip(*(_sizes(f) for f in vega), strict=True)] if vega else [0, 0]
            theme_sizes = [sum(x) for x in zip(*(_sizes(f) for f in theme), strict=True)] if theme else [0, 0]
            besides_vega_gz = (own[1] + theme_sizes[1]) / 1024
            verdict = "within" if besides_vega_gz <= BUDGET_KB else "OVER"
            print(f"{page_path:28} {own[0] / 1024:9.0f} {own[1] / 1024:6.0f} {vega_sizes[0] / 1024:9.0f} "
                  f"{vega_sizes[1] / 1024:6.0f} {theme_sizes[0] / 1024:10.0f} {theme_sizes[1] / 1024:6.0f}  "
                  f"{verdict} ({besides_vega_gz:.0f} kB gz)")
        browser.close()


if __name__ == "__main__":
    main()
