"""How a figure is made: every lab on every page shows the code that made it, read from the functions it runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.site_check import toc_pages
from widgets.chapters import scheduled_jobs
from widgets.source import HowMade

ROOT = Path(__file__).resolve().parents[2]


def test_the_toggle_shows_each_functions_source_and_where_it_lives() -> None:
    shown = HowMade(scheduled_jobs.refresh_scenario, scheduled_jobs.refresh_lab)
    page = shown._repr_html_()
    assert page.startswith('<details class="bs-how"') and "<summary" in page and "<script" not in page
    assert "widgets/chapters/scheduled_jobs.py: refresh_scenario" in page
    assert "refresh_job(constraints, interval_min)" in shown.sources()[0][1]  # the code the lab really runs


@pytest.mark.parametrize(("args", "kwargs", "match"), [
    ((), {}, r"HowMade\(functions=\(\)\): allowed one or more Python functions"),
    (("refresh",), {}, r"allowed one or more Python functions"),
    ((scheduled_jobs.refresh_lab,), {"title": ""}, r"HowMade\(title=''\): allowed a non-empty string"),
])
def test_bad_input_is_refused_naming_the_argument(args: tuple, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        HowMade(*args, **kwargs)


def _lab_cells(text: str) -> list[tuple[str, str]]:
    """(lab name, the next code cell's source) for each code cell that shows a lab of the page."""
    labs = set(re.findall(r"^(\w+) = chapter\.\w*lab\(\)$", text, re.M))
    cells = re.findall(r"```\{code-cell\} ipython3\n(.*?)```", text, re.S)
    bodies = [re.sub(r"^:tags:.*\n", "", c).strip() for c in cells]
    return [(b, bodies[i + 1] if i + 1 < len(bodies) else "") for i, b in enumerate(bodies) if b in labs]


@pytest.mark.parametrize("page", [p for p in toc_pages(ROOT / "_toc.yml")])
def test_every_lab_on_a_page_is_followed_by_how_it_is_made(page: str) -> None:
    text = (ROOT / page).with_suffix(".md").read_text()
    for lab, following in _lab_cells(text):
        assert following.startswith("HowMade("), f"{page}: the lab {lab!r} is not followed by HowMade(...)"


def test_the_lab_finder_finds_the_labs_it_checks() -> None:
    text = (ROOT / "book" / "scheduled-jobs.md").read_text()
    assert [lab for lab, _ in _lab_cells(text)] == ["refresh", "fleet", "album"]
