"""Exercises the simulator checks: the reader's answer is run and judged, with feedback in plain words."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Exercise", "Verdict", "WrongAnswerType"]


class WrongAnswerType(TypeError):
    """Raised by a checker for an answer of the wrong kind; its message is shown to the reader as is."""


@dataclass(frozen=True)
class Verdict:
    """The judgement of one answer: right or not, and why, in a sentence or two with the simulator's numbers."""

    correct: bool
    message: str

    def __str__(self) -> str:
        return f"{'Correct' if self.correct else 'Not yet'}: {self.message}"

    def _repr_html_(self) -> str:
        colour, mark, word = ("#0a6b3d", "✔", "Correct") if self.correct else ("#9a3b00", "✘", "Not yet")
        return (f'<div class="backstage-verdict" style="border-left:4px solid {colour};padding:.4em .8em;'
                f'margin:.4em 0;background:#fafafa"><strong style="color:{colour}">{mark} {word}.</strong> '
                f"{html.escape(self.message)}</div>")


class Exercise:
    """An exercise: ``check(answer)`` runs the simulator on the reader's answer and returns a Verdict.

    ``expects`` describes the answer in plain words ("a sim.Job", "a number of seconds"); it is used in the
    messages for a missing answer or an answer of the wrong kind, which never show a traceback.
    """

    def __init__(self, name: str, expects: str, judge: Callable[[Any], Verdict]) -> None:
        self.name = name
        self.expects = expects
        self._judge = judge

    def check(self, answer: Any) -> Verdict:
        if answer is None or answer is Ellipsis:
            return Verdict(False, f"no answer yet: set answer to {self.expects}, then run the cell again.")
        try:
            return self._judge(answer)
        except WrongAnswerType as error:
            return Verdict(False, str(error))
        except ValueError as error:  # the simulator refused a value: its message names the field and what is allowed
            return Verdict(False, f"the simulator cannot run that answer: {error}")


def require(answer: Any, kind: type | tuple[type, ...], expects: str) -> None:
    """Raise WrongAnswerType unless ``answer`` is of ``kind`` (bool is not a number here)."""
    if isinstance(answer, bool) or not isinstance(answer, kind):
        shown = repr(answer)
        shown = shown if len(shown) < 60 else shown[:57] + "..."
        raise WrongAnswerType(f"your answer is {type(answer).__name__} {shown}; this exercise wants {expects}.")
