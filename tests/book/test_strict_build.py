"""The book's configuration makes every kind of page error fatal, and says which page it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"

HEADER = """---
jupytext:
  text_representation: {extension: .md, format_name: myst}
kernelspec: {display_name: Python 3, language: python, name: python3}
---
"""

PAGES = {
    "fine": "# A fine page\n\nNothing wrong here.\n",
    "raises": "# A cell that raises\n\n```{code-cell} ipython3\nraise RuntimeError('boom from a cell')\n```\n",
    "directive": "# An unknown directive\n\n```{no-such-directive}\nbody\n```\n",
    "xref": "# A broken cross-reference\n\nSee {ref}`no-such-label`.\n",
    "exercise": (
        "# An exercise\n\n````{exercise-start}\n:label: ex-one\n````\n\nWhat is 6 x 7?\n\n"
        "````{exercise-end}\n````\n\n````{solution-start} ex-one\n:class: dropdown\n````\n\n"
        "```{code-cell} ipython3\nprint('the answer is', 6 * 7)\n```\n\n````{solution-end}\n````\n"
    ),
}


def build_broken_book(tmp_path: Path, broken: list[str], env: dict[str, str] | None = None
                      ) -> subprocess.CompletedProcess[str]:
    """Build a book made of the fine page and the ``broken`` ones, with the project's own configuration."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    shutil.copytree(ROOT / "book" / "_ext", tmp_path / "book" / "_ext")
    for name in ["fine", *broken]:
        (tmp_path / "book" / f"{name}.md").write_text(HEADER + PAGES[name], encoding="utf-8")
    toc = {"format": "jb-book", "root": "book/fine", "chapters": [{"file": f"book/{n}"} for n in broken]}
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump(toc), encoding="utf-8")
    return subprocess.run(
        [str(JUPYTER_BOOK), "build", "--all", "-W", "-n", "--keep-going", str(tmp_path)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path, env={**os.environ, **(env or {})},
    )


def test_a_cell_that_raises_fails_the_build_and_names_the_page(tmp_path: Path) -> None:
    # nb_execution_raise_on_error stops the build at the first failing notebook.
    result = build_broken_book(tmp_path, ["raises"])
    output = result.stdout + result.stderr
    assert result.returncode != 0, "a cell that raised still gave exit code 0"
    assert "boom from a cell" in output and "book/raises" in output


def test_unknown_directives_and_broken_references_fail_the_build_and_name_the_page(tmp_path: Path) -> None:
    result = build_broken_book(tmp_path, ["directive", "xref"])
    output = result.stdout + result.stderr
    assert result.returncode != 0, "warnings did not fail the build"
    assert "no-such-directive" in output and "book/directive" in output
    assert "no-such-label" in output and "book/xref" in output


def test_the_student_edition_keeps_exercises_and_leaves_out_solutions(tmp_path: Path) -> None:
    teacher = build_broken_book(tmp_path / "teacher", ["exercise"])
    student = build_broken_book(tmp_path / "student", ["exercise"], env={"BACKSTAGE_STUDENT": "1"})
    assert teacher.returncode == 0 and student.returncode == 0, student.stdout[-2000:]
    teacher_html = (tmp_path / "teacher" / "_build" / "html" / "book" / "exercise.html").read_text()
    student_html = (tmp_path / "student" / "_build" / "html" / "book" / "exercise.html").read_text()
    assert "What is 6 x 7?" in teacher_html and "What is 6 x 7?" in student_html
    assert "the answer is 42" in teacher_html
    assert "the answer is 42" not in student_html and 'class="solution' not in student_html
    # nor do the page's downloadable sources (the MyST source and the executed notebook)
    sources = tmp_path / "student" / "_build" / "html" / "_sources" / "book"
    for name in ("exercise.md", "exercise.ipynb"):
        text = (sources / name).read_text()
        assert "What is 6 x 7?" in text and "the answer is" not in text and "solution-start" not in text, name
