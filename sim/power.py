"""Device power profiles in the style of Android's power_profile.xml: current per component state, in mA."""

from __future__ import annotations

from dataclasses import dataclass

from sim._validate import check_number, check_type, strict

__all__ = [
    "ASSUMED_CPU_SUSPEND_MA",
    "DEFAULT_PROFILE",
    "NOMINAL_VOLTAGE_V",
    "PROFILES",
    "PowerProfile",
    "watts_to_ma",
]

NOMINAL_VOLTAGE_V = 3.8  # android-facts §7a: battery voltage, Wayne State model AVERAGE_VOLTAGE = 3.800

# ASSUMPTION: no real device in the facts file lists cpu.suspend; this is the only cpu.suspend value there, from
# the AOSP powermodel test profile (android-facts §7a, "test data, partly dummy"). Override with PowerProfile.
ASSUMED_CPU_SUSPEND_MA = 1.3


def watts_to_ma(watts: float) -> float:
    """Convert a power in W (as ARO gives radio powers, android-facts §7b) to a current in mA at 3.8 V."""
    return watts / NOMINAL_VOLTAGE_V * 1000.0


@strict
@dataclass(frozen=True)
class PowerProfile:
    """Currents of one device, as its power_profile.xml would give them.

    Every current is incremental over the suspended floor, as power_profile.xml values are (android-facts §7a).
    Raises ValueError (naming the field) for a negative current, a capacity outside 500..20000 mAh, or a core
    count outside 1..16.
    """

    name: str
    battery_capacity_mah: float
    cpu_suspend_ma: float  # drawn all the time; the whole device's floor while the CPU is suspended
    cpu_awake_ma: float  # CPU awake (a wakelock or the screen holds it) but not running: cpu.awake + cpu.idle
    cpu_active_ma: float  # one core running background work
    screen_on_ma: float  # screen.on, at minimum brightness
    screen_full_ma: float  # screen.full, extra at maximum brightness
    source: str = ""

    def __post_init__(self) -> None:
        owner = "PowerProfile"
        check_type(owner, "name", self.name, str, "a string")
        check_number(owner, "battery_capacity_mah", self.battery_capacity_mah, lo=500, hi=20_000)
        for name in ("cpu_suspend_ma", "cpu_awake_ma", "cpu_active_ma", "screen_on_ma", "screen_full_ma"):
            check_number(owner, name, getattr(self, name), lo=0, hi=10_000)


#: Real devices from android-facts §7a. Background work is assumed to run on one core at the lowest listed
#: cpu.active frequency (ASSUMPTION: the facts give a range per cluster, not which step background work uses).
PROFILES: dict[str, PowerProfile] = {
    "nexus_6p": PowerProfile(
        name="nexus_6p",
        battery_capacity_mah=3450,  # android-facts §7a: Nexus 6P battery.capacity
        cpu_suspend_ma=ASSUMED_CPU_SUSPEND_MA,
        cpu_awake_ma=9.49 + 0.145,  # android-facts §7a: Nexus 6P cpu.awake 9.49 + cpu.idle 0.145
        cpu_active_ma=202.0,  # android-facts §7a: Nexus 6P cpu.active, little cluster lowest step (202-391)
        screen_on_ma=169.4,  # android-facts §7a: Nexus 6P screen.on
        screen_full_ma=79.1,  # android-facts §7a: Nexus 6P screen.full
        source="android-facts §7a, Nexus 6P power_profile.xml (Meituan tech blog dump)",
    ),
    "nexus_4": PowerProfile(
        name="nexus_4",
        battery_capacity_mah=2100,  # android-facts §7a: Nexus 4 "mako" battery.capacity
        cpu_suspend_ma=ASSUMED_CPU_SUSPEND_MA,
        cpu_awake_ma=10.43 + 3.5,  # android-facts §7a: mako cpu.awake 10.43 + cpu.idle 3.5
        cpu_active_ma=92.6,  # android-facts §7a: mako cpu.active 92.6 mA @ 384 MHz (lowest step)
        screen_on_ma=42.4,  # android-facts §7a: mako screen.on
        screen_full_ma=211.6,  # android-facts §7a: mako screen.full
        source="android-facts §7a, Nexus 4 era (Wayne State MakoPowerProfile)",
    ),
}

DEFAULT_PROFILE = "nexus_6p"
