"""What a run returns: plain records (state spans, events, energy, work runs, battery) and named metrics."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sim.records import BatteryPoint, EnergyRow, Event, StateSpan, WorkRecord

if TYPE_CHECKING:
    from sim.scenario import Scenario

__all__ = ["BatteryPoint", "EnergyRow", "Event", "Result", "StateSpan", "WorkRecord"]


@dataclass(frozen=True, eq=True)
class Result:
    """The outcome of `sim.run`: records shaped for charts, a summary of named metrics and notes.

    `notes` lists every place the model changed what the scenario asked for, the way Android would.
    """

    scenario: Scenario
    seed: int
    states: tuple[StateSpan, ...]
    events: tuple[Event, ...]
    energy: tuple[EnergyRow, ...]
    work: tuple[WorkRecord, ...]
    summary: Mapping[str, float]
    notes: tuple[str, ...]
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # (t0_s, t1_s, current_ma, component) for every energy booking, and the charging spans; the battery curve
    # is built from them on first use, so a run that never draws it does not pay for it.
    _segments: tuple[tuple[float, float, float, str], ...] = field(default=(), repr=False, compare=False)
    _charging: tuple[tuple[float, float], ...] = field(default=(), repr=False, compare=False)

    @functools.cached_property
    def battery(self) -> tuple[BatteryPoint, ...]:
        """Battery charge at every change point of the current drawn or charging, capped at capacity."""
        return battery_curve(
            self._segments,
            self._charging,
            capacity_mah=float(self.meta["capacity_mah"]),
            start_mah=float(self.meta["start_mah"]),
            charge_ma=float(self.meta["charge_current_ma"]),
            end_s=float(self.meta["duration_s"]),
        )

    def current_segments(self) -> tuple[tuple[float, float, float, str], ...]:
        """Every energy booking as (t0_s, t1_s, current_ma, component): the raw power timeline."""
        return self._segments

    def lane(self, lane: str, app: str = "") -> tuple[StateSpan, ...]:
        """The spans of one lane (for a per-app lane, of one app), in time order."""
        return tuple(s for s in self.states if s.lane == lane and s.app == app)

    def energy_by(self, key: str = "component") -> dict[str, float]:
        """Energy in mAh summed by "component" or by "app"."""
        out: dict[str, float] = {}
        for row in self.energy:
            k = row.component if key == "component" else row.app
            out[k] = out.get(k, 0.0) + row.mah
        return out

    def to_frames(self) -> dict[str, Any]:
        """The records as pandas DataFrames: states, events, energy, work, battery, summary, notes."""
        pd = importlib.import_module("pandas")
        return {
            "states": pd.DataFrame(list(self.states), columns=list(StateSpan._fields)),
            "events": pd.DataFrame(list(self.events), columns=list(Event._fields)),
            "energy": pd.DataFrame(list(self.energy), columns=list(EnergyRow._fields)),
            "work": pd.DataFrame(list(self.work), columns=list(WorkRecord._fields)),
            "battery": pd.DataFrame(list(self.battery), columns=list(BatteryPoint._fields)),
            "summary": pd.DataFrame({"metric": list(self.summary), "value": list(self.summary.values())}),
            "notes": pd.DataFrame({"note": list(self.notes)}),
        }


def battery_curve(
    segments: tuple[tuple[float, float, float, str], ...],
    charging: tuple[tuple[float, float], ...],
    *,
    capacity_mah: float,
    start_mah: float,
    charge_ma: float,
    end_s: float,
) -> tuple[BatteryPoint, ...]:
    """Integrate the current drawn (and the charger's current while plugged in) over time, change point by change
    point; the charge never exceeds capacity nor falls below zero."""
    deltas: dict[float, float] = {0.0: 0.0, end_s: 0.0}
    for t0, t1, ma, _component in segments:
        deltas[t0] = deltas.get(t0, 0.0) + ma
        deltas[t1] = deltas.get(t1, 0.0) - ma
    charge_delta: dict[float, float] = {}
    for t0, t1 in charging:
        charge_delta[t0] = charge_delta.get(t0, 0.0) + charge_ma
        charge_delta[t1] = charge_delta.get(t1, 0.0) - charge_ma
        deltas.setdefault(t0, 0.0)
        deltas.setdefault(t1, 0.0)
    level = min(start_mah, capacity_mah)
    draw = 0.0
    charge = 0.0
    prev = 0.0
    out = [BatteryPoint(0.0, level, 100.0 * level / capacity_mah)]
    for t in sorted(deltas):
        if t > end_s:
            break
        if t > prev:
            level += (charge - draw) * (t - prev) / 3600.0
            level = min(max(level, 0.0), capacity_mah)
            out.append(BatteryPoint(t, level, 100.0 * level / capacity_mah))
            prev = t
        draw += deltas[t]
        charge += charge_delta.get(t, 0.0)
    return tuple(out)
