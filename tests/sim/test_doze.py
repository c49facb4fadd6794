"""Doze (sim/doze.py): the desk-overnight timeline with AOSP's numbers, exits, API gating and deferral."""

from __future__ import annotations

import pytest

from sim import App, Day, Device, DozeTimings, ImmediateWork, NetworkPeriod, Period, Scenario, Session, run
from sim.doze import (
    IDLE_AFTER_INACTIVE_TIMEOUT_S,
    IDLE_TIMEOUT_S,
    INACTIVE_TIMEOUT_S,
    LIGHT_IDLE_AFTER_INACTIVE_TIMEOUT_OLD_S,
    LIGHT_IDLE_AFTER_INACTIVE_TIMEOUT_S,
    LOCATING_TIMEOUT_S,
    MAX_IDLE_PENDING_TIMEOUT_S,
    MIN_DEEP_MAINTENANCE_TIME_S,
    SENSING_TIMEOUT_S,
)
from sim.processes import ASSUMED_COLD_START_CPU_S as COLD  # the first work in an app starts its process

H = 3600.0
DESK = Day()  # screen off, unplugged, still, on Wi-Fi, all day


def spans(result, lane="doze"):
    return [(s.start_s, s.end_s, s.value) for s in result.lane(lane)]


def deep_windows(result):
    return [(a, b) for a, b, v in spans(result) if v == "deep_maintenance"]


def test_deep_idle_entry_is_64_5_minutes_after_screen_off():
    r = run(Scenario(day=DESK, duration_s=12 * H))
    entry = INACTIVE_TIMEOUT_S + IDLE_AFTER_INACTIVE_TIMEOUT_S + SENSING_TIMEOUT_S + LOCATING_TIMEOUT_S
    assert entry == 3870  # 30 + 30 + 4 + 0.5 min (android-facts §8 scenario 9: 60-65 min)
    deep = spans(r, "doze_deep")
    assert deep[:5] == [
        (0.0, 1800.0, "inactive"),
        (1800.0, 3600.0, "idle_pending"),
        (3600.0, 3840.0, "sensing"),
        (3840.0, 3870.0, "locating"),
        (3870.0, 7470.0, "idle"),
    ]


def test_desk_12_hours_maintenance_windows_after_1_2_4_hours_each_30_s_when_idle():
    r = run(Scenario(day=DESK, duration_s=12 * H))
    # idle 1 h, 2 h, 4 h (the next, 6 h, ends after 12 h); a window with no work ends after its 30 s minimum
    assert deep_windows(r) == [(7470.0, 7500.0), (14700.0, 14730.0), (29130.0, 29160.0)]
    idle = [(a, b) for a, b, v in spans(r) if v == "deep_idle"]
    assert [b - a for a, b in idle[:3]] == [IDLE_TIMEOUT_S, 2 * IDLE_TIMEOUT_S, 4 * IDLE_TIMEOUT_S]
    assert idle[3] == (29160.0, 12 * H)  # the 6 h idle, cut by the end of the run
    assert all(b - a == MIN_DEEP_MAINTENANCE_TIME_S for a, b in deep_windows(r))


def test_deep_idle_grows_to_six_hours_and_stays():
    r = run(Scenario(day=DESK, duration_s=2 * 86_400))
    idle = [b - a for a, b, v in spans(r) if v == "deep_idle"][:-1]  # the last is cut by the end
    assert idle[:6] == [H, 2 * H, 4 * H, 6 * H, 6 * H, 6 * H]


def test_light_doze_timeline_before_deep_idle_api_34():
    r = run(Scenario(day=DESK, duration_s=2 * H))
    light = spans(r)[:8]
    t0 = LIGHT_IDLE_AFTER_INACTIVE_TIMEOUT_S
    assert t0 == 60
    assert light == [
        (0.0, 60.0, "inactive"),
        (60.0, 360.0, "light_idle"),  # 5 min
        (360.0, 365.0, "light_maintenance"),  # nothing to do: ends after its 5 s minimum
        (365.0, 965.0, "light_idle"),  # 10 min
        (965.0, 970.0, "light_maintenance"),
        (970.0, 1870.0, "light_idle"),  # 15 min
        (1870.0, 1875.0, "light_maintenance"),
        (1875.0, 2775.0, "light_idle"),  # 15 min, the cap
    ]


def test_light_doze_entry_delay_is_older_value_before_api_34():
    r = run(Scenario(device=Device(api_level=30), day=DESK, duration_s=H))
    assert spans(r)[1][:2] == (LIGHT_IDLE_AFTER_INACTIVE_TIMEOUT_OLD_S, LIGHT_IDLE_AFTER_INACTIVE_TIMEOUT_OLD_S + 300)


def test_no_doze_before_api_23_and_no_light_doze_on_api_23():
    r22 = run(Scenario(device=Device(api_level=22), day=DESK, duration_s=6 * H))
    assert {v for *_, v in spans(r22)} == {"unsupported"}
    r23 = run(Scenario(device=Device(api_level=23), day=DESK, duration_s=6 * H))
    values = {v for *_, v in spans(r23)}
    assert "deep_idle" in values and "light_idle" not in values
    assert spans(r23, "doze_deep")[4][:2] == (3870.0, 7470.0)


@pytest.mark.parametrize(
    "day",
    [
        Day(screen=(Session(5 * H, 5 * H + 60),)),
        Day(charging=(Period(5 * H, 5 * H + 60),)),
    ],
    ids=["screen-on", "charging"],
)
def test_screen_on_or_charging_ends_doze_and_restarts_the_clock(day):
    r = run(Scenario(day=day, duration_s=8 * H))
    at_5h = next(s for s in r.lane("doze") if s.start_s <= 5 * H < s.end_s)
    assert at_5h.value == "active"
    assert at_5h.end_s == 5 * H + 60
    # after the minute, the whole timeline starts again: deep idle 64.5 min later
    deep = [s for s in r.lane("doze_deep") if s.start_s > 5 * H and s.value == "idle"]
    assert deep[0].start_s == 5 * H + 60 + 3870


def test_motion_drops_deep_idle_to_inactive_and_waits_for_stillness():
    day = Day(moving=(Period(3 * H, 3 * H + 700),))
    r = run(Scenario(day=day, duration_s=8 * H))
    deep = spans(r, "doze_deep")
    at_3h = next(s for s in deep if s[0] <= 3 * H < s[1])
    assert at_3h[2] == "inactive" and at_3h[0] == 3 * H
    # still moving when the 10-min motion timeout fires; once still, 10 min, then IDLE_PENDING 30 min, ...
    again = next(s for s in deep if s[0] > 3 * H and s[2] == "idle")
    assert again[0] == 3 * H + 1200 + 1800 + 240 + 30
    # light Doze was overridden by deep idle and starts again with the motion
    light = [s for s in spans(r, "doze_light") if s[0] >= 3 * H]
    assert light[0][2] == "inactive" and light[0][0] == 3 * H


def test_immediate_work_waits_for_the_maintenance_window_in_deep_idle():
    app = App("news", work=(ImmediateWork(every_s=86_400, cpu_s=2.0, down_bytes=100_000, first_s=2 * H),))
    r = run(Scenario(day=DESK, apps=(app,), duration_s=12 * H))
    (rec,) = r.work
    assert rec.requested_s == 2 * H and rec.waited_for == "doze"
    assert rec.start_s == 7470.0  # the first deep maintenance window
    assert r.summary["work_latency_p50_s"] == 7470.0 - 2 * H
    assert any(e.kind == "deferred" and e.app == "news" for e in r.events)
    assert any("waited" in n for n in r.notes)


def test_exempt_app_runs_in_deep_idle():
    app = App("call", doze_exempt=True, work=(ImmediateWork(every_s=86_400, cpu_s=1.0, first_s=2 * H),))
    r = run(Scenario(day=DESK, apps=(app,), duration_s=3 * H))
    assert r.work[0].start_s == 2 * H


def test_light_idle_defers_network_but_not_cpu_only_work():
    cpu_only = App("calc", work=(ImmediateWork(every_s=86_400, cpu_s=1.0, first_s=120),))
    net = App("sync", work=(ImmediateWork(every_s=86_400, cpu_s=1.0, down_bytes=1000, first_s=120),))
    r = run(Scenario(day=DESK, apps=(cpu_only, net), duration_s=H))
    by_app = {w.app: w for w in r.work}
    assert by_app["calc"].start_s == 120  # light Doze honours wakelocks
    assert by_app["sync"].start_s == 360  # network waits for the light maintenance window


def test_maintenance_window_stays_open_for_work_up_to_its_limit():
    long = App("backup", work=(ImmediateWork(every_s=86_400, cpu_s=900.0, first_s=2 * H),))
    r = run(Scenario(day=DESK, apps=(long,), duration_s=5 * H))
    assert deep_windows(r)[0] == (7470.0, 7470.0 + 300)  # first window at most 5 min (IDLE_PENDING_TIMEOUT)
    short = App("ping", work=(ImmediateWork(every_s=86_400, cpu_s=45.0, first_s=2 * H),))
    r = run(Scenario(day=DESK, apps=(short,), duration_s=5 * H))
    assert deep_windows(r)[0] == (7470.0, 7470.0 + 45 + COLD)  # ends when the work is done


def test_windows_grow_to_ten_minutes():
    busy = App("busy", work=(ImmediateWork(every_s=1800, cpu_s=1200.0, first_s=5000),))
    r = run(Scenario(day=DESK, apps=(busy,), duration_s=30 * H))
    lengths = [b - a for a, b in deep_windows(r)]
    assert lengths[:4] == [300.0, 600.0, MAX_IDLE_PENDING_TIMEOUT_S, 600.0]


def test_timings_are_overridable():
    oem = DozeTimings(inactive_timeout_s=15 * 60, idle_after_inactive_timeout_s=20 * 60, sensing_s=0, locating_s=0)
    r = run(Scenario(device=Device(doze=oem), day=DESK, duration_s=3 * H))
    assert next(s for s in spans(r, "doze_deep") if s[2] == "idle")[0] == 35 * 60


def test_timings_reject_impossible_values():
    with pytest.raises(ValueError, match=r"DozeTimings\.idle_timeout_s=-1"):
        DozeTimings(idle_timeout_s=-1)
    with pytest.raises(ValueError, match="max_idle_timeout_s"):
        DozeTimings(idle_timeout_s=7200, max_idle_timeout_s=3600)
    with pytest.raises(ValueError, match="did you mean 'idle_timeout_s'"):
        DozeTimings(idle_timout_s=60)


def test_network_loss_defers_network_work_until_it_returns():
    day = Day(screen=(Session(0, 86_400),), network=(NetworkPeriod(0, 600, "none"),))
    app = App("sync", work=(ImmediateWork(every_s=86_400, cpu_s=1.0, down_bytes=1000, first_s=100),))
    r = run(Scenario(day=day, apps=(app,), duration_s=H))
    assert r.work[0].start_s == 600 and r.work[0].waited_for == "network"
