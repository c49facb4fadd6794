"""Every chapter runs as a live notebook (Binder, `make lab`): no cell fails, and each lab is a widget there."""

from __future__ import annotations

import os
from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

from tests.browser.site_check import toc_pages

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = [str(Path(p).with_suffix(".md")) for p in toc_pages(ROOT / "_toc.yml")]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _is_notebook(page: str) -> bool:
    """A page that is a notebook: MyST with a kernelspec (a plain page may quote code cells in an example)."""
    text = (ROOT / page).read_text()
    return text.startswith("---\n") and "kernelspec:" in text.split("\n---", 1)[0]


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if _is_notebook(c)])
def test_the_chapter_runs_in_a_live_kernel(chapter: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # A live kernel is not a book build: labs show their ipywidgets panel, not the static twin.
    monkeypatch.delenv("BACKSTAGE_STATIC", raising=False)
    notebook = jupytext.read(ROOT / chapter)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str((ROOT / chapter).parent)}})
    client.execute(env={k: v for k, v in os.environ.items() if k != "BACKSTAGE_STATIC"})
    errors = [o for cell in notebook.cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    labs = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip() in
            {"lab", "refresh", "fleet", "album", "music", "upload", "compress", "storm", "slow", "reminder",
             "sync", "buckets"}]
    for cell in labs:
        bundles = [o.get("data", {}) for o in cell.outputs if o.get("output_type") == "execute_result"]
        assert any(WIDGET_VIEW in b for b in bundles), f"{chapter}: the lab cell {cell.source!r} shows no widget"
