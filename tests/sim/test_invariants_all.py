"""Invariants over random scenarios that mix every mechanism (jobs, alarms, services, receivers and broadcasts,
immediate work) across API levels and target SDKs (hypothesis): a run finishes (or is refused as too large), is
deterministic, its process lanes tile the run, no work runs in a process that is not running, energy adds up, and
refused calls are said."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import (
    Alarm,
    App,
    Broadcast,
    Device,
    ImmediateWork,
    Job,
    Receiver,
    RunTooLarge,
    Scenario,
    Service,
    run,
)
from sim.alarms.spec import ALARM_TYPES, CALLS, PERMISSIONS
from sim.broadcasts.spec import REGISTRATIONS, RUNS
from sim.services.spec import FGS_TYPES, MODES, START_CONTEXTS
from tests.sim.strategies import days

H = 3600.0
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mechanisms(draw, horizon):
    kind = draw(st.sampled_from(["immediate", "job", "alarm", "service", "receiver", "broadcast"]))
    at = float(draw(st.integers(0, int(horizon))))
    if kind == "immediate":
        return ImmediateWork(every_s=draw(st.sampled_from([60.0, 900.0])), cpu_s=draw(st.sampled_from([0.5, 30.0])))
    if kind == "job":
        return Job(every_s=draw(st.sampled_from([None, 900.0, 3600.0])), at_s=at, cpu_s=draw(st.sampled_from([1.0,
                   700.0])), down_bytes=draw(st.sampled_from([0, 50_000])), requires_charging=draw(st.booleans()))
    if kind == "alarm":
        call = draw(st.sampled_from(CALLS))
        repeating = call in ("set_repeating", "set_inexact_repeating")
        return Alarm(call=call, type=draw(st.sampled_from(ALARM_TYPES)), at_s=at,
                     every_s=draw(st.sampled_from([60.0, 900.0, 3600.0])) if repeating else None,
                     window_s=draw(st.sampled_from([60.0, 1800.0])) if call == "set_window" else None,
                     set_at_s=max(0.0, at - draw(st.sampled_from([0.0, 2.0, 600.0]))),
                     cpu_s=draw(st.sampled_from([0.5, 20.0])), down_bytes=draw(st.sampled_from([0, 20_000])),
                     permission=draw(st.sampled_from(PERMISSIONS)))
    if kind == "receiver":
        actions = draw(st.lists(st.sampled_from(["connectivity_change", "power_connected", "screen_on", "battery_low",
                                                 "boot_completed", "com.example.PING"]), min_size=1, max_size=3))
        return Receiver(actions=tuple(actions), registered=draw(st.sampled_from(REGISTRATIONS)),
                        cpu_s=draw(st.sampled_from([0.1, 15.0, 90.0])), down_bytes=draw(st.sampled_from([0, 20_000])),
                        run=draw(st.sampled_from(RUNS)))
    if kind == "broadcast":
        return Broadcast(action=draw(st.sampled_from(["boot_completed", "com.example.PING"])), at_s=at,
                         every_s=draw(st.sampled_from([None, 600.0])), foreground=draw(st.booleans()))
    mode = draw(st.sampled_from(MODES))
    fg = mode == "foreground"
    return Service(mode=mode, at_s=at, from_=draw(st.sampled_from(START_CONTEXTS)),
                   run_s=draw(st.sampled_from([30.0, 600.0, 4 * H])), cpu_share=draw(st.sampled_from([0.05, 0.5])),
                   calls_start_foreground_after_s=draw(st.sampled_from([None, 0.0, 3.0, 20.0])) if fg else 0.0,
                   fgs_type=draw(st.sampled_from([None, *FGS_TYPES])) if fg else None,
                   up_bytes=draw(st.sampled_from([0, 2_500_000])), threads=draw(st.sampled_from([1, 4])),
                   wakelock=draw(st.booleans()))


@st.composite
def scenarios(draw):
    horizon = draw(st.sampled_from([2 * H, 10 * H]))
    day = draw(days(horizon, screens=3, charges=1, networks=2))
    apps = tuple(
        App(f"a{i}", target_sdk=draw(st.sampled_from([25, 30, 31, 33, 34, 35])),
            bucket=draw(st.sampled_from(["active", "frequent", "rare", "auto"])), doze_exempt=draw(st.booleans()),
            work=tuple(draw(st.lists(mechanisms(horizon), min_size=1, max_size=3))))
        for i in range(draw(st.integers(1, 4)))
    )
    device = Device(api_level=draw(st.sampled_from([23, 26, 28, 29, 31, 33, 34, 35])))
    return Scenario(device=device, day=day, apps=apps, duration_s=horizon), draw(st.integers(0, 2**31))


@SETTINGS
@given(scenarios())
def test_every_mechanism_together_keeps_the_invariants(data):
    sc, seed = data
    try:
        r = run(sc, seed=seed)
    except RunTooLarge:
        return
    assert r == run(sc, seed=seed)  # deterministic
    for app in sc.apps:
        lane = r.lane("process", app.name)
        assert lane[0].start_s == 0.0 and lane[-1].end_s == sc.duration_s
        assert all(a.end_s == b.start_s for a, b in itertools.pairwise(lane))
        for span in r.lane("work", app.name):
            if span.value == "running":
                mid = (span.start_s + span.end_s) / 2
                state = next(s.value for s in lane if s.start_s <= mid < s.end_s)
                assert state not in ("not_running", "cached"), (app.name, span, state)
    assert all(e.mah >= -1e-9 for e in r.energy)
    assert abs(sum(e.mah for e in r.energy) - r.summary["battery_drained_mah"]) < 1e-6
    for e in r.events:
        if e.kind == "broadcast_received":
            assert e.app in {a.name for a in sc.apps}
        if e.kind in ("alarm_refused", "service_refused"):
            assert e.detail and any(e.app in n for n in r.notes), e
