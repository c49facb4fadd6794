"""The model's assumptions: values no source gives, each a named default the scenario can override."""

from __future__ import annotations

from dataclasses import dataclass

from sim import cpu, foreground, processes, radio
from sim._validate import check_int, check_number, strict
from sim.jobs import spec as jobs

__all__ = ["ASSUMED_CHARGE_CURRENT_MA", "ASSUMED_SCREEN_BRIGHTNESS", "Assumptions"]

# ASSUMPTION: screen brightness between screen.on (minimum) and screen.on + screen.full (maximum), android-facts §7a.
ASSUMED_SCREEN_BRIGHTNESS = 0.5
# ASSUMPTION: net current into the battery while plugged in (the facts give no charger figure).
ASSUMED_CHARGE_CURRENT_MA = 1500.0
# The model's own floor for a link's speed, not a network's: 10 kbit/s, below GPRS. Slower, a transfer of a few MB
# outlasts any run, and at 5e-324 Mbps its duration overflows to infinity.
MIN_LINK_MBPS = 0.01


@strict
@dataclass(frozen=True)
class Assumptions:
    """Every modelling assumption in one place, with its default; see each ASSUMED_* constant for the reasoning.

    Raises ValueError (naming the field) for a value outside its range.
    """

    wakeup_resume_s: float = cpu.ASSUMED_WAKEUP_RESUME_S
    wakeup_suspend_s: float = cpu.ASSUMED_WAKEUP_SUSPEND_S
    alarm_hold_s: float = cpu.ASSUMED_ALARM_HOLD_S
    lte_down_mbps: float = radio.ASSUMED_LTE_DOWN_MBPS
    lte_up_mbps: float = radio.ASSUMED_LTE_UP_MBPS
    umts_down_mbps: float = radio.ASSUMED_UMTS_DOWN_MBPS
    umts_up_mbps: float = radio.ASSUMED_UMTS_UP_MBPS
    wifi_down_mbps: float = radio.ASSUMED_WIFI_DOWN_MBPS
    wifi_up_mbps: float = radio.ASSUMED_WIFI_UP_MBPS
    screen_brightness: float = ASSUMED_SCREEN_BRIGHTNESS
    charge_current_ma: float = ASSUMED_CHARGE_CURRENT_MA
    frame_rate_hz: float = foreground.ASSUMED_FRAME_RATE_HZ
    frame_fixed_ms: float = foreground.ASSUMED_FRAME_FIXED_MS
    frame_tail_ms: float = foreground.ASSUMED_FRAME_TAIL_MS
    foreground_threads: int = foreground.ASSUMED_FOREGROUND_THREADS
    foreground_cores: int = foreground.ASSUMED_FOREGROUND_CORES
    job_idle_threshold_s: float = jobs.ASSUMED_IDLE_THRESHOLD_S
    low_battery_pct: float = jobs.ASSUMED_LOW_BATTERY_PCT
    process_cold_start_s: float = processes.ASSUMED_COLD_START_CPU_S

    def __post_init__(self) -> None:
        a = "Assumptions"
        for name in ("wakeup_resume_s", "wakeup_suspend_s"):
            check_number(a, name, getattr(self, name), lo=0.0, hi=10.0)
        check_number(a, "alarm_hold_s", self.alarm_hold_s, lo=0.0, hi=600.0, lo_open=True)
        for name in ("lte_down_mbps", "lte_up_mbps", "umts_down_mbps", "umts_up_mbps", "wifi_down_mbps",
                     "wifi_up_mbps"):
            check_number(a, name, getattr(self, name), lo=MIN_LINK_MBPS, hi=10_000.0)
        check_number(a, "screen_brightness", self.screen_brightness, lo=0.0, hi=1.0)
        check_number(a, "charge_current_ma", self.charge_current_ma, lo=0.0, hi=20_000.0)
        check_number(a, "frame_rate_hz", self.frame_rate_hz, lo=1.0, hi=240.0)
        check_number(a, "frame_fixed_ms", self.frame_fixed_ms, lo=0.0, hi=1000.0)
        check_number(a, "frame_tail_ms", self.frame_tail_ms, lo=0.0, hi=1000.0, lo_open=True)
        check_int(a, "foreground_threads", self.foreground_threads, lo=1, hi=64)
        check_int(a, "foreground_cores", self.foreground_cores, lo=1, hi=64)
        check_number(a, "job_idle_threshold_s", self.job_idle_threshold_s, lo=0.0, hi=86_400.0, lo_open=True)
        check_number(a, "low_battery_pct", self.low_battery_pct, lo=0.0, hi=100.0)
        check_number(a, "process_cold_start_s", self.process_cold_start_s, lo=0.0, hi=60.0)

    @property
    def frame_model(self) -> foreground.FrameModel:
        return foreground.FrameModel(
            self.frame_rate_hz, self.frame_fixed_ms, self.frame_tail_ms, self.foreground_threads,
            self.foreground_cores,
        )
