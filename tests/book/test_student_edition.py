"""The student edition (`make student`) gives no answer away: no exercise's solution, its explanation or the
verdict its solution earns appears in any page, download or search index of the built site."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from tests.widgets.test_exercises import CHAPTERS

ROOT = Path(__file__).resolve().parents[2]
STUDENT = ROOT / "_build" / "student" / "_build" / "html"
TEACHER = ROOT / "_build" / "html"

pytestmark = pytest.mark.student


def _site_text(site: Path) -> str:
    if not (site / "index.html").exists():
        pytest.fail(f"no built site in {site}: run `make student` (and `make book`) first")
    texts = []
    for path in site.rglob("*"):
        if path.suffix in {".html", ".md", ".ipynb", ".js", ".txt", ".json"} and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            texts.append(text)
            texts.append(html.unescape(text))
            if path.suffix in {".ipynb", ".json", ".js"}:  # strings escaped for JSON: \" and \n
                texts.append(text.replace('\\"', '"').replace("\\n", "\n"))
    return "\n".join(texts)


def _give_aways() -> list[tuple[str, str]]:
    found = []
    for chapter, exercises in CHAPTERS:
        for name, exercise in exercises.items():
            shown = exercises.solution(name)
            first_line = f"answer = {exercise.solution}".splitlines()[0]
            found.append((f"{chapter}.{name}: the solution's code", first_line))
            if exercise.explain:
                found.append((f"{chapter}.{name}: the explanation", exercise.explain.split(". ")[0][:60]))
            found.append((f"{chapter}.{name}: the solution's verdict", shown.verdict.message[:60]))
    return found


@pytest.fixture(scope="module")
def student_text() -> str:
    return _site_text(STUDENT)


@pytest.mark.parametrize(("what", "text"), _give_aways())
def test_the_student_edition_does_not_contain(student_text: str, what: str, text: str) -> None:
    assert text not in student_text, f"{what} appears in the student edition: {text!r}"


def test_the_search_is_meaningful_the_full_edition_has_them_all() -> None:
    teacher = _site_text(TEACHER)
    missing = [what for what, text in _give_aways() if text not in teacher]
    assert not missing, f"the full edition lacks: {missing}"


def test_the_student_edition_keeps_the_exercises_themselves(student_text: str) -> None:
    for _chapter, exercises in CHAPTERS:
        for name in exercises:
            assert f'check("{name}", answer)' in student_text
