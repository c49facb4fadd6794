"""The plain records a run produces: state spans, events, energy rows, work runs, battery points."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["BatteryPoint", "EnergyRow", "Event", "StateSpan", "WorkRecord"]


class StateSpan(NamedTuple):
    """A lane held `value` from start_s to end_s (recorded at change points only); app is "" for device lanes."""

    lane: str
    start_s: float
    end_s: float
    value: str
    app: str = ""


class Event(NamedTuple):
    """Something that happened at one instant: a wakeup, a Doze step, a deferral, a work run."""

    t_s: float
    kind: str
    app: str
    detail: str


class EnergyRow(NamedTuple):
    """Energy drawn by one component on behalf of one app ("system" for the device itself), in mAh."""

    component: str
    app: str
    mah: float


class WorkRecord(NamedTuple):
    """One piece of work: when it was asked for, when it ran, and what (if anything) made it wait."""

    app: str
    mechanism: str
    requested_s: float
    start_s: float
    end_s: float
    cpu_s: float
    up_bytes: int
    down_bytes: int
    network: str  # "wifi", "cellular" or "" when no bytes moved
    waited_for: str  # "" if it ran when asked; else "doze", "network"


class BatteryPoint(NamedTuple):
    """The battery's charge at one change point."""

    t_s: float
    mah: float
    pct: float
