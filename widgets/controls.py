"""Control specs: each control of a lab declared once, as data, and turned into an ipywidget or a Vega-Lite param."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt

__all__ = ["KINDS", "MAX_GRID_POINTS", "Control", "ControlSpecError", "grid", "validate_values"]

KINDS = ("range", "choice", "toggle")

#: A static twin precomputes one simulation per combination of control values; past this the page grows too big
#: and the build too slow, so a lab must offer fewer values (a coarser step, fewer options).
MAX_GRID_POINTS = 64


class ControlSpecError(ValueError):
    """A malformed control spec: the message names the spec and the field."""


@dataclass(frozen=True)
class Control:
    """One control of a lab.

    kind "range": a number from ``min`` to ``max`` in steps of ``step`` (all three required);
    kind "choice": one of ``options``, a sequence of values or of (value, label) pairs;
    kind "toggle": True or False.

    Raises ControlSpecError, naming the control and the field, for an unknown kind, a name that is not a Python
    identifier, a default outside the allowed values, or a range with no step.
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
        where = f"Control {self.name!r}"
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ControlSpecError(f"{where}: name={self.name!r}: allowed a Python identifier, e.g. 'interval_min'")
        if self.kind not in KINDS:
            raise ControlSpecError(f"{where}: kind={self.kind!r}: allowed {', '.join(KINDS)}")
        if not self.label:
            raise ControlSpecError(f"{where}: label is empty: allowed a few words for the reader")
        if self.kind == "range":
            self._check_range(where)
        elif self.kind == "choice":
            self._check_choice(where)
        elif not isinstance(self.default, bool):
            raise ControlSpecError(f"{where}: default={self.default!r}: allowed True or False for a toggle")

    def _check_range(self, where: str) -> None:
        for name in ("min", "max", "step"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
                raise ControlSpecError(f"{where}: {name}={value!r}: allowed a finite number (required for a range)")
        assert self.min is not None and self.max is not None and self.step is not None
        if self.step <= 0 or self.min >= self.max:
            raise ControlSpecError(
                f"{where}: min={self.min}, max={self.max}, step={self.step}: allowed min < max and step > 0"
            )
        if self.default not in self.values():
            raise ControlSpecError(
                f"{where}: default={self.default!r}: allowed one of the steps {self.min}..{self.max} by {self.step}"
            )

    def _check_choice(self, where: str) -> None:
        if not self.options:
            raise ControlSpecError(f"{where}: options=(): allowed at least two options for a choice")
        pairs = [o if isinstance(o, tuple) and len(o) == 2 else (o, str(o)) for o in self.options]
        values = [v for v, _ in pairs]
        if len(set(map(repr, values))) != len(values):
            raise ControlSpecError(f"{where}: options={self.options!r}: allowed distinct values")
        object.__setattr__(self, "options", tuple(values))
        object.__setattr__(self, "_labels", tuple(str(label) for _, label in pairs))
        if self.default not in values:
            raise ControlSpecError(f"{where}: default={self.default!r}: allowed one of {values!r}")

    # -- values --------------------------------------------------------------------------------------------------

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
        """``value`` if the control allows it; else ValueError naming the control, the value and what is allowed."""
        if value in self.values() and (self.kind != "toggle" or isinstance(value, bool)):
            return value
        if self.kind == "range":
            allowed = f"{self.min}..{self.max} {self.unit} in steps of {self.step}".replace("  ", " ")
        else:
            allowed = ", ".join(map(repr, self.values()))
        raise ValueError(f"{self.name}={value!r}: allowed {allowed}")

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


def validate_values(controls: Sequence[Control], values: Mapping[str, Any]) -> dict[str, Any]:
    """Every control's value, the defaults filled in; ValueError for an unknown name or a value not allowed."""
    by_name = {c.name: c for c in controls}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise ValueError(f"unknown control {unknown[0]!r}: allowed {', '.join(by_name)}")
    return {c.name: c.check(values[c.name]) if c.name in values else c.default for c in controls}


def grid(controls: Iterable[Control]) -> list[dict[str, Any]]:
    """Every combination of the controls' values, in a stable order; refuses grids above MAX_GRID_POINTS."""
    controls = list(controls)
    names = [c.name for c in controls]
    if len(set(names)) != len(names):
        raise ControlSpecError(f"controls {names}: allowed distinct names")
    size = math.prod(len(c.values()) for c in controls)
    if size > MAX_GRID_POINTS:
        sizes = ", ".join(f"{c.name}: {len(c.values())}" for c in controls)
        raise ControlSpecError(
            f"controls give {size} combinations ({sizes}): allowed at most {MAX_GRID_POINTS} for a static twin; "
            "use a coarser step or fewer options"
        )
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*(c.values() for c in controls))]
