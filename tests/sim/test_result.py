"""Results (sim/result.py): plain records, the battery curve, and DataFrames."""

from __future__ import annotations

import pytest

from sim import Result, Scenario, run
from sim.result import battery_curve

SUMMARY_KEYS = {
    "battery_drained_mah", "battery_drained_pct", "wakeups", "radio_active_s", "radio_tail_energy_share",
    "metered_mb", "work_latency_p50_s", "work_latency_p95_s", "janky_frames", "foreground_slowdown_pct",
}
LANES = {"screen", "charging", "network", "motion", "foreground", "doze", "doze_deep", "doze_light", "radio", "wifi",
         "cpu", "bucket", "process", "work"}


@pytest.fixture(scope="module")
def weekday() -> Result:
    return run(Scenario.preset("weekday"), seed=1)


def test_result_has_the_fixed_fields_and_lanes(weekday):
    assert set(weekday.summary) >= SUMMARY_KEYS
    assert {s.lane for s in weekday.states} == LANES
    apps = {a.name for a in weekday.scenario.apps}
    assert {s.app for s in weekday.states if s.lane in ("bucket", "process", "work")} == apps
    assert all(isinstance(v, float) for v in weekday.summary.values())
    assert weekday.summary["metered_mb"] > 0  # the commute is on cellular


def test_to_frames_gives_dataframes(weekday):
    frames = weekday.to_frames()
    assert set(frames) == {"states", "events", "energy", "work", "battery", "summary", "notes"}
    assert list(frames["states"].columns) == ["lane", "start_s", "end_s", "value", "app"]
    assert list(frames["energy"].columns) == ["component", "app", "mah"]
    assert len(frames["states"]) == len(weekday.states)


def test_battery_curve_integrates_and_caps():
    pts = battery_curve(((0.0, 3600.0, 100.0, 'x'),), ((1800.0, 3600.0),), capacity_mah=1000, start_mah=1000,
                        charge_ma=300, end_s=3600)
    assert [(p.t_s, round(p.mah, 6)) for p in pts] == [(0.0, 1000.0), (1800.0, 950.0), (3600.0, 1000.0)]


def test_energy_attributed_per_app_and_system(weekday):
    by_app = weekday.energy_by("app")
    assert by_app["system"] > 0
    assert {"news", "social", "photos"} <= set(by_app)
    assert {"screen", "cpu.suspend", "cpu.awake", "cpu.active", "radio.tail", "wifi.active"} <= set(weekday.energy_by())
