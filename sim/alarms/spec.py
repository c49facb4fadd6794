"""sim.Alarm, the mechanism an app uses (an AlarmManager call), and AlarmManager's constants (android-facts §4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sim._validate import ScenarioError, check_choice, check_int, check_number, strict
from sim.work import MAX_BYTES, MECHANISMS, WorkHost

__all__ = [
    "ALARM_TYPES",
    "CALLS",
    "EXACT_CALLS",
    "MAX_ALARMS_PER_UID",
    "MIN_FUTURITY_S",
    "MIN_INTERVAL_S",
    "MIN_WINDOW_S",
    "PERMISSIONS",
    "REPEATING_CALLS",
    "WHILE_IDLE_CALLS",
    "Alarm",
]

HOUR_S = 3600
DAY_S = 24 * HOUR_S

# --- the calls and their gates (android-facts §4) ------------------------------------------------------------------
# Every API level the simulator knows (21..35) is past API 19, so set()/setRepeating() are always inexact for the
# targets it allows (21..35): android-facts §4 "set()/setRepeating() inexact (batchable) since API 19 for apps
# targeting >= 19".
MIN_FUZZABLE_INTERVAL_S = 10  # android-facts §4: MIN_FUZZABLE_INTERVAL = 10000 (no window under 10 s)
WINDOW_FRACTION = 0.75  # android-facts §4: maxTriggerTime(), "batchable window is 75% of ..."
ONE_SHOT_WINDOW_CAP_S = HOUR_S  # android-facts §4: maxTriggerTime() one-shot window capped at INTERVAL_HOUR
ONE_SHOT_WINDOW_CAP_API_LEVEL = 31  # android-facts §4: the one-hour cap, Android 12+
MIN_WINDOW_S = 10 * 60  # android-facts §4: DEFAULT_MIN_WINDOW = 600000 (setWindow), Android 12+, targetSdk >= 31
MIN_WINDOW_API_LEVEL = 31  # android-facts §4: Android 12+ for targetSdk >= 31
MIN_FUTURITY_S = 5  # android-facts §4: DEFAULT_MIN_FUTURITY = 5*1000, Android 5+
MIN_INTERVAL_S = 60  # android-facts §4: DEFAULT_MIN_INTERVAL = 60*1000, Android 5.1+
MIN_INTERVAL_API_LEVEL = 22  # android-facts §4: "Android 5.1+" (API 22)
MAX_INTERVAL_S = 365 * DAY_S  # android-facts §4: DEFAULT_MAX_INTERVAL = 365*DAY (the longest interval accepted)
MAX_ALARMS_PER_UID = 500  # android-facts §4: DEFAULT_MAX_ALARMS_PER_UID = 500, then IllegalStateException
MAX_ALARMS_API_LEVEL = 29  # android-facts §4: "Android 10+"
WHILE_IDLE_API_LEVEL = 23  # android-facts §1c: set(Exact)AndAllowWhileIdle arrive with Doze, Android 6+ (API 23)

# --- Doze (android-facts §1c, §4) -----------------------------------------------------------------------------------
ALLOW_WHILE_IDLE_SHORT_TIME_S = MIN_FUTURITY_S  # android-facts §4: DEFAULT_ALLOW_WHILE_IDLE_SHORT_TIME (5 s), 6-11
ALLOW_WHILE_IDLE_LONG_TIME_S = 9 * 60  # android-facts §4: DEFAULT_ALLOW_WHILE_IDLE_LONG_TIME (9 min in Doze), 6-11
WHILE_IDLE_QUOTA_API_LEVEL = 31  # android-facts §4: the while-idle quotas replace the spacing in Android 12+
ALLOW_WHILE_IDLE_QUOTA = 72  # android-facts §4: DEFAULT_ALLOW_WHILE_IDLE_QUOTA, per ...
ALLOW_WHILE_IDLE_WINDOW_S = HOUR_S  # android-facts §4: ... DEFAULT_ALLOW_WHILE_IDLE_WINDOW = 60*60*1000
# android-facts §4 "Compat while-idle quota (targetSdk < 31, and inexact setAndAllowWhileIdle)": the first Android 12
# build had DEFAULT_ALLOW_WHILE_IDLE_COMPAT_QUOTA = 1 per COMPAT_WINDOW = 9 min; "later 12L+ builds: 7 per hour".
# The model uses the first on API 31 (Android 12) and the second from API 32 (12L) on.
ALLOW_WHILE_IDLE_COMPAT_QUOTA_API31 = 1
ALLOW_WHILE_IDLE_COMPAT_WINDOW_API31_S = 9 * 60
ALLOW_WHILE_IDLE_COMPAT_QUOTA = 7
ALLOW_WHILE_IDLE_COMPAT_WINDOW_S = HOUR_S
ALLOW_WHILE_IDLE_ALLOWLIST_S = 10  # android-facts §1c, §4: DEFAULT_ALLOW_WHILE_IDLE_ALLOWLIST_DURATION = 10*1000
# android-facts §4: DEFAULT_MIN_DEVICE_IDLE_FUZZ / DEFAULT_MAX_DEVICE_IDLE_FUZZ, Android 12+: Doze leaves idle a
# random 2-15 min before a wake-from-idle alarm (an alarm clock); the facts mark the use as inferred.
MIN_DEVICE_IDLE_FUZZ_S = 2 * 60
MAX_DEVICE_IDLE_FUZZ_S = 15 * 60
DEVICE_IDLE_FUZZ_API_LEVEL = 31
# Light Doze does not defer alarms. Checked in AOSP (aosp-mirror/platform_frameworks_base, DeviceIdleController):
# scheduleAlarmLocked(delay, idleUntil=true) is the only caller of AlarmManager.setIdleUntil() ("DeviceIdleController
# .deep", made when deep Doze enters STATE_IDLE), and only that alarm sets AlarmManagerService.mPendingIdleUntil, the
# gate that holds regular alarms; light idle's steps are plain set()/setWindow() alarms ("DeviceIdleController.light",
# scheduleLightAlarmLocked, also in DeviceIdleControllerTest). The Android 7.0 behaviour changes list only network,
# jobs and syncs for light Doze; android-facts §1c marks "(also light Doze)" for jobs and network, not for alarms.
# Kept as a named switch so a reader can try the stricter reading.
LIGHT_DOZE_DEFERS_ALARMS = False
# Android 12+ batches alarms lazily: AlarmManagerService.Constants.DEFAULT_LAZY_BATCHING = true (Android 12 source;
# later sources construct `new LazyAlarmStore()` outright). LazyAlarmStore keeps alarms sorted by start and "only
# batches them at the time of delivery": the next wakeup is the earliest window end among the wakeup alarms whose
# windows chain from the first one (getNextWakeupDeliveryTime), and at a delivery every alarm whose window has started
# goes out (removePendingAlarms), exact (standalone) alarms first and alone. So an inexact alarm alone fires at the END
# of its window. Before API 31, BatchingAlarmStore: an alarm joins a batch whose window overlaps and the batch fires
# at its latest start (attemptCoalesceLocked, Batch.canHold).
LAZY_BATCHING_API_LEVEL = 31
# android-facts §4 lists DEFAULT_DELAY_NONWAKEUP_ALARMS_WHILE_SCREEN_OFF = true for Android 12+, but that constant
# only made an older behaviour switchable: AlarmManagerService.checkAllowNonWakeupDelayLocked() and
# mPendingNonWakeupAlarms (non-wakeup alarms held while the screen is off, then merged into the next wakeup
# delivery) are already in an Android 6.0-era source read (aosp-mirror/platform_frameworks_base, services/core/.../
# AlarmManagerService.java). The model starts at API 23, the earliest checked; Android 5.x was not checked.
DELAY_NONWAKEUP_WHILE_SCREEN_OFF_API_LEVEL = 23

# --- standby buckets (android-facts §4) ------------------------------------------------------------------------------
BUCKET_DELAY_API_LEVEL = 28  # android-facts §4: "Standby-bucket alarm limits, Android 9": delays
APP_STANDBY_DELAYS_S = {  # android-facts §4: DEFAULT_APP_STANDBY_DELAYS (Android 9 AlarmManagerService)
    "active": 0, "working_set": 6 * 60, "frequent": 30 * 60, "rare": 2 * HOUR_S,
}
# (the quotas per bucket are sim.buckets.ALARM_QUOTA / ALARM_WINDOW_S, Android 10+: android-facts §4)
RESTRICTED_ALARM_QUOTA_API_LEVEL = 31  # android-facts §4: RESTRICTED 1 per 24 h, "Android 10+ (RESTRICTED 12+)"
# Exact allow-while-idle alarms (FLAG_ALLOW_WHILE_IDLE, which from Android 12 only exact while-idle alarms of apps
# targeting 31+ carry; the others get FLAG_ALLOW_WHILE_IDLE_COMPAT) are exempt from the standby-bucket quotas: they
# have their own quota (72 an hour). AlarmManagerService.isExemptFromAppStandby(): "a.alarmClock != null ||
# UserHandle.isCore(a.creatorUid) || (a.flags & (FLAG_ALLOW_WHILE_IDLE_UNRESTRICTED | FLAG_ALLOW_WHILE_IDLE)) != 0"
# in the Android 13- and 14-era sources read (aosp-mirror/platform_frameworks_base, apex/jobscheduler/.../alarm/
# AlarmManagerService.java); the Android 9-11 sources exempt only the alarm clock and UNRESTRICTED alarms. The gate
# at API 31, where FLAG_ALLOW_WHILE_IDLE took that meaning, is inferred.
WHILE_IDLE_BUCKET_EXEMPT_API_LEVEL = 31

# --- the exact-alarm permission (android-facts §4) ------------------------------------------------------------------
EXACT_PERMISSION_API_LEVEL = 31  # android-facts §4: SCHEDULE_EXACT_ALARM for targetSdk >= 31, Android 12
USE_EXACT_ALARM_API_LEVEL = 33  # android-facts §4: USE_EXACT_ALARM, Android 13+
EXACT_DENIED_BY_DEFAULT_API_LEVEL = 34  # android-facts §4: SCHEDULE_EXACT_ALARM denied by default on Android 14 ...
EXACT_DENIED_BY_DEFAULT_TARGET = 33  # ... for newly installed apps targeting >= 33

CALLS = (
    "set", "set_window", "set_exact", "set_exact_and_allow_while_idle", "set_and_allow_while_idle",
    "set_alarm_clock", "set_repeating", "set_inexact_repeating",
)
REPEATING_CALLS = ("set_repeating", "set_inexact_repeating")
EXACT_CALLS = ("set_exact", "set_exact_and_allow_while_idle", "set_alarm_clock")  # need the permission (API 31+)
WHILE_IDLE_CALLS = ("set_exact_and_allow_while_idle", "set_and_allow_while_idle")
ALARM_TYPES = ("rtc_wakeup", "rtc", "elapsed_realtime_wakeup", "elapsed_realtime")
#: "schedule_exact_alarm": the app declares SCHEDULE_EXACT_ALARM and has what Android gives it by default (granted
#: at install on API 31-33; denied on API 34+ to an app targeting 33+); "schedule_exact_alarm_granted": the user
#: allowed it in Settings (or the app held it before an update to Android 14); "use_exact_alarm": an alarm-clock or
#: calendar app declaring USE_EXACT_ALARM (API 33+; not revocable); "none": the app declares neither.
PERMISSIONS = ("schedule_exact_alarm", "schedule_exact_alarm_granted", "use_exact_alarm", "none")
MAX_AT_S = 28 * 86_400.0
MAX_CPU_S = 3600.0


@strict
@dataclass(frozen=True)
class Alarm:
    """An AlarmManager alarm: the app makes `call` at `set_at_s` for a first trigger at `at_s`, and its receiver
    does `cpu_s` of work and moves `up_bytes` / `down_bytes` each time the alarm fires.

    `call`: "set", "set_window" (with `window_s`), "set_exact", "set_exact_and_allow_while_idle",
    "set_and_allow_while_idle", "set_alarm_clock", "set_repeating" or "set_inexact_repeating" (with `every_s`).
    `type`: "rtc_wakeup", "rtc", "elapsed_realtime_wakeup" or "elapsed_realtime"; the simulator has one clock, so
    RTC and ELAPSED_REALTIME behave the same: only whether the type wakes the phone matters.
    `permission`: the app's exact-alarm permission (see PERMISSIONS).

    Raises ValueError naming the field for an unknown call, type or permission, times out of range, `every_s`
    without a repeating call (or missing with one), `window_s` without set_window (or missing with it), or work
    that does nothing. What Android adjusts (a trigger too soon, an interval under 60 s, a window under 10 min) or
    refuses (an exact alarm without the permission, too many alarms) happens in the run and is explained in the
    notes and the timeline.
    """

    kind: ClassVar[str] = "alarm"

    call: str = "set"
    type: str = "rtc_wakeup"
    at_s: float = 0.0
    every_s: float | None = None
    window_s: float | None = None
    set_at_s: float = 0.0
    cpu_s: float = 1.0
    up_bytes: int = 0
    down_bytes: int = 0
    permission: str = "schedule_exact_alarm"

    def __post_init__(self) -> None:
        o = "Alarm"
        check_choice(o, "call", self.call, CALLS)
        check_choice(o, "type", self.type, ALARM_TYPES)
        check_number(o, "at_s", self.at_s, lo=0.0, hi=MAX_AT_S)
        check_number(o, "set_at_s", self.set_at_s, lo=0.0, hi=MAX_AT_S)
        if self.call in REPEATING_CALLS:
            if self.every_s is None:
                raise ScenarioError(f"Alarm.every_s=None: allowed a repeat interval in seconds for call={self.call!r}")
            check_number(o, "every_s", self.every_s, lo=0.0, hi=float(MAX_INTERVAL_S), lo_open=True)
        elif self.every_s is not None:
            raise ScenarioError(f"Alarm.every_s={self.every_s!r}: allowed only with call "
                                f"{' or '.join(repr(c) for c in REPEATING_CALLS)}")
        if self.call == "set_window":
            if self.window_s is None:
                raise ScenarioError("Alarm.window_s=None: allowed a window length in seconds for call='set_window'")
            check_number(o, "window_s", self.window_s, lo=0.0, hi=MAX_AT_S)
        elif self.window_s is not None:
            raise ScenarioError(f"Alarm.window_s={self.window_s!r}: allowed only with call='set_window'")
        check_number(o, "cpu_s", self.cpu_s, lo=0.0, hi=MAX_CPU_S)
        check_int(o, "up_bytes", self.up_bytes, lo=0, hi=MAX_BYTES)
        check_int(o, "down_bytes", self.down_bytes, lo=0, hi=MAX_BYTES)
        if self.cpu_s == 0 and self.up_bytes == 0 and self.down_bytes == 0:
            raise ScenarioError("Alarm: cpu_s=0, up_bytes=0, down_bytes=0: allowed work that does something")
        check_choice(o, "permission", self.permission, PERMISSIONS)

    @property
    def wakeup(self) -> bool:
        """Whether the alarm's type wakes the phone (the *_WAKEUP types)."""
        return self.type.endswith("_wakeup")

    @property
    def needs_network(self) -> bool:
        return self.up_bytes > 0 or self.down_bytes > 0

    def start(self, host: WorkHost, app: str) -> None:
        """The app's AlarmManager call: the phone hands the alarm to its AlarmManager service."""
        host.submit(app, self)


MECHANISMS["alarm"] = Alarm
