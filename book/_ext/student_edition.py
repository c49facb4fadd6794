"""Build the student edition: the same book with every exercise's solution left out (`make student`).

The pages lose their solution dropdowns, and so do the sources a reader can download from each page (the
``.md`` and the executed ``.ipynb`` under ``_sources/``), which would otherwise carry the solutions and their
outputs.

sphinx-exercise's own ``hide_solutions`` option fails on gated solutions (``solution-start``/``solution-end``,
which this book uses so that code cells can sit inside a solution: "unknown node type: solution_end_node").
So this extension removes the solutions itself, after sphinx-exercise has merged each gated solution into one
node, when the environment asks for the student edition.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx_exercise.nodes import solution_node

STUDENT_ENV = "BACKSTAGE_STUDENT"


def _drop_solutions(app: Sphinx, doctree: nodes.document) -> None:
    if os.environ.get(STUDENT_ENV, "") != "1":
        return
    for node in list(doctree.findall(solution_node)):
        node.parent.remove(node)


#: A gated solution in MyST source, from its opening fence to its closing one.
_GATED_SOLUTION = re.compile(r"^(`{3,})\{solution-start\}.*?^\1\{solution-end\}\n\1\n?", re.S | re.M)


def strip_markdown(text: str) -> str:
    """MyST source without its gated solutions."""
    return _GATED_SOLUTION.sub("", text)


_START = re.compile(r"^`{3,}\{solution-start\}", re.M)
_END = re.compile(r"^(`{3,})\{solution-end\}\n\1[ \t]*(\n|$)", re.M)


def strip_notebook(notebook: dict) -> dict:
    """A notebook without its gated solutions: the text from each ``{solution-start}`` fence to the end of its
    ``{solution-end}`` fence, across cells (a solution's code cells sit between two Markdown cells)."""
    kept, inside = [], False
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            if not inside:
                kept.append(cell)
            continue
        rest, out = "".join(cell.get("source", [])), ""
        while rest:
            if inside:
                end = _END.search(rest)
                if end is None:
                    rest = ""
                else:
                    rest, inside = rest[end.end():], False
            else:
                start = _START.search(rest)
                if start is None:
                    out, rest = out + rest, ""
                else:
                    out, rest, inside = out + rest[:start.start()], rest[start.start():], True
        if out.strip():
            kept.append({**cell, "source": out})
    return {**notebook, "cells": kept}


def _strip_sources(app: Sphinx, error: Exception | None) -> None:
    if error is not None or os.environ.get(STUDENT_ENV, "") != "1":
        return
    sources = Path(app.outdir) / "_sources"
    for path in sources.rglob("*.md"):
        path.write_text(strip_markdown(path.read_text(encoding="utf-8")), encoding="utf-8")
    for path in sources.rglob("*.ipynb"):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(strip_notebook(notebook), indent=1, ensure_ascii=False), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("doctree-read", _drop_solutions)
    app.connect("build-finished", _strip_sources)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
