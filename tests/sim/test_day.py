"""The user's day (sim/day.py): spans, presets, repetition and seeded variation."""

from __future__ import annotations

import random

import pytest

from sim import DAY_PRESETS, Day, NetworkPeriod, Period, Session


def test_presets_exist_and_desk_overnight_is_quiet_for_12_hours():
    assert set(DAY_PRESETS) == {"desk_overnight", "weekday", "heavy_user"}
    desk = Day.preset("desk_overnight")
    assert min(s.start_s for s in (*desk.screen, *desk.charging, *desk.moving)) >= 12 * 3600
    assert desk.network == () and desk.network_default == "wifi"


def test_weekday_has_cellular_commutes_wifi_work_and_evening_charging():
    day = Day.preset("weekday")
    assert [n.network for n in day.network] == ["cellular", "wifi", "cellular"]
    assert day.charging[0].start_s >= 18 * 3600
    assert day.moving and len(day.screen) > 8


def test_plan_repeats_the_day_and_gives_change_points():
    day = Day(screen=(Session(100, 200, "x"),), network=(NetworkPeriod(50, 150, "cellular"),))
    plan = day.plan(random.Random(0), 2 * 86_400)
    assert plan.screen == ((0.0, False), (100.0, True), (200.0, False), (86_500.0, True), (86_600.0, False))
    assert plan.foreground[1] == (100.0, "x")
    assert plan.network[:3] == ((0.0, "wifi"), (50.0, "cellular"), (150.0, "wifi"))


def test_span_at_time_zero_sets_the_initial_value():
    plan = Day(charging=(Period(0, 60),)).plan(random.Random(0), 3600)
    assert plan.charging == ((0.0, True), (60.0, False))


def test_variation_is_seeded_and_keeps_spans_in_order():
    day = Day.preset("weekday", variation=True)
    a = day.plan(random.Random(1), 86_400)
    b = day.plan(random.Random(1), 86_400)
    c = day.plan(random.Random(2), 86_400)
    assert a == b and a != c
    times = [t for t, _ in a.screen]
    assert times == sorted(times)
    assert a.screen != Day.preset("weekday").plan(random.Random(1), 86_400).screen


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Session(10, 5), r"Session.end_s=5: allowed > start_s \(10\)"),
        (lambda: Period(-1, 5), r"Period.start_s=-1: allowed \[0, 86400\]"),
        (lambda: NetworkPeriod(0, 5, "5g"), "NetworkPeriod.network='5g': allowed wifi, cellular, none"),
        (lambda: Day(screen=(Session(0, 100), Session(50, 150))), "Day.screen: spans overlap"),
        (lambda: Day(network_default="lte"), "Day.network_default='lte'"),
        (lambda: Day.preset("weekend"), "Day.preset.name='weekend': allowed desk_overnight, weekday, heavy_user"),
        (lambda: Day(screens=()), "Day.screens: unknown field \\(did you mean 'screen'\\?\\)"),
    ],
)
def test_bad_input_names_field_value_and_what_is_allowed(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_from_dict_accepts_lists_and_preset_names():
    day = Day.from_dict({"screen": [[0, 60, "x"]], "charging": [{"start_s": 0, "end_s": 10}]})
    assert day.screen == (Session(0, 60, "x"),) and day.charging == (Period(0, 10),)
    assert Day.from_dict("weekday") == Day.preset("weekday")
    assert Day.from_dict({"preset": "weekday", "variation": True}).jitter_s > 0
    with pytest.raises(ValueError, match=r"Period\.stop_s: unknown field"):
        Day.from_dict({"charging": [{"start_s": 0, "stop_s": 10}]})
