"""Bad input to controls, the chart kit and labs raises ValueError naming the argument, the value and what is
allowed: never TypeError, AttributeError or ZeroDivisionError, never a silent empty chart, never a list of
millions of values built before it is refused."""

from __future__ import annotations

import re

import pytest

from widgets import Control
from widgets.controls import MAX_RANGE_POINTS, ControlSpecError, grid, validate_values


def _raises(message: str):  # type: ignore[no-untyped-def]
    return pytest.raises(ValueError, match=re.escape(message))


# -- controls ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "choice", "default": 1, "options": 5},
         "Control 'n': options=5: allowed a list of at least two options (values or (value, label))"),
        ({"kind": "choice", "default": "a", "options": "abc"}, "Control 'n': options='abc': allowed a list"),
        ({"kind": "choice", "default": "a", "options": {"a": 1, "b": 2}}, "Control 'n': options={'a': 1, 'b': 2}"),
        ({"kind": "choice", "default": "a", "options": ["a"]},
         "Control 'n': options=['a']: allowed at least two options for a choice"),
        ({"kind": "choice", "default": "a", "options": ()}, "Control 'n': options=(): allowed at least two options"),
        ({"kind": "choice", "default": 1, "options": [1, float("nan")]}, "Control 'n': option nan: allowed a string"),
        ({"kind": "choice", "default": 1, "options": [1, 2**60]}, "Control 'n': option 1152921504606846976: allowed"),
        ({"kind": "choice", "default": 1, "options": [1, [2]]}, "Control 'n': option [2]: allowed a string"),
        ({"kind": "choice", "default": True, "options": [0, 1]}, "Control 'n': default=True: allowed one of [0, 1]"),
        ({"kind": "range", "default": True, "min": 0, "max": 5, "step": 1},
         "Control 'n': default=True: allowed one of the steps 0..5 by 1"),
        ({"kind": "range", "default": 0, "min": 0, "max": 10**400, "step": 1},
         "Control 'n': max=<int of about 401 digits>: allowed a finite number (required for a range)"),
        ({"kind": "range", "default": 0, "min": -1e308, "max": 1e308, "step": 1e300},
         "Control 'n': min=-1e+308, max=1e+308: allowed a span max - min a float holds"),
        ({"kind": "range", "default": 0, "min": 0, "max": 5, "step": 1, "options": [1, 2]},
         "Control 'n': options=[1, 2]: allowed only for a choice"),
        ({"kind": "toggle", "default": True, "step": 1}, "Control 'n': step=1: allowed only for a range"),
        ({"kind": "toggle", "default": True, "unit": 5}, "Control 'n': unit=5: allowed a string"),
        ({"kind": ["range"], "default": True}, "Control 'n': kind=['range']: allowed range, choice, toggle"),
    ],
)
def test_a_malformed_control_is_refused_with_a_value_error(kwargs: dict, message: str) -> None:
    with pytest.raises(ControlSpecError, match=re.escape(message)):
        Control("n", "N", **kwargs)


def test_a_tiny_step_is_refused_by_arithmetic_before_any_value_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(self: Control) -> tuple:
        raise AssertionError("values() built before the step was checked")

    monkeypatch.setattr(Control, "values", never)
    with _raises("Control 'x': step=1e-07: gives 30,000,001 values from 0 to 3: allowed at most 1000 "
                 "(a step of at least 0.003)"):
        Control("x", "X", "range", 0, min=0, max=3, step=1e-7)
    with _raises("Control 'x': step=1e-300: gives 3,000,000,000"):
        Control("x", "X", "range", 0, min=0, max=3, step=1e-300)


def test_a_range_of_the_largest_allowed_size_still_builds() -> None:
    control = Control("x", "X", "range", 0, min=0, max=MAX_RANGE_POINTS - 1, step=1)
    assert control.count() == len(control.values()) == MAX_RANGE_POINTS


def test_a_grid_is_counted_before_it_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    wide = [Control(f"x{i}", "X", "range", 0, min=0, max=999, step=1) for i in range(4)]
    monkeypatch.setattr(Control, "values", lambda self: pytest.fail("values() built before the grid was counted"))
    with pytest.raises(ControlSpecError, match=r"give 1000000000000 combinations \(x0: 1000, x1: 1000"):
        grid(wide)


@pytest.mark.parametrize(
    ("controls", "message"),
    [
        (None, "grid: controls=None: allowed a list of Control(...)"),
        ([1, 2], "grid: controls: item 1: allowed a Control(...)"),
        ("abc", "grid: controls='abc': allowed a list of Control(...)"),
        (5, "grid: controls=5: allowed a list of Control(...)"),
    ],
)
def test_grid_refuses_what_is_not_a_list_of_controls(controls: object, message: str) -> None:
    with pytest.raises(ControlSpecError, match=re.escape(message)):
        grid(controls)  # type: ignore[arg-type]


def test_a_missing_or_unknown_keyword_is_a_value_error_naming_it() -> None:
    with pytest.raises(ValueError, match=re.escape("Control 'n': default: missing; a required field")) as error:
        Control("n", "N", "toggle")  # type: ignore[call-arg]
    assert isinstance(error.value, TypeError)
    with pytest.raises(ValueError, match=re.escape("Control 'n': colour: unknown field; allowed: name, label")):
        Control("n", "N", "toggle", True, colour="red")  # type: ignore[call-arg]


def test_values_are_checked_strictly() -> None:
    five = Control("n", "N", "range", 0, min=0, max=5, step=1)
    pick = Control("p", "P", "choice", 1, options=[0, 1])
    with _raises("n=True: allowed 0..5 in steps of 1"):
        validate_values([five], {"n": True})
    with _raises("p=False: allowed 0, 1"):
        validate_values([pick], {"p": False})
    with _raises("n=[1]: allowed 0..5"):
        validate_values([five], {"n": [1]})
    with _raises("n=nan: allowed 0..5"):
        validate_values([five], {"n": float("nan")})
    with _raises("validate_values: values=None: allowed a dict of control name to value"):
        validate_values([five], None)  # type: ignore[arg-type]
    with _raises("unknown control 1: allowed n"):
        validate_values([five], {1: 2})  # type: ignore[dict-item]
    assert validate_values([five, pick], {"n": 3, "p": 0}) == {"n": 3, "p": 0}
