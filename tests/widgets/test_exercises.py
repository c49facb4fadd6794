"""Every chapter's exercises, read from the one place each lives (its Exercise in widgets/chapters/<chapter>.py):
the worked solution is accepted, each likely wrong answer is refused with a hint that does not state the solution,
and an answer that is missing or of the wrong kind gets a plain message, never a traceback."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import widgets.chapters
from widgets.exercises import Exercise, Exercises, Verdict


def _chapters() -> list[tuple[str, Exercises]]:
    found = []
    for info in pkgutil.iter_modules(widgets.chapters.__path__):
        module = importlib.import_module(f"widgets.chapters.{info.name}")
        if isinstance(getattr(module, "EXERCISES", None), Exercises):
            found.append((info.name, module.EXERCISES))
    return found


CHAPTERS = _chapters()
CASES = [(chapter, name) for chapter, exercises in CHAPTERS for name in exercises]
WRONG = [(chapter, name, source) for chapter, exercises in CHAPTERS for name, ex in exercises.items()
         for source in ex.wrong]


def _exercises(chapter: str) -> Exercises:
    return dict(CHAPTERS)[chapter]


def test_the_chapters_with_exercises_are_found() -> None:
    assert "scheduled_jobs" in dict(CHAPTERS)


@pytest.mark.parametrize(("chapter", "name"), CASES)
def test_the_worked_solution_is_accepted(chapter: str, name: str) -> None:
    shown = _exercises(chapter).solution(name)
    assert shown.verdict.correct, shown.verdict.message
    assert f"answer = {shown.exercise.solution}" in shown._repr_markdown_()


@pytest.mark.parametrize(("chapter", "name"), CASES)
def test_each_exercise_lists_wrong_answers_the_tests_can_run(chapter: str, name: str) -> None:
    assert _exercises(chapter)[name].wrong, "list at least one likely wrong answer"


def _literals(source: str) -> set[str]:
    """The numbers and quoted strings of a solution's source: what a give-away message would repeat."""
    found = set(re.findall(r"\"[^\"]+\"|'[^']+'", source))
    found |= {n for n in re.findall(r"(?<![\w.])\d[\d_.]*", source) if len(n.replace("_", "")) > 1}
    return found


@pytest.mark.parametrize(("chapter", "name", "source"), WRONG)
def test_a_wrong_answer_is_refused_with_a_hint_that_does_not_give_the_answer_away(
        chapter: str, name: str, source: str) -> None:
    exercises = _exercises(chapter)
    exercise = exercises[name]
    verdict = exercises.check(name, exercises.evaluate(source))
    assert not verdict.correct
    assert len(verdict.message) > 20
    assert exercise.solution not in verdict.message
    wrong_literals = _literals(source)
    for literal in _literals(exercise.solution) - wrong_literals:
        assert literal.strip("\"'") not in verdict.message, f"the hint repeats the solution's {literal}"


@pytest.mark.parametrize(("chapter", "name"), CASES)
@pytest.mark.parametrize("answer", [None, "8", True, [1, 2]])
def test_a_missing_or_wrong_kind_of_answer_gets_a_plain_message(chapter: str, name: str, answer: object) -> None:
    verdict = _exercises(chapter).check(name, answer)
    assert not verdict.correct
    assert "Traceback" not in verdict.message
    assert ("no answer yet" in verdict.message) if answer is None else ("this exercise wants" in verdict.message)


def test_an_unknown_exercise_name_is_refused_naming_the_allowed_ones() -> None:
    exercises = Exercises({}, [Exercise("a", "a number", lambda x: Verdict(True, "ok"), solution="1")])
    with pytest.raises(ValueError, match=r"exercise 'b': allowed a"):
        exercises.check("b", 1)


@pytest.mark.parametrize(("field", "kwargs", "match"), [
    ("solution", {"solution": ""}, r"Exercise.solution='': allowed a non-empty string"),
    ("solution", {"solution": "sim.Job("}, r"is not a Python expression"),
    ("wrong", {"solution": "1", "wrong": "2"}, r"Exercise.wrong='2': allowed a tuple"),
])
def test_a_malformed_exercise_is_refused_naming_the_field(field: str, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Exercise("a", "a number", lambda x: Verdict(True, "ok"), **kwargs)


def test_two_exercises_with_one_name_are_refused() -> None:
    ex = Exercise("a", "a number", lambda x: Verdict(True, "ok"), solution="1")
    with pytest.raises(ValueError, match="already used"):
        Exercises({}, [ex, ex])
