"""The broadcast queue (ActivityManagerService's BroadcastQueue, Android 14's BroadcastQueueModernImpl): which
receivers each broadcast reaches by Android's rules for the API level and the target SDK, when they run, and what
they cost (a system service)."""

from __future__ import annotations

from collections import deque
from typing import Any

from sim.broadcasts.spec import (
    ACTIONS,
    ASSUMED_BATTERY_POLL_S,
    ASSUMED_LOW_BATTERY_CLOSE_BUMP_PCT,
    ASSUMED_SCHEDULE_JOB_CPU_S,
    BROADCAST_BG_TIMEOUT_S,
    BROADCAST_FG_TIMEOUT_S,
    CONNECTIVITY_LIMIT_API_LEVEL,
    DELAY_CACHED_S,
    DELAY_NORMAL_S,
    EXEMPT_ACTIONS,
    FOREGROUND_ACTIONS,
    IMPLICIT_LIMIT_API_LEVEL,
    MAX_RUNNING_PROCESS_QUEUES,
    MODERN_QUEUE_API_LEVEL,
    RUNTIME_ONLY_ACTIONS,
    Broadcast,
    Receiver,
)
from sim.jobs.spec import Job
from sim.records import StateSpan, WorkRecord
from sim.restrictions import doze_blocks_work, network_blocks
from sim.service import RunningWork, ServiceHost, Timer

__all__ = ["BroadcastQueue"]

EPS_S = 1e-9


class _Reg:
    """One receiver of one app."""

    __slots__ = ("app", "idx", "job_waiting", "label", "spec")

    def __init__(self, app: str, spec: Receiver, label: str, idx: int) -> None:
        self.app = app
        self.spec = spec
        self.label = label
        self.idx = idx
        self.job_waiting = False  # a job this receiver scheduled has not started yet


class _Sent:
    """One broadcast as sent: its action, who sent it, to whom (explicit), and its queue."""

    __slots__ = ("action", "explicit", "fg", "sender", "t")

    def __init__(self, action: str, t: float, sender: str, explicit: str | None, fg: bool) -> None:
        self.action = action
        self.t = t
        self.sender = sender  # "" for the system
        self.explicit = explicit
        self.fg = fg

    @property
    def system(self) -> bool:
        return self.action in ACTIONS

    @property
    def queue(self) -> str:
        return "foreground" if self.fg else "background"


class _Delivery:
    """A broadcast on its way to one receiver."""

    __slots__ = ("b", "cold", "done", "reg", "start", "timer", "work")

    def __init__(self, b: _Sent, reg: _Reg) -> None:
        self.b = b
        self.reg = reg
        self.start = -1.0
        self.cold = False
        self.done = False
        self.work: RunningWork | None = None
        self.timer: Timer | None = None


class BroadcastQueue:
    """The phone's broadcast queue: the broadcasts the day sends (CONNECTIVITY_ACTION when the network changes,
    ACTION_POWER_CONNECTED/DISCONNECTED, SCREEN_ON/OFF, BATTERY_LOW/OKAY), the events a sim.Broadcast names (boot,
    time, locale, packages) and the apps' own broadcasts, delivered to each app's sim.Receiver by Android's rules
    (android-facts §6):

    * manifest receivers: an implicit broadcast is not delivered to apps targeting 26+ on API 26+ unless the action is
      on the exemption list; CONNECTIVITY_ACTION not to apps targeting 24+ on API 24+; SCREEN_ON/OFF never; an
      explicit broadcast always. The app's process is started if need be (a cold start), and the receivers run one
      at a time per queue (foreground, background) up to API 33; from API 34 (BroadcastQueueModernImpl) up to 4 apps
      at once, one cold start at a time, 0.5 s after the send (DELAY_NORMAL) unless foreground.
    * runtime receivers ("runtime": while the process lives; "activity": while the app is on screen) get implicit
      broadcasts at once; from API 34 a broadcast to a cached app waits until the app leaves the cached state (the
      system's broadcasts) or 120 s (an app's, DELAY_CACHED), merged per action.
    * onReceive: a receiver reached through the serial queue that runs past 10 s (foreground queue) or 60 s
      (background queue) from its dispatch, cold start included, is stopped with an ANR; goAsync() moves the work off
      the main thread but the same timeout runs until PendingResult.finish(); "job" schedules a JobScheduler job
      with a network constraint instead, which runs by JobScheduler's rules.

    Approximations: the process of a receiver stopped by an ANR stays alive (Android kills it); an app's work that
    starts while it is cached releases its held broadcasts at that moment, as coming to the front does; the
    broadcasts of one instant are sent in the order screen, network, charger, battery, and SCREEN_ON/OFF before the
    app in front changes.
    """

    name: str = "broadcastqueue"
    kinds: tuple[str, ...] = ("receiver", "broadcast")

    def __init__(self, host: ServiceHost) -> None:
        self.host = host
        self.api = host.api_level
        self.modern = self.api >= MODERN_QUEUE_API_LEVEL
        self.regs: list[_Reg] = []
        self._by_action: dict[str, list[_Reg]] = {}
        self._used = False
        self._seen: tuple[str, bool, bool] | None = None  # (network, charging, screen) last heard
        self._low_sent = False
        self._battery_watch = False
        # the serial queues (API < 34): one receiver at a time each; the modern queue (API 34+): one pool
        self._pending: dict[str, deque[_Delivery]] = {"foreground": deque(), "background": deque()}
        self._running: dict[str, list[_Delivery]] = {"foreground": [], "background": []}
        self._cold_until = 0.0  # (modern queue) when the process started last has attached
        self._kick_timer: Timer | None = None
        self._held: dict[str, dict[str, _Delivery]] = {}  # app -> action -> delivery held while cached (API 34+)
        self._held_timers: list[Timer] = []
        self._spans: list[StateSpan] = []
        self._notes: dict[str, None] = {}
        self.stats = {"sent": 0, "delivered": 0, "not_delivered": 0, "held": 0, "merged": 0, "anrs": 0,
                      "cold_starts": 0, "jobs_scheduled": 0, "jobs_replaced": 0, "network_blocked": 0}
        self._cpu_s = 0.0

    # -- the app's side ------------------------------------------------------------------------------------------
    def submit(self, app: str, mechanism: Any) -> None:
        h = self.host
        if not self._used:
            self._used = True
            self._seen = (h.network, h.charging, h.screen_on)
            h.watch_work(self._work_started)
        if isinstance(mechanism, Receiver):
            n = sum(1 for r in self.regs if r.app == app)
            reg = _Reg(app, mechanism, "receiver" if n == 0 else f"receiver {n + 1}", len(self.regs))
            self.regs.append(reg)
            for action in mechanism.actions:
                self._by_action.setdefault(action, []).append(reg)
                if action in ("battery_low", "battery_okay") and not self._battery_watch:
                    self._battery_watch = True
                    self._low_sent = not h.charging and h.battery_pct(h.now) <= h.assumptions.low_battery_pct
                    h.call_later(ASSUMED_BATTERY_POLL_S, self._battery_poll)
            return
        spec: Broadcast = mechanism
        if spec.to is not None and spec.to not in h.apps:
            raise ValueError(f"Broadcast.to={spec.to!r}: allowed the name of one of the scenario's apps "
                             f"({', '.join(h.apps) or 'none'})")
        if spec.at_s < h.duration_s:
            h.call_later(max(0.0, float(spec.at_s) - h.now), self._send_app, app, spec)

    def _send_app(self, app: str, spec: Broadcast) -> None:
        h = self.host
        sender = "" if spec.action in ACTIONS else app
        self._send(spec.action, sender, spec.to, spec.foreground)
        if spec.every_s is not None and h.now + float(spec.every_s) < h.duration_s:
            h.call_later(float(spec.every_s), self._send_app, app, spec)

    def _note(self, text: str) -> None:
        self._notes[text] = None

    # -- the phone's side: what the day changes ------------------------------------------------------------------
    def changed(self, what: str) -> None:
        if not self._used:
            return
        h = self.host
        if what == "screen" and self._seen is not None and h.screen_on != self._seen[2]:
            # (heard before the rest of the instant's changes: the app on screen when it goes off is still in
            # front, as its activity is still started when PowerManager sends SCREEN_OFF)
            self._seen = (self._seen[0], self._seen[1], h.screen_on)
            self._send("screen_on" if h.screen_on else "screen_off", "", None, True)
        elif what == "state" and self._seen is not None:
            net, charging, _ = self._seen
            self._seen = (h.network, h.charging, h.screen_on)
            if h.network != net:
                self._send("connectivity_change", "", None, False, f"{net} -> {h.network}")
            if h.charging != charging:
                self._send("power_connected" if h.charging else "power_disconnected", "", None, False)
            fg = h.foreground
            if fg and fg in self._held:
                self._release(fg, "it came to the front")
        if self._battery_watch:
            self._battery_check()

    def _battery_poll(self) -> None:
        self._battery_check()
        h = self.host
        if h.now + ASSUMED_BATTERY_POLL_S < h.duration_s:
            h.call_later(ASSUMED_BATTERY_POLL_S, self._battery_poll)

    def _battery_check(self) -> None:
        """BatteryService: BATTERY_LOW once the level falls to the low level while unplugged, BATTERY_OKAY once it
        is back at the low level + 5 % (ASSUMED_LOW_BATTERY_CLOSE_BUMP_PCT)."""
        h = self.host
        low = h.assumptions.low_battery_pct
        level = h.battery_pct(h.now)
        if not self._low_sent and not h.charging and level <= low:
            self._low_sent = True
            self._send("battery_low", "", None, False, f"battery at {level:.1f} %")
        elif self._low_sent and level >= low + ASSUMED_LOW_BATTERY_CLOSE_BUMP_PCT:
            self._low_sent = False
            self._send("battery_okay", "", None, False, f"battery at {level:.1f} %")

    def _work_started(self, app: str, state: str, t: float) -> None:
        """Work started in an app's process (the host's watch_work): a job this app's receiver scheduled has
        started, and broadcasts held while it was cached go now."""
        if state == "service":
            for reg in self.regs:
                if reg.app == app:
                    reg.job_waiting = False
        if app in self._held:
            self._release(app, "its process left the cached state")

    # -- sending ---------------------------------------------------------------------------------------------------
    def _send(self, action: str, sender: str, explicit: str | None, fg: bool, why: str = "") -> None:
        h = self.host
        t = h.now
        b = _Sent(action, t, sender, explicit, fg or action in FOREGROUND_ACTIONS)
        self.stats["sent"] += 1
        who = sender or "the system"
        h.event(t, "broadcast_sent", sender, f"{action}: sent by {who}"
                + (f" to {explicit} (explicit)" if explicit else " (implicit)")
                + f" on the {b.queue} queue" + (f"; {why}" if why else ""))
        for reg in self._by_action.get(action, ()):
            if explicit is not None and reg.app != explicit:
                continue
            why_not = self._refused(reg, b)
            if why_not:
                self.stats["not_delivered"] += 1
                h.event(t, "broadcast_not_delivered", reg.app, f"{action}: {reg.label} ({reg.spec.registered}): "
                        + why_not)
                continue
            d = _Delivery(b, reg)
            if reg.spec.registered == "manifest":
                self._pending["foreground" if (b.fg and not self.modern) else "background"].append(d)
            else:
                self._runtime(d)
        self._kick()

    def _refused(self, reg: _Reg, b: _Sent) -> str:
        """Why the broadcast does not reach this receiver ("" if it does)."""
        h = self.host
        app = reg.app
        kind = reg.spec.registered
        action = b.action
        if kind == "manifest":
            if action in RUNTIME_ONLY_ACTIONS:
                return f"{action} reaches runtime receivers only (FLAG_RECEIVER_REGISTERED_ONLY, android-facts §6)"
            if b.explicit is not None:
                return ""
            target = h.target_sdk(app)
            if (action == "connectivity_change" and self.api >= CONNECTIVITY_LIMIT_API_LEVEL
                    and target >= CONNECTIVITY_LIMIT_API_LEVEL):
                return ("CONNECTIVITY_ACTION is not delivered to manifest receivers of apps targeting 24+ "
                        "(Android 7.0, android-facts §6)")
            if (self.api >= IMPLICIT_LIMIT_API_LEVEL and target >= IMPLICIT_LIMIT_API_LEVEL
                    and action not in EXEMPT_ACTIONS):
                return ("an implicit broadcast is not delivered to manifest receivers of apps targeting 26+ "
                        "(Android 8.0; not on the exemption list, android-facts §6)")
            return ""
        state = h.process_state(app)
        if kind == "activity":
            if h.foreground != app:
                return "registered in an activity that is not on screen (unregistered in onStop())"
            return ""
        if state == "not_running":
            return "registered at run time, and the app's process is not running"
        return ""

    # -- runtime receivers -------------------------------------------------------------------------------------------
    def _runtime(self, d: _Delivery) -> None:
        h = self.host
        app = d.reg.app
        b = d.b
        if self.modern and h.process_state(app) == "cached":
            held = self._held.setdefault(app, {})
            if b.action in held:
                self.stats["merged"] += 1
                h.event(b.t, "broadcast_merged", app, f"{b.action}: merged with the one already held")
            else:
                self.stats["held"] += 1
            held[b.action] = d
            until = "until the app leaves the cached state" if b.system else \
                f"up to {DELAY_CACHED_S:g} s (DELAY_CACHED) or until the app leaves the cached state"
            h.event(b.t, "broadcast_held", app, f"{b.action}: {d.reg.label} (runtime): held while the app is cached, "
                    f"{until} (Android 14, android-facts §6)")
            self._note(f"{app}: broadcasts to its runtime receiver were held while it was cached (Android 14, "
                       "android-facts §6)")
            if not b.system:
                self._held_timers.append(h.call_later(DELAY_CACHED_S, self._release_one, app, b.action, d))
            return
        delay = DELAY_NORMAL_S if self.modern and not b.fg else 0.0
        if delay:
            h.call_later(delay, self._dispatch, d, False)
        else:
            self._dispatch(d, False)

    def _release(self, app: str, why: str) -> None:
        held = self._held.pop(app, {})
        t = self.host.now
        for d in held.values():
            self.host.event(t, "broadcast_released", app, f"{d.b.action}: delivered now, {why} (held since "
                            f"{d.b.t:g} s)")
            if t > d.b.t:
                self._spans.append(StateSpan("broadcast", d.b.t, t, "held", app))
            self._dispatch(d, False)

    def _release_one(self, app: str, action: str, d: _Delivery) -> None:
        held = self._held.get(app)
        if not held or held.get(action) is not d:
            return
        del held[action]
        if not held:
            del self._held[app]
        t = self.host.now
        self.host.event(t, "broadcast_released", app, f"{action}: delivered after DELAY_CACHED "
                        f"({DELAY_CACHED_S:g} s)")
        self._spans.append(StateSpan("broadcast", d.b.t, t, "held", app))
        self._dispatch(d, False)

    # -- the serial queues (manifest receivers) ----------------------------------------------------------------------
    def _kick(self) -> None:
        """Start every pending manifest delivery that the queues let start now."""
        h = self.host
        t = h.now
        for q, pending in self._pending.items():
            running = self._running[q]
            cap = MAX_RUNNING_PROCESS_QUEUES if self.modern else 1
            later = None
            skipped: list[_Delivery] = []
            while pending and len(running) < cap:
                d = pending.popleft()
                if self.modern:
                    ready = d.b.t + (0.0 if d.b.fg else DELAY_NORMAL_S)
                    busy = any(r.reg.app == d.reg.app for r in running)
                    cold = h.process_state(d.reg.app) == "not_running"
                    if ready > t + EPS_S or busy or (cold and self._cold_until > t + EPS_S):
                        skipped.append(d)
                        wait = ready if ready > t + EPS_S else (self._cold_until if cold and not busy else None)
                        if wait is not None and (later is None or wait < later):
                            later = wait
                        continue
                running.append(d)
                self._dispatch(d, True)
            pending.extendleft(reversed(skipped))
            if later is not None:
                if self._kick_timer is not None:
                    self._kick_timer.cancel()
                self._kick_timer = h.call_later(max(0.0, later - t), self._kick)

    def _dispatch(self, d: _Delivery, serial: bool) -> None:
        """Run the receiver's onReceive in its app's process (started cold if need be)."""
        h = self.host
        t = h.now
        reg, b = d.reg, d.b
        spec = reg.spec
        app = reg.app
        if spec.registered != "manifest" and h.process_state(app) == "not_running":
            # (killed since the send, during the queue's debounce: a runtime receiver dies with its process)
            self.stats["not_delivered"] += 1
            h.event(t, "broadcast_not_delivered", app, f"{b.action}: {reg.label} ({spec.registered}): the app's "
                    "process was killed before delivery")
            return
        d.start = t
        d.cold = h.process_state(app) == "not_running"
        if d.cold:
            self.stats["cold_starts"] += 1
            if self.modern:
                self._cold_until = t + h.assumptions.process_cold_start_s
        self.stats["delivered"] += 1
        waited = "queue" if t > b.t + EPS_S else ""
        h.event(t, "broadcast_received", app, f"{b.action}: {reg.label} ({spec.registered}, {spec.run})"
                + (", process started cold" if d.cold else "")
                + (f", {t - b.t:.1f} s after the send" if waited else ""))
        if spec.run == "job":
            cpu, up, down = ASSUMED_SCHEDULE_JOB_CPU_S, 0, 0
        else:
            cpu, up, down = float(spec.cpu_s), spec.up_bytes, spec.down_bytes
            if up or down:
                why = network_blocks(h.network, True) or doze_blocks_work(
                    h.doze.deep == "idle", h.doze.light_idle, h.exempt(app), True)
                if why:
                    self.stats["network_blocked"] += 1
                    h.event(t, "broadcast_network_blocked", app, f"{b.action}: {reg.label}: the transfer failed ("
                            + ("no network" if why == "network" else "Doze blocks the network") + ")")
                    up = down = 0
        if cpu <= 0.0 and not up and not down:
            cpu = ASSUMED_SCHEDULE_JOB_CPU_S  # (onReceive itself: the transfer it would have made failed)
        self._cpu_s += cpu
        d.work = h.start_work(b.t, t, app, cpu, up, down, "broadcast", lambda rec: self._finished(d, serial, rec),
                              waited, proc_state="receiver")
        if serial:
            limit = BROADCAST_FG_TIMEOUT_S if b.fg else BROADCAST_BG_TIMEOUT_S
            if d.work.end_s > t + limit + EPS_S:
                d.timer = h.call_later(limit, self._timeout, d, limit)

    def _finished(self, d: _Delivery, serial: bool, rec: WorkRecord) -> None:
        if d.done:
            return
        d.done = True
        h = self.host
        t = h.now
        if d.timer is not None:
            d.timer.cancel()
        self._spans.append(StateSpan("broadcast", d.start, max(d.start, rec.end_s), "receiving", d.reg.app))
        spec = d.reg.spec
        if spec.run == "job":
            reg = d.reg
            if reg.job_waiting:
                self.stats["jobs_replaced"] += 1
                h.event(t, "broadcast_job", reg.app, f"{d.b.action}: {reg.label}: schedule() replaced the job "
                        "still waiting (same job ID)")
            else:
                reg.job_waiting = True
                self.stats["jobs_scheduled"] += 1
                network = spec.job_network if spec.needs_network else None
                h.submit(reg.app, Job(at_s=t, cpu_s=float(spec.cpu_s), up_bytes=spec.up_bytes,
                                      down_bytes=spec.down_bytes, network=network))
                h.event(t, "broadcast_job", reg.app, f"{d.b.action}: {reg.label}: scheduled a job"
                        + (f" (network {network})" if network else ""))
        if serial:
            self._done_serial(d)

    def _done_serial(self, d: _Delivery) -> None:
        for running in self._running.values():
            if d in running:
                running.remove(d)
        self._kick()

    def _timeout(self, d: _Delivery, limit: float) -> None:
        if d.done or d.work is None or not d.work.running:
            return
        d.done = True
        h = self.host
        t = h.now
        self.stats["anrs"] += 1
        spec = d.reg.spec
        how = ("PendingResult.finish() not called" if spec.run == "go_async" else "onReceive() did not return")
        queue = d.b.queue
        name = "BROADCAST_FG_TIMEOUT" if d.b.fg else "BROADCAST_BG_TIMEOUT"
        why = f"{how} within {limit:g} s of the dispatch ({name}, the {queue} queue, android-facts §6): ANR"
        rec = d.work.stop(why)
        h.event(t, "anr", d.reg.app, f"{d.b.action}: {d.reg.label}: {why}")
        self._spans.append(StateSpan("broadcast", d.start, max(d.start, rec.end_s), "anr", d.reg.app))
        self._note(f"{d.reg.app}: its {d.reg.label} ran past the {queue} queue's {limit:g} s: ANR"
                   + (" (goAsync() does not extend the timeout)" if spec.run == "go_async" else ""))
        self._done_serial(d)

    # -- the system-service interface ----------------------------------------------------------------------------
    def summary(self, t_end: float) -> dict[str, float]:
        if not self._used:  # (a run without receivers keeps the summary it always had)
            return {}
        st = self.stats
        return {
            "broadcasts_sent": float(st["sent"]),
            "broadcast_deliveries": float(st["delivered"]),
            "broadcast_not_delivered": float(st["not_delivered"]),
            "broadcast_held": float(st["held"]),
            "broadcast_merged": float(st["merged"]),
            "broadcast_cold_starts": float(st["cold_starts"]),
            "broadcast_anrs": float(st["anrs"]),
            "broadcast_cpu_s": self._cpu_s,
            "broadcast_jobs_scheduled": float(st["jobs_scheduled"]),
            "broadcast_network_blocked": float(st["network_blocked"]),
        }

    def notes(self) -> list[str]:
        if not self._used:
            return []
        out = list(self._notes)
        st = self.stats
        out.append(f"broadcasts: {st['sent']} sent, {st['delivered']} deliveries to receivers ({st['cold_starts']} "
                   f"started a process cold), {st['not_delivered']} not delivered by Android's rules, "
                   f"{st['anrs']} ANRs")
        return out

    def lanes(self, t_end: float) -> list[StateSpan]:
        out = [s._replace(end_s=min(s.end_s, t_end)) for s in self._spans if s.start_s < t_end]
        for app, held in self._held.items():
            for d in held.values():
                if d.b.t < t_end:
                    out.append(StateSpan("broadcast", d.b.t, t_end, "held", app))
        return sorted(out, key=lambda s: (s.app, s.start_s))

    def waiting(self, app: str, t_end: float) -> list[tuple[float, float]]:
        out = [(d.b.t, t_end) for d in self._held.get(app, {}).values() if d.b.t < t_end]
        for pending in self._pending.values():
            out.extend((d.b.t, t_end) for d in pending if d.reg.app == app and d.b.t < t_end)
        return out
