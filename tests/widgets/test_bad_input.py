"""Bad input to controls, the chart kit and labs raises ValueError naming the argument, the value and what is
allowed: never TypeError, AttributeError or ZeroDivisionError, never a silent empty chart, never a list of
millions of values built before it is refused."""

from __future__ import annotations

import re

import pytest

import sim
from widgets import Control, Lab, kit
from widgets.controls import MAX_RANGE_POINTS, ControlSpecError, grid, validate_values
from widgets.lab import STATIC_ENV
from widgets.runs import Runs


@pytest.fixture(scope="module")
def hour() -> sim.Result:
    app = sim.App("sync", work=(sim.ImmediateWork(every_s=600, down_bytes=10_000),))
    return sim.run(sim.Scenario(apps=(app,), duration_s=3600))


@pytest.fixture(scope="module")
def runs(hour: sim.Result) -> Runs:
    return Runs((), (({}, hour),))


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


# -- the chart kit -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step_s", "message"),
    [
        (0, "battery_rows(step_s=0): allowed a finite number of seconds > 0"),
        (-300, "battery_rows(step_s=-300): allowed a finite number of seconds > 0"),
        (float("nan"), "battery_rows(step_s=nan): allowed"),
        (float("inf"), "battery_rows(step_s=inf): allowed"),
        (True, "battery_rows(step_s=True): allowed"),
        ("300", "battery_rows(step_s='300'): allowed"),
        (1e-9, "battery_rows(step_s=1e-09): gives more than 10,000 points over a 3600 s run: allowed >= 0.36 s"),
    ],
)
def test_battery_rows_refuses_a_step_that_is_not_a_positive_number(hour: sim.Result, step_s: object,
                                                                    message: str) -> None:
    with _raises(message):
        kit.battery_rows(hour, step_s)  # type: ignore[arg-type]


def test_battery_rows_still_samples_a_good_step(hour: sim.Result) -> None:
    rows = kit.battery_rows(hour, 600)
    assert [r["start_h"] for r in rows] == [0.0, 0.167, 0.333, 0.5, 0.667, 0.833, 1.0]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: kit.battery_chart(r, None, step_s=0), "battery_chart(step_s=0): allowed a finite number"),
        (lambda r: kit.battery_chart(r, None, height=0), "battery_chart(height=0): allowed a number of pixels"),
        (lambda r: kit.timeline_chart(r, None, width=0), "timeline_chart(width=0): allowed a number of pixels"),
        (lambda r: kit.timeline_chart(r, None, window_h=(5, 1)),
         "timeline_chart(window_h=(5, 1)): allowed (start, end) in hours, 0 <= start < end"),
        (lambda r: kit.timeline_chart(r, None, window_h=(0, float("nan"))), "timeline_chart(window_h=(0, nan))"),
        (lambda r: kit.timeline_chart(r, None, window_h=3), "timeline_chart(window_h=3): allowed (start, end)"),
        (lambda r: kit.timeline_chart(r, None, rows="Screen on"),
         "timeline rows='Screen on': allowed a list of row labels: Screen on"),
        (lambda r: kit.timeline_chart(r, None, rows=[["Screen on"]]), "timeline rows=['Screen on']: allowed Screen on"),
        (lambda r: kit.timeline_chart(r, None, apps=["mail"]), "timeline_chart(apps=...): item 'mail': allowed sync"),
        (lambda r: kit.timeline_chart(r, None, apps="sync"), "timeline_chart(apps='sync'): allowed a list of sync"),
        (lambda r: kit.timeline_chart(r, 5), "timeline_chart(where=5): allowed a Vega expression (a string) or None"),
        (lambda r: kit.timeline_chart(None, None), "timeline_chart(runs=None): allowed a Runs"),
        (lambda r: kit.timeline_chart(Runs((), ()), None), "timeline_chart(runs=Runs with no results)"),
        (lambda r: kit.timeline_chart(r, None, title=None), "timeline_chart(title=None): allowed a string"),
        (lambda r: kit.metrics_table(r, None, metrics=[{}]), "metrics={}: allowed battery_drained_mah"),
        (lambda r: kit.metrics_table(r, None, metrics="wakeups"), "metrics='wakeups': allowed a list of metric keys"),
        (lambda r: kit.energy_chart(r, None, by=[]), "energy_chart(by=[]): allowed 'component' or 'app'"),
        (lambda r: kit.energy_chart(r, None, width=-5), "energy_chart(width=-5): allowed a number of pixels"),
        (lambda r: kit.ab_energy_chart(r, None, None, parts=["Radio tail"]),
         "ab_energy_chart(parts=...): item 'Radio tail': allowed Screen, CPU suspended"),
        (lambda r: kit.ab_view(r, None, None, energy_parts="Cell radio: tail"),
         "ab_view(energy_parts='Cell radio: tail'): allowed a list of Screen"),
        (lambda r: kit.ab_table(r, None, None, 1, "B"), "ab_table(label_a=1): allowed a string"),
        (lambda r: kit.summary_view(r, None, battery="yes"), "summary_view(battery='yes'): allowed True or False"),
    ],
)
def test_the_kit_refuses_bad_arguments_naming_them(runs: Runs, call, message: str) -> None:  # type: ignore[no-untyped-def]
    with _raises(message):
        call(runs)


def test_the_kit_rows_refuse_bad_arguments(hour: sim.Result) -> None:
    with _raises("energy_rows(by='colour'): allowed 'component' or 'app'"):
        kit.energy_rows(hour, "colour")
    with _raises("timeline_rows(gap_s=-1): allowed a finite number of seconds >= 0"):
        kit.timeline_rows(hour, apps=None, window_h=(0, 1), gap_s=-1)
    with _raises("timeline_rows(window_h=None): allowed (start, end)"):
        kit.timeline_rows(hour, apps=None, window_h=None, gap_s=1)  # type: ignore[arg-type]


# -- labs ----------------------------------------------------------------------------------------------------------


def _scenario(interval_min: int) -> sim.Scenario:
    # An app name that is HTML: the lab must show the simulator's message about it as text.
    name = "<img src=x onerror=alert(1)>" if interval_min == 30 else "sync"
    app = sim.App(name, work=(sim.ImmediateWork(every_s=interval_min * 60.0),))
    return sim.Scenario(apps=(app, app), duration_s=3600) if interval_min == 30 else sim.Scenario(apps=(app,),
                                                                                                    duration_s=3600)


_CONTROLS = [Control("interval_min", "Sync every", "choice", 10, options=[10, 30])]


def _figure(runs, where):  # type: ignore[no-untyped-def]
    return kit.metrics_table(runs, where)


def test_a_lab_shows_a_refused_value_as_text_not_html(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATIC_ENV, raising=False)
    lab = Lab(_scenario, _CONTROLS, _figure, title="<i>sync</i>")
    lab.widget()
    live = lab._widget_state  # type: ignore[attr-defined]
    live.inputs["interval_min"].value = 30
    status = live.status.value
    assert "color:#b00" in status and "appears twice" in status
    assert "<img" not in status and "&lt;img src=x onerror=alert(1)&gt;" in status
    assert "<i>sync</i>" not in lab.widget().children[0].value


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed": "1"}, "Lab(seed='1'): allowed an int"),
        ({"seed": True}, "Lab(seed=True): allowed an int"),
        ({"compare": 5}, "Lab(compare=5): allowed a function or None"),
        ({"title": None}, "Lab(title=None): allowed a string"),
        ({"baseline": [1]}, "validate_values: values=[1]: allowed a dict"),
    ],
)
def test_a_lab_refuses_bad_arguments_when_built(kwargs: dict, message: str) -> None:
    with _raises(message):
        Lab(_scenario, _CONTROLS, _figure, **kwargs)


def test_a_lab_refuses_what_is_not_controls_or_a_function() -> None:
    with _raises("Lab: controls=None: allowed a list of Control(...)"):
        Lab(_scenario, None, _figure)  # type: ignore[arg-type]
    with _raises("Lab(scenario=None): allowed a function"):
        Lab(None, _CONTROLS, _figure)  # type: ignore[arg-type]
