"""Invariants of processes, running work and stops over random scenarios with jobs and immediate work
(hypothesis): process lanes tile the run, no work runs in a process that is not running, energy adds up to the
battery's drop, and work stopped or frozen books nothing after the stop."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import App, Device, ImmediateWork, Job, Scenario, run
from tests.sim.strategies import days

H = 3600.0
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def scenarios(draw):
    horizon = draw(st.sampled_from([2 * H, 8 * H]))
    day = draw(days(horizon))
    apps = []
    for i in range(draw(st.integers(1, 5))):
        work = []
        if draw(st.booleans()):
            work.append(Job(
                every_s=draw(st.sampled_from([None, 300.0, 900.0, 3600.0])),
                at_s=draw(st.sampled_from([0.0, 600.0, 3000.0])),
                cpu_s=draw(st.sampled_from([1.0, 60.0, 400.0, 900.0])),
                down_bytes=draw(st.sampled_from([0, 100_000])),
                network=draw(st.sampled_from([None, "unmetered"])),
                requires_charging=draw(st.booleans()),
                requires_device_idle=draw(st.booleans()),
                checkpoints=draw(st.booleans()),
            ))
        if draw(st.booleans()) or not work:
            work.append(ImmediateWork(every_s=draw(st.sampled_from([300.0, 1800.0])),
                                      cpu_s=draw(st.sampled_from([1.0, 200.0]))))
        apps.append(App(f"a{i}", bucket=draw(st.sampled_from(["active", "frequent", "rare"])),
                        doze_exempt=draw(st.booleans()), work=tuple(work)))
    device = Device(api_level=draw(st.sampled_from([23, 28, 30, 31, 34])))
    return Scenario(device=device, day=day, apps=tuple(apps), duration_s=horizon), draw(st.integers(0, 2**31))


@SETTINGS
@given(scenarios())
def test_process_lanes_tile_the_run_and_work_runs_only_in_a_running_process(data):
    sc, seed = data
    r = run(sc, seed=seed)
    for app in sc.apps:
        lane = r.lane("process", app.name)
        assert lane[0].start_s == 0.0 and lane[-1].end_s == sc.duration_s
        assert all(a.end_s == b.start_s and a.value != b.value for a, b in itertools.pairwise(lane))
        running = [s for s in r.lane("work", app.name) if s.value == "running"]
        for span in running:
            mid = (span.start_s + span.end_s) / 2
            state = next(s.value for s in lane if s.start_s <= mid < s.end_s)
            assert state not in ("not_running", "cached"), (app.name, span, state)


@SETTINGS
@given(scenarios())
def test_energy_adds_up_to_the_battery_drop_when_nothing_charges(data):
    sc, seed = data
    if sc.day.charging:
        return
    r = run(sc, seed=seed)
    drop = r.battery[0].mah - r.battery[-1].mah
    assert abs(drop - r.summary["battery_drained_mah"]) < 1e-6 * max(1.0, drop) + 1e-9 or r.battery[-1].mah == 0.0
    assert sum(e.mah for e in r.energy) == r.summary["battery_drained_mah"]


@SETTINGS
@given(scenarios())
def test_stopped_or_frozen_work_books_no_cpu_beyond_what_it_did(data):
    sc, seed = data
    r = run(sc, seed=seed)
    ma = sc.device.power.cpu_active_ma
    cold = sc.assumptions.process_cold_start_s
    ledger = {e.app: e.mah for e in r.energy if e.component == "cpu.active"}
    for app in sc.apps:
        name = app.name
        recs = [w for w in r.work if w.app == name]
        frozen = sum(1 for e in r.events if e.app == name and e.kind == "work_frozen")
        resumed = sum(1 for e in r.events if e.app == name and e.kind == "work_resumed")
        if any(w.end_s >= sc.duration_s - 1e-6 for w in recs) or frozen != resumed:
            continue  # (cut by the end of the run: booked up to it only)
        starts = sum(1 for e in r.events if e.app == name and e.kind == "process_start")
        # each record's cpu_s is the CPU it did (cut at a stop), so the app's CPU energy is exactly that
        expected = ma * (sum(w.cpu_s for w in recs) + starts * cold) / 3600.0
        assert abs(ledger.get(name, 0.0) - expected) < 1e-6, (name, ledger.get(name), expected)
    assert all(e.mah >= -1e-9 for e in r.energy)
