"""The instructors' page covers every chapter: objectives, prerequisites, a time estimate, the guide's section and
the Android the numbers assume, each chapter under its own label."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "book" / "instructors.md").read_text()


def _chapters() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    part = next(p for p in toc["parts"] if p["caption"] == "Background work")
    return [Path(c["file"]).name for c in part["chapters"]]


def test_every_chapter_has_a_section_with_what_an_instructor_needs() -> None:
    for chapter in _chapters():
        label = f"(instructors-{chapter})="
        assert label in PAGE, f"book/instructors.md has no section {label} for the chapter {chapter}"
        section = PAGE.split(label, 1)[1].split("\n(instructors-", 1)[0].split("\n## ", 1)[0]
        for field in ("**Guide section:**", "**Objectives:**", "**Prerequisites:**", "**Time:**",
                      "**Android assumed:**"):
            assert field in section, f"{chapter}: the instructors' section lacks {field}"
        assert re.search(r"\*\*Time:\*\* \d+ minutes", section)


def test_the_page_is_in_the_table_of_contents() -> None:
    assert "book/instructors" in (ROOT / "_toc.yml").read_text()


def test_the_worked_example_of_a_new_exercise_works_as_written() -> None:
    from widgets.chapters import scheduled_jobs
    from widgets.exercises import Exercises

    code = re.search(r"```python\n(.*?)```", PAGE, re.S).group(1)  # type: ignore[union-attr]
    namespace = dict(vars(scheduled_jobs))
    exec(code, namespace)
    exercises = Exercises(namespace, [namespace["NIGHT"]])
    assert exercises.solution("night").verdict.correct
    for wrong in namespace["NIGHT"].wrong:
        assert not exercises.check("night", exercises.evaluate(wrong)).correct
