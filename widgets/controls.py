"""Control specs: each control of a lab declared once, as data, and turned into an ipywidget or a Vega-Lite param."""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from sim import show

try:
    import altair as alt
except ModuleNotFoundError:  # in the reader's browser (widgets.live): nothing is drawn there
    from widgets._absent import altair as alt

__all__ = ["KINDS", "MAX_GRID_POINTS", "MAX_RANGE_POINTS", "Control", "ControlSpecError", "grid", "validate_values"]

KINDS = ("range", "choice", "toggle")

#: A static twin precomputes one simulation per combination of control values; past this the page grows too big
#: and the build too slow, so a lab must offer fewer values (a coarser step, fewer options).
MAX_GRID_POINTS = 64
#: The most steps one range may have: more than a slider a few hundred pixels wide can tell apart. Checked by
#: arithmetic before any value is built (a step of 1e-7 over 0..3 would build 30 million of them).
MAX_RANGE_POINTS = 1000
#: The largest int a choice may offer: a browser (the static twin's Vega) holds integers exactly only up to 2**53.
MAX_SAFE_INT = 2**53


class ControlSpecError(ValueError):
    """A malformed control spec (or a grid, or values, that no lab can use): the message names the spec and the
    field."""


class _SignatureError(ControlSpecError, TypeError):
    """A keyword that Control does not take, or a required one missing: also a TypeError, as Python raises."""


def _finite(value: object) -> bool:
    """True for an int or float (not a bool) that a float holds finitely (a huge int is not finite)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _same(a: Any, b: Any) -> bool:
    """``a == b``, but True is not 1 and False is not 0: a toggle's value is never a number, nor the reverse."""
    return isinstance(a, bool) == isinstance(b, bool) and bool(a == b)


def _one_of(value: Any, values: Iterable[Any]) -> bool:
    return any(_same(value, v) for v in values)


def _plain_option(value: object) -> bool:
    """What a choice may offer: a value the browser's Vega binding holds exactly (str, bool, None, finite float,
    int within 2**53)."""
    if value is None or isinstance(value, str | bool):
        return True
    if isinstance(value, int):
        return abs(value) <= MAX_SAFE_INT
    return isinstance(value, float) and math.isfinite(value)


@dataclass(frozen=True)
class Control:
    """One control of a lab.

    kind "range": a number from ``min`` to ``max`` in steps of ``step`` (all three required);
    kind "choice": one of ``options``, a sequence of values or of (value, label) pairs;
    kind "toggle": True or False.

    Raises ControlSpecError (a ValueError), naming the control and the field, for an unknown kind, a name that is
    not a Python identifier, a label, unit or help that is not text, a default outside the allowed values (True is
    not 1), a range with no step or more than MAX_RANGE_POINTS steps, or a choice with fewer than two options, or
    options that are not plain values (strings, numbers, True/False, None).
    """

    name: str
    label: str
    kind: str
    default: Any
    min: float | None = None
    max: float | None = None
    step: float | None = None
    options: tuple[Any, ...] = ()
    unit: str = ""
    help: str = ""
    _labels: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        where = f"Control {show(self.name)}"
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ControlSpecError(f"{where}: name={show(self.name)}: allowed a Python identifier, e.g. 'interval_min'")
        if not isinstance(self.kind, str) or self.kind not in KINDS:
            raise ControlSpecError(f"{where}: kind={show(self.kind)}: allowed {', '.join(KINDS)}")
        if not isinstance(self.label, str):
            raise ControlSpecError(f"{where}: label={show(self.label)}: allowed a few words for the reader (a string)")
        if not self.label:
            raise ControlSpecError(f"{where}: label is empty: allowed a few words for the reader")
        for name in ("unit", "help"):
            if not isinstance(getattr(self, name), str):
                raise ControlSpecError(f"{where}: {name}={show(getattr(self, name))}: allowed a string")
        if self.kind == "range":
            if not (isinstance(self.options, tuple | list) and len(self.options) == 0):
                raise ControlSpecError(f"{where}: options={show(self.options)}: allowed only for a choice")
            self._check_range(where)
            return
        for name in ("min", "max", "step"):
            if getattr(self, name) is not None:
                raise ControlSpecError(f"{where}: {name}={show(getattr(self, name))}: allowed only for a range")
        if self.kind == "choice":
            self._check_choice(where)
        else:
            if not (isinstance(self.options, tuple | list) and len(self.options) == 0):
                raise ControlSpecError(f"{where}: options={show(self.options)}: allowed only for a choice")
            if not isinstance(self.default, bool):
                raise ControlSpecError(f"{where}: default={show(self.default)}: allowed True or False for a toggle")

    def _check_range(self, where: str) -> None:
        for name in ("min", "max", "step"):
            value = getattr(self, name)
            if not _finite(value):
                raise ControlSpecError(f"{where}: {name}={show(value)}: allowed a finite number (required for a range)")
        assert self.min is not None and self.max is not None and self.step is not None
        if self.step <= 0 or self.min >= self.max:
            raise ControlSpecError(
                f"{where}: min={self.min}, max={self.max}, step={self.step}: allowed min < max and step > 0"
            )
        if not math.isfinite(float(self.max) - float(self.min)):
            raise ControlSpecError(f"{where}: min={self.min}, max={self.max}: allowed a span max - min a float holds")
        steps = (float(self.max) - float(self.min)) / float(self.step)  # before building any value
        if not math.isfinite(steps) or round(steps) + 1 > MAX_RANGE_POINTS:
            count = f"{round(steps) + 1:,}" if math.isfinite(steps) else "too many"
            coarsest = (float(self.max) - float(self.min)) / (MAX_RANGE_POINTS - 1)
            raise ControlSpecError(
                f"{where}: step={self.step}: gives {count} values from {self.min} to {self.max}: allowed at most "
                f"{MAX_RANGE_POINTS} (a step of at least {coarsest:.3g})"
            )
        if not _finite(self.default) or not _one_of(self.default, self.values()):
            raise ControlSpecError(
                f"{where}: default={show(self.default)}: allowed one of the steps {self.min}..{self.max} by {self.step}"
            )

    def _check_choice(self, where: str) -> None:
        options = self.options
        if not isinstance(options, list | tuple):
            raise ControlSpecError(
                f"{where}: options={show(options)}: allowed a list of at least two options (values or (value, label))"
            )
        if len(options) < 2:
            raise ControlSpecError(f"{where}: options={show(options)}: allowed at least two options for a choice")
        pairs = [o if isinstance(o, tuple) and len(o) == 2 else (o, o) for o in options]
        for value, label in pairs:
            if not _plain_option(value):
                raise ControlSpecError(
                    f"{where}: option {show(value)}: allowed a string, a finite number (an int within 2**53), "
                    "True, False or None"
                )
            if not _plain_option(label):
                raise ControlSpecError(
                    f"{where}: label {show(label)} of option {show(value)}: allowed a string or a number"
                )
        values = [v for v, _ in pairs]
        if len(set(map(repr, values))) != len(values):
            raise ControlSpecError(f"{where}: options={show(options)}: allowed distinct values")
        object.__setattr__(self, "options", tuple(values))
        object.__setattr__(self, "_labels", tuple(str(label) for _, label in pairs))
        if not _one_of(self.default, values):
            raise ControlSpecError(f"{where}: default={show(self.default)}: allowed one of {show(values)}")

    # -- values --------------------------------------------------------------------------------------------------

    def count(self) -> int:
        """How many values the control can take, computed without building them."""
        if self.kind == "toggle":
            return 2
        if self.kind == "choice":
            return len(self.options)
        assert self.min is not None and self.max is not None and self.step is not None
        return round((self.max - self.min) / self.step) + 1

    def values(self) -> tuple[Any, ...]:
        """Every value the control can take, in order: the grid a static twin precomputes."""
        if self.kind == "toggle":
            return (False, True)
        if self.kind == "choice":
            return self.options
        assert self.min is not None and self.max is not None and self.step is not None
        n = round((self.max - self.min) / self.step)
        as_int = all(float(x).is_integer() for x in (self.min, self.max, self.step))
        out = [self.min + i * self.step for i in range(n + 1)]
        return tuple(int(v) if as_int else round(v, 10) for v in out)

    def labels(self) -> tuple[str, ...]:
        """What the reader sees for each of ``values()``."""
        if self.kind == "choice":
            return self._labels
        if self.kind == "toggle":
            return ("off", "on")
        return tuple(f"{v} {self.unit}".strip() for v in self.values())

    def check(self, value: Any) -> Any:
        """``value`` if the control allows it; else ValueError naming the control, the value and what is allowed.
        True and False are a toggle's values only, never a range's 1 and 0."""
        if _one_of(value, self.values()):
            return value
        if self.kind == "range":
            allowed = f"{self.min}..{self.max} {self.unit} in steps of {self.step}".replace("  ", " ")
        else:
            allowed = ", ".join(map(repr, self.values()))
        raise ValueError(f"{self.name}={show(value)}: allowed {allowed}")

    # -- the two forms -------------------------------------------------------------------------------------------

    def widget(self) -> Any:
        """The control as an ipywidget for the live lab (ipywidgets is imported only here)."""
        import ipywidgets as w

        description = f"{self.label} ({self.unit})" if self.unit and self.kind == "range" else self.label
        common = {"description": description, "tooltip": self.help, "style": {"description_width": "initial"},
                  "layout": w.Layout(width="auto", min_width="320px")}
        if self.kind == "range":
            integer = all(isinstance(v, int) for v in self.values())
            cls = w.IntSlider if integer else w.FloatSlider
            return cls(value=self.default, min=self.min, max=self.max, step=self.step, continuous_update=False,
                       **common)
        if self.kind == "choice":
            return w.Dropdown(options=list(zip(self.labels(), self.values(), strict=True)), value=self.default,
                              **common)
        return w.Checkbox(value=self.default, indent=False, **common)

    def param(self) -> alt.Parameter:
        """The control as a Vega-Lite param bound to an HTML input, for the kernel-free twin."""
        name = f"{self.label} ({self.unit})" if self.unit and self.kind == "range" else self.label
        if self.kind == "range":
            binding: Any = alt.binding_range(min=self.min, max=self.max, step=self.step, name=name + " ")
        elif self.kind == "choice":
            binding = alt.binding_select(options=list(self.values()), labels=list(self.labels()), name=name + " ")
        else:
            binding = alt.binding_checkbox(name=name + " ")
        return alt.param(name=self.name, value=self.default, bind=binding)


def _controls(owner: str, controls: object) -> list[Control]:
    """``controls`` as a list of Control, or ControlSpecError naming what is wrong."""
    if isinstance(controls, str | bytes | Mapping) or not isinstance(controls, Iterable):
        raise ControlSpecError(f"{owner}: controls={show(controls)}: allowed a list of Control(...)")
    out = list(controls)
    for c in out:
        if not isinstance(c, Control):
            raise ControlSpecError(f"{owner}: controls: item {show(c)}: allowed a Control(...)")
    return out


def validate_values(controls: Sequence[Control], values: Mapping[str, Any]) -> dict[str, Any]:
    """Every control's value, the defaults filled in; ValueError for an unknown name or a value not allowed."""
    controls = _controls("validate_values", controls)
    if not isinstance(values, Mapping):
        raise ValueError(f"validate_values: values={show(values)}: allowed a dict of control name to value")
    by_name = {c.name: c for c in controls}
    unknown = sorted((k for k in values if k not in by_name), key=repr)
    if unknown:
        raise ValueError(f"unknown control {show(unknown[0])}: allowed {', '.join(by_name)}")
    return {c.name: c.check(values[c.name]) if c.name in values else c.default for c in controls}


def grid(controls: Iterable[Control]) -> list[dict[str, Any]]:
    """Every combination of the controls' values, in a stable order; refuses grids above MAX_GRID_POINTS (counted
    before any combination is built)."""
    controls = _controls("grid", controls)
    names = [c.name for c in controls]
    if len(set(names)) != len(names):
        raise ControlSpecError(f"controls {names}: allowed distinct names")
    size = math.prod(c.count() for c in controls)
    if size > MAX_GRID_POINTS:
        sizes = ", ".join(f"{c.name}: {c.count()}" for c in controls)
        raise ControlSpecError(
            f"controls give {size} combinations ({sizes}): allowed at most {MAX_GRID_POINTS} for a static twin; "
            "use a coarser step or fewer options"
        )
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*(c.values() for c in controls))]


def _checked_signature(init: Any) -> Any:
    """Control's constructor, raising ControlSpecError (also a TypeError) for an unknown or a missing keyword."""
    names = tuple(f.name for f in fields(Control) if f.init)
    required = ("name", "label", "kind", "default")

    @functools.wraps(init)
    def __init__(self: Control, *args: Any, **kwargs: Any) -> None:
        name = args[0] if args else kwargs.get("name")
        where = f"Control {show(name)}" if name is not None else "Control"
        for key in kwargs:
            if key not in names:
                raise _SignatureError(f"{where}: {key}: unknown field; allowed: {', '.join(names)}")
        if len(args) > len(names):
            raise _SignatureError(f"{where}: takes at most {len(names)} positional values, got {len(args)}")
        given = set(names[: len(args)])
        for key in kwargs:
            if key in given:
                raise _SignatureError(f"{where}: {key}: given twice (by position and by keyword); allowed once")
        for key in required:
            if key not in given and key not in kwargs:
                raise _SignatureError(f"{where}: {key}: missing; a required field (required: {', '.join(required)})")
        init(self, *args, **kwargs)

    return __init__


Control.__init__ = _checked_signature(Control.__init__)  # type: ignore[method-assign]
