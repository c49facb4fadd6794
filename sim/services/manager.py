"""ActivityManager's services (ActiveServices): starts, refuses, times out and stops the apps' services by
Android's rules for the API level and the app's target SDK (android-facts §5), and runs their work in the apps'
processes (a system service)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from sim.processes import KEEPS_WAKELOCKS_IN_DOZE
from sim.records import StateSpan
from sim.service import RunningWork, ServiceHost, Timer
from sim.services.spec import (
    BACKGROUND_LIMITS_API_LEVEL,
    BACKGROUND_SETTLE_TIME_S,
    BG_FGS_START_API_LEVEL,
    DATA_SYNC_FGS_TIMEOUT_S,
    DATA_SYNC_LIMIT_API_LEVEL,
    DATA_SYNC_WINDOW_S,
    FG_TO_BG_FGS_GRACE_S,
    FGS_API_LEVEL,
    FGS_CRASH_API_LEVEL,
    FGS_TYPE_API_LEVEL,
    MAX_TEMP_APP_ALLOWLIST_DURATION_S,
    NOTIFICATION_ALLOWLIST_DURATION_S,
    SERVICE_CHUNK_S,
    SHORT_FGS_ANR_EXTRA_WAIT_S,
    SHORT_FGS_PROC_STATE_EXTRA_WAIT_S,
    SHORT_FGS_TIMEOUT_S,
    START_FOREGROUND_30S_API_LEVEL,
    START_FOREGROUND_ANR_DELAY_S,
    TRANSFER_PIECE_BYTES,
    WHILE_IN_USE_FGS_TYPES,
    Service,
    start_foreground_timeout_s,
)

__all__ = ["ActiveServices"]

EPS_S = 1e-9

# the exemptions from Android 12's background FGS start restriction the model knows (android-facts §5, §8 scenario 4)
_FGS_EXEMPT_FROM = {
    "push": "a high-priority FCM message",
    "notification": "a user action on its notification",
    "exact_alarm": "an exact alarm for a user-requested action",
    "boot": "a BOOT_COMPLETED receiver",
}


class _Run:
    """One service of one app, from the call to its end."""

    __slots__ = ("app", "chunk_end", "chunk_timer", "cut", "down_left", "end", "fg", "fg_since", "label", "running",
                 "spec", "state", "t0", "timers", "up_left", "wl_release", "work_end", "works", "xfer",
                 "xfer_waiting")

    def __init__(self, app: str, spec: Service, label: str, t0: float) -> None:
        self.app = app
        self.spec = spec
        self.label = label
        self.t0 = t0
        self.work_end = t0 + float(spec.run_s)  # when its CPU work is done
        self.end = self.work_end  # when its process is kept until, as far as known (longer if its transfer is)
        self.state = "service"  # its process state: "service", or "foreground_service" once startForeground ran
        self.fg = False  # startForeground() called: the notification is shown
        self.fg_since = 0.0
        self.running = True
        self.works: list[RunningWork] = []  # the burst in progress, one piece of work per thread
        self.chunk_timer: Timer | None = None
        self.chunk_end = t0
        self.timers: list[Timer] = []
        self.cut: Callable[[float], None] | None = None
        self.up_left = int(spec.up_bytes)
        self.down_left = int(spec.down_bytes)
        self.xfer: RunningWork | None = None  # the piece of the transfer in flight
        self.xfer_waiting = False  # the next piece waits for the network (or for deep Doze to end)
        self.wl_release: Callable[[float], None] | None = None  # the wakelock held over the current burst period

    @property
    def xfer_done(self) -> bool:
        return self.up_left == 0 and self.down_left == 0 and (self.xfer is None or not self.xfer.running)


class ActiveServices:
    """ActivityManager's service rules, by API level and target SDK (android-facts §5):

    * started services: allowed while the app's UID is active (in front, running a foreground service, or less
      than BACKGROUND_SETTLE_TIME (60 s) after that ended); when the UID goes idle, its started services are
      stopped as if they called stopSelf() ("Stopping service due to app idle"); startService() from an idle UID
      fails (IllegalStateException) unless the app is on the temporary allowlist (a high-priority FCM message:
      5 min, the maximum; a notification action: 30 s). Targets < 26 and API < 26 keep the old behaviour.
    * bound services: not affected.
    * foreground services: startForeground() within 5 s (API 26-27), 10 s (28-33), 30 s (34+, inferred), else the
      service is stopped with an ANR (API 26-30) or a crash (API 31+); the notification is shown from
      startForeground() to the end (lane "notification"); API 31+ targets 31+: a start from the background fails
      unless exempt (FCM, notification action, exact alarm, boot, battery optimisation off, the 5 s grace after
      leaving the front); API 34+ targets 34+: a type is required, and while-in-use types cannot start from the
      background; shortService times out after 3 min (API 34+); dataSync after 6 h in 24 h (API 35, target 35).

    A service's work runs in its app's process as bursts of CPU on `threads` threads (sim.services.spec.
    SERVICE_CHUNK_S), and its bytes move in pieces (TRANSFER_PIECE_BYTES), so it costs what any work costs and
    competes for the cores with the app in front; stopping the service cuts it there. Its wakelock (`wakelock`)
    keeps the CPU awake; in deep Doze a service whose process is not a foreground service (and whose app is not on
    the Doze allowlist) loses its wakelock, its bursts and its network until Doze lets go (PowerManagerService,
    NetworkPolicyManager: KEEPS_WAKELOCKS_IN_DOZE); a foreground service keeps all three. (Playback through
    audioserver, whose own wakelock deep Doze does not disable, is not modelled: a started music service's music
    stops with its CPU here.)
    """

    name: str = "activeservices"
    kinds: tuple[str, ...] = ("service",)

    def __init__(self, host: ServiceHost) -> None:
        self.host = host
        self.api = host.api_level
        self.runs: list[_Run] = []
        self._fg = ""  # the app in front, as last heard
        self._left_front: dict[str, float] = {}  # when each app last left the front
        self._left: dict[str, float] = {}  # when each app's UID last stopped being active (front or FGS)
        self._allow_until: dict[str, float] = {}  # temporary allowlist
        self._idle_timer: dict[str, Timer] = {}
        self._data_sync: dict[str, list[tuple[float, float]]] = {}
        self._spans: list[StateSpan] = []
        self._notes: dict[str, None] = {}  # (an ordered set)
        self._used = False
        self.stats = {"starts": 0, "refused": 0, "stopped_idle": 0, "fgs_timeouts": 0}
        self._notification_s = 0.0

    # -- the app's calls -----------------------------------------------------------------------------------------
    def submit(self, app: str, mechanism: Any) -> None:
        spec: Service = mechanism
        self._used = True
        self.host.call_later(float(spec.at_s), self._call, app, spec)

    def _note(self, text: str) -> None:
        self._notes[text] = None

    def _restricted(self, app: str) -> bool:
        """Whether Android 8's background service limits apply to the app (API 26+, target 26+)."""
        return self.api >= BACKGROUND_LIMITS_API_LEVEL and self.host.target_sdk(app) >= BACKGROUND_LIMITS_API_LEVEL

    def _has_fgs(self, app: str) -> bool:
        return any(r.running and r.fg and r.app == app for r in self.runs)

    def _uid_active(self, app: str, t: float) -> bool:
        """Whether the app's UID is active at t: in front, running a foreground service, or within the settle time
        after the last of those (ASSUMPTION: a UID is idle at the start of the run unless its app is in front)."""
        if self.host.foreground == app or self._has_fgs(app):
            return True
        left = self._left.get(app)
        return left is not None and t < left + BACKGROUND_SETTLE_TIME_S - EPS_S

    def _call(self, app: str, spec: Service) -> None:
        h = self.host
        t = h.now
        label = f"{spec.mode} service at {t:g} s"
        if spec.from_ == "foreground" and h.foreground != app:
            # called from its activity: the app is on screen at t; the day does not keep it there, so it leaves
            self._note(f"{app}: the {label} was called from its activity (from_='foreground') while the day shows "
                       "another app in front: taken as on screen at that instant and leaving the front right after")
            self._left_front[app] = t
            self._uid_left(app, t)
        if spec.from_ == "push":
            self._allow(app, t, MAX_TEMP_APP_ALLOWLIST_DURATION_S,
                        "a high-priority FCM message puts the app on the temporary allowlist for up to 5 min "
                        "(MAX_TEMP_APP_ALLOWLIST_DURATION_MS, android-facts §1a; the model uses the maximum)")
        elif spec.from_ == "notification":
            self._allow(app, t, NOTIFICATION_ALLOWLIST_DURATION_S,
                        "a notification action puts the app on the temporary allowlist for 30 s "
                        "(DEFAULT_NOTIFICATION_ALLOWLIST_DURATION_MS, android-facts §1a)")
        if spec.mode == "bound":
            self._begin(app, spec, label, t)
            self._note(f"{app}: bound services are not affected by the background service limits (android-facts §5)")
            return
        if spec.mode == "started":
            why = self._start_refused(app, t)
            if why:
                self._refuse(app, t, label, why)
                return
            self._begin(app, spec, label, t)
            if self._restricted(app) and not self._uid_active(app, t):
                # started on the temporary allowlist: stopped when it ends (see _idle_check)
                self._check_at(app, self._allow_until.get(app, t))
            return
        self._start_foreground_service(app, spec, label, t)

    def _allow(self, app: str, t: float, duration: float, why: str) -> None:
        self._allow_until[app] = max(self._allow_until.get(app, -math.inf), t + duration)
        self._note(f"{app}: {why}")

    def _start_refused(self, app: str, t: float) -> str:
        if not self._restricted(app):
            if self.api >= BACKGROUND_LIMITS_API_LEVEL:
                self._note(f"{app}: targets API {self.host.target_sdk(app)} (< 26): Android 8's background service "
                           "limits do not apply to it (android-facts §5, §8 scenario 2)")
            return ""
        if self._uid_active(app, t) or t < self._allow_until.get(app, -math.inf):
            return ""
        return ("IllegalStateException: Not allowed to start service: app is in background (its UID is idle: "
                "60 s after leaving the front, BACKGROUND_SETTLE_TIME; ActiveServices.startServiceLocked, "
                "android-facts §5)")

    def _refuse(self, app: str, t: float, label: str, why: str) -> None:
        self.stats["refused"] += 1
        self.host.event(t, "service_refused", app, f"{label}: {why}")
        self._note(f"{app}: {label} refused: {why}")

    def _start_foreground_service(self, app: str, spec: Service, label: str, t: float) -> None:
        h = self.host
        delay = spec.calls_start_foreground_after_s
        if self.api < FGS_API_LEVEL:
            # before Android 8: startService() then startForeground(), no deadline, no limits
            self._note(f"{app}: API {self.api} has no startForegroundService() (API 26): the {label} is a started "
                       "service that calls startForeground(), with no deadline and no background limits")
            r = self._begin(app, spec, label, t)
            if delay is not None and delay < spec.run_s:
                r.timers.append(h.call_later(float(delay), self._start_foreground, r))
            return
        why = self._fgs_refused(app, spec, t)
        if why:
            self._refuse(app, t, label, why)
            return
        r = self._begin(app, spec, label, t)
        limit = start_foreground_timeout_s(self.api)
        if delay is not None and delay <= limit:
            if delay < spec.run_s:
                r.timers.append(h.call_later(float(delay), self._start_foreground, r))
        else:
            r.timers.append(h.call_later(limit, self._missed_deadline, r, limit))

    def _fgs_refused(self, app: str, spec: Service, t: float) -> str:
        h = self.host
        target = h.target_sdk(app)
        front = h.foreground == app or spec.from_ == "foreground"  # (from its activity: on screen at that instant)
        if (self.api >= FGS_TYPE_API_LEVEL and target >= FGS_TYPE_API_LEVEL and spec.fgs_type in WHILE_IN_USE_FGS_TYPES
                and not front):
            return (f"a foreground service of type {spec.fgs_type!r} (a while-in-use permission) cannot be created "
                    "from the background, exemption or not (Android 14, target 34; android-facts §5)")
        if self.api < BG_FGS_START_API_LEVEL or target < BG_FGS_START_API_LEVEL or front:
            return ""
        left = self._left_front.get(app)
        if left is not None and t < left + FG_TO_BG_FGS_GRACE_S - EPS_S:
            self._note(f"{app}: a foreground service started {t - left:g} s after leaving the front is allowed "
                       "(FG_TO_BG_FGS_GRACE_DURATION = 5 s, android-facts §5)")
            return ""
        if spec.from_ in _FGS_EXEMPT_FROM:
            self._note(f"{app}: a foreground service started from the background from {_FGS_EXEMPT_FROM[spec.from_]} "
                       "is exempt from Android 12's restriction (android-facts §5, §8 scenario 4)")
            return ""
        if h.exempt(app):
            self._note(f"{app}: battery optimisation is off for it (doze_exempt): exempt from Android 12's background "
                       "foreground-service start restriction (android-facts §5)")
            return ""
        return ("ForegroundServiceStartNotAllowedException: startForegroundService() not allowed from the "
                "background (Android 12+, target 31+, no exemption applies; android-facts §5)")

    # -- a running service ---------------------------------------------------------------------------------------
    def _begin(self, app: str, spec: Service, label: str, t: float) -> _Run:
        r = _Run(app, spec, label, t)
        self.runs.append(r)
        self.stats["starts"] += 1
        self.host.event(t, "service_start", app, f"{label} ({spec.from_})")
        self._chunk(r)  # (the first burst pays the process's cold start, if any)
        if r.running:
            r.cut = self.host.keep_process(app, r.state, t, r.end)
            if r.up_left or r.down_left:
                self._piece(r)
        return r

    def _asleep_for(self, r: _Run) -> bool:
        """Whether deep Doze has the service's CPU suspended now: its wakelocks are ignored and its network blocked
        unless its process is in front or runs a foreground service, or its app is on the Doze allowlist or the
        temporary allowlist (KEEPS_WAKELOCKS_IN_DOZE: PowerManagerService's mDeviceIdleWhitelist and
        mDeviceIdleTempWhitelist, NetworkPolicyManager)."""
        h = self.host
        return (h.doze.deep == "idle" and r.state not in KEEPS_WAKELOCKS_IN_DOZE and not h.exempt(r.app)
                and h.now >= self._allow_until.get(r.app, -math.inf))

    def _chunk(self, r: _Run) -> None:
        """Run the next burst of the service's work (SERVICE_CHUNK_S of its run, cpu_share of it on the CPU, on
        `threads` threads), holding its wakelock over the period if it has one."""
        if not r.running:
            return
        h = self.host
        t = h.now
        left = r.work_end - t
        if left <= EPS_S:
            if r.xfer_done:
                self._stop(r, t, "finished: its work is done (stopSelf)", "service_end")
                return
            dur = SERVICE_CHUNK_S  # its CPU work is done; it waits for its transfer, holding its process
            cpu = 0.0
            if t + dur > r.end:
                r.end = t + dur
                if r.cut is not None:
                    r.cut(t)
                r.cut = h.keep_process(r.app, r.state, t, r.end)
        else:
            dur = min(SERVICE_CHUNK_S, left)
            cpu = dur * float(r.spec.cpu_share)
        r.chunk_end = t + dur
        r.works = []
        asleep = self._asleep_for(r)
        if cpu > 0.0 and not asleep:
            r.works = [h.start_work(t, t, r.app, cpu, 0, 0, "service", None, "", proc_state=r.state)
                       for _ in range(r.spec.threads)]
        elif cpu > 0.0:
            self._note(f"{r.app}: the {r.label} does no work while the phone is in deep Doze: its process is not a "
                       "foreground service, so its wakelocks are ignored and the CPU sleeps (PowerManagerService, "
                       "KEEPS_WAKELOCKS_IN_DOZE)")
        self._hold_wakelock(r, t)
        r.chunk_timer = h.call_later(dur, self._chunk, r)

    def _hold_wakelock(self, r: _Run, t: float) -> None:
        if r.wl_release is not None:
            r.wl_release(t)
            r.wl_release = None
        if r.spec.wakelock and r.chunk_end > t and not self._asleep_for(r):
            r.wl_release = self.host.wakelock(t, r.chunk_end, r.app, "service")

    def _piece(self, r: _Run) -> None:
        """Send the next piece of the service's transfer (TRANSFER_PIECE_BYTES), or say the transfer is done."""
        if not r.running:
            return
        h = self.host
        t = h.now
        r.xfer = None
        if r.up_left == 0 and r.down_left == 0:
            if t >= r.work_end - EPS_S:
                self._stop(r, t, "finished: its work is done (stopSelf)", "service_end")
            return
        if h.network == "none" or self._asleep_for(r):
            r.xfer_waiting = True
            return
        r.xfer_waiting = False
        up = min(r.up_left, TRANSFER_PIECE_BYTES)
        down = min(r.down_left, TRANSFER_PIECE_BYTES - up)
        r.up_left -= up
        r.down_left -= down
        r.xfer = h.start_work(t, t, r.app, 0.0, up, down, "service", lambda _rec: self._piece(r), "",
                              proc_state=r.state)

    def _set_state(self, r: _Run, state: str, t: float) -> None:
        if state == r.state:
            return
        r.state = state
        if r.cut is not None:
            r.cut(t)
        r.cut = self.host.keep_process(r.app, state, t, r.end)

    def _start_foreground(self, r: _Run) -> None:
        """The service calls startForeground()."""
        if not r.running:
            return
        h = self.host
        t = h.now
        spec = r.spec
        app = r.app
        target = h.target_sdk(app)
        if self.api >= FGS_TYPE_API_LEVEL and target >= FGS_TYPE_API_LEVEL and spec.fgs_type is None:
            why = ("MissingForegroundServiceTypeException: startForeground() without a foregroundServiceType "
                   "(required from Android 14 for target 34+, android-facts §5)")
            self._refuse(app, t, r.label, why)
            self._stop(r, t, why, "service_stop")
            return
        if spec.fgs_type == "dataSync" and min(self.api, target) >= DATA_SYNC_LIMIT_API_LEVEL:
            left = DATA_SYNC_FGS_TIMEOUT_S - self._data_sync_used(app, t)
            if left <= EPS_S:
                why = ("ForegroundServiceStartNotAllowedException: the dataSync type's 6 h in 24 h is used up "
                       "(DEFAULT_DATA_SYNC_FGS_TIMEOUT_DURATION, Android 15, android-facts §5)")
                self._refuse(app, t, r.label, why)
                self._stop(r, t, why, "service_stop")
                return
            r.timers.append(h.call_later(left, self._data_sync_timeout, r))
        if spec.fgs_type == "shortService":
            if self.api >= FGS_TYPE_API_LEVEL:
                r.timers.append(h.call_later(SHORT_FGS_TIMEOUT_S, self._short_timeout, r, 0))
                r.timers.append(h.call_later(SHORT_FGS_TIMEOUT_S + SHORT_FGS_PROC_STATE_EXTRA_WAIT_S,
                                             self._short_timeout, r, 1))
                r.timers.append(h.call_later(SHORT_FGS_TIMEOUT_S + SHORT_FGS_ANR_EXTRA_WAIT_S,
                                             self._short_timeout, r, 2))
            else:
                self._note(f"{app}: the shortService type arrives in API 34: on API {self.api} the {r.label} runs as "
                           "an ordinary foreground service with no 3-min timeout")
        r.fg = True
        r.fg_since = t
        h.event(t, "service_foreground", app, f"{r.label}: startForeground(): notification shown"
                + (f" (type {spec.fgs_type})" if spec.fgs_type else ""))
        self._set_state(r, "foreground_service", t)

    def _missed_deadline(self, r: _Run, limit: float) -> None:
        if not r.running or r.fg:
            return
        h = self.host
        t = h.now
        self.stats["fgs_timeouts"] += 1
        if self.api >= FGS_CRASH_API_LEVEL:
            kind, what = "crash", "ForegroundServiceDidNotStartInTimeException (a crash, Android 12+)"
        else:
            kind, what = "anr", "an ANR (Android 8-11)"
        why = (f"startForeground() not called within {limit:g} s of startForegroundService() "
               "(SERVICE_START_FOREGROUND_TIMEOUT, android-facts §5): service stopped")
        h.event(t, "fgs_timeout", r.app, f"{r.label}: {why}")
        self._stop(r, t, why, "service_stop")
        if self.api >= START_FOREGROUND_30S_API_LEVEL:
            h.call_later(START_FOREGROUND_ANR_DELAY_S, h.event, h.now + START_FOREGROUND_ANR_DELAY_S, kind, r.app,
                         f"{r.label}: {what}, {START_FOREGROUND_ANR_DELAY_S:g} s after the timeout "
                         "(SERVICE_START_FOREGROUND_ANR_DELAY_MS)")
            after = f" and {what} {START_FOREGROUND_ANR_DELAY_S:g} s later (the ANR delay)"
        else:
            h.event(t, kind, r.app, f"{r.label}: {what}")
            after = f" with {what}"
        self._note(f"{r.app}: the {r.label} did not call startForeground() within {limit:g} s (API {self.api}; "
                   f"5 s on API 26-27, 10 s on 28-33, 30 s on 34+ (the 34 boundary inferred), android-facts §5): "
                   f"stopped{after}")

    def _short_timeout(self, r: _Run, step: int) -> None:
        if not r.running:
            return
        h = self.host
        t = h.now
        if step == 0:
            self.stats["fgs_timeouts"] += 1
            h.event(t, "fgs_timeout", r.app, f"{r.label}: shortService ran 3 min: Service.onTimeout() "
                    "(DEFAULT_SHORT_FGS_TIMEOUT_DURATION, android-facts §5)")
        elif step == 1:
            h.event(t, "fgs_demoted", r.app, f"{r.label}: still running 5 s after onTimeout(): process state demoted")
            self._set_state(r, "service", t)
        else:
            why = ("shortService not stopped 10 s after onTimeout(): ANR (DEFAULT_SHORT_FGS_ANR_EXTRA_WAIT_DURATION, "
                   "android-facts §5)")
            h.event(t, "anr", r.app, f"{r.label}: {why}")
            self._stop(r, t, why, "service_stop")
            self._note(f"{r.app}: the {r.label} (shortService) ran past 3 min: onTimeout() at 3 min, process state "
                       "demoted at +5 s, ANR and stopped at +10 s (android-facts §5, §8 scenario 5; the model's app "
                       "does not stop itself in onTimeout())")

    def _data_sync_used(self, app: str, t: float) -> float:
        lo = t - DATA_SYNC_WINDOW_S
        spans = list(self._data_sync.get(app, ()))
        spans += [(r.fg_since, t) for r in self.runs
                  if r.running and r.fg and r.app == app and r.spec.fgs_type == "dataSync"]
        return sum(max(0.0, min(b, t) - max(a, lo)) for a, b in spans)

    def _data_sync_timeout(self, r: _Run) -> None:
        if not r.running:
            return
        t = self.host.now
        self.stats["fgs_timeouts"] += 1
        why = ("dataSync ran 6 h in 24 h: Service.onTimeout(startId, fgsType) (DEFAULT_DATA_SYNC_FGS_TIMEOUT_DURATION,"
               " Android 15, android-facts §5)")
        self.host.event(t, "fgs_timeout", r.app, f"{r.label}: {why}")
        self._stop(r, t, why + "; the app stops it", "service_stop")
        self._note(f"{r.app}: the {r.label} (dataSync) reached 6 h in 24 h and was stopped at onTimeout() "
                   "(ASSUMPTION: the app stops it there, as the documentation asks; android-facts §5)")

    def _stop(self, r: _Run, t: float, why: str, kind: str) -> None:
        if not r.running:
            return
        r.running = False
        h = self.host
        for timer in r.timers:
            timer.cancel()
        if r.chunk_timer is not None:
            r.chunk_timer.cancel()
        for w in r.works:
            if w.running:
                w.stop(f"{r.label}: {why}")
        if r.xfer is not None and r.xfer.running:
            r.xfer.stop(f"{r.label}: {why}")  # (the piece in flight arrives: sim.phone._Work.stop)
        if r.wl_release is not None:
            r.wl_release(t)
            r.wl_release = None
        if r.cut is not None:
            r.cut(t)
        self._close(r, t)
        h.event(t, kind, r.app, f"{r.label}: {why}")
        if r.fg and not self._has_fgs(r.app) and h.foreground != r.app:
            self._uid_left(r.app, t)

    def _close(self, r: _Run, t: float) -> None:
        if t > r.t0:
            self._spans.append(StateSpan("service", r.t0, t, r.spec.mode, r.app))
        if r.fg:
            if t > r.fg_since:
                self._spans.append(StateSpan("notification", r.fg_since, t, "shown", r.app))
                self._notification_s += t - r.fg_since
            if r.spec.fgs_type == "dataSync":
                self._data_sync.setdefault(r.app, []).append((r.fg_since, t))

    # -- the app's UID going idle --------------------------------------------------------------------------------
    def _uid_left(self, app: str, t: float) -> None:
        """The app's UID stopped being active at t (it left the front, or its last foreground service ended)."""
        self._left[app] = t
        self._check_at(app, t + BACKGROUND_SETTLE_TIME_S)

    def _check_at(self, app: str, at: float) -> None:
        old = self._idle_timer.get(app)
        if old is not None:
            old.cancel()
        self._idle_timer[app] = self.host.call_later(max(0.0, at - self.host.now), self._idle_check, app)

    def _idle_check(self, app: str) -> None:
        h = self.host
        t = h.now
        if self._uid_active(app, t):
            return
        allow = self._allow_until.get(app, -math.inf)
        if t < allow - EPS_S:
            self._check_at(app, allow)
            return
        if not self._restricted(app):
            return
        for r in self.runs:
            if r.running and r.app == app and r.spec.mode == "started":
                self.stats["stopped_idle"] += 1
                self._stop(r, t, "Stopping service due to app idle (its UID went idle: BACKGROUND_SETTLE_TIME 60 s "
                           "after it left the front, or its temporary allowlist ended; as if stopSelf(); "
                           "android-facts §5)", "service_stop")
                self._note(f"{app}: its started service was stopped when its UID went idle (60 s after it left the "
                           "front, DEFAULT_BACKGROUND_SETTLE_TIME, or when its temporary allowlist ended; android-facts"
                           " §5, §8 scenario 1)")

    # -- the system service interface ----------------------------------------------------------------------------
    def changed(self, what: str) -> None:
        if what in ("doze", "state"):
            t = self.host.now
            for r in self.runs:
                if not r.running:
                    continue
                if what == "doze" and r.spec.wakelock:
                    self._hold_wakelock(r, t)  # (released in deep Doze unless its process keeps it, taken back after)
                if r.xfer_waiting:
                    self._piece(r)
        fg = self.host.foreground
        if fg != self._fg:
            old, self._fg = self._fg, fg
            if old and old in self.host.apps:
                t = self.host.now
                self._left_front[old] = t
                if not self._has_fgs(old):
                    self._uid_left(old, t)

    def summary(self, t_end: float) -> dict[str, float]:
        if not self._used:  # (a run without services keeps the summary it always had)
            return {}
        shown = self._notification_s + sum(max(0.0, t_end - r.fg_since) for r in self.runs if r.running and r.fg)
        st = self.stats
        return {
            "service_starts": float(st["starts"]),
            "service_refused": float(st["refused"]),
            "service_stopped_idle": float(st["stopped_idle"]),
            "fgs_timeouts": float(st["fgs_timeouts"]),
            "notification_s": shown,
        }

    def notes(self) -> list[str]:
        return list(self._notes)

    def lanes(self, t_end: float) -> list[StateSpan]:
        out = list(self._spans)
        for r in self.runs:
            if r.running:
                end = min(t_end, r.end)
                if end > r.t0:
                    out.append(StateSpan("service", r.t0, end, r.spec.mode, r.app))
                if r.fg and end > r.fg_since:
                    out.append(StateSpan("notification", r.fg_since, end, "shown", r.app))
        return sorted(out, key=lambda s: (s.app, s.lane, s.start_s))

    def waiting(self, app: str, t_end: float) -> list[tuple[float, float]]:
        return []
