"""Standby buckets (sim/buckets.py): the facts file's quotas, lifted while charging, gated by API level."""

from __future__ import annotations

from sim import App, Day, Device, Period, Scenario, quota_for, run
from sim.buckets import QUOTAS, effective_bucket


def test_quota_numbers_from_quota_controller_and_alarm_manager():
    assert [QUOTAS[b].job_window_s / 3600 for b in ("working_set", "frequent", "rare")] == [2, 8, 24]
    assert {b: q.job_time_s for b, q in QUOTAS.items()} == dict.fromkeys(QUOTAS, 600)
    assert [QUOTAS[b].max_jobs for b in QUOTAS] == [75, 120, 200, 48, 10]
    assert [QUOTAS[b].max_sessions for b in QUOTAS] == [75, 10, 8, 3, 1]
    assert [QUOTAS[b].alarms for b in QUOTAS] == [720, 10, 2, 1, 1]
    assert QUOTAS["restricted"].alarm_window_s == 86_400


def test_quota_lifted_while_charging_and_absent_before_api_28():
    assert quota_for("rare", charging=True) is None
    assert quota_for("rare", charging=False) == QUOTAS["rare"]
    assert effective_bucket("rare", 27)[0] is None
    assert effective_bucket("restricted", 29) == ("rare", effective_bucket("restricted", 29)[1])
    assert effective_bucket("restricted", 30) == ("restricted", "")


def test_bucket_lane_shows_bucket_on_battery_and_unrestricted_while_charging():
    day = Day(charging=(Period(3600, 7200),))
    r = run(Scenario(day=day, apps=(App("shop", bucket="rare"),), duration_s=3 * 3600))
    lane = [(s.start_s, s.end_s, s.value) for s in r.lane("bucket", "shop")]
    assert lane == [(0, 3600, "rare"), (3600, 7200, "unrestricted"), (7200, 10800, "rare")]


def test_android_adjustments_are_noted():
    r = run(Scenario(device=Device(api_level=29), apps=(App("x", bucket="restricted"),), duration_s=60))
    assert any("treated as 'rare'" in n for n in r.notes)
    assert r.lane("bucket", "x")[0].value == "rare"
    r = run(Scenario(device=Device(api_level=26), apps=(App("x", bucket="rare"),), duration_s=60))
    assert any("API 28" in n for n in r.notes)
    assert r.lane("bucket", "x")[0].value == "none"
