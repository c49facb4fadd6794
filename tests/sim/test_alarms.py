"""AlarmManager (sim/alarms) with Android's numbers (android-facts §1c, §4): the window heuristic, the futurity and
interval floors, batching into one wakeup, Doze deferral and release, while-idle spacing and quotas by API, bucket
delays and quotas, charging, the exact-alarm permission by API and target, the alarm clock waking the phone."""

from __future__ import annotations

import itertools
import re

import pytest

from sim import Alarm, App, Day, Device, ImmediateWork, Period, Scenario, Session, run

H = 3600.0
DAY = 86_400.0
# Day() is a phone left on the desk from t=0, screen off, unplugged, still: with AOSP's timings deep Doze idles
# from 64.5 min (3870 s) to the first maintenance window at 7470 s (android-facts §8 scenario 9).
DEEP_IDLE = (3870.0, 7470.0)
AWAKE_DAY = Day(screen=(Session(0, DAY),))  # screen on all day: no Doze, no app in front


def _run(*apps, api=34, day=None, duration=4 * H, seed=0):
    return run(Scenario(device=Device(api_level=api), day=day if day is not None else Day(), apps=tuple(apps),
                        duration_s=duration), seed=seed)


def _fires(r, app=None):
    return [e.t_s for e in r.events if e.kind == "alarm_fire" and (app is None or e.app == app)]


def _windows(r):
    return [tuple(float(x) for x in re.search(r"window \[(\S+), (\S+)\]", e.detail).groups())
            for e in r.events if e.kind == "alarm_set"]


# -- the window heuristic (maxTriggerTime) ---------------------------------------------------------------------------
def test_set_gets_a_window_of_75_percent_of_the_time_to_trigger_capped_at_an_hour_from_api_31():
    apps = (App("a", work=(Alarm(call="set", at_s=4000), Alarm(call="set", at_s=20_000), Alarm(call="set", at_s=8))),)
    assert _windows(_run(*apps, api=30, day=AWAKE_DAY)) == [(4000, 7000), (20_000, 35_000), (8, 8)]
    assert _windows(_run(*apps, api=34, day=AWAKE_DAY)) == [(4000, 7000), (20_000, 23_600), (8, 8)]


def test_repeating_alarms_get_75_percent_of_their_interval_and_set_window_at_least_10_minutes_from_31():
    a = App("a", target_sdk=34, work=(Alarm(call="set_inexact_repeating", at_s=1000, every_s=900),
                                       Alarm(call="set_window", at_s=1000, window_s=60)))
    assert _windows(_run(a, day=AWAKE_DAY))[:2] == [(1000, 1675), (1000, 1600)]
    r = _run(App("a", target_sdk=30, work=a.work), day=AWAKE_DAY)  # (target < 31: the window as asked)
    assert _windows(r)[:2] == [(1000, 1675), (1000, 1060)]
    assert any("stretched to 600 s" in n for n in _run(a, day=AWAKE_DAY).notes)


def test_before_api_31_overlapping_windows_make_a_batch_that_fires_at_its_latest_start():
    # BatchingAlarmStore (attemptCoalesceLocked, Batch.canHold): windows [4000, 7000] and [6000, 10500]
    apps = (App("a", work=(Alarm(call="set", at_s=4000),)), App("b", work=(Alarm(call="set", at_s=6000),)))
    r = _run(*apps, day=AWAKE_DAY, api=30)
    assert _fires(r, "a") == _fires(r, "b") == [6000.0]
    apps = (App("a", work=(Alarm(call="set", at_s=20_000),)), App("b", work=(Alarm(call="set", at_s=24_000),)))
    assert _fires(_run(*apps, day=AWAKE_DAY, duration=8 * H, api=30)) == [24_000.0, 24_000.0]


def test_from_api_31_alarms_are_batched_lazily_at_the_earliest_window_end():
    # LazyAlarmStore (DEFAULT_LAZY_BATCHING = true): the same two windows go out together at 7000 s, the end of the
    # first; an inexact alarm alone fires at the end of its window
    apps = (App("a", work=(Alarm(call="set", at_s=4000),)), App("b", work=(Alarm(call="set", at_s=6000),)))
    r = _run(*apps, day=AWAKE_DAY, api=31)
    assert _fires(r, "a") == _fires(r, "b") == [7000.0]
    # one-shot windows are capped at 1 h from API 31: [20000, 23600] and [24000, 27600] do not meet
    apps = (App("a", work=(Alarm(call="set", at_s=20_000),)), App("b", work=(Alarm(call="set", at_s=24_000),)))
    assert _fires(_run(*apps, day=AWAKE_DAY, duration=8 * H, api=34)) == [23_600.0, 27_600.0]
    # an exact alarm goes out alone, and does not take an inexact one whose window has started along
    apps = (App("a", work=(Alarm(call="set", at_s=4000),)),
            App("b", target_sdk=30, work=(Alarm(call="set_exact", at_s=5000),)))
    r = _run(*apps, day=AWAKE_DAY, api=34)
    assert _fires(r, "b") == [5000.0] and _fires(r, "a") == [7000.0]


def test_from_api_31_a_system_wakeup_inside_an_alarms_window_takes_it_along():
    # Doze's steps and windows are AlarmManager alarms in Android: their delivery takes every alarm whose window has
    # started (triggerAlarmsLocked -> removePendingAlarms). Here: window [900, 1575] s, a light Doze window at 965 s.
    r = _run(App("a", work=(Alarm(call="set", at_s=900),)), duration=3000)
    woke = min(e.t_s for e in r.events if e.kind == "wakeup" and e.t_s >= 900)
    assert woke < 900 + 0.75 * 900
    assert _fires(r) == [woke]
    assert _fires(_run(App("a", work=(Alarm(call="set", at_s=900),)), duration=3000, api=30)) == [900.0]


def test_from_api_31_a_non_wakeup_alarm_past_its_window_waits_for_the_cpu_and_goes_with_the_next_wakeup():
    # screen off, light Doze: the CPU sleeps between deliveries; the RTC alarm's window ends at 1750 s, but the
    # kernel's non-wakeup timer fires only once the CPU is awake: with the wakeup alarm whose window ends at 2000 s
    apps = (App("a", work=(Alarm(call="set", type="rtc", at_s=1000),)),
            App("b", work=(Alarm(call="set_window", at_s=1400, window_s=600),)))
    r = _run(*apps, duration=3000)
    woke = min([e.t_s for e in r.events if e.kind == "wakeup" and e.t_s >= 1750] + [2000.0])
    assert _fires(r, "a") == _fires(r, "b") == [woke]
    assert woke == 1800  # (here Doze's own step at 30 min, a system wakeup alarm, wakes the CPU first)


def test_batching_makes_one_wakeup_of_many_and_exact_alarms_are_never_batched():
    # screen off before deep Doze (light Doze does not hold alarms): each delivery wakes the phone
    def wakeups(call, api):
        apps = tuple(App(n, target_sdk=30, work=(Alarm(call=call, at_s=at),))
                     for n, at in (("a", 1000), ("b", 1100), ("c", 1200)))
        r = _run(*apps, duration=3000, api=api)
        fires = set(_fires(r))
        return r, [e for e in r.events if e.kind == "wakeup" and e.t_s in fires]

    for api, at in ((30, 1200.0), (34, 1750.0)):  # the latest start (batches); the earliest end (lazy, API 31+)
        r, woke = wakeups("set", api)
        assert _fires(r) == [at] * 3
        exact, woke_exact = wakeups("set_exact", api)
        assert _fires(exact) == [1000.0, 1100.0, 1200.0]
        assert len(woke) == 1 and len(woke_exact) == 3


# -- floors ---------------------------------------------------------------------------------------------------------
def test_a_trigger_less_than_5_s_after_the_call_is_pushed_to_5_s():
    r = _run(App("a", target_sdk=30, work=(Alarm(call="set_exact", at_s=100, set_at_s=98),)), day=AWAKE_DAY)
    assert _fires(r) == [103.0]
    assert any("pushed to 103 s (MIN_FUTURITY" in n for n in r.notes)


def test_a_repeat_interval_under_60_s_is_raised_to_60_s_from_api_22():
    work = (Alarm(call="set_repeating", at_s=100, every_s=10),)
    fires = _fires(_run(App("a", work=work), day=AWAKE_DAY, duration=700))
    assert [b - a for a, b in itertools.pairwise(fires)] == [60.0] * 9
    fires21 = _fires(_run(App("a", target_sdk=21, work=work), api=21, day=AWAKE_DAY, duration=200))
    assert {b - a for a, b in itertools.pairwise(fires21)} == {10.0}


def test_the_501st_outstanding_alarm_of_an_app_is_refused_on_api_29_and_later():
    work = tuple(Alarm(call="set", at_s=DAY - 100) for _ in range(501))
    r = _run(App("a", work=work), duration=60)
    assert r.summary["alarm_refused"] == 1
    assert any("IllegalStateException" in e.detail for e in r.events if e.kind == "alarm_refused")
    assert _run(App("a", target_sdk=28, work=work), api=28, duration=60).summary["alarm_refused"] == 0


# -- Doze -------------------------------------------------------------------------------------------------------------
def test_deep_doze_holds_a_regular_exact_alarm_until_the_maintenance_window():
    r = _run(App("a", target_sdk=30, work=(Alarm(call="set_exact", at_s=5000),)))
    assert _fires(r) == [DEEP_IDLE[1]]
    assert any(e.kind == "alarm_deferred" and "doze" in e.detail for e in r.events)
    assert r.summary["alarm_deferred"] == 1 and r.summary["alarm_latency_max_s"] == DEEP_IDLE[1] - 5000


def test_overdue_alarms_of_several_apps_fire_together_at_the_maintenance_window():
    apps = tuple(App(n, target_sdk=30, work=(Alarm(call="set_exact", at_s=at),))
                 for n, at in (("a", 4000), ("b", 5000), ("c", 7000)))
    assert _fires(_run(*apps)) == [DEEP_IDLE[1]] * 3


def test_light_doze_does_not_hold_alarms():
    r = _run(App("a", target_sdk=30, work=(Alarm(call="set_exact", at_s=1000),)))
    assert any(s.lane == "doze" and s.value == "light_idle" and s.start_s <= 1000 < s.end_s for s in r.states)
    assert _fires(r) == [1000.0]


def test_while_idle_alarms_fire_in_doze_at_most_once_per_9_minutes_before_api_31():
    work = tuple(Alarm(call="set_exact_and_allow_while_idle", at_s=4000 + 60 * i) for i in range(3))
    assert _fires(_run(App("a", target_sdk=30, work=work), api=30)) == [4000.0, 4540.0, 5080.0]
    # out of Doze (screen on) the spacing is 5 s
    assert _fires(_run(App("a", target_sdk=30, work=work), api=30, day=AWAKE_DAY)) == [4000.0, 4060.0, 4120.0]


def test_exact_while_idle_alarms_fire_72_per_hour_in_doze_from_api_31():
    work = tuple(Alarm(call="set_exact_and_allow_while_idle", at_s=3900 + 10 * i,
                       permission="schedule_exact_alarm_granted") for i in range(80))
    fires = _fires(_run(App("a", target_sdk=34, work=work)))
    assert len([t for t in fires if t < DEEP_IDLE[1]]) == 72
    assert fires[72:] == [DEEP_IDLE[1]] * 8  # the rest wait for the maintenance window


@pytest.mark.parametrize(("api", "target", "call", "in_idle"), [
    (34, 30, "set_exact_and_allow_while_idle", 7),  # compat quota (target < 31), 12L+: 7 per hour
    (34, 34, "set_and_allow_while_idle", 7),  # inexact while-idle: compat quota
    (31, 30, "set_exact_and_allow_while_idle", 7),  # first Android 12 build: 1 per 9 min (3900 s .. 7470 s: 7)
])
def test_the_compat_while_idle_quota(api, target, call, in_idle):
    work = tuple(Alarm(call=call, at_s=3900 + 10 * i, permission="schedule_exact_alarm_granted") for i in range(20))
    fires = _fires(_run(App("a", target_sdk=target, work=work), api=api))
    assert len([t for t in fires if t < DEEP_IDLE[1]]) == in_idle
    if api == 31:
        idle = [t for t in fires if t < DEEP_IDLE[1]]
        assert min(b - a for a, b in itertools.pairwise(idle)) >= 540.0


def test_a_while_idle_alarm_may_use_the_network_in_doze_and_a_regular_one_cannot_run_there():
    net = dict(down_bytes=10_000, cpu_s=1.0)
    r = _run(App("a", target_sdk=30, work=(Alarm(call="set_exact_and_allow_while_idle", at_s=5000, **net),)))
    assert [(w.start_s, w.network) for w in r.work if w.mechanism == "alarm"] == [(5000.0, "wifi")]
    assert r.summary["alarm_network_blocked"] == 0


def test_an_alarm_clock_fires_on_time_in_deep_doze_and_doze_leaves_idle_2_to_15_minutes_before():
    # deep idle from 3870 s; the alarm clock at 7000 s is more than 30 min away then, so the phone goes idle
    a = App("a", target_sdk=34, work=(Alarm(call="set_alarm_clock", at_s=7000, permission="use_exact_alarm"),))
    r = _run(a)
    assert _fires(r) == [7000.0]
    exits = [e.t_s for e in r.events if e.kind == "alarm_idle_exit"]
    assert len(exits) == 1 and 7000 - 900 <= exits[0] <= 7000 - 120
    # the step finds the alarm clock within MIN_TIME_TO_ALARM (30 min): Doze starts again from inactive
    assert any(e.kind == "doze_alarm" and e.t_s == exits[0] for e in r.events)
    doze_at = {s.value for s in r.states if s.lane == "doze" and exits[0] <= s.start_s < 7000}
    assert "deep_idle" not in doze_at and "inactive" in doze_at
    assert _fires(_run(a, seed=0)) == _fires(r) and [e for e in _run(a).events] == list(r.events)  # deterministic
    # before API 31, idle ends at the alarm clock's time
    r30 = _run(App("a", target_sdk=30, work=a.work), api=30)
    assert _fires(r30) == [7000.0] and [e.t_s for e in r30.events if e.kind == "alarm_idle_exit"] == [7000.0]


def test_doze_does_not_go_idle_with_an_alarm_clock_due_within_30_minutes():
    # DEFAULT_MIN_TIME_TO_ALARM, checked at every deep step: the step at 1800 s (to IDLE_PENDING) has the alarm clock
    # at 5000 s 53 min away and goes on; the one at 3600 s (to SENSING) has it 23 min away: Doze starts again from
    # inactive, and deep idle waits until the alarm clock has rung
    a = App("a", target_sdk=34, work=(Alarm(call="set_alarm_clock", at_s=5000, permission="use_exact_alarm"),))
    r = _run(a)
    assert _fires(r) == [5000.0]
    assert [e.t_s for e in r.events if e.kind == "doze_alarm"] == [3600.0]
    idle = [s.start_s for s in r.states if s.lane == "doze" and s.value == "deep_idle"]
    assert idle and min(idle) > 5000  # deep Doze comes, but only after the alarm clock
    # the same phone with an exact while-idle alarm instead: deep idle at 3870 s as usual
    b = App("a", target_sdk=34, work=(Alarm(call="set_exact_and_allow_while_idle", at_s=5000,
                                            permission="use_exact_alarm"),))
    assert min(s.start_s for s in _run(b).states if s.lane == "doze" and s.value == "deep_idle") == DEEP_IDLE[0]


# -- non-wakeup types ---------------------------------------------------------------------------------------------
def test_a_non_wakeup_alarm_waits_for_the_phone_to_wake():
    r = _run(App("a", target_sdk=30, work=(Alarm(call="set_exact", type="rtc", at_s=2000),)), api=30)
    (fired,) = _fires(r)
    assert fired > 2000
    assert any(e.kind == "alarm_deferred" and "asleep" in e.detail for e in r.events)
    assert _fires(_run(App("a", target_sdk=30, work=(Alarm(call="set_exact", type="elapsed_realtime",
                                                             at_s=2000),)), api=30, day=AWAKE_DAY)) == [2000.0]


def test_a_non_wakeup_alarm_waits_while_the_screen_is_off_for_the_next_wakeup_alarm():
    # checkAllowNonWakeupDelayLocked / mPendingNonWakeupAlarms: in the Android 6.0-era source already, even with the
    # CPU awake; screen on, it goes at once
    busy = App("busy", work=(ImmediateWork(every_s=DAY, first_s=1900, cpu_s=1000),))  # the CPU is awake 1900-2900
    apps = (busy, App("a", target_sdk=30, work=(Alarm(call="set_exact", type="rtc", at_s=2000),)),
            App("b", target_sdk=30, work=(Alarm(call="set_exact", at_s=2500),)))
    for api in (23, 30, 34):
        r = _run(*apps, api=api)
        # the next wakeup alarm: b's at 2500 s, or one of Doze's own (a light window opens with one) before it
        nxt = min([e.t_s for e in r.events if e.kind == "maintenance" and e.t_s >= 2000] + [2500.0])
        assert _fires(r, "a") == [nxt] and nxt > 2000
        assert any(e.kind == "alarm_deferred" and "screen_off" in e.detail for e in r.events)
    assert _fires(_run(*apps, api=34, day=AWAKE_DAY), "a") == [2000.0]


# -- standby buckets ----------------------------------------------------------------------------------------------
def _every_minute(bucket, api, day=AWAKE_DAY, duration=2 * H):
    return _fires(_run(App("a", target_sdk=30, bucket=bucket,
                           work=(Alarm(call="set_repeating", at_s=60, every_s=60),)), api=api, day=day,
                       duration=duration))


@pytest.mark.parametrize(("bucket", "gap"), [("active", 60), ("working_set", 360), ("frequent", 1800),
                                             ("rare", 7200)])
def test_android_9_delays_a_bucket_s_alarms_after_each_delivery(bucket, gap):
    fires = _every_minute(bucket, 28, duration=5 * H)
    assert {b - a for a, b in itertools.pairwise(fires)} == {float(gap)}


@pytest.mark.parametrize(("bucket", "per_hour"), [("active", 60), ("working_set", 10), ("frequent", 2), ("rare", 1)])
def test_from_android_10_a_bucket_allows_so_many_alarms_per_rolling_hour(bucket, per_hour):
    fires = _every_minute(bucket, 29)
    assert len(fires) == 2 * per_hour - (1 if bucket == "active" else 0)  # (every minute from 60 s: 119 in 2 h)
    assert all(len([t for t in fires if s <= t < s + H]) <= per_hour for s in fires)


def test_the_restricted_bucket_allows_one_alarm_a_day_from_api_31():
    assert len(_every_minute("restricted", 34, duration=6 * H)) == 1


def test_no_quota_while_charging_but_deliveries_while_charging_count_once_unplugged():
    day = Day(screen=(Session(0, DAY),), charging=(Period(0, H),))
    fires = _every_minute("working_set", 34, day=day, duration=3 * H)
    assert len([t for t in fires if t < H]) == 59  # charging: every minute
    after = [t for t in fires if t >= H]
    # the hour before the plug came out holds 59 deliveries: none until only 9 remain in the window
    assert after and after[0] >= 2 * H - 10 * 60


def test_the_app_in_front_is_not_limited_by_its_bucket():
    day = Day(screen=(Session(0, DAY, "a"),))
    assert len(_every_minute("rare", 34, day=day)) == 119


def test_from_api_31_exact_while_idle_alarms_are_not_held_by_the_bucket_quota_but_compat_ones_are():
    # isExemptFromAppStandby: FLAG_ALLOW_WHILE_IDLE (exact while-idle, target 31+) has its own quota; a rare app's
    # five reminders 10 minutes apart all fire on time; the same calls of an app targeting 30 (the compat flag) get
    # the rare bucket's 1 an hour
    work = tuple(Alarm(call="set_exact_and_allow_while_idle", at_s=600.0 * k, permission="use_exact_alarm")
                 for k in range(1, 6))
    r = _run(App("a", target_sdk=34, bucket="rare", work=work), day=AWAKE_DAY, duration=H)
    assert _fires(r) == [600.0 * k for k in range(1, 6)]
    compat = _run(App("a", target_sdk=30, bucket="rare", work=work), day=AWAKE_DAY, duration=H)
    assert _fires(compat) == [600.0]
    # Android 11 exempted only the alarm clock
    assert _fires(_run(App("a", target_sdk=30, bucket="rare", work=work), api=30, day=AWAKE_DAY, duration=H)) \
        == [600.0]


# -- the exact-alarm permission -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("api", "target", "permission", "allowed"), [
    (30, 34, "none", True),  # before Android 12 no permission is needed
    (31, 30, "none", True),  # nor for apps targeting < 31
    (31, 31, "none", False),
    (31, 31, "schedule_exact_alarm", True),  # granted at install on 12-13
    (33, 33, "schedule_exact_alarm", True),
    (34, 32, "schedule_exact_alarm", True),  # Android 14 denies by default only to targets 33+
    (34, 33, "schedule_exact_alarm", False),
    (34, 34, "schedule_exact_alarm_granted", True),  # the user allowed it
    (34, 34, "use_exact_alarm", True),  # an alarm-clock app
    (32, 32, "use_exact_alarm", False),  # USE_EXACT_ALARM arrives in API 33
])
def test_exact_alarms_need_the_permission_by_api_and_target(api, target, permission, allowed):
    for call in ("set_exact", "set_exact_and_allow_while_idle", "set_alarm_clock"):
        r = _run(App("a", target_sdk=target, work=(Alarm(call=call, at_s=100, permission=permission),)), api=api,
                 day=AWAKE_DAY, duration=600)
        assert _fires(r) == ([100.0] if allowed else [])
        assert r.summary["alarm_refused"] == (0 if allowed else 1)
        if not allowed:
            (e,) = [e for e in r.events if e.kind == "alarm_refused"]
            assert "SecurityException" in e.detail
            assert any("the call failed" in n and "SecurityException" in n for n in r.notes)
    # an inexact alarm needs no permission
    r = _run(App("a", target_sdk=target, work=(Alarm(call="set", at_s=100, permission=permission),)), api=api,
             day=AWAKE_DAY, duration=600)
    assert r.summary["alarm_refused"] == 0


# -- the mechanism -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(call="setExact"), "Alarm.call='setExact': allowed set, "),
    (dict(type="wakeup"), "Alarm.type='wakeup': allowed rtc_wakeup"),
    (dict(call="set_repeating"), "Alarm.every_s=None: allowed a repeat interval"),
    (dict(every_s=60), "Alarm.every_s=60: allowed only with call 'set_repeating' or 'set_inexact_repeating'"),
    (dict(call="set_window"), "Alarm.window_s=None: allowed a window length"),
    (dict(at_s=-1), "Alarm.at_s=-1: allowed [0, "),
    (dict(cpu_s=0), "Alarm: cpu_s=0, up_bytes=0, down_bytes=0"),
    (dict(permission="yes"), "Alarm.permission='yes': allowed schedule_exact_alarm"),
])
def test_impossible_alarms_are_refused_naming_the_field(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Alarm(**kwargs)


def test_an_alarm_comes_from_a_dict_and_a_run_without_alarms_has_no_alarm_metrics():
    sc = Scenario.from_dict({"apps": [{"name": "a", "work": [{"kind": "alarm", "call": "set_exact", "at_s": 60}]}]})
    assert sc.apps[0].work == (Alarm(call="set_exact", at_s=60),)
    assert not any(k.startswith("alarm") for k in run(Scenario(duration_s=H)).summary)


def test_the_same_seed_gives_the_same_alarms():
    apps = (App("a", work=(Alarm(call="set_inexact_repeating", at_s=900, every_s=900, down_bytes=1000),)),
            App("b", target_sdk=34, work=(Alarm(call="set_alarm_clock", at_s=20_000,
                                                 permission="use_exact_alarm"),)))
    r1, r2 = _run(*apps, duration=DAY, seed=3), _run(*apps, duration=DAY, seed=3)
    assert r1.events == r2.events and r1.summary == r2.summary


def test_each_app_has_an_alarm_lane_and_its_receiver_runs_as_alarm_work():
    r = _run(App("a", target_sdk=30, work=(Alarm(call="set_exact", at_s=5000, cpu_s=2.0),)))
    lane = [(s.start_s, s.end_s, s.value) for s in r.states if s.lane == "alarm" and s.app == "a"]
    assert lane == [(0.0, 5000.0, "set"), (5000.0, DEEP_IDLE[1], "deferred")]
    (w,) = [w for w in r.work if w.mechanism == "alarm"]
    assert (w.requested_s, w.start_s, w.waited_for) == (5000.0, DEEP_IDLE[1], "doze")
    assert w.end_s - w.start_s >= 2.0
