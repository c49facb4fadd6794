"""Power profiles (sim/power.py): real devices from the facts file, and the suspended floor."""

from __future__ import annotations

import pytest

from sim import PROFILES, Day, Device, PowerProfile, Scenario, run
from sim.power import ASSUMED_CPU_SUSPEND_MA, NOMINAL_VOLTAGE_V


def test_default_device_is_a_nexus_6p_with_its_battery():
    p = Device().power
    assert p.name == "nexus_6p" and p.battery_capacity_mah == 3450
    assert NOMINAL_VOLTAGE_V == 3.8
    assert set(PROFILES) == {"nexus_6p", "nexus_4"}


def test_untouched_phone_draws_suspend_floor_plus_radio_standby_only():
    day = Day(network_default="none")  # no Wi-Fi association; the cell radio still pages
    api22 = Device(api_level=22)  # no Doze alarms either
    r = run(Scenario(device=api22, day=day, duration_s=3600))
    e = r.energy_by()
    assert set(e) == {"cpu.suspend", "radio.idle"}
    assert e["cpu.suspend"] == pytest.approx(ASSUMED_CPU_SUSPEND_MA)
    assert r.summary["wakeups"] == 0


def test_custom_profile_is_used_and_validated():
    mine = PowerProfile("mine", battery_capacity_mah=5000, cpu_suspend_ma=2.0, cpu_awake_ma=10, cpu_active_ma=100,
                        screen_on_ma=100, screen_full_ma=100)
    r = run(Scenario(device=Device(profile=mine, api_level=22), day=Day(network_default="none"), duration_s=3600))
    assert r.energy_by()["cpu.suspend"] == pytest.approx(2.0)
    with pytest.raises(ValueError, match=r"PowerProfile\.cpu_active_ma=-1"):
        PowerProfile("bad", 3000, 1, 1, -1, 1, 1)
