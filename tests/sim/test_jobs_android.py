"""JobScheduler where the model once differed from Android (issue 8): flex of setPeriodic(interval), periodic
rescheduling (getRescheduleJobForPeriodic), the reason a job waited longest; with AOSP's numbers."""

from __future__ import annotations

import itertools

import pytest

from sim import App, Day, Device, Job, NetworkPeriod, Period, Scenario, Session, run
from sim.processes import ASSUMED_COLD_START_CPU_S as COLD

H = 3600.0
DAY = 86_400.0


def _run(job, day, *, api=34, bucket="active", duration=6 * H):
    return run(Scenario(device=Device(api_level=api), day=day, apps=(App("a", bucket=bucket, work=(job,)),),
                        duration_s=duration))


def _flicker(period_s: float, duration: float) -> tuple[NetworkPeriod, ...]:
    """Wi-Fi for half of every `period_s`, cellular for the other half."""
    return tuple(NetworkPeriod(t, t + period_s / 2, "cellular") for t in range(0, int(duration), int(period_s)))


# -- 1. setPeriodic(interval) uses the interval as its flex --------------------------------------------------------
def test_a_5_minute_periodic_job_runs_once_per_15_minutes_in_the_last_5_minutes_of_each():
    day = Day(screen=(Session(0, DAY),), charging=(Period(0, DAY),), network_default="wifi")
    r = _run(Job(every_s=300, cpu_s=1.0), day)
    starts = [w.start_s for w in r.work]
    assert len(starts) == 6 * 4  # 24 periods of 15 min in 6 h, one run each
    assert all(600.0 <= t % 900.0 < 900.0 for t in starts)  # only in the last 300 s (5 min) of a period
    assert any("raised to 900 s" in n and "last 300 s of each period" in n for n in r.notes)


def test_a_5_minute_periodic_job_never_runs_twice_within_10_minutes_even_when_its_constraint_flickers():
    day = Day(screen=(Session(0, DAY),), charging=(Period(0, DAY),), network_default="wifi",
              network=_flicker(140.0, 6 * H))
    r = _run(Job(every_s=300, cpu_s=1.0, network="unmetered", down_bytes=1000), day)
    starts = [w.start_s for w in r.work]
    assert len(starts) >= 18
    per_period = [int(t // 900) for t in starts]
    assert len(per_period) == len(set(per_period))  # at most once per 15-minute period
    assert min(b - a for a, b in itertools.pairwise(starts)) >= 600.0 - 1e-6  # never two within 10 min


def test_an_explicit_flex_is_kept_and_the_whole_period_is_used_for_a_long_interval():
    day = Day(screen=(Session(0, DAY),), network_default="wifi")
    r = _run(Job(every_s=3600, cpu_s=1.0), day)
    assert [w.start_s for w in r.work][:3] == [0.0, 3600.0, 7200.0]  # flex = interval: the whole hour


# -- 2. rescheduling a periodic job (JobSchedulerService.getRescheduleJobForPeriodic) -------------------------------
def test_a_run_that_finishes_close_to_its_window_end_pushes_the_next_window_back():
    # hourly job (flex = period); Wi-Fi first at 55 min, 5 min before the first window ends
    day = Day(screen=(Session(0, DAY),), network_default="wifi", network=(NetworkPeriod(0, 3300, "none"),))
    r = _run(Job(every_s=3600, cpu_s=1.0, network="unmetered", down_bytes=1000), day)
    first, second = r.work[0], r.work[1]
    assert first.start_s == 3300.0
    diff = 3600.0 - first.end_s  # finished this long before its window ended: under period/6 = 10 min
    assert second.start_s == pytest.approx(3600.0 + (600.0 - diff))  # next window opens late by what is missing


def test_a_late_run_keeps_to_the_grid_and_skips_a_window_that_would_open_too_soon():
    # 15-min period, 5-min flex; no network from 0 to 1450 s: the first window [600, 900] passes, the job runs late
    day = Day(screen=(Session(0, DAY),), network_default="wifi", network=(NetworkPeriod(0, 1450, "none"),))
    r = _run(Job(every_s=900, flex_s=300, cpu_s=1.0, down_bytes=1000), day)
    starts = [w.start_s for w in r.work]
    assert starts[0] == 1450.0
    # 1450 s is 550 s past the window's end (900 s): the window [1500, 1800] would open 50 s later (<= flex/6):
    # skipped; the job returns to the grid at [2400, 2700]
    assert starts[1] == 2400.0
    assert all(t % 900.0 == 600.0 for t in starts[1:])


# -- 8. waited_for names the reason that held the work back longest --------------------------------------------------
def test_waited_for_is_the_longest_reason_not_the_last():
    day = Day(screen=(Session(0, DAY),), charging=(Period(2 * H, DAY),), network_default="wifi",
              network=(NetworkPeriod(2 * H, 2 * H + 60, "cellular"),))
    r = _run(Job(at_s=0.0, cpu_s=1.0, requires_charging=True, network="unmetered", down_bytes=1000), day)
    (w,) = r.work
    assert w.start_s == 2 * H + 60  # on Wi-Fi without the charger for 2 h; then charging, but a minute on cellular
    assert w.waited_for == "charging"  # 2 h for the charger against 60 s for Wi-Fi
    (start,) = [e for e in r.events if e.kind == "job_start"]
    assert "charging 7200 s" in start.detail and "unmetered 60 s" in start.detail


def test_cold_start_counts_once():
    day = Day(screen=(Session(0, DAY),), network_default="wifi")
    r = _run(Job(every_s=3600, cpu_s=1.0), day)
    assert [w.end_s - w.start_s for w in r.work[:2]] == [1.0 + COLD, 1.0]
