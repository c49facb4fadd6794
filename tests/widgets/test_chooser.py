"""The guide's decision: each kind of task gets the tool the guide recommends, every combination of answers has an
answer, and every simulator call the advice names runs."""

from __future__ import annotations

import itertools
import json
import re

import pytest

import sim
from widgets.chooser import QUESTIONS, Chooser, all_advice, recommend

NO = dict.fromkeys((k for k, _ in QUESTIONS), False)


@pytest.mark.parametrize(("answers", "tool"), [
    ({"at_time": True}, "An alarm"),
    ({"at_time": True, "noticed": True, "can_wait": True}, "An alarm"),  # the time decides first
    ({"noticed": True}, "A foreground service"),
    ({"event": True}, "A job with the matching constraint (or a receiver registered at run time)"),
    ({"event": True, "can_wait": True}, "A job with the matching constraint (or a receiver registered at run time)"),
    ({"can_wait": True}, "A scheduled job"),
    ({"can_wait": True, "long": True}, "A scheduled job"),
    ({"long": True}, "A foreground service (or a user-initiated data transfer job)"),
    ({}, "An expedited job"),
])
def test_each_kind_of_task_gets_the_guides_tool(answers: dict, tool: str) -> None:
    assert recommend(**{**NO, **answers}).tool == tool


def test_every_combination_of_answers_has_advice_with_a_simulator_call_that_runs() -> None:
    table = all_advice()
    assert len(table) == 2 ** len(QUESTIONS)
    for advice in {a.sim: a for a in table.values()}.values():
        mechanism = eval(advice.sim, {"sim": sim})  # the advice's own source
        assert hasattr(mechanism, "kind"), advice.sim
        assert advice.guide and advice.today and advice.kotlin


def test_a_non_boolean_answer_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match=r"recommend\(long='yes'\): allowed True or False"):
        recommend(**{**NO, "long": "yes"})


def test_the_chooser_carries_every_answer_for_the_page_to_look_up() -> None:
    page = Chooser()._repr_html_()
    raw = re.search(r'<script type="application/json">(.*?)</script>', page, re.S).group(1)  # type: ignore[union-attr]
    table = json.loads(raw.replace("<\\/", "</"))
    assert set(table) == {"".join(p) for p in itertools.product("01", repeat=len(QUESTIONS))}
    assert table["10000"]["tool"] == "An alarm"
    assert page.count('type="radio"') == 2 * len(QUESTIONS)
