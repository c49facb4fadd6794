"""Exercises the simulator checks: the reader's answer is run and judged, with feedback in plain words.

One exercise lives in one place: an ``Exercise(...)`` in its chapter's module (``widgets/chapters/<chapter>.py``)
holds the checker, the worked solution (its source, as the reader would type it, and why it is right) and the
wrong answers a student is likely to try. The chapter's page states the exercise and shows the solution with
``solution(name)``; the tests read the solution and the wrong answers from the same object. To add one:

    def _judge_feed(answer):                      # run the simulator on the answer, return a Verdict
        job = require(answer, sim.Job, "a sim.Job")
        ...
        return Verdict(True, "...") or Verdict(False, "a hint: which figure to look at, never the answer")

    EXERCISES = Exercises(globals(), [
        Exercise("feed", "a sim.Job", _judge_feed,
                 solution="sim.Job(every_s=3600, network='unmetered')",
                 explain="Why it works, in a sentence or two (Markdown).",
                 wrong=("sim.Job(every_s=3600)",)),
    ])
    check, solution = EXERCISES.check, EXERCISES.solution

and on the page, inside ``exercise-start``/``solution-start`` blocks: ``check("feed", answer)`` and
``solution("feed")``. ``tests/widgets/test_exercises.py`` then checks every chapter's exercise: its solution is
accepted, each wrong answer is refused with a hint that does not state the solution.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Exercise", "Exercises", "Solution", "Verdict", "WrongAnswerType", "require"]


class WrongAnswerType(TypeError):
    """Raised by a checker for an answer of the wrong kind; its message is shown to the reader as is."""


@dataclass(frozen=True)
class Verdict:
    """The judgement of one answer: right or not, and why, in a sentence or two with the simulator's numbers.

    A wrong answer's message is a hint: it says what the answer did and which figure or setting to look at, and
    never states the expected answer (the student edition ships these messages).
    """

    correct: bool
    message: str

    def __str__(self) -> str:
        return f"{'Correct' if self.correct else 'Not yet'}: {self.message}"

    def _repr_html_(self) -> str:
        colour, mark, word = ("#0a6b3d", "✔", "Correct") if self.correct else ("#9a3b00", "✘", "Not yet")
        return (f'<div class="backstage-verdict" style="border-left:4px solid {colour};padding:.4em .8em;'
                f'margin:.4em 0;background:#fafafa"><strong style="color:{colour}">{mark} {word}.</strong> '
                f"{html.escape(self.message)}</div>")


@dataclass(frozen=True)
class Exercise:
    """An exercise: ``check(answer)`` runs the simulator on the reader's answer and returns a Verdict.

    ``expects`` describes the answer in plain words ("a sim.Job", "a number of seconds"); it is used in the
    messages for a missing answer or an answer of the wrong kind, which never show a traceback.
    ``solution`` is the worked answer as Python source (an expression, evaluated in the chapter module's
    namespace), ``explain`` says in Markdown why it is right, and ``wrong`` lists the sources of answers a student
    is likely to try, each of which the checker must refuse (the tests run them all).
    """

    name: str
    expects: str
    judge: Callable[[Any], Verdict]
    solution: str
    explain: str = ""
    wrong: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("name", "expects", "solution"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"Exercise.{name}={value!r}: allowed a non-empty string")
        if not callable(self.judge):
            raise ValueError(f"Exercise.judge={self.judge!r}: allowed a function answer -> Verdict")
        if isinstance(self.wrong, str) or not all(isinstance(w, str) and w.strip() for w in self.wrong):
            raise ValueError(f"Exercise.wrong={self.wrong!r}: allowed a tuple of Python source strings")
        for source in (self.solution, *self.wrong):
            try:
                compile(source, f"<exercise {self.name}>", "eval")
            except SyntaxError as error:
                raise ValueError(f"Exercise {self.name!r}: {source!r} is not a Python expression ({error.msg})") \
                    from None

    def check(self, answer: Any) -> Verdict:
        if answer is None or answer is Ellipsis:
            return Verdict(False, f"no answer yet: set answer to {self.expects}, then run the cell again.")
        try:
            return self.judge(answer)
        except WrongAnswerType as error:
            return Verdict(False, str(error))
        except ValueError as error:  # the simulator refused a value: its message names the field and what is allowed
            return Verdict(False, f"the simulator cannot run that answer: {error}")


class Solution:
    """A worked solution as the page shows it: the answer's code, why it is right, and the checker's verdict.

    It displays as Markdown, so the built page highlights the code like any other and JupyterLab renders it too.
    """

    def __init__(self, exercise: Exercise, verdict: Verdict) -> None:
        self.exercise = exercise
        self.verdict = verdict

    def _repr_markdown_(self) -> str:
        mark = "✔ **Correct.**" if self.verdict.correct else "✘ **Not yet.**"
        parts = ["```python", f"answer = {self.exercise.solution}", "```", ""]
        if self.exercise.explain:
            parts += [self.exercise.explain.strip(), ""]
        parts.append(f"{mark} {self.verdict.message}")
        return "\n".join(parts)

    def __repr__(self) -> str:
        return f"answer = {self.exercise.solution}\n{self.verdict}"


class Exercises(Mapping[str, Exercise]):
    """A chapter's exercises by name; ``namespace`` is the chapter module's globals, where sources are evaluated."""

    def __init__(self, namespace: Mapping[str, Any], exercises: Iterable[Exercise]) -> None:
        self._namespace = namespace
        self._by_name: dict[str, Exercise] = {}
        for exercise in exercises:
            if exercise.name in self._by_name:
                raise ValueError(f"Exercise.name={exercise.name!r}: already used in this chapter")
            self._by_name[exercise.name] = exercise

    def __getitem__(self, name: str) -> Exercise:
        if name not in self._by_name:
            raise ValueError(f"exercise {name!r}: allowed {', '.join(self._by_name)}")
        return self._by_name[name]

    def __iter__(self) -> Any:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def evaluate(self, source: str) -> Any:
        """The answer a source string stands for, built in the chapter's namespace."""
        return eval(source, dict(self._namespace))  # the chapter's own source, never the reader's

    def check(self, name: str, answer: Any) -> Verdict:
        """Judge ``answer`` to the exercise ``name``."""
        return self[name].check(answer)

    def solution(self, name: str) -> Solution:
        """The worked solution of ``name``, run through its checker."""
        exercise = self[name]
        return Solution(exercise, exercise.check(self.evaluate(exercise.solution)))


def require(answer: Any, kind: type | tuple[type, ...], expects: str) -> Any:
    """Return ``answer`` unless it is not of ``kind`` (bool is not a number here): then raise WrongAnswerType."""
    if isinstance(answer, bool) or not isinstance(answer, kind):
        shown = repr(answer)
        shown = shown if len(shown) < 60 else shown[:57] + "..."
        raise WrongAnswerType(f"your answer is {type(answer).__name__} {shown}; this exercise wants {expects}.")
    return answer
