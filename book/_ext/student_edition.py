"""Build the student edition: the same book with every exercise's solution left out (`make student`).

sphinx-exercise's own ``hide_solutions`` option fails on gated solutions (``solution-start``/``solution-end``,
which this book uses so that code cells can sit inside a solution: "unknown node type: solution_end_node").
So this extension removes the solutions itself, after sphinx-exercise has merged each gated solution into one
node, when the environment asks for the student edition.
"""

from __future__ import annotations

import os

from docutils import nodes
from sphinx.application import Sphinx
from sphinx_exercise.nodes import solution_node

STUDENT_ENV = "BACKSTAGE_STUDENT"


def _drop_solutions(app: Sphinx, doctree: nodes.document) -> None:
    if os.environ.get(STUDENT_ENV, "") != "1":
        return
    for node in list(doctree.findall(solution_node)):
        node.parent.remove(node)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("doctree-read", _drop_solutions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
