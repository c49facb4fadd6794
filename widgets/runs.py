"""Simulation results keyed by the control values that produced them, and the Vega filter that picks one."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

try:
    import altair as alt
except ModuleNotFoundError:  # in the reader's browser (widgets.live): nothing is drawn there
    from widgets._absent import altair as alt

import sim
from widgets.controls import Control

__all__ = ["Runs"]


@dataclass(frozen=True)
class Runs:
    """Simulation results keyed by the control values that produced them, and how a chart picks one of them.

    Charts add one column per control, ``k_<name>``, to every row they plot, and filter with a Vega expression:
    ``where_params()`` follows the bound params (the static twin), ``where_values(v)`` fixes the values
    (the A side of an A/B view, or a live run).
    """

    controls: tuple[Control, ...]
    items: tuple[tuple[Mapping[str, Any], sim.Result], ...]

    def keyed(self) -> list[tuple[dict[str, Any], sim.Result]]:
        """Each result with its key columns (toggles as 0/1, so that they survive CSV)."""
        out = []
        for values, result in self.items:
            keys = {f"k_{c.name}": _encode(c, values[c.name]) for c in self.controls}
            out.append((keys, result))
        return out

    def where_params(self) -> str | None:
        return _where(self.controls, {c.name: c.name for c in self.controls}, literal=False)

    def where_values(self, values: Mapping[str, Any]) -> str | None:
        return _where(self.controls, values, literal=True)

    @property
    def params(self) -> list[alt.Parameter]:
        return [c.param() for c in self.controls]


def _encode(control: Control, value: Any) -> Any:
    return int(value) if control.kind == "toggle" else value


def _where(controls: Sequence[Control], values: Mapping[str, Any], *, literal: bool) -> str | None:
    terms = []
    for c in controls:
        ref = values[c.name]
        if c.kind == "range":
            rhs = repr(float(ref)) if literal else ref
            # Slider values are float sums in the browser (0.1 + 0.2 ...): compare within half a step.
            terms.append(f"abs(datum.k_{c.name} - {rhs}) < {float(c.step or 1) / 2}")
        elif c.kind == "toggle":
            rhs = str(int(bool(ref))) if literal else f"({ref} ? 1 : 0)"
            terms.append(f"datum.k_{c.name} == {rhs}")
        else:
            rhs = _js_literal(ref) if literal else ref
            terms.append(f"datum.k_{c.name} == {rhs}")
    return " && ".join(terms) or None


def _js_literal(value: Any) -> str:
    return json.dumps(value)
