"""Processes and running work (sim/processes.py, sim/phone.py): process states as a lane, cold starts, the cached
limit, and deep Doze freezing work that holds a wakelock (android-facts §1c, §5)."""

from __future__ import annotations

import pytest

from sim import App, Assumptions, Day, ImmediateWork, Scenario, Session, run
from sim.processes import ASSUMED_COLD_START_CPU_S as COLD
from sim.processes import MAX_CACHED_PROCESSES

H = 3600.0
DEEP_IDLE_S = 30 * 60 + 30 * 60 + 4 * 60 + 30  # 1 h 4 min 30 s on the desk (android-facts §1a, §8 scenario 9)


def test_a_wakelock_held_into_deep_idle_does_not_keep_the_cpu_awake():
    # 5 min of CPU (no network, so light Doze does not stop it) starting 2 min before deep idle
    app = App("a", work=(ImmediateWork(every_s=86_400, cpu_s=300.0, first_s=DEEP_IDLE_S - 120),))
    r = run(Scenario(apps=(app,), duration_s=3 * H))  # the desk-overnight day: screen off, unplugged, still
    (w,) = r.work
    first_window = next(s for s in r.lane("doze") if s.value == "deep_maintenance")
    assert first_window.start_s == DEEP_IDLE_S + H
    # frozen at deep idle with 300 - 120 + COLD s left, finished in the first maintenance window (up to 5 min)
    assert w.end_s == pytest.approx(first_window.start_s + 300.0 - 120.0 + COLD)
    cpu = [s for s in r.lane("cpu") if s.start_s > DEEP_IDLE_S and s.end_s < first_window.start_s]
    assert sum(s.end_s - s.start_s for s in cpu if s.value == "active") == 0.0
    assert [e.kind for e in r.events if e.app == "a"].count("work_frozen") == 1
    # energy: exactly the 300 s of CPU asked for, plus the cold start, at cpu.active
    assert r.energy_by()["cpu.active"] == pytest.approx(
        r.scenario.device.power.cpu_active_ma * (300.0 + COLD) / 3600.0)


def test_work_longer_than_a_maintenance_window_freezes_again_when_it_closes():
    app = App("a", work=(ImmediateWork(every_s=86_400, cpu_s=600.0, first_s=DEEP_IDLE_S - 120),))
    r = run(Scenario(apps=(app,), duration_s=3 * H))
    first_window = next(s for s in r.lane("doze") if s.value == "deep_maintenance")
    assert first_window.end_s - first_window.start_s == 300.0  # IDLE_PENDING_TIMEOUT: 5 min at most
    assert r.work[0].end_s == first_window.end_s  # frozen again; the run ends before the next window
    assert [e.kind for e in r.events if e.app == "a"].count("work_frozen") == 2


def test_an_allowlisted_apps_wakelock_keeps_the_cpu_through_deep_idle():
    app = App("a", doze_exempt=True, work=(ImmediateWork(every_s=86_400, cpu_s=600.0, first_s=DEEP_IDLE_S - 120),))
    (w,) = run(Scenario(apps=(app,), duration_s=3 * H)).work
    assert w.end_s == pytest.approx(DEEP_IDLE_S - 120 + 600.0 + COLD)


def test_process_lane_cold_start_then_cached_and_the_app_in_front_is_top():
    day = Day(screen=(Session(1000.0, 2000.0, "a"),), network_default="wifi")
    app = App("a", work=(ImmediateWork(every_s=86_400, cpu_s=5.0, first_s=100.0),))
    r = run(Scenario(day=day, apps=(app,), duration_s=H))
    lane = [(s.start_s, s.value) for s in r.lane("process", "a")]
    assert lane == [(0.0, "not_running"), (100.0, "receiver"), (105.0 + COLD, "cached"), (1000.0, "top"),
                    (2000.0, "cached")]
    assert r.summary["process_cold_starts"] == 1.0


def test_more_than_32_cached_processes_kill_the_least_recently_used():
    n = MAX_CACHED_PROCESSES + 3
    day = Day(screen=(Session(0.0, H),), network_default="wifi")
    apps = tuple(App(f"a{i:02d}", work=(ImmediateWork(every_s=86_400, cpu_s=1.0, first_s=10.0 * i),))
                 for i in range(n))
    r = run(Scenario(day=day, apps=apps, duration_s=H))
    assert r.summary["process_kills"] == 3.0
    killed = [e.app for e in r.events if e.kind == "process_kill"]
    assert killed == ["a00", "a01", "a02"]
    assert r.lane("process", "a00")[-1].value == "not_running"


def test_the_cold_start_cost_is_an_assumption_the_reader_can_change():
    app = App("a", work=(ImmediateWork(every_s=86_400, cpu_s=5.0, first_s=100.0),))
    day = Day(screen=(Session(0.0, H),))
    r = run(Scenario(day=day, apps=(app,), duration_s=H, assumptions=Assumptions(process_cold_start_s=2.0)))
    assert r.work[0].end_s == 107.0
    with pytest.raises(ValueError, match="process_cold_start_s=-1"):
        Assumptions(process_cold_start_s=-1)


def test_the_state_of_a_process_follows_a_long_service_span_among_many_short_pieces():
    from sim.processes import Processes

    procs = Processes(["a"], cold_start_s=0.0, max_cached=32, event=lambda *args: None)
    keep = procs.acquire("a", "foreground_service", 0.0)[1]
    procs.done("a", keep, 10_000.0)
    for i in range(20):  # short receiver work while the foreground service runs
        _, piece = procs.acquire("a", "receiver", 100.0 + 10 * i)
        procs.done("a", piece, 101.0 + 10 * i)
    assert procs.state("a", 5_000.0) == "foreground_service"
    assert procs.state("a", 10_001.0) == "cached"
