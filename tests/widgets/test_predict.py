"""Predict, then reveal: the choice and the answer are plain HTML and CSS, the same on every page and edition."""

from __future__ import annotations

import re

import pytest

from widgets.predict import Prediction, nearest


def test_the_options_are_radio_buttons_and_only_the_right_one_is_marked_right() -> None:
    page = Prediction("How many?", ["one", "two", "three"], 1, "**Two**, because ...", key="p")._repr_html_()
    assert len(re.findall(r'<input type="radio" name="p"', page)) == 3
    assert re.findall(r'<label for="p-(\d)" class="bs-right">', page) == ["1"]
    assert page.count('class="bs-wrong"') == 2
    assert "<strong>Two</strong>, because ..." in page  # the reveal is Markdown
    assert "<script" not in page  # no script: works in the student edition and with scripts blocked


def test_the_answer_stays_hidden_until_a_choice_is_made() -> None:
    page = Prediction("How many?", ["one", "two"], 0, "One.", key="q")._repr_html_()
    assert "#q .bs-reveal{display:none" in page
    assert "#q input:checked ~ .bs-reveal{display:block}" in page
    assert page.index('<input type="radio"') < page.index('class="bs-reveal"')  # the ~ rule needs this order


def test_each_prediction_gets_its_own_key_so_two_on_a_page_do_not_interfere() -> None:
    a, b = Prediction("Q?", ["x", "y"], 0, "x"), Prediction("Q?", ["x", "y"], 0, "x")
    assert a.key != b.key


@pytest.mark.parametrize(("value", "index"), [(0.21, 2), (0.45, 1), (0.9, 0), (0.35, 2)])
def test_nearest_names_the_rough_size_the_run_shows(value: float, index: int) -> None:
    assert nearest(value, [1.0, 0.5, 0.2]) == index


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"question": ""}, r"Prediction.question='': allowed a non-empty string"),
    ({"options": ["only"]}, r"Prediction.options=\['only'\]: allowed a list of at least two"),
    ({"correct": 3}, r"Prediction.correct=3: allowed an index from 0 to 1"),
    ({"correct": True}, r"Prediction.correct=True"),
    ({"reveal": " "}, r"Prediction.reveal=' ': allowed a non-empty string"),
])
def test_bad_input_is_refused_naming_the_field(kwargs: dict, match: str) -> None:
    args = {"question": "Q?", "options": ["a", "b"], "correct": 0, "reveal": "a", **kwargs}
    with pytest.raises(ValueError, match=match):
        Prediction(**args)
