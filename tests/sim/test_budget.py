"""Every run is bounded (sim/phone.py RunTooLarge), and its cost grows linearly in apps (issue 9)."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import App, Day, Device, DozeTimings, ImmediateWork, Job, RunTooLarge, Scenario, run
from sim.phone import MAX_CALLBACKS_PER_DAY, MAX_WORK_PER_DAY

DAY = 86_400.0


def test_a_runaway_scenario_stops_early_naming_what_made_it_large():
    apps = tuple(App(f"a{i:02d}", work=(ImmediateWork(every_s=1, cpu_s=0.1),)) for i in range(40))
    t0 = time.perf_counter()
    with pytest.raises(RunTooLarge, match=r"Scenario too large: .* allowed 1,000,000 callbacks and 250,000 pieces "
                                          r"of work a simulated day\. Most of it: app 'a\d\d'.*40 apps over 7 days"):
        run(Scenario(apps=apps, duration_s=7 * DAY))
    assert time.perf_counter() - t0 < 10  # it stops within the first simulated hour, not after a week
    assert issubclass(RunTooLarge, ValueError)  # a live lab catches it and shows the message


def test_the_busiest_book_sized_scenarios_stay_inside_the_budget():
    # 100 apps, each with work and a periodic job every 15 min, for two days
    apps = tuple(App(f"a{i:03d}", work=(ImmediateWork(every_s=900, cpu_s=1.0, down_bytes=100_000),
                                         Job(every_s=900, cpu_s=1.0, down_bytes=100_000))) for i in range(100))
    r = run(Scenario(day=Day.preset("weekday"), apps=apps, duration_s=2 * DAY))
    assert r.meta["simpy_events"] < MAX_CALLBACKS_PER_DAY * 2
    assert len(r.work) < MAX_WORK_PER_DAY * 2


def test_doze_timings_too_short_to_finish_are_refused():
    # (reached less than a tenth of a day in 30 s before: ~3 million timer callbacks)
    with pytest.raises(ValueError, match=r"DozeTimings.idle_timeout_s=0.001: allowed \[15, 604800\]"):
        DozeTimings(idle_timeout_s=1e-3, max_idle_timeout_s=1e-3, maintenance_s=1e-3, max_maintenance_s=1e-3)


@st.composite
def valid_scenarios(draw):
    n = draw(st.integers(0, 40))
    every = draw(st.sampled_from([1.0, 5.0, 60.0, 900.0, 3600.0]))
    kinds = draw(st.sampled_from(["immediate", "job", "both"]))
    apps = []
    for i in range(n):
        work = []
        if kinds in ("immediate", "both"):
            work.append(ImmediateWork(every_s=every, cpu_s=draw(st.sampled_from([0.1, 1.0, 30.0]))))
        if kinds in ("job", "both"):
            work.append(Job(every_s=max(every, 60.0), cpu_s=1.0))
        apps.append(App(f"a{i:02d}", bucket=draw(st.sampled_from(["active", "rare", "auto"])), work=tuple(work)))
    doze = DozeTimings(idle_timeout_s=draw(st.sampled_from([15.0, 3600.0])), maintenance_s=1.0,
                       light_idle_s=draw(st.sampled_from([15.0, 300.0])))
    return Scenario(device=Device(doze=doze), day=Day.preset(draw(st.sampled_from(["weekday", "desk_overnight"]))),
                    apps=tuple(apps), duration_s=draw(st.sampled_from([3600.0, DAY, 3 * DAY])))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_scenarios())
def test_every_valid_run_ends_within_its_budget(sc):
    t0 = time.perf_counter()
    try:
        r = run(sc)
    except RunTooLarge as error:
        assert "Scenario too large" in str(error)
    else:
        days = max(sc.duration_s, 3600.0) / DAY
        assert r.meta["simpy_events"] <= MAX_CALLBACKS_PER_DAY * days + 20_000
        assert len(r.work) <= MAX_WORK_PER_DAY * days + 20_000
    assert time.perf_counter() - t0 < 60
