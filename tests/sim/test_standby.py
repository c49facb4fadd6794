"""Standby buckets from use (sim/standby.py, AppStandbyController; android-facts §2 "Buckets from use")."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sim import App, Day, Device, Job, Scenario, Session, run
from sim.standby import CHECK_IDLE_INTERVAL_S

H = 3600.0
DAY = 86_400.0


@pytest.fixture(scope="module")
def three_days():
    # the weekday preset (3.3 h of screen a day) with an app the user never opens, its bucket following use
    sc = Scenario.preset("weekday", duration_s=3 * DAY)
    idle = App("idle", bucket="auto", work=(Job(every_s=900, cpu_s=1.0),))
    return run(replace(sc, apps=(*sc.apps, idle)))


def test_an_unused_app_slides_from_active_to_rare_by_the_elapsed_and_screen_on_thresholds(three_days):
    lane = [(s.start_s, s.value) for s in three_days.lane("bucket", "idle") if s.value != "unrestricted"]
    drops = [(t, v) for (t, v), (_, before) in zip(lane[1:], lane, strict=False) if v != before]
    # checked every 3 h (mCheckIdleIntervalMillis); 12 h / 24 h / 48 h since last use, with 0 / 1 / 2 h of screen
    assert CHECK_IDLE_INTERVAL_S == 3 * H
    assert drops == [(12 * H, "working_set"), (24 * H, "frequent"), (48 * H, "rare")]
    assert next(e.detail for e in three_days.events if e.kind == "bucket" and e.app == "idle").startswith(
        "standby bucket now working_set")


def test_its_jobs_thin_out_as_it_slides(three_days):
    per_day = [sum(1 for w in three_days.work if w.app == "idle" and d * DAY <= w.start_s < (d + 1) * DAY)
               for d in range(3)]
    assert per_day[0] > per_day[1] > per_day[2]


def test_without_screen_time_an_app_stays_in_working_set():
    # FREQUENT needs an hour of screen-on time since last use as well as 24 h (both thresholds must pass)
    sc = Scenario(day=Day(), duration_s=3 * DAY, apps=(App("a", bucket="auto", work=(Job(every_s=3600),)),))
    values = {s.value for s in run(sc).lane("bucket", "a")}
    assert values == {"active", "working_set"}


def test_using_the_app_puts_it_back_in_active():
    day = Day(screen=(Session(20 * H, 21 * H, "a"),))  # in front from 20:00 to 21:00 each day
    sc = Scenario(day=day, duration_s=2 * DAY, apps=(App("a", bucket="auto", work=(Job(every_s=3600),)),))
    lane = [(s.start_s, s.value) for s in run(sc).lane("bucket", "a")]
    assert lane[:3] == [(0.0, "active"), (12 * H, "working_set"), (20 * H, "active")]
    assert (33 * H, "working_set") in lane  # 12 h after it left the front (21 h), at the 3-hourly check


def test_before_android_9_auto_has_no_effect_and_says_so():
    sc = Scenario(device=Device(api_level=27), duration_s=H, apps=(App("a", bucket="auto"),))
    r = run(sc)
    assert any("bucket 'auto' has no effect" in n for n in r.notes)
    assert {s.value for s in r.lane("bucket", "a")} == {"none"}


def test_a_misspelt_bucket_names_auto_among_the_allowed():
    with pytest.raises(ValueError, match="auto"):
        App("a", bucket="automatic")
