"""AlarmManagerService: when each app's alarm fires, batched, bent by Doze, standby buckets and the exact-alarm
permission, and what its receiver costs (a system service)."""

from __future__ import annotations

from typing import Any

from sim.alarms.spec import (
    ALLOW_WHILE_IDLE_COMPAT_QUOTA,
    ALLOW_WHILE_IDLE_COMPAT_QUOTA_API31,
    ALLOW_WHILE_IDLE_COMPAT_WINDOW_API31_S,
    ALLOW_WHILE_IDLE_COMPAT_WINDOW_S,
    ALLOW_WHILE_IDLE_LONG_TIME_S,
    ALLOW_WHILE_IDLE_QUOTA,
    ALLOW_WHILE_IDLE_SHORT_TIME_S,
    ALLOW_WHILE_IDLE_WINDOW_S,
    APP_STANDBY_DELAYS_S,
    BUCKET_DELAY_API_LEVEL,
    DELAY_NONWAKEUP_WHILE_SCREEN_OFF_API_LEVEL,
    DEVICE_IDLE_FUZZ_API_LEVEL,
    EXACT_CALLS,
    EXACT_DENIED_BY_DEFAULT_API_LEVEL,
    EXACT_DENIED_BY_DEFAULT_TARGET,
    EXACT_PERMISSION_API_LEVEL,
    LAZY_BATCHING_API_LEVEL,
    LIGHT_DOZE_DEFERS_ALARMS,
    MAX_ALARMS_API_LEVEL,
    MAX_ALARMS_PER_UID,
    MAX_DEVICE_IDLE_FUZZ_S,
    MIN_DEVICE_IDLE_FUZZ_S,
    MIN_FUTURITY_S,
    MIN_FUZZABLE_INTERVAL_S,
    MIN_INTERVAL_API_LEVEL,
    MIN_INTERVAL_S,
    MIN_WINDOW_API_LEVEL,
    MIN_WINDOW_S,
    ONE_SHOT_WINDOW_CAP_API_LEVEL,
    ONE_SHOT_WINDOW_CAP_S,
    REPEATING_CALLS,
    RESTRICTED_ALARM_QUOTA_API_LEVEL,
    USE_EXACT_ALARM_API_LEVEL,
    WHILE_IDLE_API_LEVEL,
    WHILE_IDLE_BUCKET_EXEMPT_API_LEVEL,
    WHILE_IDLE_CALLS,
    WHILE_IDLE_QUOTA_API_LEVEL,
    WINDOW_FRACTION,
    Alarm,
)
from sim.buckets import ALARM_QUOTA, ALARM_QUOTA_API_LEVEL, ALARM_WINDOW_S
from sim.metrics import percentile
from sim.records import StateSpan
from sim.restrictions import network_blocks
from sim.service import ServiceHost

__all__ = ["AlarmManager"]


class _Alarm:
    """One alarm of one app as AlarmManagerService tracks it, from the call to its last delivery."""

    __slots__ = ("anchor", "app", "call", "clock", "compat", "deferred", "done", "due", "held", "interval", "label",
                 "max_when", "requested", "retry_at", "seq", "spec", "standalone", "wakeup", "when", "while_idle")

    def __init__(self, app: str, spec: Alarm, label: str, seq: int) -> None:
        self.app = app
        self.spec = spec
        self.label = label
        self.seq = seq
        self.call = spec.call
        self.wakeup = spec.wakeup
        self.clock = spec.call == "set_alarm_clock"
        self.while_idle = spec.call in WHILE_IDLE_CALLS
        self.compat = False  # (a while-idle alarm counted against the compat quota, API 31+)
        self.standalone = False  # an exact alarm: never batched with others (FLAG_STANDALONE)
        self.requested = 0.0  # the time the app asked for (this occurrence): latency is measured from it
        self.anchor = 0.0  # a repeating alarm's grid: anchor + k * interval
        self.interval = 0.0
        self.when = 0.0  # the window Android gives it: [when, max_when]
        self.max_when = 0.0
        self.due = False  # its batch's time has come; not delivered yet
        self.held = ""  # what holds it back now ("" for nothing)
        self.retry_at = 0.0
        self.deferred = ""  # the first thing that held this occurrence back
        self.done = False


class _Batch:
    """Alarms whose windows overlap, delivered together at the batch's start (AlarmManagerService.Batch)."""

    __slots__ = ("alarms", "end", "gen", "start")

    def __init__(self, a: _Alarm) -> None:
        self.start = a.when
        self.end = a.max_when
        self.alarms = [a]
        self.gen = 0

    def can_hold(self, a: _Alarm) -> bool:
        """Batch.canHold: the windows overlap (and neither is a standalone exact alarm)."""
        if a.standalone or any(b.standalone for b in self.alarms):
            return False
        return self.end >= a.when and self.start <= a.max_when


class AlarmManager:
    """The phone's AlarmManagerService: takes each app's sim.Alarm, bends it as Android does, batches alarms whose
    windows overlap into one delivery, and runs each delivered alarm's receiver in its app's process while the
    system holds its delivery wakelock (android-facts §4, §7c).

    What holds a due alarm back: a non-wakeup type while the phone sleeps (and, API 23+, while the screen is off,
    until the next wakeup delivery); Doze's deep idle for regular alarms (to the next maintenance window or the end
    of idle), while-idle alarms within their spacing (API 23-30) or quota (API 31+); standby buckets (API 28 delays,
    API 29+ quotas per rolling window, lifted while charging and for the app in front; not for the alarm clock, nor
    from API 31 for exact while-idle alarms, which have their own quota). Refused calls (no exact-alarm
    permission, too many alarms) are failed calls: an `alarm_refused` event and a note, never an alarm.

    Batching follows the Android version: before API 31 an alarm joins a batch whose window overlaps its own and the
    batch fires at its latest start (BatchingAlarmStore); from API 31 alarms are batched only when one is delivered,
    at the earliest window end, and every alarm whose window has started goes with it (LazyAlarmStore).

    Approximations: RTC and ELAPSED_REALTIME share one clock; alarms moved by a policy (quota, spacing, bucket) fire
    at their new time without joining other batches; Doze's own timers and JobScheduler's are not AlarmManager
    alarms here (they wake the phone through the host; from API 31 a wake they cause takes the alarms whose windows
    have started along, as their delivery would in Android; before API 31 it does not); the app may not cancel an
    alarm; a receiver's network is checked once, when it starts.
    """

    name: str = "alarmmanager"
    kinds: tuple[str, ...] = ("alarm",)

    def __init__(self, host: ServiceHost) -> None:
        self.host = host
        self.api = host.api_level
        self.alarms: list[_Alarm] = []
        self.batches: list[_Batch] = []
        # Android 12+ (LazyAlarmStore): alarms wait unbatched, and are batched when one of them is delivered
        self.lazy = self.api >= LAZY_BATCHING_API_LEVEL
        self.pending: list[_Alarm] = []
        self._lazy_gen = 0
        self.due: list[_Alarm] = []
        self._outstanding: dict[str, int] = {}
        self._count: dict[str, int] = {}
        self._targets: dict[str, int] = {}
        self._delivered: dict[str, list[float]] = {}  # every delivery of each app (standby buckets)
        self._while_idle: dict[tuple[str, bool], list[float]] = {}  # while-idle deliveries, by (app, compat)
        self._timers: set[tuple[float, bool]] = set()
        self._busy = False
        self._again = False
        self._woke = False
        self._notes: list[str] = []
        self._lane: dict[str, list[tuple[float, str]]] = {}
        self._latencies: list[float] = []
        self._fires: dict[str, int] = {}
        self._waits: dict[str, dict[str, int]] = {}
        self.stats = {"fires": 0, "deferred": 0, "refused": 0, "network_blocked": 0}
        self.used = False

    # -- the app's call ------------------------------------------------------------------------------------------------
    def submit(self, app: str, mechanism: Any) -> None:
        """The app will make its AlarmManager call at spec.set_at_s."""
        spec: Alarm = mechanism
        self.used = True
        h = self.host
        if spec.set_at_s < h.duration_s:
            h.call_later(max(0.0, spec.set_at_s - h.now), self._set, app, spec)

    def _target(self, app: str) -> int:
        if app not in self._targets:
            self._targets[app] = self.host.target_sdk(app)
        return self._targets[app]

    def _set(self, app: str, spec: Alarm) -> None:
        """AlarmManager.set*(): adjust what the app asked for, refuse what Android refuses, then batch it."""
        h = self.host
        t = h.now
        n = self._count[app] = self._count.get(app, 0) + 1
        a = _Alarm(app, spec, f"alarm {n}", len(self.alarms))
        who = f"{app} ({a.label}, {spec.call})"
        note = self._notes.append
        target = self._target(app)
        if spec.call in WHILE_IDLE_CALLS and self.api < WHILE_IDLE_API_LEVEL:
            a.call = "set_exact" if spec.call == "set_exact_and_allow_while_idle" else "set"
            a.while_idle = False
            note(f"{who}: allow-while-idle calls arrive in API {WHILE_IDLE_API_LEVEL} (with Doze); on API {self.api} "
                 f"it behaves as {a.call}")
        # the exact-alarm permission (android-facts §4)
        if a.call in EXACT_CALLS and self.api >= EXACT_PERMISSION_API_LEVEL and target >= EXACT_PERMISSION_API_LEVEL:
            why = self._no_exact_permission(spec.permission, target)
            if why:
                self._refuse(a, t, f"SecurityException: {spec.call} needs SCHEDULE_EXACT_ALARM or USE_EXACT_ALARM "
                                   f"on Android 12+ for apps targeting 31+: {why}")
                return
            held = ("USE_EXACT_ALARM" if spec.permission == "use_exact_alarm" else "SCHEDULE_EXACT_ALARM (" + (
                "allowed by the user" if spec.permission == "schedule_exact_alarm_granted" else
                "granted at install") + ")")
            note(f"{who}: exact alarm allowed: the app holds {held} (android-facts §4)")
        out = self._outstanding.get(app, 0)
        if self.api >= MAX_ALARMS_API_LEVEL and out >= MAX_ALARMS_PER_UID:
            self._refuse(a, t, f"IllegalStateException: the app already has {out} alarms outstanding; Android "
                               f"10+ allows {MAX_ALARMS_PER_UID} per app (MAX_ALARMS_PER_UID, android-facts §4)")
            return
        # the trigger time: at least MIN_FUTURITY after the call
        when = float(spec.at_s)
        if when < t + MIN_FUTURITY_S:
            note(f"{who}: trigger at {spec.at_s:g} s is sooner than {MIN_FUTURITY_S} s after the call at {t:g} s: "
                 f"pushed to {t + MIN_FUTURITY_S:g} s (MIN_FUTURITY, android-facts §4)")
            when = t + MIN_FUTURITY_S
        repeating = a.call in REPEATING_CALLS
        if repeating:
            interval = float(spec.every_s or 0.0)
            if self.api >= MIN_INTERVAL_API_LEVEL and interval < MIN_INTERVAL_S:
                note(f"{who}: repeat interval {interval:g} s raised to {MIN_INTERVAL_S} s (MIN_INTERVAL, "
                     "android-facts §4)")
                interval = float(MIN_INTERVAL_S)
            a.interval = interval
        # the window
        if a.call in EXACT_CALLS:
            window = 0.0
            a.standalone = True
        elif a.call == "set_window":
            window = float(spec.window_s or 0.0)
            if self.api >= MIN_WINDOW_API_LEVEL and target >= MIN_WINDOW_API_LEVEL and window < MIN_WINDOW_S:
                note(f"{who}: window {window:g} s stretched to {MIN_WINDOW_S} s (MIN_WINDOW, Android 12+ for apps "
                     "targeting 31+, android-facts §4)")
                window = float(MIN_WINDOW_S)
            a.standalone = window == 0.0
        else:
            window = self._heuristic_window(when - t, a.interval)
            base = "the repeat interval" if repeating else "the time from the call to the trigger"
            capped = (not repeating and self.api >= ONE_SHOT_WINDOW_CAP_API_LEVEL
                      and window == ONE_SHOT_WINDOW_CAP_S)
            note(f"{who}: inexact (API 19+): may fire up to {window:g} s after its trigger "
                 + (f"(75 % of {base}, android-facts §4 maxTriggerTime" if window else
                    f"(no window: {base} is under {MIN_FUZZABLE_INTERVAL_S} s, MIN_FUZZABLE_INTERVAL")
                 + (", capped at 1 h for one-shot alarms on Android 12+)" if capped else ")"))
        if a.while_idle and self.api >= WHILE_IDLE_QUOTA_API_LEVEL:
            a.compat = a.call == "set_and_allow_while_idle" or target < WHILE_IDLE_QUOTA_API_LEVEL
        a.requested = float(spec.at_s)
        a.anchor = when
        a.when = when
        a.max_when = when + window
        self.alarms.append(a)
        self._outstanding[app] = out + 1
        h.event(t, "alarm_set", app, f"{a.label}: {spec.call} ({spec.type}) for {spec.at_s:g} s"
                + (f", every {a.interval:g} s" if repeating else "") + f", window [{a.when:g}, {a.max_when:g}] s")
        if a.clock and self.api >= DEVICE_IDLE_FUZZ_API_LEVEL:
            fuzz = h.rng.uniform(MIN_DEVICE_IDLE_FUZZ_S, MAX_DEVICE_IDLE_FUZZ_S)
            if when - fuzz > t:
                h.call_later(when - fuzz - t, self._idle_exit, a, fuzz)
        self._add(a)
        if a.clock:
            self._tell_doze_next_clock()
        self._lane_update(app, t)

    def _heuristic_window(self, futurity: float, interval: float) -> float:
        """AlarmManagerService.maxTriggerTime(): 75 % of the interval or of the time to the trigger, none under 10 s,
        one-shot windows capped at 1 h on Android 12+ (android-facts §4)."""
        base = interval if interval > 0 else futurity
        if base < MIN_FUZZABLE_INTERVAL_S:
            return 0.0
        window = WINDOW_FRACTION * base
        if interval <= 0 and self.api >= ONE_SHOT_WINDOW_CAP_API_LEVEL:
            window = min(window, float(ONE_SHOT_WINDOW_CAP_S))
        return window

    def _no_exact_permission(self, permission: str, target: int) -> str:
        """Why the app may not set an exact alarm ("" if it may)."""
        if permission == "none":
            return "the app declares neither"
        if permission == "use_exact_alarm":
            if self.api >= USE_EXACT_ALARM_API_LEVEL:
                return ""
            return f"USE_EXACT_ALARM arrives in API {USE_EXACT_ALARM_API_LEVEL}; on API {self.api} the app holds none"
        if permission == "schedule_exact_alarm_granted":
            return ""
        if self.api >= EXACT_DENIED_BY_DEFAULT_API_LEVEL and target >= EXACT_DENIED_BY_DEFAULT_TARGET:
            return (f"on Android 14 SCHEDULE_EXACT_ALARM is denied by default to newly installed apps targeting "
                    f"{EXACT_DENIED_BY_DEFAULT_TARGET}+ (the user must allow it in Settings)")
        return ""

    def _refuse(self, a: _Alarm, t: float, why: str) -> None:
        self.stats["refused"] += 1
        self.host.event(t, "alarm_refused", a.app, f"{a.label}: {why}")
        self._notes.append(f"{a.app} ({a.label}, {a.spec.call}): the call failed at {t:g} s: {why}; no alarm was set")

    # -- batching ---------------------------------------------------------------------------------------------------
    def _add(self, a: _Alarm) -> None:
        """attemptCoalesceLocked: join the first batch (by start) whose window overlaps, else start a new one
        (Android 12+: LazyAlarmStore.add, batched only at delivery)."""
        if self.lazy:
            self.pending.append(a)
            self._lazy_arm()
            return
        for b in sorted(self.batches, key=lambda b: b.start):
            if b.can_hold(a):
                b.alarms.append(a)
                b.end = min(b.end, a.max_when)
                if a.when > b.start:
                    b.start = a.when
                    self._arm(b)
                return
        b = _Batch(a)
        self.batches.append(b)
        self._arm(b)

    def _arm(self, b: _Batch) -> None:
        h = self.host
        b.gen += 1
        if b.start < h.duration_s:
            h.call_later(max(0.0, b.start - h.now), self._batch_due, b, b.gen)

    def _batch_due(self, b: _Batch, gen: int) -> None:
        """A batch's time has come: it and every batch due at this instant are delivered together."""
        if gen != b.gen or b not in self.batches:
            return
        t = self.host.now
        for other in sorted(self.batches, key=lambda x: x.start):
            if other.start <= t:
                self.batches.remove(other)
                for a in other.alarms:
                    a.due = True
                    self.due.append(a)
        self._deliver()

    # -- lazy batching (Android 12+, LazyAlarmStore) -----------------------------------------------------------------
    @staticmethod
    def _next_delivery(alarms: list[_Alarm]) -> float | None:
        """LazyAlarmStore.getNextDeliveryTime / getNextWakeupDeliveryTime: walking the alarms by start, the earliest
        window end among those that start before the running minimum of ends."""
        nxt: float | None = None
        for a in sorted(alarms, key=lambda x: (x.when, x.seq)):
            if nxt is None:
                nxt = a.max_when
            elif a.when > nxt:
                break
            else:
                nxt = min(nxt, a.max_when)
        return nxt

    def _lazy_arm(self) -> None:
        """Set the two timers AlarmManagerService sets in the kernel: the wakeup one (wakeup alarms only) and the one
        that fires only while the CPU is awake anyway (every alarm)."""
        h = self.host
        self._lazy_gen += 1
        gen = self._lazy_gen
        for wake, alarms in ((True, [a for a in self.pending if a.wakeup]), (False, self.pending)):
            at = self._next_delivery(alarms)
            if at is not None and at < h.duration_s:
                h.call_later(max(0.0, at - h.now), self._lazy_due, gen, wake)

    def _lazy_due(self, gen: int, wake: bool) -> None:
        if gen != self._lazy_gen or (not wake and not self.host.awake()):
            return  # (a newer pair of timers is set; or a non-wakeup timer on a sleeping CPU: it waits for a wake)
        self._sweep()

    def _sweep(self) -> None:
        """LazyAlarmStore.removePendingAlarms: every alarm whose window has started goes out now, except that
        deliverable exact (standalone) alarms go out first and alone."""
        t = self.host.now
        started = [a for a in self.pending if a.when <= t]
        if not started:
            self._lazy_arm()
            return
        alone = [a for a in started if a.standalone]
        out = alone or started
        for a in out:
            self.pending.remove(a)
            a.due = True
            self.due.append(a)
        self._deliver()
        self._lazy_arm()

    # -- delivery ---------------------------------------------------------------------------------------------------
    def _idle(self) -> bool:
        """Whether Doze holds regular alarms now (deep idle: setIdleUntil; see LIGHT_DOZE_DEFERS_ALARMS)."""
        d = self.host.doze
        return bool(d.deep == "idle" or (LIGHT_DOZE_DEFERS_ALARMS and d.light_idle))

    def _policy(self, a: _Alarm, t: float) -> tuple[str, float | None]:
        """What holds a due alarm back now, and until when if a time says so ("" if nothing)."""
        h = self.host
        app = a.app
        exempt = h.exempt(app)
        idle = self._idle()
        if idle and not a.clock and not a.while_idle:
            return "doze", None
        if a.while_idle and not exempt:
            if self.api < WHILE_IDLE_QUOTA_API_LEVEL:
                hist = self._while_idle.get((app, False))
                gap = ALLOW_WHILE_IDLE_LONG_TIME_S if idle else ALLOW_WHILE_IDLE_SHORT_TIME_S
                if hist and t < hist[-1] + gap:
                    return "while_idle", hist[-1] + gap
            elif idle:
                if not a.compat:
                    quota, window = ALLOW_WHILE_IDLE_QUOTA, ALLOW_WHILE_IDLE_WINDOW_S
                elif self.api == WHILE_IDLE_QUOTA_API_LEVEL:
                    quota, window = ALLOW_WHILE_IDLE_COMPAT_QUOTA_API31, ALLOW_WHILE_IDLE_COMPAT_WINDOW_API31_S
                else:
                    quota, window = ALLOW_WHILE_IDLE_COMPAT_QUOTA, ALLOW_WHILE_IDLE_COMPAT_WINDOW_S
                back = _back_in_quota(self._while_idle.get((app, a.compat), []), t, quota, window)
                if back is not None:
                    return "while_idle_quota", back
        bucket = h.bucket(app)
        own_quota = a.while_idle and not a.compat and self.api >= WHILE_IDLE_BUCKET_EXEMPT_API_LEVEL
        if (bucket is not None and self.api >= BUCKET_DELAY_API_LEVEL and not a.clock and not own_quota
                and not exempt and not h.charging and h.foreground != app):
            hist = self._delivered.get(app, [])
            if self.api < ALARM_QUOTA_API_LEVEL:
                delay = APP_STANDBY_DELAYS_S.get(bucket, 0)
                if hist and t < hist[-1] + delay:
                    return "bucket", hist[-1] + delay
            else:
                b = "rare" if bucket == "restricted" and self.api < RESTRICTED_ALARM_QUOTA_API_LEVEL else bucket
                back = _back_in_quota(hist, t, ALARM_QUOTA[b], ALARM_WINDOW_S[b])
                if back is not None:
                    return "quota", back
        return "", None

    def _hold(self, a: _Alarm, why: str, until: float | None, t: float) -> None:
        if why != a.held:
            if not a.deferred:
                a.deferred = why
                self.stats["deferred"] += 1
            detail = {
                "doze": "Doze (deep idle) holds regular alarms until a maintenance window or the end of idle",
                "while_idle": "allow-while-idle spacing per app (9 min in Doze, 5 s otherwise; API 23-30)",
                "while_idle_quota": "the app's allow-while-idle quota in Doze is used up (API 31+)",
                "bucket": "the app's standby bucket delays its alarms (Android 9)",
                "quota": "the app's standby-bucket alarm quota is used up (API 29+)",
                "asleep": "a non-wakeup alarm waits for the phone to wake",
                "screen_off": "a non-wakeup alarm waits for the next wakeup alarm or the screen (API 23+)",
            }[why]
            self.host.event(t, "alarm_deferred", a.app, f"{a.label}: {why}: {detail}"
                            + (f"; until {until:g} s" if until is not None else ""))
        a.held = why
        if until is not None:
            a.retry_at = until
            self._timer(until, a.wakeup)

    def _timer(self, at: float, wake: bool) -> None:
        h = self.host
        if at >= h.duration_s or (at, wake) in self._timers:
            return
        self._timers.add((at, wake))

        def fire() -> None:
            self._timers.discard((at, wake))
            self._deliver()

        h.call_later(max(0.0, at - h.now), fire)

    def _deliver(self, woke: bool = False) -> None:
        """Deliver every due alarm that nothing holds back, wakeup alarms first (they wake the phone, and the
        non-wakeup ones due then go with them)."""
        if self._busy:
            self._again = True
            self._woke = self._woke or woke
            return
        self._busy = True
        try:
            while True:
                self._again = False
                self._deliver_once(woke)
                woke = self._woke
                self._woke = False
                if not self._again:
                    break
        finally:
            self._busy = False

    def _deliver_once(self, woke: bool) -> None:
        h = self.host
        t = h.now
        due = sorted(self.due, key=lambda a: a.seq)
        if not due:
            return
        ready: list[_Alarm] = []
        for a in due:
            if a.wakeup:
                self._try(a, t, ready)
        wakeup_delivery = bool(ready)
        if ready:
            h.wakeup_alarm("alarm")  # AlarmManager's delivery wakelock: wakes the phone if it slept
        awake = h.awake()
        for a in due:
            if a.wakeup:
                continue
            if not awake:
                self._hold(a, "asleep", None, t)
            elif (self.api >= DELAY_NONWAKEUP_WHILE_SCREEN_OFF_API_LEVEL and not h.screen_on
                  and not (wakeup_delivery or woke)):
                self._hold(a, "screen_off", None, t)
            else:
                self._try(a, t, ready)
        if ready and not wakeup_delivery:
            h.wakeup_alarm("alarm")
        ready.sort(key=lambda a: a.seq)
        apps = {a.app for a in due}
        for a in ready:
            self._fire(a, t)
        for app in sorted(apps):
            self._lane_update(app, t)

    def _try(self, a: _Alarm, t: float, ready: list[_Alarm]) -> None:
        why, until = self._policy(a, t)
        if why:
            self._hold(a, why, until, t)
            return
        # counted at once, so the next alarm of the same app sees this delivery
        self._delivered.setdefault(a.app, []).append(t)
        if a.while_idle:
            self._while_idle.setdefault((a.app, a.compat), []).append(t)
        self.due.remove(a)
        a.due = False
        ready.append(a)

    def _fire(self, a: _Alarm, t: float) -> None:
        """Deliver the alarm: the app's receiver runs its work in its process (proc state "receiver")."""
        h = self.host
        spec = a.spec
        if a.clock and h.doze.deep == "idle":
            self._leave_idle(a, t, "at the alarm clock's time")
        late = t - a.requested
        self._latencies.append(late)
        self.stats["fires"] += 1
        self._fires[a.app] = self._fires.get(a.app, 0) + 1
        if a.deferred:
            waits = self._waits.setdefault(a.app, {})
            waits[a.deferred] = waits.get(a.deferred, 0) + 1
        h.event(t, "alarm_fire", a.app, f"{a.label} ({a.call}): {late:.0f} s after the requested {a.requested:g} s"
                + (f"; held by {a.deferred}" if a.deferred else ""))
        up, down = spec.up_bytes, spec.down_bytes
        if up or down:
            why = network_blocks(h.network, True)
            if not why and not h.exempt(a.app) and not a.while_idle:
                d = h.doze
                if d.deep == "idle" or d.light_idle:
                    why = "doze"
            if why:
                self.stats["network_blocked"] += 1
                h.event(t, "alarm_network_blocked", a.app,
                        f"{a.label}: the receiver's transfer failed ({why}): "
                        + ("Doze blocks the network of apps not on its allowlist; a while-idle alarm would have "
                           "allowed it for 10 s" if why == "doze" else "no network"))
                up = down = 0
        if spec.cpu_s > 0 or up or down:
            h.start_work(a.requested, t, a.app, float(spec.cpu_s), up, down, "alarm", None, a.deferred,
                         proc_state="receiver")
        a.deferred = ""
        a.held = ""
        if a.interval > 0:
            k = int((t - a.anchor) // a.interval) + 1
            nxt = a.anchor + k * a.interval
            if nxt <= t:
                nxt += a.interval
            a.requested = nxt
            a.when = nxt
            a.max_when = nxt + self._heuristic_window(0.0, a.interval)
            self._add(a)
        else:
            a.done = True
            self._outstanding[a.app] -= 1
            if a.clock:
                self._tell_doze_next_clock()

    def _tell_doze_next_clock(self) -> None:
        """DeviceIdleController asks AlarmManager for its next wake-from-idle alarm (getNextWakeFromIdleTime) at each
        deep step, to honour MIN_TIME_TO_ALARM: keep Doze told of the next alarm clock."""
        clocks = [a.when for a in self.alarms if a.clock and not a.done]
        self.host.doze.next_wake_from_idle_s = min(clocks) if clocks else None

    def _idle_exit(self, a: _Alarm, fuzz: float) -> None:
        """A random 2-15 min before an alarm clock, Doze leaves deep idle (Android 12+, android-facts §4)."""
        if not a.done and self.host.doze.deep == "idle":
            self._leave_idle(a, self.host.now, f"{fuzz:.0f} s before the alarm clock")

    def _leave_idle(self, a: _Alarm, t: float, when: str) -> None:
        self.host.event(t, "alarm_idle_exit", a.app, f"{a.label}: Doze leaves deep idle {when} "
                        "(a wake-from-idle alarm, android-facts §1c, §4)")
        self.host.doze.wake_from_idle()

    # -- what the phone tells it ----------------------------------------------------------------------------------
    def changed(self, what: str) -> None:
        if self.lazy and self.pending and self.host.awake():
            at = self._next_delivery(self.pending)
            if what in ("wake", "doze") or (at is not None and at <= self.host.now):
                # The CPU woke for a system wakeup alarm (Doze's steps and windows, JobScheduler's timers are
                # AlarmManager alarms in Android): its delivery takes every alarm whose window has started along
                # (triggerAlarmsLocked -> removePendingAlarms); or the non-wakeup timer expired while it slept.
                self._sweep()
        if self.due:
            self._deliver(woke=what in ("wake", "doze"))

    # -- the end of the run ---------------------------------------------------------------------------------------
    def _lane_update(self, app: str, t: float) -> None:
        if any(a.app == app and a.held for a in self.due):
            value = "deferred"
        elif self._outstanding.get(app, 0) > 0:
            value = "set"
        else:
            value = "none"
        lane = self._lane.setdefault(app, [])
        if lane and lane[-1][0] == t:
            lane.pop()
        if not lane or lane[-1][1] != value:
            lane.append((t, value))

    def lanes(self, t_end: float) -> list[StateSpan]:
        out: list[StateSpan] = []
        for app in sorted(self._lane):
            points = [(t, v) for t, v in self._lane[app] if t < t_end]
            for (t0, v), nxt in zip(points, [*points[1:], (t_end, "")], strict=True):
                if v != "none" and nxt[0] > t0:
                    out.append(StateSpan("alarm", t0, nxt[0], v, app))
        return out

    def waiting(self, app: str, t_end: float) -> list[tuple[float, float]]:
        """Spans during which alarms of `app` were due but not delivered by the end of the run."""
        return [(a.requested, t_end) for a in self.due if a.app == app and a.requested < t_end]

    def summary(self, t_end: float) -> dict[str, float]:
        if not self.used:
            return {}
        lat = sorted(self._latencies)
        st = self.stats
        return {
            "alarm_fires": float(st["fires"]),
            "alarm_deferred": float(st["deferred"]),
            "alarm_refused": float(st["refused"]),
            "alarm_network_blocked": float(st["network_blocked"]),
            "alarm_pending_at_end": float(len(self.due)),
            "alarm_latency_p50_s": percentile(lat, 0.5),
            "alarm_latency_max_s": lat[-1] if lat else 0.0,
        }

    def notes(self) -> list[str]:
        if not self.used:
            return []
        out = list(self._notes)
        for app in sorted({a.app for a in self.alarms}):
            waits = self._waits.get(app, {})
            text = f"{app}: alarms fired {self._fires.get(app, 0)} times"
            if waits:
                text += (", " + str(sum(waits.values())) + " of them held back ("
                         + ", ".join(f"{k} {v}" for k, v in sorted(waits.items())) + ")")
            out.append(text)
        return out


def _back_in_quota(hist: list[float], t: float, quota: int, window: float) -> float | None:
    """When an app that delivered at the times `hist` (sorted) is back under `quota` per rolling `window`; None if
    it is under now. Old entries are dropped from `hist`."""
    while hist and hist[0] <= t - window:
        hist.pop(0)
    if len(hist) < quota:
        return None
    return hist[len(hist) - quota] + window
