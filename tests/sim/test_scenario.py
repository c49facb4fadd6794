"""Scenarios (sim/scenario.py): short to write, and bad input named with what is allowed."""

from __future__ import annotations

import json

import pytest

from sim import PRESETS, App, Assumptions, Day, Device, ImmediateWork, Scenario


def test_defaults_and_presets():
    sc = Scenario()
    assert sc.device.api_level == 34 and sc.device.power.name == "nexus_6p"
    assert sc.day == Day.preset("desk_overnight") and sc.duration_s == 86_400
    for name in PRESETS:
        assert Scenario.preset(name).apps
    assert len(Scenario.preset("heavy_user").apps) == 20
    assert Scenario.preset("weekday", duration_s=7 * 86_400).duration_s == 7 * 86_400


def test_a_scenario_is_frozen_and_lists_become_tuples():
    sc = Scenario(apps=[App("a", work=[ImmediateWork()])])
    assert isinstance(sc.apps, tuple) and isinstance(sc.apps[0].work, tuple)
    with pytest.raises(AttributeError):
        sc.duration_s = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Device(api_level=19), r"Device.api_level=19: allowed 21..35"),
        (lambda: Device(api_level=30.5), r"Device.api_level=30.5: allowed 21..35"),
        (lambda: Device(profile="pixel_9"), "Device.profile='pixel_9': allowed nexus_6p, nexus_4"),
        (lambda: Device(cellular="5g"), "Device.cellular='5g': allowed lte, 3g"),
        (lambda: Device(battery_start_pct=120), r"Device.battery_start_pct=120: allowed \[0, 100\]"),
        (lambda: Device(apilevel=30), "Device.apilevel: unknown field \\(did you mean 'api_level'\\?\\)"),
        (lambda: App("news", bucket="often"),
         "App.bucket='often': allowed active, working_set, frequent, rare, restricted"),
        (lambda: App("system"), "App.name='system'"),
        (lambda: App("x", target_sdk=99), "App.target_sdk=99: allowed 21..35"),
        (lambda: App("x", work=("job",)), "App.work: item 'job': allowed a mechanism"),
        (lambda: Scenario(duration_s=0), r"Scenario.duration_s=0: allowed \(0, 2.41920e\+06\]|Scenario.duration_s=0"),
        (lambda: Scenario(apps=(App("a"), App("a"))), "app name 'a' appears twice"),
        (lambda: Scenario(duration_s=float("nan")), "Scenario.duration_s=nan: allowed a finite number"),
        (lambda: Assumptions(screen_brightness=2), r"Assumptions.screen_brightness=2: allowed \[0, 1\]"),
        (lambda: Scenario.preset("weekend"), "Scenario.preset.name='weekend'"),
    ],
)
def test_bad_input_raises_value_error_naming_field_value_and_allowed(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_unknown_keyword_is_also_a_type_error():
    with pytest.raises(TypeError):
        App("x", buckett="rare")


def test_from_dict_round_trip_of_plain_data():
    data = json.loads(
        '{"device": {"api_level": 30, "doze": {"inactive_timeout_s": 900}},'
        ' "day": "weekday",'
        ' "apps": [{"name": "news", "bucket": "rare", "work": [{"kind": "immediate", "every_s": 600}]}],'
        ' "duration_s": 3600}'
    )
    sc = Scenario.from_dict(data)
    assert sc.device.api_level == 30 and sc.device.doze_timings.inactive_timeout_s == 900
    assert sc.day == Day.preset("weekday")
    assert sc.apps[0].work == (ImmediateWork(every_s=600),)
    assert Scenario.from_dict({"preset": "weekday"}) == Scenario.preset("weekday")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"devise": {}}, "Scenario.devise: unknown field \\(did you mean 'device'\\?\\)"),
        ({"device": {"profil": "nexus_4"}}, "Device.profil: unknown field"),
        ({"apps": [{"name": "a", "work": [{"kind": "cron"}]}]}, "work.kind='cron': allowed immediate"),
        ({"apps": [{"name": "a", "work": [{"evry_s": 5}]}]}, "work.evry_s: unknown field"),
        ({"assumptions": {"brightness": 1}}, "Assumptions.brightness: unknown field"),
        ({"variation": True}, "only together with 'preset'"),
    ],
)
def test_from_dict_rejects_unknown_keys(data, message):
    with pytest.raises(ValueError, match=message):
        Scenario.from_dict(data)
