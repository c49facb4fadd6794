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
    stops = [e.t_s for e in r.events if e.kind == "job_stop"]
    # (a run stopped when Wi-Fi went away is retried; the periodic rules are about the runs that complete)
    starts = [w.start_s for w in r.work if not any(w.start_s <= t <= w.end_s for t in stops)]
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


# -- 7. Android 9 defers non-ACTIVE apps' jobs by standby heartbeats; QuotaController from Android 10 ---------------
def _every_15_min(api, bucket):
    day = Day(screen=(Session(0, DAY),), network_default="wifi")  # awake all day, unplugged, nobody's app in front
    return _run(Job(every_s=900, cpu_s=1.0), day, api=api, bucket=bucket, duration=12 * H)


@pytest.mark.parametrize(("bucket", "beats"), [("working_set", 11), ("frequent", 43), ("rare", 130)])
def test_android_9_runs_a_non_active_apps_jobs_a_bucket_of_heartbeats_apart(bucket, beats):
    r = _every_15_min(28, bucket)
    beat = [int(w.start_s // 660) for w in r.work]  # the standby heartbeat (11 min) each run started in
    # after a run, the app's jobs may not start while 1 .. beats-1 heartbeats have passed (more may start within
    # the same heartbeat: `mHeartbeat > appLastRan` is false there)
    changes = [b - a for a, b in itertools.pairwise(beat) if b != a]
    assert all(c >= beats for c in changes)
    assert len(set(beat)) == 1 + int((12 * H / 660 - 1) // beats)  # one heartbeat of runs every `beats` beats
    waits = {w.waited_for for w in r.work if w.start_s // 660 != 0}
    assert waits <= {"standby", ""} and (len(set(beat)) == 1 or "standby" in waits)


def test_android_10_holds_the_same_jobs_to_quotacontroller_instead():
    r9, r10 = _every_15_min(28, "working_set"), _every_15_min(29, "working_set")
    assert len(r10.work) == 48  # 1 s a run is far inside 10 min per 2 h: every 15-min period gets its run
    assert len({int(w.start_s // 660) for w in r9.work}) == 6  # heartbeats 0, 11, 22, 33, 44, 55


def test_android_9_lets_an_active_app_and_a_charging_phone_run_freely():
    day = Day(screen=(Session(0, DAY),), charging=(Period(0, DAY),), network_default="wifi")
    plugged = _run(Job(every_s=900, cpu_s=1.0), day, api=28, bucket="rare", duration=12 * H)
    assert len(plugged.work) == 48
    assert len(_every_15_min(28, "active").work) == 48


# -- 4. expedited jobs keep their exemption for a minute after the app leaves the front ----------------------------
def _ej_day():
    # the app is in front from 2000 s to 3000 s; before that, an expedited job used up its rare-bucket EJ quota
    day = Day(screen=(Session(0, 2000.0), Session(2000.0, 3000.0, "a"), Session(3000.0, DAY)),
              network_default="wifi")
    jobs = (Job(at_s=100.0, expedited=True, cpu_s=590.0), Job(at_s=3030.0, expedited=True, cpu_s=10.0),
            Job(at_s=3100.0, expedited=True, cpu_s=10.0))
    return run(Scenario(day=day, apps=(App("a", bucket="rare", work=jobs),), duration_s=2 * H))


def test_an_expedited_job_runs_as_one_within_a_minute_of_leaving_the_front_and_not_after():
    r = _ej_day()
    kinds = {e.t_s: e.detail for e in r.events if e.kind == "job_start"}
    assert "(expedited)" in kinds[100.0]
    assert "(expedited)" in kinds[3030.0]  # 30 s after leaving the front: the 1-minute grace
    late = [d for t, d in kinds.items() if t >= 3100.0]
    assert late and "(expedited)" not in late[0]  # 100 s after: out of EJ quota, it runs as a regular job


# -- 5. Android 12+ batching never leaves a ready job waiting for ever ----------------------------------------------
def test_a_rare_app_on_the_charger_with_the_screen_off_runs_its_jobs_once_the_batching_delay_passes():
    day = Day(charging=(Period(0, DAY),), network_default="wifi")  # screen off all day, on the charger: no Doze
    runs = {b: _run(Job(every_s=3600, cpu_s=1.0), day, bucket=b, duration=DAY) for b in ("rare", "active")}
    assert len(runs["rare"].work) == len(runs["active"].work) == 23
    # each waits at most its window (1 h, for the window-end alarm to wake the phone) plus the 31-min batching delay
    assert max(w.start_s - w.requested_s for w in runs["rare"].work) <= 3600 + 31 * 60 + 1
    assert {w.waited_for for w in runs["rare"].work} >= {"batch"}


def test_a_job_ready_when_scheduled_and_a_retried_job_are_not_batched():
    day = Day(screen=(Session(0, DAY),), network_default="wifi")
    r = _run(Job(at_s=100.0, cpu_s=1.0, fails=1), day, bucket="frequent", duration=2 * H)
    assert [round(w.start_s - w.requested_s) for w in r.work] == [0, 30]  # at once; the retry after 30 s backoff


# -- a running job loses what it needs: onStopJob, rescheduled (JobConcurrencyManager.stopNonReadyActiveJobsLocked) --
def _wifi_gap(api, back_s):
    day = Day(screen=(Session(0, DAY),), network_default="wifi", network=(NetworkPeriod(300.0, back_s, "cellular"),))
    return _run(Job(at_s=0.0, cpu_s=600.0, network="unmetered", down_bytes=1000), day, api=api, duration=2 * H)


def test_a_job_that_loses_wifi_mid_run_is_stopped_and_resumes_when_wifi_returns():
    r = _wifi_gap(34, 310.0)
    first, second = r.work
    assert first.end_s == 300.0  # stopped the moment Wi-Fi went
    (stop,) = [e for e in r.events if e.kind == "job_stop"]
    assert stop.t_s == 300.0 and "unmetered network lost" in stop.detail
    # Android 14+: a system stop is not a failure (1 stop // 3 = 0 backoff attempts): it runs when Wi-Fi is back
    assert second.start_s == 310.0
    # with checkpoints it does only what was left (CPU from just after the cold start and the 1 kB fetch to 300 s)
    assert second.cpu_s == pytest.approx(600.0 - (300.0 - COLD), abs=0.01)
    assert r.summary["job_stopped_by_constraint"] == 1.0 and r.summary["job_stopped_at_limit"] == 0.0
    # nothing of the stopped run is booked after 300 s
    assert not [s for s in r.current_segments() if s[3] == "cpu.active" and s[0] < 300.0 < s[1]]


def test_before_android_14_a_stop_counts_as_a_failure_with_its_backoff():
    r = _wifi_gap(33, 310.0)
    assert r.work[1].start_s == 330.0  # 30 s exponential backoff from the stop


def test_doze_going_idle_stops_a_running_job_until_the_maintenance_window():
    day = Day(network_default="wifi")  # screen off from the start, unplugged, still: light Doze after 60 s (API 34)
    r = _run(Job(at_s=30.0, cpu_s=120.0), day, duration=2 * H)
    first, second = r.work[0], r.work[1]
    assert (first.start_s, first.end_s) == (30.0, 60.0)
    assert "Doze" in next(e.detail for e in r.events if e.kind == "job_stop")
    light = [s for s in r.lane("doze") if s.value == "light_maintenance"]
    assert second.start_s == light[0].start_s  # in light Doze's first maintenance window


# -- 6. light Doze: PRE_IDLE waits for running jobs (Android 7-12); WAITING_FOR_NETWORK ------------------------------
def test_light_doze_waits_in_pre_idle_for_a_running_job_on_android_12_and_not_on_14():
    day = Day(network_default="wifi")  # screen off from the start: light Doze after 4 min (API 31), 60 s (API 34)
    r12 = _run(Job(at_s=200.0, cpu_s=100.0), day, api=31, duration=H)
    light = [(s.start_s, s.value) for s in r12.lane("doze_light")]
    assert (240.0, "pre_idle") in light  # the job (200-300 s) is running when the 4-min timeout fires
    (w,) = r12.work
    assert ((w.end_s, "idle") in light) and w.end_s == 300.0 + COLD  # idle as soon as the job is done
    # a job longer than LIGHT_PRE_IDLE_TIMEOUT: light Doze goes idle after 3 min anyway, and stops the job
    long = _run(Job(at_s=200.0, cpu_s=600.0), day, api=31, duration=H)
    assert (240.0 + 180.0, "idle") in [(s.start_s, s.value) for s in long.lane("doze_light")]
    assert long.work[0].end_s == 420.0
    r14 = _run(Job(at_s=30.0, cpu_s=100.0), day, api=34, duration=H)
    assert "pre_idle" not in {s.value for s in r14.lane("doze_light")}


def test_light_doze_without_a_network_waits_for_one_before_its_maintenance_window():
    # no network from 0 to 700 s; light idle at 60 s for 5 min: the window would open at 360 s
    day = Day(network_default="wifi", network=(NetworkPeriod(0.0, 700.0, "none"),))
    r = _run(Job(at_s=90.0, cpu_s=1.0, down_bytes=1000), day, duration=H)
    light = [(s.start_s, s.value) for s in r.lane("doze_light")]
    assert (360.0, "waiting_for_network") in light
    assert (700.0, "maintenance") in light  # opened the moment Wi-Fi came back
    assert r.work[0].start_s == 700.0
    # with no network coming back it waits one more idle period (10 min, LIGHT_IDLE_FACTOR) and opens anyway
    never = _run(Job(at_s=90.0, cpu_s=1.0), Day(network_default="none"), duration=H)
    assert (360.0 + 600.0, "maintenance") in [(s.start_s, s.value) for s in never.lane("doze_light")]


# -- 3. quota is charged while a job runs (QuotaController's Timer) -------------------------------------------------
def _quota_run(jobs, *, screen, bucket="working_set", api=34, duration=4 * H):
    day = Day(screen=tuple(screen), network_default="wifi")
    return run(Scenario(device=Device(api_level=api), day=day, duration_s=duration,
                        apps=(App("a", bucket=bucket, work=tuple(jobs)),)))


def test_quota_that_slides_back_into_the_window_during_a_long_run_extends_it():
    # working set: 10 min per 2 h. 300 s used at 0; at 7000 s only 300 s are left, but the old session slides out
    # of the 2-h window from 7200 s on while the new job runs, so it runs the full 10 min instead of 5
    screen = (Session(0.0, DAY),)
    r = _quota_run([Job(at_s=0.0, cpu_s=300.0), Job(at_s=7000.0, cpu_s=1200.0)], screen=screen, api=30)
    long = next(w for w in r.work if w.start_s == 7000.0)
    assert long.end_s - long.start_s == pytest.approx(600.0)


def test_time_while_the_app_is_in_front_is_not_charged_and_quota_stops_a_job_on_android_14():
    # rare: 10 min per 24 h. A 500 s job from 0 s; the app is in front from 100 s to 400 s (not charged there).
    # A second job at 1000 s gets the rest: 600 - 100 - (100 + COLD) s, fewer than the 10-min runtime guarantee of
    # Android 14, and quota stops it anyway (only expedited jobs are shielded from quota)
    screen = (Session(0.0, 100.0), Session(100.0, 400.0, "a"), Session(400.0, DAY))
    r = _quota_run([Job(at_s=0.0, cpu_s=500.0), Job(at_s=1000.0, cpu_s=1200.0)], screen=screen, bucket="rare")
    second = next(w for w in r.work if w.start_s == 1000.0)
    assert second.end_s - second.start_s == pytest.approx(600.0 - 100.0 - (100.0 + COLD))
    assert r.summary["job_stopped_by_quota"] == 1.0
    assert any(e.kind == "job_stop" and "quota ran out" in e.detail for e in r.events)


def test_a_job_started_while_its_app_is_in_front_is_never_charged():
    screen = (Session(0.0, 400.0, "a"), Session(400.0, DAY))
    r = _quota_run([Job(at_s=0.0, cpu_s=350.0), Job(at_s=1000.0, cpu_s=1200.0)], screen=screen, bucket="rare")
    second = next(w for w in r.work if w.start_s == 1000.0)
    assert second.end_s - second.start_s == pytest.approx(600.0)  # the whole 10 min: the first job cost none


@pytest.mark.parametrize(("api", "deferred"), [(23, True), (24, False), (34, False)])
def test_an_allowlisted_apps_jobs_run_in_doze_from_api_24_but_wait_on_api_23(api: int, deferred: bool) -> None:
    # developer.android.com "Optimize for Doze and App Standby": an allowlisted app's "jobs and syncs are deferred
    # (on API level 23 and below)"; from Android 7.0 DeviceIdleJobsController lets them run in Doze.
    import sim
    day = sim.Day.preset("desk_overnight")
    app = sim.App("mail", target_sdk=23, doze_exempt=True, work=(sim.Job(every_s=15 * 60.0, cpu_s=1.0),))
    r = sim.run(sim.Scenario(device=sim.Device(api_level=api), day=day, apps=(app,), duration_s=6 * 3600), seed=0)
    deep = [s for s in r.lane("doze") if s.value == "deep_idle"]
    assert deep, "the phone reaches deep Doze"
    in_deep = [w for w in r.work for s in deep if s.start_s < w.start_s < s.end_s]
    assert (not in_deep) == deferred
