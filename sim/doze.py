"""Doze: DeviceIdleController's deep and light state machines with AOSP default timings, gated by API level."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sim._validate import ScenarioError, check_number, strict

__all__ = [
    "DEEP_STATES",
    "DOZE_API_LEVEL",
    "LIGHT_DOZE_API_LEVEL",
    "Doze",
    "DozeHost",
    "DozeTimings",
]

DOZE_API_LEVEL = 23  # android-facts §1 / history: Doze arrives in Android 6.0 (API 23)
LIGHT_DOZE_API_LEVEL = 24  # android-facts §1b: light Doze, Android 7.0+ (API 24)

# --- deep Doze, android-facts §1a (DeviceIdleController.Constants defaults) ------------------------------------
INACTIVE_TIMEOUT_S = 30 * 60  # android-facts §1a: DEFAULT_INACTIVE_TIMEOUT
IDLE_AFTER_INACTIVE_TIMEOUT_S = 30 * 60  # android-facts §1a: DEFAULT_IDLE_AFTER_INACTIVE_TIMEOUT (IDLE_PENDING)
SENSING_TIMEOUT_S = 4 * 60  # android-facts §1a: DEFAULT_SENSING_TIMEOUT
LOCATING_TIMEOUT_S = 30  # android-facts §1a: DEFAULT_LOCATING_TIMEOUT
MOTION_INACTIVE_TIMEOUT_S = 10 * 60  # android-facts §1a: DEFAULT_MOTION_INACTIVE_TIMEOUT
IDLE_TIMEOUT_S = 60 * 60  # android-facts §1a: DEFAULT_IDLE_TIMEOUT
IDLE_FACTOR = 2.0  # android-facts §1a: DEFAULT_IDLE_FACTOR
MAX_IDLE_TIMEOUT_S = 6 * 60 * 60  # android-facts §1a: DEFAULT_MAX_IDLE_TIMEOUT
IDLE_PENDING_TIMEOUT_S = 5 * 60  # android-facts §1a: DEFAULT_IDLE_PENDING_TIMEOUT (first maintenance window)
IDLE_PENDING_FACTOR = 2.0  # android-facts §1a: DEFAULT_IDLE_PENDING_FACTOR
MAX_IDLE_PENDING_TIMEOUT_S = 10 * 60  # android-facts §1a: DEFAULT_MAX_IDLE_PENDING_TIMEOUT
MIN_DEEP_MAINTENANCE_TIME_S = 30  # android-facts §1a: DEFAULT_MIN_DEEP_MAINTENANCE_TIME
# android-facts §1a: DEFAULT_MIN_TIME_TO_ALARM. At every deep step (stepIdleStateLocked) DeviceIdleController asks
# AlarmManager for its next wake-from-idle alarm (an alarm clock); if it is due sooner than this, "we don't actually
# want to go idle": becomeActiveLocked("alarm") then becomeInactiveIfAppropriateLocked(), so both state machines
# start again from INACTIVE.
MIN_TIME_TO_ALARM_S = 30 * 60

# ASSUMPTION: how long the motion check and the location fix actually take. AOSP gives only their timeouts
# (above); a still phone often finishes sooner. Running to the timeout puts deep idle at 64.5 min, the late end
# of the documented 60-65 min (android-facts §8 scenario 9). Overridable in DozeTimings.
ASSUMED_SENSING_S = SENSING_TIMEOUT_S
ASSUMED_LOCATING_S = LOCATING_TIMEOUT_S

# --- light Doze, android-facts §1b ----------------------------------------------------------------------------
LIGHT_IDLE_AFTER_INACTIVE_TIMEOUT_S = 60  # android-facts §1b: DEFAULT_LIGHT_IDLE_AFTER_INACTIVE_TIMEOUT, current
LIGHT_IDLE_AFTER_INACTIVE_TIMEOUT_OLD_S = 4 * 60  # android-facts §1b: same constant, older (Android 12/13) build
# The facts do not say which release switched from 4 min to 60 s; the model uses 60 s from API 34 (the source read
# is Android 14-era) and 4 min before. android-facts §9 lists this boundary as inferred.
LIGHT_IDLE_AFTER_INACTIVE_NEW_API_LEVEL = 34
LIGHT_IDLE_TIMEOUT_S = 5 * 60  # android-facts §1b: DEFAULT_LIGHT_IDLE_TIMEOUT
LIGHT_IDLE_FACTOR = 2.0  # android-facts §1b: DEFAULT_LIGHT_IDLE_FACTOR
LIGHT_MAX_IDLE_TIMEOUT_S = 15 * 60  # android-facts §1b: DEFAULT_LIGHT_MAX_IDLE_TIMEOUT
LIGHT_IDLE_MAINTENANCE_MIN_BUDGET_S = 60  # android-facts §1b: DEFAULT_LIGHT_IDLE_MAINTENANCE_MIN_BUDGET
LIGHT_IDLE_MAINTENANCE_MAX_BUDGET_S = 5 * 60  # android-facts §1b: DEFAULT_LIGHT_IDLE_MAINTENANCE_MAX_BUDGET
MIN_LIGHT_MAINTENANCE_TIME_S = 5  # android-facts §1b: DEFAULT_MIN_LIGHT_MAINTENANCE_TIME
LIGHT_PRE_IDLE_TIMEOUT_S = 3 * 60  # android-facts §1b: DEFAULT_LIGHT_PRE_IDLE_TIMEOUT
# LIGHT_STATE_PRE_IDLE (light Doze waits, up to LIGHT_PRE_IDLE_TIMEOUT, for running jobs to finish before going
# idle) is in the Android 7-12 sources of DeviceIdleController.stepLightIdleStateLocked; the Android 13, 14 and 15
# sources read have no PRE_IDLE ("fall through to immediately idle"). The boundary at API 33 is inferred from
# those copies (android-facts §1b: "may be absent in newer builds").
LIGHT_PRE_IDLE_MAX_API_LEVEL = 32

# The model's own floors for DozeTimings, not Android's: AOSP's DeviceIdleController.Constants reads every timing
# from DeviceConfig with no lower limit (only LIGHT_IDLE_FACTOR is clamped, to >= 1; read in
# aosp-mirror/platform_frameworks_base, apex/jobscheduler/service/java/com/android/server/DeviceIdleController.java).
# The floors keep the number of Doze steps in a run bounded (millisecond timings cycle idle and maintenance millions
# of times a day) while allowing every value AOSP itself uses, even in its COMPRESS_TIME test build:
# - 1 s for a one-off delay or a maintenance window: COMPRESS_TIME's smallest, DEFAULT_MIN_LIGHT_MAINTENANCE_TIME;
# - 15 s for the periods that repeat all night (deep and light idle, their maxima, and the motion timeout that
#   repeats while the phone moves): COMPRESS_TIME's smallest of these, DEFAULT_LIGHT_IDLE_TIMEOUT.
# The assumed sensing and locating times may be 0 (a still phone can finish at once).
MIN_DOZE_TIMING_S = 1.0
MIN_DOZE_PERIOD_S = 15.0
DOZE_PERIODS = ("idle_timeout_s", "max_idle_timeout_s", "light_idle_s", "light_max_idle_s", "motion_inactive_timeout_s")
MAX_DOZE_TIMING_S = 7 * 86_400.0

DEEP_STATES = ("active", "inactive", "idle_pending", "sensing", "locating", "idle", "maintenance")
LIGHT_STATES = ("active", "inactive", "pre_idle", "idle", "waiting_for_network", "maintenance", "override")


@strict
@dataclass(frozen=True)
class DozeTimings:
    """DeviceIdleController's timings; defaults are AOSP's (android-facts §1). Manufacturers tune them.

    Raises ValueError (naming the field) for a duration over 7 days or under the model's floor (15 s for the idle
    periods and the motion timeout, 1 s for the rest, 0 for the sensing and locating times), a growth factor
    outside 1..100, or a maximum below its initial value.
    """

    inactive_timeout_s: float = INACTIVE_TIMEOUT_S
    idle_after_inactive_timeout_s: float = IDLE_AFTER_INACTIVE_TIMEOUT_S
    sensing_s: float = ASSUMED_SENSING_S
    locating_s: float = ASSUMED_LOCATING_S
    motion_inactive_timeout_s: float = MOTION_INACTIVE_TIMEOUT_S
    idle_timeout_s: float = IDLE_TIMEOUT_S
    idle_factor: float = IDLE_FACTOR
    max_idle_timeout_s: float = MAX_IDLE_TIMEOUT_S
    maintenance_s: float = IDLE_PENDING_TIMEOUT_S
    maintenance_factor: float = IDLE_PENDING_FACTOR
    max_maintenance_s: float = MAX_IDLE_PENDING_TIMEOUT_S
    min_maintenance_s: float = MIN_DEEP_MAINTENANCE_TIME_S
    light_after_inactive_s: float = LIGHT_IDLE_AFTER_INACTIVE_TIMEOUT_S
    light_idle_s: float = LIGHT_IDLE_TIMEOUT_S
    light_idle_factor: float = LIGHT_IDLE_FACTOR
    light_max_idle_s: float = LIGHT_MAX_IDLE_TIMEOUT_S
    light_maintenance_min_budget_s: float = LIGHT_IDLE_MAINTENANCE_MIN_BUDGET_S
    light_maintenance_max_budget_s: float = LIGHT_IDLE_MAINTENANCE_MAX_BUDGET_S
    min_light_maintenance_s: float = MIN_LIGHT_MAINTENANCE_TIME_S
    light_pre_idle_s: float = LIGHT_PRE_IDLE_TIMEOUT_S

    def __post_init__(self) -> None:
        owner = "DozeTimings"
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if name.endswith("_factor"):
                check_number(owner, name, value, lo=1.0, hi=100.0)
            elif name in ("sensing_s", "locating_s"):
                check_number(owner, name, value, lo=0.0, hi=86_400.0)
            else:
                lo = MIN_DOZE_PERIOD_S if name in DOZE_PERIODS else MIN_DOZE_TIMING_S
                check_number(owner, name, value, lo=lo, hi=MAX_DOZE_TIMING_S)
        for small, big in (
            ("idle_timeout_s", "max_idle_timeout_s"),
            ("maintenance_s", "max_maintenance_s"),
            ("light_idle_s", "light_max_idle_s"),
            ("light_maintenance_min_budget_s", "light_maintenance_max_budget_s"),
        ):
            if getattr(self, big) < getattr(self, small):
                raise ScenarioError(
                    f"DozeTimings.{big}={getattr(self, big)!r}: allowed >= {small} ({getattr(self, small)!r})"
                )

    @classmethod
    def aosp(cls, api_level: int) -> DozeTimings:
        """AOSP defaults for a device at `api_level` (the light Doze entry delay changed across releases)."""
        if api_level >= LIGHT_IDLE_AFTER_INACTIVE_NEW_API_LEVEL:
            return cls()
        return cls(light_after_inactive_s=LIGHT_IDLE_AFTER_INACTIVE_TIMEOUT_OLD_S)


class DozeHost(Protocol):
    """What Doze needs from the phone it runs on."""

    screen_on: bool
    charging: bool
    moving: bool
    network: str

    def jobs_active(self) -> bool: ...

    def wakeup_alarm(self, reason: str) -> None: ...

    @property
    def now(self) -> float: ...

    def schedule(self, delay_s: float, callback: Callable[[], None]) -> object: ...

    def hold(self, t0_s: float, t1_s: float, app: str, reason: str) -> None: ...

    def doze_changed(self, t_s: float) -> None: ...

    def record(self, lane: str, t_s: float, value: str) -> None: ...

    def event(self, t_s: float, kind: str, app: str, detail: str) -> None: ...


class Doze:
    """The deep and light Doze state machines, stepped by alarms and reset by screen-on, charging and motion.

    Every step is a wakeup alarm (DeviceIdleController schedules them with AlarmManager); a maintenance window
    holds the CPU awake while deferred work runs, and ends early (after its minimum) once that work is done.
    Light Doze waits for running jobs before going idle (PRE_IDLE, Android 7-12) and, at a maintenance step with
    no network, waits for one (WAITING_FOR_NETWORK) up to the next idle period before opening the window anyway.
    An alarm clock due within MIN_TIME_TO_ALARM (AlarmManager sets `next_wake_from_idle_s`) stops a deep step and
    starts both machines again from INACTIVE. Approximation: quick Doze is not modelled.
    """

    def __init__(self, host: DozeHost, timings: DozeTimings, api_level: int) -> None:
        self.host = host
        self.t = timings
        self.deep_supported = api_level >= DOZE_API_LEVEL
        self.light_supported = api_level >= LIGHT_DOZE_API_LEVEL
        self.pre_idle_supported = self.light_supported and api_level <= LIGHT_PRE_IDLE_MAX_API_LEVEL
        self.deep = "active" if self.deep_supported else "unsupported"
        self.light = "active" if self.light_supported else "unsupported"
        self._deep_gen = 0
        self._light_gen = 0
        self._maint_gen = 0
        self._next_idle_s = timings.idle_timeout_s
        self._next_maint_s = timings.maintenance_s
        self._next_light_idle_s = timings.light_idle_s
        self._light_budget_s = timings.light_maintenance_min_budget_s
        self._maint_kind = ""  # "deep" or "light" while a maintenance window is open
        self._maint_start_s = 0.0
        self._maint_deadline_s = 0.0
        self._maint_work_until_s = 0.0
        self._maint_end_s = 0.0
        self.maintenance_windows = 0
        self._combined = ""
        #: When AlarmManager's next wake-from-idle alarm (an alarm clock) is due (None: there is none); it keeps it.
        self.next_wake_from_idle_s: float | None = None

    # -- what the rest of the phone asks --------------------------------------------------------------------------
    @property
    def deep_idle(self) -> bool:
        """Deep idle proper (not a maintenance window): wakelocks ignored, network and jobs deferred."""
        return self.deep == "idle"

    @property
    def light_idle(self) -> bool:
        """Light idle proper (waiting for network included): network and jobs deferred; wakelocks still honoured."""
        return self.light == "idle" or self.light == "waiting_for_network"

    @property
    def in_maintenance(self) -> bool:
        return self._maint_kind != ""

    def combined(self) -> str:
        """One value for the "doze" lane: the deepest restriction in force."""
        if self.deep == "idle":
            return "deep_idle"
        if self.deep == "maintenance":
            return "deep_maintenance"
        if self.light == "idle" or self.light == "waiting_for_network":
            return "light_idle"
        if self.light == "maintenance":
            return "light_maintenance"
        return self.deep

    def start(self) -> None:
        """Record the initial state and react to the day's initial conditions."""
        h = self.host
        h.record("doze_deep", h.now, self.deep)
        h.record("doze_light", h.now, self.light)
        self._combined = self.combined()
        h.record("doze", h.now, self._combined)
        self.update()

    def update(self) -> None:
        """React to a change of screen, charger or motion."""
        h = self.host
        if not self.deep_supported:
            return
        t = h.now
        if h.screen_on or h.charging:
            # becomeActiveLocked: screen on or plugged in leaves every Doze state (android-facts §1).
            self._become_active(t)
            return
        if self.deep == "active":
            self._deep_gen += 1
            self._set(t, deep="inactive")
            self._deep_timer(self.t.inactive_timeout_s, self._deep_step_inactive)
        if self.light_supported and self.light == "active":
            self._light_gen += 1
            self._set(t, light="inactive")
            self._light_timer(self.t.light_after_inactive_s, self._light_inactive_done)
        if h.moving and self.deep not in ("active", "inactive"):
            self._motion(t)

    def note_work(self, end_s: float) -> None:
        """Work started at `now` and runs until end_s; a maintenance window stays open for it (up to its limit)."""
        if not self._maint_kind or end_s <= self._maint_work_until_s:
            return
        self._maint_work_until_s = end_s
        self._schedule_maintenance_end()

    def finish(self, t_end: float) -> None:
        """Close an open maintenance window's CPU hold at the end of the run."""
        if self._maint_kind:
            self.host.hold(self._maint_start_s, t_end, "system", "doze_maintenance")
            self._maint_kind = ""

    # -- internals -------------------------------------------------------------------------------------------------
    def _set(self, t: float, *, deep: str | None = None, light: str | None = None) -> None:
        h = self.host
        if deep is not None and deep != self.deep:
            self.deep = deep
            h.record("doze_deep", t, deep)
            h.event(t, "doze_deep", "", deep)
        if light is not None and light != self.light:
            self.light = light
            h.record("doze_light", t, light)
            h.event(t, "doze_light", "", light)
        combined = self.combined()
        if combined != self._combined:
            self._combined = combined
            h.record("doze", t, combined)
            h.doze_changed(t)

    def _deep_timer(self, delay_s: float, step: Callable[[], None]) -> None:
        gen = self._deep_gen

        def fire() -> None:
            if gen == self._deep_gen:
                self._alarm()
                if self._alarm_soon():
                    self._restart_for_alarm()
                    return
                step()

        self.host.schedule(delay_s, fire)

    def _alarm_soon(self) -> bool:
        """stepIdleStateLocked's first check: an alarm clock is due within MIN_TIME_TO_ALARM."""
        nxt = self.next_wake_from_idle_s
        return nxt is not None and self.host.now + MIN_TIME_TO_ALARM_S > nxt

    def _restart_for_alarm(self) -> None:
        """becomeActiveLocked("alarm") then becomeInactiveIfAppropriateLocked(): Doze leaves every idle state and
        starts again from INACTIVE (deep and light)."""
        h = self.host
        t = h.now
        h.event(t, "doze_alarm", "", f"an alarm clock is due within {MIN_TIME_TO_ALARM_S // 60} min "
                "(MIN_TIME_TO_ALARM): Doze leaves idle and starts again from inactive")
        self._become_active(t)
        self.update()

    def _light_timer(self, delay_s: float, step: Callable[[], None]) -> None:
        gen = self._light_gen

        def fire() -> None:
            if gen == self._light_gen:
                self._alarm()
                step()

        self.host.schedule(delay_s, fire)

    def _alarm(self) -> None:
        """A DeviceIdleController alarm fired: it wakes the CPU briefly (counted as a wakeup if it was asleep)."""
        self.host.wakeup_alarm("doze")

    def _motion(self, t: float) -> None:
        """Motion seen by the sensors Doze watches: deep Doze back to INACTIVE (android-facts §1a)."""
        self._deep_gen += 1
        self._end_maintenance_bookkeeping(t, only="deep")
        self._set(t, deep="inactive")
        self._deep_timer(self.t.motion_inactive_timeout_s, self._deep_step_inactive)
        if self.light == "override":
            self._light_gen += 1
            self._next_light_idle_s = self.t.light_idle_s
            self._set(t, light="inactive")
            self._light_timer(self.t.light_after_inactive_s, self._light_inactive_done)

    def wake_from_idle(self) -> None:
        """A wake-from-idle alarm (an alarm clock) is near: DeviceIdleController's idle-until alarm fires early, so
        deep idle ends now (AlarmManagerService moves it before mNextWakeFromIdle; android-facts §1c "system exits
        Doze shortly before it"): the step finds the alarm clock within MIN_TIME_TO_ALARM and starts Doze again from
        INACTIVE, or (an alarm clock further away) opens a maintenance window."""
        if self.deep == "idle":
            self._deep_gen += 1
            self._alarm()
            if self._alarm_soon():
                self._restart_for_alarm()
            else:
                self._deep_enter_maintenance()

    def motion_started(self) -> None:
        """The phone started moving (the day says so)."""
        if self.deep_supported and self.deep not in ("active", "inactive", "unsupported"):
            self._motion(self.host.now)

    def _deep_step_inactive(self) -> None:
        h = self.host
        if h.moving:
            # The motion sensor, armed at IDLE_PENDING, fires at once: back to INACTIVE for the motion timeout.
            self._deep_timer(self.t.motion_inactive_timeout_s, self._deep_step_inactive)
            return
        self._next_idle_s = self.t.idle_timeout_s
        self._next_maint_s = self.t.maintenance_s
        self._set(h.now, deep="idle_pending")
        self._deep_timer(self.t.idle_after_inactive_timeout_s, self._deep_step_pending)

    def _deep_step_pending(self) -> None:
        self._set(self.host.now, deep="sensing")
        self._deep_timer(self.t.sensing_s, self._deep_step_sensing)

    def _deep_step_sensing(self) -> None:
        self._set(self.host.now, deep="locating")
        self._deep_timer(self.t.locating_s, self._deep_enter_idle)

    def _deep_enter_idle(self) -> None:
        t = self.host.now
        if self._alarm_soon():  # (from a maintenance window's end, too: that is a deep step in AOSP)
            self._restart_for_alarm()
            return
        if self._maint_kind == "deep":
            self._close_maintenance(t)
        # Deep idle overrides light Doze (LIGHT_STATE_OVERRIDE); any light maintenance window closes.
        if self._maint_kind == "light":
            self._close_maintenance(t)
        self._light_gen += 1
        self._set(t, deep="idle", light="override" if self.light_supported else None)
        idle_s = self._next_idle_s
        self._next_idle_s = max(self.t.idle_timeout_s, min(idle_s * self.t.idle_factor, self.t.max_idle_timeout_s))
        self._deep_timer(idle_s, self._deep_enter_maintenance)

    def _deep_enter_maintenance(self) -> None:
        t = self.host.now
        window_s = self._next_maint_s
        self._next_maint_s = min(window_s * self.t.maintenance_factor, self.t.max_maintenance_s)
        self._open_maintenance(t, "deep", window_s, self.t.min_maintenance_s)
        self._set(t, deep="maintenance")
        self._schedule_maintenance_end()

    def _light_inactive_done(self) -> None:
        """LIGHT_STATE_INACTIVE's timeout: idle, or first PRE_IDLE while jobs run (Android 7-12)."""
        if self.pre_idle_supported and self.host.jobs_active():
            self._set(self.host.now, light="pre_idle")
            self._light_timer(self.t.light_pre_idle_s, self._light_step)
            return
        self._light_step()

    def ops_changed(self) -> None:
        """Running work ended: PRE_IDLE ends early once no job runs (exitMaintenanceEarlyIfNeededLocked)."""
        if self.light == "pre_idle" and not self.host.jobs_active():
            self._light_gen += 1
            self._light_step()

    def network_changed(self) -> None:
        """The network came or went: WAITING_FOR_NETWORK opens the maintenance window once it is connected."""
        if self.light == "waiting_for_network" and self.host.network != "none":
            self._light_gen += 1
            self._light_open_maintenance()

    def _light_step(self) -> None:
        """LIGHT_STATE_INACTIVE or LIGHT maintenance -> LIGHT_STATE_IDLE."""
        t = self.host.now
        if self._maint_kind == "light":
            self._close_maintenance(t)
        self._set(t, light="idle")
        idle_s = self._next_light_idle_s
        self._next_light_idle_s = min(idle_s * self.t.light_idle_factor, self.t.light_max_idle_s)
        self._light_timer(idle_s, self._light_enter_maintenance)

    def _light_enter_maintenance(self) -> None:
        """The light idle period ended: a maintenance window, or first wait for a network (up to the next idle
        period: "We'll only wait for another full idle period, however, and then give up")."""
        if self.host.network == "none":
            self._set(self.host.now, light="waiting_for_network")
            self._light_timer(self._next_light_idle_s, self._light_open_maintenance)
            return
        self._light_open_maintenance()

    def _light_open_maintenance(self) -> None:
        t = self.host.now
        lo, hi = self.t.light_maintenance_min_budget_s, self.t.light_maintenance_max_budget_s
        budget = min(max(self._light_budget_s, lo), hi)
        self._light_budget_s = budget
        self._open_maintenance(t, "light", budget, self.t.min_light_maintenance_s)
        self._set(t, light="maintenance")
        self._schedule_maintenance_end()

    def _open_maintenance(self, t: float, kind: str, window_s: float, min_s: float) -> None:
        self._maint_kind = kind
        self._maint_start_s = t
        self._maint_deadline_s = t + window_s
        self._maint_work_until_s = t + min_s
        self._maint_end_s = -1.0
        self.maintenance_windows += 1
        self.host.event(t, "maintenance", "", f"{kind} window, up to {window_s:g} s")

    def _schedule_maintenance_end(self) -> None:
        if not self._maint_kind:
            return
        end = min(self._maint_deadline_s, self._maint_work_until_s)
        if end == self._maint_end_s:
            return
        self._maint_end_s = end
        self._maint_gen += 1
        gen = self._maint_gen
        kind = self._maint_kind

        def fire() -> None:
            if gen != self._maint_gen or self._maint_kind != kind:
                return
            if kind == "deep":
                self._deep_gen += 1
                self._deep_enter_idle()
            else:
                self._light_gen += 1
                self._light_step()

        self.host.schedule(end - self.host.now, fire)

    def _close_maintenance(self, t: float) -> None:
        """End the open window at t: hold the CPU for it, and (light) carry unused budget over."""
        if self._maint_kind == "light":
            used = t - self._maint_start_s
            self._light_budget_s += self.t.light_maintenance_min_budget_s - used
        self.host.hold(self._maint_start_s, t, "system", "doze_maintenance")
        self._maint_kind = ""
        self._maint_gen += 1

    def _become_active(self, t: float) -> None:
        """becomeActiveLocked: leave every Doze state (pending steps are cancelled, light Doze starts afresh)."""
        self._deep_gen += 1
        self._light_gen += 1
        self._end_maintenance_bookkeeping(t)
        self._next_light_idle_s = self.t.light_idle_s
        self._light_budget_s = self.t.light_maintenance_min_budget_s
        self._set(t, deep="active", light="active" if self.light_supported else None)

    def _end_maintenance_bookkeeping(self, t: float, only: str | None = None) -> None:
        if self._maint_kind and (only is None or self._maint_kind == only):
            self._close_maintenance(t)
