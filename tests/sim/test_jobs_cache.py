"""JobScheduler's pass keeps a job's verdict while it cannot change (sim/jobs.py, JobScheduler._update): runs with
the kept verdicts equal runs that check every waiting job on every pass, including passes at the concurrency limit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import App, Day, Device, Job, NetworkPeriod, Period, Scenario, Session, run
from sim.jobs import CONCURRENCY_LIMIT, JobScheduler

H = 3600.0
DAY = 86_400.0
BUCKETS = ("active", "working_set", "frequent", "rare", "restricted")

# the charger arrives with the screen off: every app's charging job is ready at one instant, far over the limit
BURST_DAY = Day(
    screen=(Session(7 * H, 7.25 * H, "a03"), Session(12 * H, 12.5 * H), Session(22 * H, 22.1 * H)),
    charging=(Period(2 * H, 4 * H), Period(9 * H, 9.5 * H), Period(14 * H, 17 * H)),
    network=(NetworkPeriod(5 * H, 8 * H, "cellular"), NetworkPeriod(10 * H, 11 * H, "none")),
)


def _jobs(i: int) -> tuple[Job, ...]:
    k = i % 6
    if k == 0:
        return (Job(every_s=1800, cpu_s=300.0, requires_charging=True, down_bytes=20_000),)
    if k == 1:
        return (Job(every_s=900, cpu_s=90.0, network="unmetered", down_bytes=50_000, fails=2),)
    if k == 2:
        return (Job(at_s=100.0 * i, cpu_s=700.0, requires_charging=True, requires_battery_not_low=True),
                Job(every_s=3600, cpu_s=5.0, requires_device_idle=True))
    if k == 3:
        return (Job(at_s=50.0 * i, expedited=True, cpu_s=200.0, down_bytes=1000),
                Job(every_s=900, cpu_s=30.0, requires_charging=True, fails=1, backoff="linear"))
    if k == 4:
        return (Job(at_s=1000, min_latency_s=300, deadline_s=7200, cpu_s=120.0, network="unmetered",
                    down_bytes=1000),
                Job(every_s=1200, cpu_s=2000.0, checkpoints=False, requires_charging=True))
    return (Job(every_s=900, cpu_s=1.0, down_bytes=100_000), Job(every_s=2700, cpu_s=600.0))


def _scenario(api: int, apps: int = 40, days: float = 2, battery: float = 100.0, day: Day = BURST_DAY,
              shift: int = 0, double: bool = False) -> Scenario:
    return Scenario(
        device=Device(api_level=api, battery_start_pct=battery),
        day=day,
        apps=tuple(App(f"a{i:02d}", bucket=BUCKETS[(i + shift) % 5],
                       work=_jobs(i + shift) + (_jobs(i + shift + 3) if double else ()), doze_exempt=i == 7)
                   for i in range(apps)),
        duration_s=days * DAY,
    )


def _fingerprint(sc: Scenario, seed: int = 0) -> str:
    r = run(sc, seed=seed)
    return repr((r.states, r.events, r.energy, r.work, sorted(r.summary.items()), r.notes, r.current_segments(),
                 r.battery, sorted(r.meta.items())))


@contextmanager
def _uncached() -> Iterator[None]:
    """Make every job's verdict uncacheable, so each pass checks every waiting job afresh."""
    schedule = JobScheduler.schedule

    def schedule_uncached(self: JobScheduler, app: str, spec: Job) -> None:
        schedule(self, app, spec)
        self.jobs[-1].cacheable = False

    JobScheduler.schedule = schedule_uncached  # type: ignore[method-assign]
    try:
        yield
    finally:
        JobScheduler.schedule = schedule  # type: ignore[method-assign]


def test_the_burst_scenario_reaches_the_concurrency_limit():
    r = run(_scenario(34))
    held = [e for e in r.events if e.kind == "job_start" and "concurrency" in e.detail]
    assert held, "no job waited for the concurrency limit: the cache comparisons below would not cover it"
    assert len(held) > CONCURRENCY_LIMIT


@pytest.mark.parametrize("api", [21, 28, 29, 31, 34])
@pytest.mark.parametrize("battery", [100.0, 18.0])
def test_kept_verdicts_change_nothing(api, battery):
    sc = _scenario(api, battery=battery, shift=api)
    cached = _fingerprint(sc)
    with _uncached():
        assert _fingerprint(sc) == cached


@pytest.mark.parametrize("api", [29, 31, 34])
def test_kept_verdicts_change_nothing_with_many_jobs_per_app(api):
    # (an app's job that starts changes the quota its other jobs see)
    sc = _scenario(api, day=Day.preset("weekday", variation=True), double=True)
    cached = _fingerprint(sc)
    with _uncached():
        assert _fingerprint(sc) == cached


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(api=st.sampled_from([24, 29, 30, 31, 34]), preset=st.sampled_from(["weekday", "desk_overnight", "heavy_user"]),
       apps=st.integers(17, 40), shift=st.integers(0, 29), seed=st.integers(0, 3), double=st.booleans())
def test_kept_verdicts_change_nothing_on_preset_days(api, preset, apps, shift, seed, double):
    sc = _scenario(api, apps=apps, days=1.5, day=Day.preset(preset, variation=True), shift=shift, double=double)
    cached = _fingerprint(sc, seed)
    with _uncached():
        assert _fingerprint(sc, seed) == cached
