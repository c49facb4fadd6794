"""Control specs: declared once, validated when declared, turned into an ipywidget and into a Vega-Lite param."""

from __future__ import annotations

import ipywidgets
import pytest

from widgets.controls import MAX_GRID_POINTS, Control, ControlSpecError, grid, validate_values

INTERVAL = Control("interval_min", "Sync every", "range", 15, min=5, max=60, step=5, unit="min")
NETWORK = Control("network", "Network", "choice", "any", options=[("any", "any network"), ("unmetered", "Wi-Fi")])
CHARGING = Control("charging", "Only while charging", "toggle", False)


@pytest.mark.parametrize(
    ("spec", "widget_type", "binding_input"),
    [(INTERVAL, ipywidgets.IntSlider, "range"), (NETWORK, ipywidgets.Dropdown, "select"),
     (CHARGING, ipywidgets.Checkbox, "checkbox")],
)
def test_every_kind_builds_both_forms_with_the_same_default(spec: Control, widget_type: type,
                                                            binding_input: str) -> None:
    widget = spec.widget()
    assert isinstance(widget, widget_type)
    assert widget.value == spec.default
    param = spec.param().param.to_dict()
    assert param["name"] == spec.name and param["value"] == spec.default
    assert param["bind"]["input"] == binding_input


def test_a_range_offers_every_step_and_the_binding_its_bounds() -> None:
    assert INTERVAL.values() == (5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60)
    bind = INTERVAL.param().param.to_dict()["bind"]
    assert (bind["min"], bind["max"], bind["step"]) == (5, 60, 5)
    assert INTERVAL.widget().description == "Sync every (min)"


def test_a_choice_keeps_values_and_labels_apart() -> None:
    assert NETWORK.values() == ("any", "unmetered")
    assert NETWORK.labels() == ("any network", "Wi-Fi")
    assert NETWORK.param().param.to_dict()["bind"]["labels"] == ["any network", "Wi-Fi"]
    assert NETWORK.widget().options == (("any network", "any"), ("Wi-Fi", "unmetered"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "sync every", "label": "x", "kind": "toggle", "default": True},
         "Control 'sync every': name='sync every': allowed a Python identifier"),
        ({"name": "n", "label": "N", "kind": "slider", "default": 1},
         "Control 'n': kind='slider': allowed range, choice, toggle"),
        ({"name": "n", "label": "N", "kind": "range", "default": 7, "min": 5, "max": 60, "step": 5},
         "Control 'n': default=7: allowed one of the steps 5..60 by 5"),
        ({"name": "n", "label": "N", "kind": "range", "default": 5, "min": 5, "max": 60},
         "Control 'n': step=None: allowed a finite number"),
        ({"name": "n", "label": "N", "kind": "choice", "default": "x", "options": ["a", "b"]},
         "Control 'n': default='x': allowed one of"),
        ({"name": "n", "label": "N", "kind": "toggle", "default": "yes"},
         "Control 'n': default='yes': allowed True or False"),
        ({"name": "n", "label": "", "kind": "toggle", "default": True}, "Control 'n': label is empty"),
    ],
)
def test_a_malformed_spec_fails_naming_the_spec_and_the_field(kwargs: dict, message: str) -> None:
    with pytest.raises(ControlSpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Control(**kwargs)


def test_values_are_checked_with_a_plain_message() -> None:
    assert validate_values([INTERVAL, CHARGING], {"interval_min": 30}) == {"interval_min": 30, "charging": False}
    with pytest.raises(ValueError, match=r"interval_min=7: allowed 5..60 min in steps of 5"):
        validate_values([INTERVAL], {"interval_min": 7})
    with pytest.raises(ValueError, match=r"unknown control 'interval': allowed interval_min"):
        validate_values([INTERVAL], {"interval": 15})
    with pytest.raises(ValueError, match=r"charging=1: allowed False, True"):
        validate_values([CHARGING], {"charging": 1})


def test_the_grid_is_every_combination_and_refuses_a_twin_too_big_to_ship() -> None:
    points = grid([INTERVAL, CHARGING])
    assert len(points) == 24 and points[0] == {"interval_min": 5, "charging": False}
    fine = Control("x", "X", "range", 1, min=1, max=MAX_GRID_POINTS + 1, step=1)
    with pytest.raises(ControlSpecError, match=r"give 65 combinations \(x: 65\): allowed at most 64"):
        grid([fine])
