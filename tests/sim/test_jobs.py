"""JobScheduler (sim/jobs.py): Android's documented job behaviour, with its numbers (android-facts §1-3, §8)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import (
    App,
    Assumptions,
    Day,
    Device,
    ImmediateWork,
    Job,
    NetworkPeriod,
    Period,
    Scenario,
    Session,
    run,
)
from sim.jobs import backoff_delay_s
from sim.processes import ASSUMED_COLD_START_CPU_S as COLD  # the first work in an app starts its process
from sim.scenario import App as AppCls

H = 3600.0
DAY = 86_400.0
SCREEN_ON = Day(screen=(Session(0, DAY),), network_default="wifi")  # awake all day, nobody's app in front


def at(result, lane, t, app=""):
    """The value of `lane` at time t (a change at t already applies)."""
    for s in result.lane(lane, app):
        if s.start_s <= t < s.end_s:
            return s.value
    raise AssertionError(f"no {lane} span at {t}")


def one(job, *, day=SCREEN_ON, api=34, bucket="active", duration=DAY, **app):
    return run(Scenario(device=Device(api_level=api), day=day, apps=(App("a", bucket=bucket, work=(job,), **app),),
                        duration_s=duration))


def test_job_is_public_and_records_runs_as_mechanism_job():
    r = one(Job(cpu_s=2.0, at_s=100), duration=H)
    assert [(w.mechanism, w.start_s, w.end_s, w.waited_for) for w in r.work] == [("job", 100.0, 102.0 + COLD, "")]
    assert [e.kind for e in r.events if e.app == "a"] == ["job_start", "process_start", "job_finish"]
    assert r.summary["job_runs"] == 1.0
    assert AppCls.from_dict({"name": "b", "work": [{"kind": "job", "every_s": 900, "network": "unmetered",
                                                      "down_bytes": 10}]}).work == (
        Job(every_s=900, network="unmetered", down_bytes=10),)


# -- periodic (android-facts §3, §8 scenario 6) -----------------------------------------------------------------
def test_five_minute_periodic_job_runs_every_15_minutes_and_the_note_says_why():
    r = one(Job(every_s=300, cpu_s=1.0), duration=4 * H)
    starts = [w.start_s for w in r.work]
    assert len(starts) == 16
    assert {b - a for a, b in itertools.pairwise(starts)} == {900.0}
    assert any("every 300 s raised to 900 s" in n and "MIN_PERIOD_MILLIS" in n for n in r.notes)
    # Android 5-6 allowed shorter periods
    r6 = one(Job(every_s=300, cpu_s=1.0), api=23, duration=H)
    assert len(r6.work) == 12 and not any("raised" in n for n in r6.notes)


def test_periodic_job_runs_only_in_its_flex_window_once_per_period():
    r = one(Job(every_s=3600, flex_s=60, cpu_s=1.0), duration=6 * H)
    assert any("flex 60 s changed to 300 s" in n for n in r.notes)  # MIN_FLEX_MILLIS
    for k, w in enumerate(r.work, start=1):  # window: the last 5 min of period k
        assert k * H - 300 <= w.start_s <= k * H
    assert len(r.work) == 6


# -- constraints ---------------------------------------------------------------------------------------------------
def test_job_needing_charging_and_unmetered_network_runs_only_on_the_charger_and_on_wifi():
    day = Day(
        screen=(Session(8 * H, 9 * H), Session(19 * H, 20 * H)),
        charging=(Period(12 * H, 13 * H), Period(22 * H, 23.5 * H)),
        network=(NetworkPeriod(18 * H, DAY, "wifi"),),
        network_default="cellular",
    )
    job = Job(every_s=3600, cpu_s=5.0, down_bytes=2_000_000, network="unmetered", requires_charging=True)
    r = one(job, day=day)
    assert r.work
    for w in r.work:
        assert at(r, "charging", w.start_s) == "plugged"
        assert at(r, "network", w.start_s) == "wifi"
        assert w.network == "wifi"
    assert r.summary["metered_mb"] == 0.0
    assert min(w.start_s for w in r.work) >= 22 * H  # not at noon: charging but on cellular
    assert r.work[0].waited_for in ("charging", "unmetered")


def test_override_deadline_runs_the_job_with_its_constraints_unmet():
    r = one(Job(cpu_s=1.0, requires_charging=True, deadline_s=H), duration=2 * H)
    assert [(w.start_s, w.waited_for) for w in r.work] == [(H, "charging")]


def test_device_idle_job_waits_for_the_screen_to_be_off_for_the_idle_threshold():
    day = Day(screen=(Session(0, 2 * H),), charging=(Period(0, DAY),))
    r = one(Job(cpu_s=1.0, requires_device_idle=True, requires_charging=True), day=day)
    assert [w.start_s for w in r.work] == [2 * H + Assumptions().job_idle_threshold_s]
    assert r.work[0].waited_for == "idle"


def test_battery_not_low_waits_for_the_charger_and_is_ignored_before_api_26():
    day = Day(screen=(Session(0, DAY),), charging=(Period(5 * H, 6 * H),))
    sc = Scenario(device=Device(battery_start_pct=10.0), day=day,
                  apps=(App("a", work=(Job(cpu_s=1.0, requires_battery_not_low=True),)),), duration_s=8 * H)
    r = run(sc)
    assert [(w.start_s, w.waited_for) for w in r.work] == [(5 * H, "battery")]
    r25 = one(Job(cpu_s=1.0, requires_battery_not_low=True), api=25, duration=H)
    assert r25.work[0].start_s == 0.0
    assert any("setRequiresBatteryNotLow arrives in API 26" in n for n in r25.notes)


# -- Doze (android-facts §1c, §8 scenario 9) -------------------------------------------------------------------------
def test_during_deep_doze_jobs_run_only_in_maintenance_windows():
    apps = tuple(App(f"a{i}", bucket="active", work=(Job(every_s=900, at_s=i * 130.0, cpu_s=2.0,
                                                         down_bytes=50_000),)) for i in range(5))
    r = run(Scenario(day=Day(network_default="wifi"), apps=apps))  # screen off, unplugged, still all day
    in_maintenance = 0
    for w in r.work:
        value = at(r, "doze", w.start_s)
        assert value not in ("deep_idle", "light_idle"), (w, value)
        in_maintenance += value == "deep_maintenance"
    assert in_maintenance >= 10
    assert r.summary["doze_deep_idle_s"] > 15 * H
    deep = [w for w in r.work if w.start_s > 2 * H]
    assert deep and all(w.waited_for in ("doze", "batch", "asleep", "") for w in deep)


# -- standby-bucket quotas (android-facts §2b) ------------------------------------------------------------------------
def _job_time_in_any_24h(result):
    runs = [(w.start_s, w.end_s) for w in result.work]
    return max(sum(max(0.0, min(b, t) - max(a, t - DAY)) for a, b in runs) for _, t in runs)


def test_rare_bucket_gets_at_most_10_minutes_of_jobs_per_rolling_24h_on_battery():
    job = Job(every_s=900, cpu_s=120.0)
    r29 = one(job, api=29, bucket="rare", duration=2 * DAY)  # time quota only: 4 x 2 min + 2 min = 10 min
    assert _job_time_in_any_24h(r29) == pytest.approx(600.0)
    assert any("'rare' bucket's quota" in n for n in r29.notes)
    assert "quota" in {w.waited_for for w in r29.work}
    r34 = one(job, api=34, bucket="rare", duration=2 * DAY)  # Android 11+: also 3 sessions per 24 h
    assert _job_time_in_any_24h(r34) <= 600.0
    assert len([w for w in r34.work if w.start_s < DAY]) == 3


def test_rare_bucket_is_not_limited_while_charging_or_in_front():
    job = Job(every_s=900, cpu_s=120.0)
    charging = Day(screen=(Session(0, DAY),), charging=(Period(0, DAY),))
    # (API 30: Android 12+ would also batch this lone non-ACTIVE job, see the batching test below)
    assert len(one(job, api=30, bucket="rare", day=charging).work) == 96
    front = Day(screen=(Session(0, DAY, "a"),))
    assert len(one(job, bucket="rare", day=front).work) == 96


# -- failure, backoff, execution limit (android-facts §3, §8 scenarios 7-8) -------------------------------------------
def _retry_gaps(result):
    return [round(b.start_s - a.end_s, 6) for a, b in itertools.pairwise(result.work)]


def test_exponential_backoff_gives_30_60_120_240_s_capped_at_5_h():
    r = one(Job(cpu_s=1.0, fails=6), duration=4 * H)
    assert _retry_gaps(r) == [30.0, 60.0, 120.0, 240.0, 480.0, 960.0]
    assert [w.waited_for for w in r.work[1:]] == ["backoff"] * 6
    assert [e.kind for e in r.events if e.kind.startswith("job_")].count("job_fail") == 6
    assert backoff_delay_s("exponential", 30.0, 20) == 5 * H
    assert r.summary["job_failed"] == 6.0


def test_linear_backoff_gives_30_60_90_s_and_a_small_backoff_is_raised_to_10_s():
    assert _retry_gaps(one(Job(cpu_s=1.0, fails=3, backoff="linear"), duration=H)) == [30.0, 60.0, 90.0]
    r = one(Job(cpu_s=1.0, fails=2, backoff="linear", initial_backoff_s=2.0), duration=H)
    assert _retry_gaps(r) == [10.0, 20.0]
    assert any("raised to 10 s" in n and "MIN_BACKOFF_MILLIS" in n for n in r.notes)


def test_a_20_minute_job_is_stopped_at_the_10_minute_limit_and_rescheduled():
    r = one(Job(cpu_s=1200.0), api=30)
    assert [(w.start_s, w.end_s) for w in r.work] == [(0.0, 600.0 + COLD), (630.0 + COLD, 1230.0 + COLD)]
    stops = [e for e in r.events if e.kind == "job_stop"]
    assert len(stops) == 1 and "600 s execution limit" in stops[0].detail
    assert r.summary["job_stopped_at_limit"] == 1.0
    assert any("stopped at the execution limit" in n for n in r.notes)
    # Android 5.0: 60 s
    assert one(Job(cpu_s=1200.0), api=21).work[0].end_s == 60.0 + COLD
    # Android 14+: 10 min guaranteed, up to 30 min when quota allows (here: charging, so no quota applies)
    plugged = Day(screen=(Session(0, DAY),), charging=(Period(0, DAY),))
    assert [(w.start_s, w.end_s) for w in one(Job(cpu_s=1200.0), api=34, day=plugged).work] == [(0.0, 1200.0 + COLD)]
    rare_run = one(Job(cpu_s=1200.0), api=34, bucket="rare")
    rare = rare_run.work[0]  # on battery: its 10 min of quota, charged from the job's start, runs out first
    assert rare.end_s - rare.start_s == 600.0
    assert rare_run.summary["job_stopped_by_quota"] >= 1.0


def test_without_checkpoints_a_stopped_job_starts_over():
    r = one(Job(cpu_s=700.0, checkpoints=False), api=30, duration=2 * H)
    assert [w.end_s - w.start_s for w in r.work] == [600.0 + COLD] + [600.0] * (len(r.work) - 1)
    assert len(r.work) > 2


# -- batching (android-facts §3) --------------------------------------------------------------------------------------
def _apps(n, make):
    return tuple(App(f"a{i}", work=(make(i * 97.0),)) for i in range(n))


@pytest.mark.parametrize("day", [
    Day(charging=(Period(0, DAY),), network_default="cellular"),  # on the charger: no Doze, no quota
    Day.preset("desk_overnight"),
])
def test_periodic_jobs_share_wakeups_and_radio_tails_where_immediate_work_does_not(day):
    n = 8
    imm = run(Scenario(day=day, apps=_apps(n, lambda t: ImmediateWork(every_s=900, first_s=t, cpu_s=1.0,
                                                                       down_bytes=100_000))))
    job = run(Scenario(day=day, apps=_apps(n, lambda t: Job(every_s=900, at_s=t, cpu_s=1.0, down_bytes=100_000))))
    assert job.summary["wakeups"] < imm.summary["wakeups"] / 2
    assert job.summary["radio_promotions"] <= imm.summary["radio_promotions"] / 2
    tail = lambda r: r.energy_by().get("radio.tail", 0.0) + r.energy_by().get("wifi.tail", 0.0)  # noqa: E731
    assert tail(job) < tail(imm)
    assert job.summary["battery_drained_mah"] < imm.summary["battery_drained_mah"]
    starts = [w.start_s for w in job.work]
    assert len(starts) > len(set(starts)) * 2  # several jobs start at the same instant


def test_android_12_holds_non_active_jobs_until_5_are_ready_or_31_minutes_pass():
    def sc(api, n):
        return Scenario(device=Device(api_level=api), day=SCREEN_ON, duration_s=2 * H,
                        apps=tuple(App(f"a{i}", bucket="frequent",
                                       work=(Job(cpu_s=1.0, at_s=60.0 * i, min_latency_s=60.0),))
                                   for i in range(n)))
    # (a job ready at the moment it is scheduled skips batching, scheduleAsPackage: these wait 60 s first)
    held = run(sc(31, 2))
    assert [w.start_s for w in held.work] == [60.0 + 31 * 60.0] * 2
    assert {w.waited_for for w in held.work} == {"batch"}
    assert [w.start_s for w in run(sc(30, 2)).work] == [60.0, 120.0]
    assert [w.start_s for w in run(sc(31, 5)).work] == [300.0] * 5


def test_expedited_job_runs_in_doze_and_is_a_regular_job_before_api_31():
    day = Day(network_default="wifi")
    r = one(Job(at_s=5 * H, cpu_s=1.0, down_bytes=1000, expedited=True), day=day)
    assert r.work[0].start_s == 5 * H and at(r, "doze", 5 * H) == "deep_idle"
    r30 = one(Job(at_s=5 * H, cpu_s=1.0, down_bytes=1000, expedited=True), day=day, api=30)
    assert at(r30, "doze", r30.work[0].start_s) != "deep_idle"
    assert any("expedited jobs arrive in API 31" in n for n in r30.notes)


# -- bad input ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"every_s": 0}, r"Job.every_s=0: allowed \[1, 604800\]"),
        ({"network": "wifi"}, "Job.network='wifi': allowed any, unmetered, not_roaming, none"),
        ({"network": "none", "down_bytes": 5}, "Job.network='none': allowed 'any'"),
        ({"backoff": "exp"}, "Job.backoff='exp': allowed exponential, linear"),
        ({"initial_backoff_s": -1}, "Job.initial_backoff_s=-1"),
        ({"fails": -1}, "Job.fails=-1: allowed 0..1000"),
        ({"flex_s": 60}, "Job.flex_s=60: allowed only with every_s"),
        ({"every_s": 900, "deadline_s": 60}, "Job.deadline_s=60: allowed None for a periodic job"),
        ({"every_s": 900, "min_latency_s": 60}, "Job.min_latency_s=60: allowed 0 for a periodic job"),
        ({"min_latency_s": 60, "deadline_s": 30}, r"Job.deadline_s=30: allowed >= min_latency_s"),
        ({"expedited": True, "requires_charging": True}, "Job.expedited=True: allowed only with network"),
        ({"cpu_s": 0}, "allowed work that does something"),
        ({"requires_charging": "yes"}, "Job.requires_charging='yes': allowed True or False"),
        ({"every": 900}, r"Job.every: unknown field \(did you mean 'every_s'\?\)"),
    ],
)
def test_bad_job_is_rejected_with_field_value_and_what_is_allowed(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Job(**kwargs)


# -- invariant (hypothesis) ------------------------------------------------------------------------------------------
@st.composite
def job_scenarios(draw):
    def spans(n):
        pts = sorted(draw(st.lists(st.integers(0, int(DAY)), max_size=2 * n, unique=True)))
        return list(zip(pts[::2], pts[1::2], strict=False))

    day = Day(
        screen=tuple(Session(a, b, draw(st.sampled_from([None, "a0"]))) for a, b in spans(3)),
        charging=tuple(Period(a, b) for a, b in spans(2)),
        network=tuple(NetworkPeriod(a, b, draw(st.sampled_from(["wifi", "cellular", "none"]))) for a, b in spans(3)),
        network_default=draw(st.sampled_from(["wifi", "cellular", "none"])),
    )
    apps = []
    for i in range(draw(st.integers(1, 5))):
        periodic = draw(st.booleans())
        expedited = not periodic and draw(st.integers(0, 4)) == 0
        constrained = not expedited
        job = Job(
            every_s=draw(st.sampled_from([300.0, 900.0, 3600.0])) if periodic else None,
            at_s=float(draw(st.integers(0, 20 * 3600))),
            cpu_s=draw(st.sampled_from([0.5, 5.0, 300.0, 900.0])),
            down_bytes=draw(st.sampled_from([0, 100_000])),
            network=draw(st.sampled_from([None, "unmetered", "not_roaming"])),
            requires_charging=constrained and draw(st.booleans()),
            requires_device_idle=constrained and draw(st.integers(0, 3)) == 0,
            requires_battery_not_low=constrained and draw(st.booleans()),
            deadline_s=None if periodic or expedited else draw(st.sampled_from([None, 600.0, 7200.0])),
            fails=draw(st.integers(0, 2)),
            expedited=expedited,
        )
        apps.append(App(f"a{i}", bucket=draw(st.sampled_from(["active", "frequent", "rare"])), work=(job,),
                        doze_exempt=draw(st.integers(0, 5)) == 0))
    device = Device(api_level=draw(st.sampled_from([23, 26, 29, 31, 34])))
    return Scenario(device=device, day=day, apps=tuple(apps)), draw(st.integers(0, 2**31))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(job_scenarios())
def test_no_job_starts_with_its_constraints_unmet_or_inside_doze_idle(data):
    sc, seed = data
    r = run(sc, seed=seed)
    specs = {a.name: (a, a.work[0]) for a in sc.apps}
    for w in r.work:
        app, job = specs[w.app]
        t = w.start_s
        dozing = at(r, "doze", t) in ("deep_idle", "light_idle")
        if dozing and not app.doze_exempt and not (job.expedited and sc.device.api_level >= 31):
            # only a job that started at the very instant Doze went idle, just before it, and was stopped then
            went_idle = any(s.start_s == t for s in r.lane("doze") if s.value in ("deep_idle", "light_idle"))
            stopped = any(e.kind == "work_stop" and e.app == w.app and e.t_s == t for e in r.events)
            assert went_idle and stopped, w
        if job.needs_network:
            assert at(r, "network", t) != "none", w
        if job.deadline_s is not None and t >= job.at_s + job.deadline_s:
            continue  # the override deadline lets it run with its constraints unmet
        if job.requires_charging:
            assert at(r, "charging", t) == "plugged", w
        if job.network == "unmetered":
            assert at(r, "network", t) == "wifi", w
        if job.requires_device_idle:
            assert at(r, "screen", t) == "off", w
