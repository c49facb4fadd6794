"""sim.Receiver and sim.Broadcast, the mechanisms an app uses (a manifest <receiver> or registerReceiver(), and
sendBroadcast()), and the broadcast queue's constants (android-facts §6)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from sim._validate import ScenarioError, as_tuple, check_bool, check_choice, check_int, check_number, show, strict
from sim.work import MAX_BYTES, MECHANISMS, WorkHost

__all__ = [
    "ACTIONS",
    "BROADCAST_BG_TIMEOUT_S",
    "BROADCAST_FG_TIMEOUT_S",
    "DAY_ACTIONS",
    "EVENT_ACTIONS",
    "EXEMPT_ACTIONS",
    "REGISTRATIONS",
    "RUNS",
    "Broadcast",
    "Receiver",
]

# --- which receivers a broadcast reaches (android-facts §6) ---------------------------------------------------------
# android-facts §6: manifest receivers of *implicit* broadcasts are not delivered to apps targeting 26+ on Android
# 8.0+ ("Implicit broadcast exceptions", developer.android.com/develop/background-work/background-tasks/broadcasts/
# broadcast-exceptions; Oreo "Background Execution Limits": "Broadcast Limitations"). AOSP: the broadcast is resolved
# with FLAG_RECEIVER_EXCLUDE_BACKGROUND unless exempt (ActivityManagerService.broadcastIntentLocked).
IMPLICIT_LIMIT_API_LEVEL = 26
# android-facts §6: CONNECTIVITY_ACTION is not delivered to manifest receivers of apps targeting 24+ (Android 7.0,
# "Background optimizations"); AOSP ConnectivityService sends it with
# BroadcastOptions.setMaxManifestReceiverApiLevel(Build.VERSION_CODES.M) (from memory of the source, not re-read).
CONNECTIVITY_LIMIT_API_LEVEL = 24
# android-facts §6: how long a receiver may run: ActivityManagerService.BROADCAST_FG_TIMEOUT = 10*1000 for the
# foreground queue (FLAG_RECEIVER_FOREGROUND), BROADCAST_BG_TIMEOUT = 60*1000 for the background queue. The same
# 10 s is BroadcastConstants.DEFAULT_TIMEOUT in Android 14's BroadcastQueueModernImpl (10_000 *
# HW_TIMEOUT_MULTIPLIER), with AMS giving the background constants the 60 s.
# The model counts the timeout from the dispatch, a cold start included, as the legacy queue does (it sets the
# receiver's start time before starting the process); the modern queue's separate check of a pending cold start
# (DEFAULT_PENDING_COLD_START_CHECK_INTERVAL_MILLIS = 30000) is not modelled.
BROADCAST_FG_TIMEOUT_S = 10.0
BROADCAST_BG_TIMEOUT_S = 60.0
# Android 14 replaced the two serial queues with BroadcastQueueModernImpl (BroadcastConstants.MODERN_QUEUE_ENABLED
# default true) and queues context-registered broadcasts to cached apps (android-facts §6; "Behavior changes: all
# apps", Android 14: "Context-registered broadcasts are queued while apps are cached ... Manifest-declared broadcasts
# aren't queued, and apps are removed from the cached state for broadcast delivery").
MODERN_QUEUE_API_LEVEL = 34
# BroadcastConstants (Android 14, frameworks/base services/core/java/com/android/server/am/BroadcastConstants.java):
# DEFAULT_MAX_RUNNING_PROCESS_QUEUES = 4 (2 on low-RAM devices): at most this many apps receive at once;
# DEFAULT_DELAY_NORMAL_MILLIS = +500 ("a chance for debouncing of rapidly changing events"); DEFAULT_DELAY_URGENT_MILLIS
# negative (a foreground broadcast goes at once); DEFAULT_DELAY_CACHED_MILLIS = +120_000 (to cached apps);
# DEFAULT_CORE_DEFER_UNTIL_ACTIVE = true (broadcasts the system sends wait, for a cached app's runtime receivers,
# until the app is active again).
MAX_RUNNING_PROCESS_QUEUES = 4
DELAY_NORMAL_S = 0.5
DELAY_CACHED_S = 120.0
# BroadcastQueueModernImpl starts one process at a time for broadcasts (its mRunningColdStart: the next cold start
# waits until the process started last has attached); from memory of the Android 14 source, not re-read. The
# legacy queue (Android 13 and earlier) delivers to manifest receivers one receiver at a time per queue
# (mOrderedBroadcasts; android-facts §6 "Ordered vs normal").

# --- the model's own choices (ASSUMPTIONS) --------------------------------------------------------------------------
# ASSUMPTION: CPU seconds of an onReceive that only schedules a job (builds a JobInfo, one binder call to
# JobScheduler). No source gives it; the receiver's process start is charged on top (Assumptions.process_cold_start_s).
ASSUMED_SCHEDULE_JOB_CPU_S = 0.01
# ASSUMPTION: how often BatteryService hears the battery level (it sends BATTERY_LOW/OKAY at the first reading past
# the threshold): healthd's fast periodic chore, 60 s (DEFAULT_PERIODIC_CHORES_INTERVAL_FAST, from memory of
# system/core/healthd, not re-read).
ASSUMED_BATTERY_POLL_S = 60.0
# ASSUMPTION: BatteryService sends BATTERY_OKAY when the level climbs back to the low level plus
# config_lowBatteryCloseWarningBump = 5 % (AOSP resource default quoted by secondary sources of BatteryService, not
# re-read; OEMs overlay it). The low level itself is Assumptions.low_battery_pct (config_lowBatteryWarningLevel).
ASSUMED_LOW_BATTERY_CLOSE_BUMP_PCT = 5.0
# ASSUMPTION: one CONNECTIVITY_ACTION per change of the day's network (Wi-Fi -> cellular, -> none, ...); Android may
# send two on a handover (the old network lost, then the new default).
# ASSUMPTION: broadcasts held for a cached app (Android 14) are merged per action, the latest kept: the Android 14
# page says "Multiple instances of certain broadcasts might be merged into one broadcast" without naming them.
# ASSUMPTION: runtime receivers of a normal broadcast get it at once, in parallel, with no ANR timeout (the legacy
# queue's parallel broadcasts; the modern queue treats them as delivered at dispatch), outside the process-queue limit.

#: The system's broadcasts the model knows, by the model's name, with Android's action.
ACTIONS = {
    "connectivity_change": "android.net.conn.CONNECTIVITY_CHANGE",
    "power_connected": "android.intent.action.ACTION_POWER_CONNECTED",
    "power_disconnected": "android.intent.action.ACTION_POWER_DISCONNECTED",
    "screen_on": "android.intent.action.SCREEN_ON",
    "screen_off": "android.intent.action.SCREEN_OFF",
    "battery_low": "android.intent.action.BATTERY_LOW",
    "battery_okay": "android.intent.action.BATTERY_OKAY",
    "boot_completed": "android.intent.action.BOOT_COMPLETED",
    "time_set": "android.intent.action.TIME_SET",
    "timezone_changed": "android.intent.action.TIMEZONE_CHANGED",
    "locale_changed": "android.intent.action.LOCALE_CHANGED",
    "package_added": "android.intent.action.PACKAGE_ADDED",
    "package_replaced": "android.intent.action.PACKAGE_REPLACED",
}
#: Sent by the phone as the user's day changes it: network, charger, screen, battery level.
DAY_ACTIONS = ("connectivity_change", "power_connected", "power_disconnected", "screen_on", "screen_off",
               "battery_low", "battery_okay")
#: Sent when a sim.Broadcast says the event happens (the phone boots, the user changes the locale or the time, an
#: app is installed or updated).
EVENT_ACTIONS = ("boot_completed", "time_set", "timezone_changed", "locale_changed", "package_added",
                 "package_replaced")
#: android-facts §6 "Exempt implicit broadcasts": still delivered to manifest receivers of apps targeting 26+
#: (BOOT_COMPLETED, TIME_SET, TIMEZONE_CHANGED, LOCALE_CHANGED); PACKAGE_ADDED/REPLACED, CONNECTIVITY_ACTION, the
#: power and battery broadcasts are not exempt ("Other package-related broadcasts (such as ACTION_PACKAGE_REPLACED)
#: are not exempted").
EXEMPT_ACTIONS = ("boot_completed", "time_set", "timezone_changed", "locale_changed")
#: android-facts §6: SCREEN_ON/OFF reach runtime receivers only, on every version (FLAG_RECEIVER_REGISTERED_ONLY).
RUNTIME_ONLY_ACTIONS = ("screen_on", "screen_off")
#: Sent on the foreground queue (FLAG_RECEIVER_FOREGROUND): PowerManager's Notifier sends SCREEN_ON/OFF with it (from
#: memory of the AOSP source, not re-read); the model sends the other system broadcasts on the background queue.
FOREGROUND_ACTIONS = ("screen_on", "screen_off")

#: Where the receiver is declared: "manifest" (a <receiver> in AndroidManifest.xml: Android may start the app's
#: process to deliver), "runtime" (registerReceiver() on the application context: receives while the process lives)
#: or "activity" (registerReceiver() in an activity's onStart(), unregistered in onStop(): while the app is on screen).
REGISTRATIONS = ("manifest", "runtime", "activity")
#: What onReceive() does with the work: "on_receive" (all of it in onReceive, on the main thread), "go_async"
#: (goAsync(), the work on another thread, PendingResult.finish() at its end) or "job" (schedules a JobScheduler job
#: with a network constraint that does the work, and returns).
RUNS = ("on_receive", "go_async", "job")
JOB_NETWORKS = ("any", "unmetered", "not_roaming")
_CUSTOM_ACTION = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
MAX_AT_S = 28 * 86_400.0
MAX_CPU_S = 3600.0


def _check_action(owner: str, name: str, action: object) -> str:
    if isinstance(action, str) and (action in ACTIONS or _CUSTOM_ACTION.match(action)):
        return action
    check_choice(owner, name, action, list(ACTIONS))  # (raises, with a suggestion for a near miss)
    raise AssertionError  # pragma: no cover


@strict
@dataclass(frozen=True)
class Receiver:
    """A BroadcastReceiver of an app for `actions`: names from sim.broadcasts.ACTIONS (the system's broadcasts) or
    an app's own action (a dotted name such as "com.example.SYNC").

    `registered`: "manifest", "runtime" or "activity" (see REGISTRATIONS). Each broadcast that reaches it costs
    `cpu_s` of CPU and moves `up_bytes` / `down_bytes` (a transfer fails when there is no network or Doze blocks
    it), run as `run` says: "on_receive", "go_async" or "job" (then the job, with the network constraint
    `job_network`, does the work; a job already waiting is replaced, as schedule() with the same job ID does).

    Raises ValueError naming the field for an unknown action, registration, run or network, no actions, or work
    that does nothing.
    """

    kind: ClassVar[str] = "receiver"

    actions: tuple[str, ...] = ("connectivity_change",)
    registered: str = "manifest"
    cpu_s: float = 0.1
    up_bytes: int = 0
    down_bytes: int = 0
    run: str = "on_receive"
    job_network: str = "any"

    def __post_init__(self) -> None:
        o = "Receiver"
        if isinstance(self.actions, str):
            object.__setattr__(self, "actions", (self.actions,))
        actions = as_tuple(o, "actions", self.actions, str)
        if not actions:
            raise ScenarioError(f"Receiver.actions={show(self.actions)}: allowed one or more actions")
        for a in actions:
            _check_action(o, "actions", a)
        object.__setattr__(self, "actions", actions)
        check_choice(o, "registered", self.registered, REGISTRATIONS)
        check_number(o, "cpu_s", self.cpu_s, lo=0.0, hi=MAX_CPU_S)
        check_int(o, "up_bytes", self.up_bytes, lo=0, hi=MAX_BYTES)
        check_int(o, "down_bytes", self.down_bytes, lo=0, hi=MAX_BYTES)
        if self.cpu_s == 0 and self.up_bytes == 0 and self.down_bytes == 0:
            raise ScenarioError("Receiver: cpu_s=0, up_bytes=0, down_bytes=0: allowed work that does something")
        check_choice(o, "run", self.run, RUNS)
        check_choice(o, "job_network", self.job_network, JOB_NETWORKS)

    @property
    def needs_network(self) -> bool:
        return self.up_bytes > 0 or self.down_bytes > 0

    def start(self, host: WorkHost, app: str) -> None:
        """The app declares (or registers) the receiver: the phone hands it to its broadcast queue."""
        host.submit(app, self)


@strict
@dataclass(frozen=True)
class Broadcast:
    """A broadcast sent at `at_s` (and every `every_s` after, if given).

    `action`: one of EVENT_ACTIONS (the system sends it when the event happens: the phone boots, the user changes
    the locale or the time, an app is installed or updated; which app's work lists it does not matter), or the
    app's own action (a dotted name), sent by the app: implicit, or explicit to the app named `to` (setPackage /
    setComponent). `foreground`: FLAG_RECEIVER_FOREGROUND (the foreground queue and its 10 s timeout).
    The broadcasts of the phone's day (DAY_ACTIONS) are the system's own: an app cannot send them (protected
    broadcasts), and the day sends them when the network, the charger, the screen or the battery level changes.

    Raises ValueError naming the field for an action of the day, an unknown action, `to` on a system event, or
    times out of range.
    """

    kind: ClassVar[str] = "broadcast"

    action: str = "com.example.SYNC"
    at_s: float = 0.0
    every_s: float | None = None
    to: str | None = None
    foreground: bool = False

    def __post_init__(self) -> None:
        o = "Broadcast"
        if isinstance(self.action, str) and self.action in DAY_ACTIONS:
            raise ScenarioError(f"Broadcast.action={self.action!r}: allowed {', '.join(EVENT_ACTIONS)} or an app's "
                                "own dotted action; the day sends its own broadcasts (network, charger, screen, "
                                "battery), and an app may not send a protected broadcast")
        _check_action(o, "action", self.action)
        check_number(o, "at_s", self.at_s, lo=0.0, hi=MAX_AT_S)
        if self.every_s is not None:
            check_number(o, "every_s", self.every_s, lo=1.0, hi=MAX_AT_S)
        if self.to is not None:
            if not isinstance(self.to, str) or not self.to:
                raise ScenarioError(f"Broadcast.to={show(self.to)}: allowed an app's name or None")
            if self.action in ACTIONS:
                raise ScenarioError(f"Broadcast.to={self.to!r}: allowed only with an app's own action; "
                                    f"the system sends {self.action!r} to every app that listens")
        check_bool(o, "foreground", self.foreground)

    def start(self, host: WorkHost, app: str) -> None:
        """The app will send the broadcast (or the system event happens) at at_s: handed to the broadcast queue."""
        host.submit(app, self)


MECHANISMS["receiver"] = Receiver
MECHANISMS["broadcast"] = Broadcast
