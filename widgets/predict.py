"""Predict, then reveal: the reader commits to a choice on the page before the answer shows, with no kernel.

``Prediction(question, options, correct, reveal)`` displays the question and its options as radio buttons; choosing
one marks it right or not and opens the answer. It is plain HTML and CSS (no script, no widget), so it works the same
on the published site, in JupyterLab and in the student edition. The chapter computes ``correct`` and the
``reveal`` text from the simulator's run, so what the page reveals is what the figure shows::

    ratio = job.summary["cell_radio_active_s"] / now.summary["cell_radio_active_s"]
    Prediction("How much less time is the radio on?", ["about the same", "about half", "about a fifth"],
               correct=nearest(ratio, [1.0, 0.5, 0.2]),
               reveal=f"About **{ratio:.0%}** of the time: ...")
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence

from markdown_it import MarkdownIt

__all__ = ["Prediction", "nearest"]

_ids = itertools.count()
_MD = MarkdownIt("commonmark")


def nearest(value: float, choices: Sequence[float]) -> int:
    """The index of the choice nearest to ``value`` (ties go to the first), for options that name a rough size."""
    if not choices:
        raise ValueError("nearest(choices=[]): allowed a non-empty list of numbers")
    return min(range(len(choices)), key=lambda i: abs(choices[i] - value))


def _inline(text: str) -> str:
    rendered = _MD.render(text).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered


class Prediction:
    """A question with options; choosing one reveals whether it was right and the answer, on any page."""

    def __init__(self, question: str, options: Sequence[str], correct: int, reveal: str, *,
                 key: str | None = None) -> None:
        if not isinstance(question, str) or not question.strip():
            raise ValueError(f"Prediction.question={question!r}: allowed a non-empty string")
        if isinstance(options, str) or len(options) < 2 or not all(isinstance(o, str) and o for o in options):
            raise ValueError(f"Prediction.options={options!r}: allowed a list of at least two non-empty strings")
        if isinstance(correct, bool) or not isinstance(correct, int) or not 0 <= correct < len(options):
            raise ValueError(f"Prediction.correct={correct!r}: allowed an index from 0 to {len(options) - 1}")
        if not isinstance(reveal, str) or not reveal.strip():
            raise ValueError(f"Prediction.reveal={reveal!r}: allowed a non-empty string (Markdown)")
        self.question, self.options, self.correct, self.reveal = question, list(options), correct, reveal
        self.key = key or f"bs-predict-{next(_ids)}"

    @property
    def answer(self) -> str:
        return self.options[self.correct]

    def _repr_html_(self) -> str:
        key = html.escape(self.key)
        rules = [
            f"#{key} .bs-reveal{{display:none;margin-top:.5em;border-left:4px solid #4c78a8;padding:.3em .8em;"
            "background:#f5f8fb}",
            f"#{key} input:checked ~ .bs-reveal{{display:block}}",
            f"#{key} label{{display:block;margin:.15em 0;padding:.15em .5em;border-radius:4px;cursor:pointer}}",
            f"#{key} input{{position:absolute;opacity:0}}",
            f"#{key} input:focus-visible + label{{outline:2px solid #4c78a8}}",
            f"#{key} input:checked + label.bs-right{{background:#dff0e3;font-weight:600}}",
            f"#{key} input:checked + label.bs-wrong{{background:#fbe5d6}}",
            f"#{key} input:checked + label.bs-right::after{{content:' ✔ right'}}",
            f"#{key} input:checked + label.bs-wrong::after{{content:' ✘ not this one'}}",
        ]
        items = []
        for i, option in enumerate(self.options):
            cls = "bs-right" if i == self.correct else "bs-wrong"
            items.append(f'<input type="radio" name="{key}" id="{key}-{i}" value="{i}">'
                         f'<label for="{key}-{i}" class="{cls}">{_inline(option)}</label>')
        return (f'<div class="bs-predict" id="{key}" style="border:1px solid #ddd;border-radius:6px;'
                f'padding:.6em .9em;margin:.6em 0"><style>{"".join(rules)}</style>'
                f'<p style="margin:0 0 .3em"><strong>Predict first.</strong> {_inline(self.question)}</p>'
                f'{"".join(items)}<div class="bs-reveal" role="status">{_MD.render(self.reveal)}</div></div>')

    def __repr__(self) -> str:
        options = "\n".join(f"  {chr(97 + i)}) {o}" for i, o in enumerate(self.options))
        return f"Predict first. {self.question}\n{options}\n(choose, then look at the figure)"
