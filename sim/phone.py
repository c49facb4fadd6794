"""The simulated phone: runs a Scenario in simpy and returns a Result (entry point `run`).

The core keeps the clock, cancellable timers, the user's day, Doze, the radios, the CPU, the power ledger and the
apps' processes; Android's system services (JobScheduler, AlarmManager, ActiveServices) plug in through
`SYSTEM_SERVICES` and the ServiceHost interface (sim.service), and the core names none of them.
"""

from __future__ import annotations

import gc
import heapq
import random
from collections.abc import Callable, Sequence
from typing import Any

import simpy
from simpy.events import NORMAL, Timeout

from sim.alarms import AlarmManager
from sim.broadcasts import BroadcastQueue
from sim.buckets import BUCKET_API_LEVEL, RESTRICTED_BUCKET_API_LEVEL, effective_bucket
from sim.cpu import Hold, cpu_sweep
from sim.doze import DOZE_API_LEVEL, Doze
from sim.foreground import jank_sweep
from sim.jobs import JobScheduler
from sim.metrics import core_summary, percentile, work_lane
from sim.processes import KEEPS_WAKELOCKS_IN_DOZE, MAX_CACHED_PROCESSES, Processes
from sim.radio import Link, lte_model, umts_model, wifi_model
from sim.records import EnergyRow, Event, StateSpan, WorkRecord
from sim.restrictions import doze_blocks_work, network_blocks
from sim.result import Result
from sim.scenario import Scenario
from sim.service import SystemService
from sim.services import ActiveServices
from sim.standby import AUTO, AppStandby
from sim.work import Mechanism, WorkItem

__all__ = ["MAX_CALLBACKS_PER_DAY", "MAX_WORK_PER_DAY", "SYSTEM_SERVICES", "Phone", "RunTooLarge", "run"]

#: The run's budget (the model's own limit, not Android's): at most this many timer callbacks and this many pieces
#: of work per simulated day, counted from the start with an hour's worth allowed up front. A day of 500 apps,
#: each with work and a job every 15 min, needs about 200,000 callbacks and 85,000 pieces of work; a scenario far
#: past that (work every second in every app) would take minutes, so it stops early with RunTooLarge, saying what
#: made it large.
MAX_CALLBACKS_PER_DAY = 1_000_000
MAX_WORK_PER_DAY = 250_000
_BUDGET_CHECK_EVERY = 20_000


class RunTooLarge(ValueError):
    """A scenario whose run would exceed the simulator's budget; the message names what made it large."""

#: Android's system services plugged into every run, in the order they hear changes. Adding one is adding it here.
SYSTEM_SERVICES: tuple[Callable[[Any], SystemService], ...] = (JobScheduler, AlarmManager, ActiveServices,
                                                                BroadcastQueue)

_Pending = tuple[float, str, WorkItem, str, "Callable[[WorkRecord], None] | None", str]


class Phone:
    """One run of a scenario: the device's state, its Doze controller, its radios, and the records it keeps.

    Mechanisms ask it for work through `request_work` (or hand themselves to a system service through `submit`);
    Android's rules decide when that work runs. Costs are computed analytically between change points (radio
    promotion, transfer and tail; CPU time), so the only simpy events are the day's changes, Doze's alarms and the
    services' and mechanisms' own timers.
    """

    def __init__(self, scenario: Scenario, seed: int,
                 services: Sequence[Callable[[Any], SystemService]] | None = None) -> None:
        self.scenario = scenario
        self.seed = seed
        self.rng = random.Random(seed)
        self.env = simpy.Environment()
        # Every timer callback of the run goes through `schedule`, which counts them: everything the phone does
        # happens in one, so an unchanged count means nothing happened (JobScheduler._pass relies on this).
        self.callbacks_run = 0
        self._budget_check = _BUDGET_CHECK_EVERY
        self.duration_s = float(scenario.duration_s)
        dev = scenario.device
        self.api_level = dev.api_level
        self.power = dev.power
        a = scenario.assumptions
        self.assumptions = a
        self.notes: list[str] = []
        self.apps = tuple(app.name for app in scenario.apps)
        # records
        self._open: dict[tuple[str, str], tuple[float, str]] = {}
        self._spans: dict[tuple[str, str], list[StateSpan]] = {}
        self.events: list[Event] = []
        self.ledger: dict[tuple[str, str], float] = {}
        self.segments: list[tuple[float, float, float, str]] = []
        self.holds: list[Hold] = []
        self._hold_ends: list[tuple[float, int]] = []  # (-end, index in holds): the latest ends first
        self.active: list[tuple[float, float]] = []
        self.work_records: list[WorkRecord] = []
        self._work_times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in self.apps}
        self.pending: list[_Pending] = []
        self.bytes_metered = 0
        self.bytes_unmetered = 0
        self._charging_spans: list[tuple[float, float]] = []
        self._running: set[_Work] = set()
        self._running_check = 64
        self._paused: list[_Work] = []  # work frozen by deep Doze, in the order it froze
        # state
        self.screen_on = False
        self.charging = False
        self.moving = False
        self.network = "none"
        self.foreground = ""
        self._screen_since = 0.0
        self._charging_since = 0.0
        self._screen_ma = self.power.screen_on_ma + a.screen_brightness * self.power.screen_full_ma
        self._active_ma = self.power.cpu_active_ma
        self._exempt = {app.name: app.doze_exempt for app in scenario.apps}
        self.buckets: dict[str, str | None] = {}
        auto: list[str] = []
        for app in scenario.apps:
            if app.bucket == AUTO:
                if self.api_level >= BUCKET_API_LEVEL:
                    auto.append(app.name)
                    self.buckets[app.name] = "active"
                else:
                    self.buckets[app.name] = None
                    self.notes.append(f"{app.name}: standby buckets arrive in API {BUCKET_API_LEVEL}; bucket 'auto' "
                                      "has no effect")
                continue
            bucket, note = effective_bucket(app.bucket, self.api_level)
            self.buckets[app.name] = bucket
            if note:
                self.notes.append(f"{app.name}: {note}")
        self.standby = AppStandby(auto, restricted_ok=self.api_level >= RESTRICTED_BUCKET_API_LEVEL,
                                  changed=self._bucket_changed, clock=lambda: self.now, schedule=self.schedule)
        cell = lte_model(a.lte_down_mbps, a.lte_up_mbps) if dev.cellular == "lte" else umts_model(
            a.umts_down_mbps, a.umts_up_mbps
        )
        self.cell = Link(cell, self.book, on=True)
        self.wifi = Link(wifi_model(a.wifi_down_mbps, a.wifi_up_mbps), self.book, on=False)
        if dev.doze is not None and self.api_level < DOZE_API_LEVEL:
            self.notes.append(f"Doze arrives in API {DOZE_API_LEVEL}; the Doze timings given have no effect")
        self.doze = Doze(self, dev.doze_timings, self.api_level)
        self.processes = Processes(self.apps, cold_start_s=a.process_cold_start_s, max_cached=MAX_CACHED_PROCESSES,
                                   event=self.event)
        self._deferred: dict[str, list[float]] = {}
        self._work_watchers: list[Callable[[str, str, float], None]] = []
        self._awake_until = 0.0  # the latest end of a CPU hold started so far
        # battery level estimate (battery_pct): bookings read so far, those still open, and what the closed ones drew
        self._seg_i = 0
        self._open_segs: list[tuple[float, float, float]] = []
        self._drained_closed = 0.0
        self.services: list[SystemService] = [make(self) for make in
                                              (SYSTEM_SERVICES if services is None else services)]
        self._by_kind: dict[str, SystemService] = {}
        for svc in self.services:
            for kind in svc.kinds:
                if kind in self._by_kind:
                    raise ValueError(f"mechanism kind {kind!r} is taken by two system services: "
                                     f"{self._by_kind[kind].name} and {svc.name}")
                self._by_kind[kind] = svc

    # -- the host interface (Doze, mechanisms, system services) ------------------------------------------------
    @property
    def now(self) -> float:
        return float(self.env._now)  # (simpy's clock: env.now without the property call)

    def schedule(self, delay_s: float, callback: Callable[[], None]) -> _Call:
        """Call `callback` after delay_s seconds of simulated time; returns a handle whose cancel() undoes it."""
        return _Call(self, delay_s, callback, ())

    def call_later(self, delay_s: float, fn: Callable[..., None], *args: object) -> _Call:
        """Call `fn(*args)` after delay_s seconds of simulated time (`schedule` without a closure)."""
        return _Call(self, delay_s, fn, args)

    def _fire(self, event: _Call) -> None:
        if event.cancelled:
            return
        self.callbacks_run += 1
        if self.callbacks_run >= self._budget_check:
            self._check_budget()
        event.fn(*event.args)

    def _check_budget(self) -> None:
        """Stop a run that goes past its budget for the time simulated so far (see MAX_CALLBACKS_PER_DAY)."""
        self._budget_check = self.callbacks_run + _BUDGET_CHECK_EVERY
        days = max(self.now, 3600.0) / 86_400.0
        calls, work = self.callbacks_run, len(self.work_records)
        if calls <= MAX_CALLBACKS_PER_DAY * days and work <= MAX_WORK_PER_DAY * days:
            return
        by_app: dict[str, int] = {}
        for rec in self.work_records:
            by_app[rec.app] = by_app.get(rec.app, 0) + 1
        top = sorted(by_app.items(), key=lambda kv: -kv[1])[:3]
        causes = [f"app {app!r}: {n:,} pieces of work" for app, n in top]
        if self.doze.maintenance_windows > 1000:
            causes.append(f"Doze: {self.doze.maintenance_windows:,} maintenance windows (its timings are very short)")
        causes.append(f"{len(self.apps)} apps over {self.duration_s / 86_400.0:g} days")
        raise RunTooLarge(
            f"Scenario too large: {calls:,} timer callbacks and {work:,} pieces of work in the first "
            f"{self.now / 3600.0:.2f} h of the run; allowed {MAX_CALLBACKS_PER_DAY:,} callbacks and "
            f"{MAX_WORK_PER_DAY:,} pieces of work a simulated day. Most of it: {'; '.join(causes)}. "
            "Ask for work less often, fewer apps or a shorter run.")

    def submit(self, app: str, mechanism: Mechanism) -> None:
        """Hand `mechanism` to the system service that takes its kind (a sim.Job to JobScheduler)."""
        svc = self._by_kind.get(mechanism.kind)
        if svc is None:
            raise ValueError(f"{app}: no system service takes work of kind {mechanism.kind!r} "
                             f"(services: {', '.join(s.name for s in self.services) or 'none'})")
        svc.submit(app, mechanism)

    def _tell(self, what: str) -> None:
        for svc in self.services:
            svc.changed(what)

    def wakeup_alarm(self, reason: str) -> None:
        """A system wakeup alarm fires now (Doze's steps, JobScheduler's deadlines): AlarmManager's wakelock keeps
        the CPU awake for the assumed delivery time (Assumptions.alarm_hold_s)."""
        t = self.now
        self.hold(t, t + self.assumptions.alarm_hold_s, "system", reason)

    def hold(self, t0_s: float, t1_s: float, app: str, reason: str) -> None:
        """Something kept the CPU awake from t0_s to t1_s."""
        self.holds.append((t0_s, t1_s, app, reason))
        heapq.heappush(self._hold_ends, (-t1_s, len(self.holds) - 1))
        self._held_until(t1_s)

    def wakelock(self, t0_s: float, t1_s: float, app: str, reason: str) -> Callable[[float], None]:
        """The app holds a partial wakelock from t0_s to t1_s (ServiceHost); the returned function releases it
        earlier, at the time it is given (a time past t1_s changes nothing)."""
        i = len(self.holds)
        self.hold(t0_s, t1_s, app, reason)

        def release(t: float) -> None:
            a, b, who, why = self.holds[i]
            end = max(a, min(b, t))
            if end >= b:
                return
            self.holds[i] = (a, end, who, why)
            heapq.heappush(self._hold_ends, (-end, i))
            if self._awake_until == b:
                self._awake_until = self._latest_hold_end()

        return release

    def _held_until(self, t1_s: float) -> None:
        if t1_s > self._awake_until:
            now = float(self.env.now)
            woke = t1_s > now and self._awake_until <= now and not self.screen_on and not self.doze.in_maintenance
            self._awake_until = t1_s
            if woke:
                self._tell("wake")

    def _latest_hold_end(self) -> float:
        """The latest end, after now, of the holds started so far (now if none): what _awake_until is, after a cut."""
        heap, holds, now = self._hold_ends, self.holds, self.now
        while heap and (holds[heap[0][1]][1] != -heap[0][0] or -heap[0][0] <= now):
            heapq.heappop(heap)  # (cut since, or over)
        return -heap[0][0] if heap else now

    def awake(self) -> bool:
        """Whether the CPU is awake now (screen on, a Doze maintenance window, or a hold in progress)."""
        return self.screen_on or self.doze.in_maintenance or self._awake_until > float(self.env.now)

    def doze_idle(self) -> bool:
        """Whether Doze (light or deep) is idle now, outside a maintenance window."""
        return self.doze.deep == "idle" or self.doze.light_idle

    def bucket(self, app: str) -> str | None:
        """The app's standby bucket now (None on a device without buckets)."""
        return self.buckets[app]

    def exempt(self, app: str) -> bool:
        """Whether the app is on the Doze allowlist (battery optimisation off)."""
        return self._exempt[app]

    def target_sdk(self, app: str) -> int:
        """The app's target SDK (what Android gates some behaviour on)."""
        return next(spec.target_sdk for spec in self.scenario.apps if spec.name == app)

    def process_state(self, app: str) -> str:
        """The app's process state now (one of sim.processes.PROCESS_STATES)."""
        return self.processes.state_now(app, self.now)

    def watch_work(self, fn: Callable[[str, str, float], None]) -> None:
        """Call fn(app, process state, t) whenever work starts (or a process is kept) in an app's process."""
        self._work_watchers.append(fn)

    def _bucket_changed(self, app: str, bucket: str, t: float) -> None:
        """AppStandbyController moved an app whose bucket follows use."""
        self.buckets[app] = bucket
        self.record("bucket", t, "unrestricted" if self.charging else bucket, app)
        self.event(t, "bucket", app, f"standby bucket now {bucket} (AppStandbyController, from use)")
        self._tell("bucket")

    def jobs_active(self) -> bool:
        """Whether a job is running now (light Doze's PRE_IDLE waits for them)."""
        records = self.work_records
        now = self.now
        return any(w.end_s > now and w.left_s < 0 and records[w.rec_i].mechanism == "job" for w in self._running)

    def charging_spans(self) -> list[tuple[float, float]]:
        """The charging spans that have ended so far."""
        return self._charging_spans

    def battery_pct(self, t_s: float) -> float:
        """The battery's charge at t_s (now or later, from what is booked so far), in % of capacity.

        An estimate for the rules that read it (requiresBatteryNotLow): the CPU's awake time is only known at the
        end of the run, so it is left out here."""
        segs = self.segments
        for i in range(self._seg_i, len(segs)):
            t0, t1, ma, _ = segs[i]
            self._open_segs.append((t0, t1, ma))
        self._seg_i = len(segs)
        partial = 0.0
        keep: list[tuple[float, float, float]] = []
        for t0, t1, ma in self._open_segs:
            if t1 <= t_s:
                self._drained_closed += ma * (t1 - t0) / 3600.0
            else:
                keep.append((t0, t1, ma))
                if t0 < t_s:
                    partial += ma * (t_s - t0) / 3600.0
        self._open_segs = keep
        drained = self._drained_closed + partial + self.power.cpu_suspend_ma * t_s / 3600.0
        charged = sum(b - a for a, b in self._charging_spans) * self.assumptions.charge_current_ma / 3600.0
        cap = self.power.battery_capacity_mah
        level = min(cap, cap * self.scenario.device.battery_start_pct / 100.0 + charged) - drained
        return 100.0 * level / cap

    def record(self, lane: str, t_s: float, value: str, app: str = "") -> None:
        """Lane `lane` (of `app`) takes `value` from t_s on; only changes are kept."""
        key = (lane, app)
        cur = self._open.get(key)
        if cur is None:
            self._open[key] = (t_s, value)
            self._spans[key] = []
            return
        start, old = cur
        if old == value:
            return
        if t_s > start:
            self._spans[key].append(StateSpan(lane, start, t_s, old, app))
        else:
            # (the old value lasted no time: if the value before it comes back, that span goes on)
            spans = self._spans[key]
            if spans and spans[-1].value == value and spans[-1].end_s == t_s:
                t_s = spans.pop().start_s
        self._open[key] = (t_s, value)

    def event(self, t_s: float, kind: str, app: str, detail: str) -> None:
        self.events.append(Event(t_s, kind, app, detail))

    def book(self, component: str, app: str, current_ma: float, t0_s: float, t1_s: float) -> None:
        """Charge current_ma from t0_s to t1_s (clipped to the run) to `component` on behalf of `app`."""
        if t1_s > self.duration_s:
            t1_s = self.duration_s
        if t1_s <= t0_s:
            return
        key = (component, app)
        self.ledger[key] = self.ledger.get(key, 0.0) + current_ma * (t1_s - t0_s) / 3600.0
        self.segments.append((t0_s, t1_s, current_ma, component))

    def _ledger(self, component: str, app: str, mah: float) -> None:
        key = (component, app)
        self.ledger[key] = self.ledger.get(key, 0.0) + mah

    def _segment(self, t0_s: float, t1_s: float, current_ma: float, component: str) -> None:
        self.segments.append((t0_s, t1_s, current_ma, component))

    def doze_changed(self, t_s: float) -> None:
        if self.doze.deep == "idle":
            # deep idle: the CPU suspends, ignoring the wakelocks of apps not on the Doze allowlist (unless their
            # process runs a foreground service: KEEPS_WAKELOCKS_IN_DOZE); the work they
            # held up freezes where it is until the CPU wakes for a maintenance window or Doze ends (android-facts
            # §1c "Wake locks: ignored")
            for w in sorted(self._running, key=lambda w: w.rec_i):
                if (not self._exempt[w.app] and w.proc_state not in KEEPS_WAKELOCKS_IN_DOZE and w.end_s > t_s
                        and w.left_s < 0):
                    w.pause()
        elif self._paused:
            paused, self._paused = self._paused, []
            for w in paused:
                w.resume()
        self._drain()
        self._tell("doze")

    # -- work --------------------------------------------------------------------------------------------------
    def _blocked(self, app: str, item: WorkItem) -> str:
        """Why `item` cannot run now ("" if it can)."""
        net = item.up_bytes > 0 or item.down_bytes > 0
        why = network_blocks(self.network, net)
        if why:
            return why
        return doze_blocks_work(self.doze.deep == "idle", self.doze.light_idle, self._exempt[app], net)

    def request_work(
        self,
        app: str,
        item: WorkItem,
        reason: str,
        *,
        on_done: Callable[[WorkRecord], None] | None = None,
    ) -> None:
        """Run `item` for `app` now if Android allows it, else as soon as it does (a Doze maintenance window, the
        network coming back). `reason` names the mechanism; `on_done` is called when the work ends.

        The work runs in the app's process as a receiver would (the process is started cold if it is not
        running): what an app does when a message arrives or its own alarm fires."""
        t = float(self.env.now)
        why = self._blocked(app, item)
        if why:
            self.pending.append((t, app, item, reason, on_done, why))
            self.events.append(Event(t, "deferred", app, f"{reason}: {why}"))
            return
        self.start_work(t, t, app, item.cpu_s, item.up_bytes, item.down_bytes, reason, on_done, "",
                        proc_state="receiver")

    def run_work(
        self,
        app: str,
        item: WorkItem,
        mechanism: str,
        *,
        requested_s: float,
        waited_for: str,
        on_done: Callable[[WorkRecord], None] | None = None,
    ) -> _Work:
        """Run `item` now, for a mechanism that has already applied Android's rules itself;
        the record says it was asked for at requested_s and what it waited for."""
        return self.start_work(requested_s, float(self.env.now), app, item.cpu_s, item.up_bytes, item.down_bytes,
                               mechanism, on_done, waited_for)

    def keep_process(self, app: str, state: str, t: float, end_s: float) -> Callable[[float], None]:
        """Keep the app's process in `state` from t to end_s with no CPU of its own (ServiceHost); a cold start is
        booked as start_work books it. Returns a function that cuts the span at a later time."""
        cold, piece = self.processes.acquire(app, state, t)
        if cold > 0.0:
            self.active.append((t, t + cold))
            self.book("cpu.active", app, self._active_ma, t, t + cold)
        self.processes.done(app, piece, end_s)
        for fn in self._work_watchers:
            fn(app, state, t)
        return lambda t1: self.processes.done(app, piece, max(t, t1))

    def start_work(
        self,
        t_req: float,
        t: float,
        app: str,
        cpu_s: float,
        up_bytes: int,
        down_bytes: int,
        reason: str,
        on_done: Callable[[WorkRecord], None] | None,
        waited: str,
        *,
        proc_state: str = "service",
    ) -> _Work:
        """Run `cpu_s` of CPU and the transfer for `app` from t (asked for at t_req) in its process, started cold
        first if need be, recording it; the caller has applied Android's rules and checked that the amounts make a
        valid WorkItem. `on_done(record)` is called at its end, unless the work is stopped first (`_Work.stop`)."""
        cold, piece = self.processes.acquire(app, proc_state, t)
        t_net = t
        if cold > 0.0:
            t_net = t + cold
            self.active.append((t, t_net))
            self.book("cpu.active", app, self._active_ma, t, t_net)
        net = ""
        t_cpu = t_net
        if up_bytes or down_bytes:
            nbytes = up_bytes + down_bytes
            if self.network == "wifi":
                net = "wifi"
                _, t_cpu = self.wifi.transfer(t_net, up_bytes, down_bytes, app)
                self.bytes_unmetered += nbytes
            else:
                net = "cellular"
                _, t_cpu = self.cell.transfer(t_net, up_bytes, down_bytes, app)
                self.bytes_metered += nbytes
        end = t_cpu + cpu_s
        self.processes.done(app, piece, end)
        active_i = seg_i = -1
        if cpu_s > 0:
            active_i = len(self.active)
            self.active.append((t_cpu, end))
            n = len(self.segments)
            self.book("cpu.active", app, self._active_ma, t_cpu, end)
            seg_i = n if len(self.segments) > n else -1  # (none when it starts after the run's end)
        hold_i = len(self.holds)
        self.holds.append((t, end, app, reason))
        heapq.heappush(self._hold_ends, (-end, hold_i))
        self._held_until(end)
        rec_i = len(self.work_records)
        self.work_records.append(WorkRecord(app, reason, t_req, t, end, cpu_s, up_bytes, down_bytes, net, waited))
        times = self._work_times[app]
        times.append((t_req, t, end))
        w = _Work(self, app, proc_state, t, t_cpu, end, on_done, piece, active_i, seg_i, hold_i, rec_i,
                  len(times) - 1)
        self.doze.note_work(end)
        running = self._running
        running.add(w)
        if len(running) > self._running_check:  # (work without a callback leaves no timer: drop it once done)
            self._running = {r for r in running if r.end_s > t or r.left_s >= 0 or r.timer is not None}
            self._running_check = 2 * len(self._running) + 64
        if on_done is not None:
            w.timer = self.call_later(end - t, w.finish)
        if self._work_watchers:
            for fn in self._work_watchers:
                fn(app, proc_state, t)
        return w

    def _drain(self) -> None:
        if not self.pending:
            return
        t = float(self.env.now)
        keep: list[_Pending] = []
        for p in self.pending:
            t_req, app, item, reason, on_done, why = p
            if self._blocked(app, item):
                keep.append(p)
            else:
                self._deferred.setdefault(app, []).append(t - t_req)
                self.start_work(t_req, t, app, item.cpu_s, item.up_bytes, item.down_bytes, reason, on_done, why,
                                proc_state="receiver")
        self.pending = keep

    # -- the day -----------------------------------------------------------------------------------------------
    def _apply_day(self, t: float, changes: list[tuple[str, object]]) -> None:
        screen_was, charging_was, moving_was = self.screen_on, self.charging, self.moving
        for lane, value in changes:
            if lane == "network":
                self.network = str(value)
                self.record("network", t, self.network)
                self.wifi.set_on(t, self.network == "wifi")
                self.doze.network_changed()
            elif lane == "screen":
                self.screen_on = bool(value)
                self.record("screen", t, "on" if self.screen_on else "off")
                if self.screen_on:
                    self._screen_since = t
                else:
                    self._close_screen(t)
                self.standby.screen(t, self.screen_on)
                self._tell("screen")
            elif lane == "charging":
                self.charging = bool(value)
                self.record("charging", t, "plugged" if self.charging else "unplugged")
                if self.charging:
                    self._charging_since = t
                    if t > 0.0:  # plugging in wakes the phone (the power-connected interrupt)
                        self.hold(t, t + self.assumptions.alarm_hold_s, "system", "charger")
                else:
                    self._charging_spans.append((self._charging_since, t))
                for app, bucket in self.buckets.items():
                    if bucket is not None:
                        self.record("bucket", t, "unrestricted" if self.charging else bucket, app)
            elif lane == "moving":
                self.moving = bool(value)
                self.record("motion", t, "moving" if self.moving else "still")
            elif lane == "foreground":
                self.foreground = str(value)
                self.record("foreground", t, self.foreground or "none")
                self.processes.set_top(self.foreground, t)
                self.standby.front(t, self.foreground)
        if self.moving and not moving_was:
            self.doze.motion_started()
        if (self.screen_on, self.charging) != (screen_was, charging_was) or self.moving != moving_was:
            self.doze.update()
        self._drain()
        self._tell("state")

    def _close_screen(self, t: float) -> None:
        if t > self._screen_since:
            self.hold(self._screen_since, t, "system", "screen")
            self.book("screen", "system", self._screen_ma, self._screen_since, t)

    def _schedule_day(self, changes: list[tuple[float, str, object]]) -> None:
        """Apply the day's change points in order, one timer at a time."""
        by_time: dict[float, list[tuple[str, object]]] = {}
        for t, lane, value in changes:
            by_time.setdefault(t, []).append((lane, value))
        times = sorted(by_time)
        idx = 0

        def step() -> None:
            nonlocal idx
            t = times[idx]
            self._apply_day(t, by_time[t])
            idx += 1
            if idx < len(times):
                self.schedule(times[idx] - t, step)

        if times:
            self.schedule(times[0], step)

    # -- the run -----------------------------------------------------------------------------------------------
    def run(self) -> Result:
        sc = self.scenario
        T = self.duration_s
        plan = sc.day.plan(self.rng, T)
        # initial conditions at t=0, then the rest of the day as timers
        first: list[tuple[str, object]] = [
            ("network", plan.network[0][1]),
            ("charging", plan.charging[0][1]),
            ("screen", plan.screen[0][1]),
            ("foreground", plan.foreground[0][1]),
            ("moving", plan.moving[0][1]),
        ]
        self.network = str(plan.network[0][1])
        self.wifi.on = self.network == "wifi"
        for app, bucket in self.buckets.items():
            self.record("bucket", 0.0, "none" if bucket is None else bucket, app)
        self.record("network", 0.0, self.network)
        self.record("charging", 0.0, "unplugged")
        self.record("screen", 0.0, "off")
        self.record("motion", 0.0, "still")
        self.record("foreground", 0.0, "none")
        self._apply_day(0.0, first)
        self.doze.start()
        self.standby.start()
        later: list[tuple[float, str, object]] = []
        for lane, points in (
            ("network", plan.network),
            ("charging", plan.charging),
            ("screen", plan.screen),
            ("foreground", plan.foreground),
            ("moving", plan.moving),
        ):
            later.extend((t, lane, v) for t, v in points[1:])
        self._schedule_day(later)
        for spec in sc.apps:
            for mech in spec.work:
                mech.start(self, spec.name)
        self.env.run(until=T)
        return self._finish(T)

    def _finish(self, T: float) -> Result:
        sc = self.scenario
        a = self.assumptions
        p = self.power
        if self.screen_on:
            self._close_screen(T)
        if self.charging:
            self._charging_spans.append((self._charging_since, T))
        self.doze.finish(T)
        self.book("cpu.suspend", "system", p.cpu_suspend_ma, 0.0, T)
        cell_spans = self.cell.finish(T)
        wifi_spans = self.wifi.finish(T)
        cpu_spans, wakeups = cpu_sweep(
            self.holds,
            self.active,
            t_end=T,
            awake_ma=p.cpu_awake_ma,
            active_ma=p.cpu_active_ma,
            wakeup_s=a.wakeup_resume_s + a.wakeup_suspend_s,
            ledger=self._ledger,
            segment=self._segment,
        )
        self.events.extend(wakeups)
        for (lane, app), (start, value) in self._open.items():
            if start < T:
                self._spans[(lane, app)].append(StateSpan(lane, start, T, value, app))
        # per-app work lanes
        work_spans: list[StateSpan] = []
        for app, times in self._work_times.items():
            waiting = [(t0, t1) for t0, t1, _ in times if t1 > t0]
            waiting += [(t_req, T) for t_req, a_, *_ in self.pending if a_ == app]
            for svc in self.services:
                waiting += svc.waiting(app, T)
            work_spans.extend(work_lane(app, waiting, [(t1, t2) for _, t1, t2 in times], T))
        fg = [(s.start_s, s.end_s) for s in self._spans.get(("foreground", ""), ()) if s.value != "none"]
        jank = jank_sweep(fg, self.active, a.frame_model)
        order = ("screen", "charging", "network", "motion", "foreground", "doze", "doze_deep", "doze_light")
        states: list[StateSpan] = []
        for lane in order:
            states.extend(self._spans.get((lane, ""), ()))
        states.extend(cell_spans)
        states.extend(wifi_spans)
        states.extend(cpu_spans)
        for spec in sc.apps:
            states.extend(self._spans.get(("bucket", spec.name), ()))
        states.extend(self.processes.lanes(T))
        states.extend(work_spans)
        for svc in self.services:
            states.extend(svc.lanes(T))
        self.events.sort(key=lambda e: e.t_s)
        energy = tuple(EnergyRow(c, app, mah) for (c, app), mah in sorted(self.ledger.items()))
        summary = core_summary(
            t_end=T,
            capacity_mah=p.battery_capacity_mah,
            states=states,
            energy=energy,
            wakeups=wakeups,
            jank=jank,
            work=self.work_records,
            promotions=self.cell.promotions,
            bytes_metered=self.bytes_metered,
            bytes_unmetered=self.bytes_unmetered,
            pending_at_end=len(self.pending),
            maintenance_windows=self.doze.maintenance_windows,
            process_cold_starts=self.processes.cold_starts,
            process_kills=self.processes.kills,
        )
        for svc in self.services:
            summary.update(svc.summary(T))
        self._notes()
        capacity = p.battery_capacity_mah
        meta = {
            "capacity_mah": capacity,
            "start_mah": capacity * sc.device.battery_start_pct / 100.0,
            "charge_current_ma": a.charge_current_ma,
            "duration_s": T,
            "simpy_events": _events_scheduled(self.env),
        }
        return Result(
            scenario=sc,
            seed=self.seed,
            states=tuple(states),
            events=tuple(self.events),
            energy=energy,
            work=tuple(self.work_records),
            summary=summary,
            notes=tuple(self.notes),
            meta=meta,
            _segments=tuple(self.segments),
            _charging=tuple(self._charging_spans),
        )

    def _notes(self) -> None:
        for svc in self.services:
            self.notes.extend(svc.notes())
        for app in self.scenario.apps:
            delays = self._deferred.get(app.name)
            if not delays:
                continue
            n = len(self._work_times[app.name])
            delays.sort()
            self.notes.append(
                f"{app.name}: {len(delays)} of {n} runs waited (Doze ignores wakelocks and blocks network until a "
                f"maintenance window, android-facts §1c; or no network); median wait {percentile(delays, 0.5):.0f} s"
            )


class _Work:
    """Work running in an app's process (sim.service.RunningWork): ends by itself at `end_s`, or is stopped
    earlier, with the CPU time, the wakelock and the record cut at the stop. Deep Doze can freeze it (`pause`)
    until the CPU wakes again (`resume`)."""

    __slots__ = ("active_i", "app", "cpu_done_s", "end_s", "hold_i", "left_s", "on_done", "phone", "piece",
                 "proc_state", "rec_i", "seg_i", "start_s", "t_cpu", "timer", "times_i")

    def __init__(self, phone: Phone, app: str, proc_state: str, start_s: float, t_cpu: float, end_s: float,
                 on_done: Callable[[WorkRecord], None] | None, piece: list[object], active_i: int, seg_i: int,
                 hold_i: int, rec_i: int, times_i: int) -> None:
        self.phone = phone
        self.piece = piece  # (its piece of the process's work: sim.processes)
        self.app = app
        self.proc_state = proc_state
        self.start_s = start_s
        self.t_cpu = t_cpu
        self.end_s = end_s
        self.on_done = on_done
        # (where its CPU interval, energy booking, wakelock, record and work-lane times are, to cut them)
        self.active_i = active_i
        self.seg_i = seg_i
        self.hold_i = hold_i
        self.rec_i = rec_i
        self.times_i = times_i
        self.left_s = -1.0  # CPU seconds left while paused (-1: not paused)
        self.cpu_done_s = 0.0  # CPU seconds done before the last pause
        self.timer: _Call | None = None

    @property
    def running(self) -> bool:
        p = self.phone
        return self in p._running and (self.end_s > p.now or self.left_s >= 0)

    def finish(self) -> None:
        p = self.phone
        p._running.discard(self)
        self.timer = None
        if self.on_done is not None:
            self.on_done(p.work_records[self.rec_i])
        p.doze.ops_changed()

    def _cut(self, t: float) -> None:
        """Book nothing of this work after t (t <= end_s): its CPU interval, energy, wakelock and record end at t."""
        p = self.phone
        old_end = self.end_s
        if self.active_i >= 0:
            a0, _ = p.active[self.active_i]
            p.active[self.active_i] = (a0, max(a0, t))
        if self.seg_i >= 0:
            seg = p.segments[self.seg_i]
            p.segments[self.seg_i] = (seg[0], max(seg[0], t), seg[2], seg[3])
            key = ("cpu.active", self.app)
            p.ledger[key] -= seg[2] * max(0.0, min(old_end, p.duration_s) - max(t, seg[0])) / 3600.0
        h = p.holds[self.hold_i]
        p.holds[self.hold_i] = (h[0], max(h[0], t), h[2], h[3])
        heapq.heappush(p._hold_ends, (-max(h[0], t), self.hold_i))
        self.end_s = t
        rec = p.work_records[self.rec_i]
        p.work_records[self.rec_i] = rec._replace(end_s=max(rec.start_s, t))
        times = p._work_times[self.app]
        t_req, t0, _ = times[self.times_i]
        times[self.times_i] = (t_req, t0, max(t0, t))
        if p._awake_until == old_end:
            p._awake_until = p._latest_hold_end()
        p.processes.done(self.app, self.piece, max(t, self.start_s))
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def pause(self) -> None:
        """Deep Doze suspends the CPU under this work now (after a transfer already in flight)."""
        p = self.phone
        t = max(p.now, self.t_cpu)
        if t >= self.end_s or self.left_s >= 0:
            return
        self.left_s = self.end_s - t
        self.cpu_done_s += max(0.0, t - self.t_cpu)
        self._cut(t)
        p._paused.append(self)
        p.event(p.now, "work_frozen", self.app, f"deep Doze: wakelock ignored, {self.left_s:.1f} s of CPU left")

    def resume(self) -> None:
        """The CPU is awake again: the work goes on from where it froze."""
        p = self.phone
        if self.left_s < 0 or self not in p._running:
            return
        t = p.now
        cold, self.piece = p.processes.acquire(self.app, self.proc_state, t)  # (cold if it was killed meanwhile)
        left, self.left_s = self.left_s + cold, -1.0
        end = t + left
        p.processes.done(self.app, self.piece, end)
        paused_at = self.end_s
        self.t_cpu = t
        self.end_s = end
        self.active_i = len(p.active)
        p.active.append((t, end))
        n = len(p.segments)
        p.book("cpu.active", self.app, p._active_ma, t, end)
        self.seg_i = n if len(p.segments) > n else -1
        rec = p.work_records[self.rec_i]
        self.hold_i = len(p.holds)
        p.holds.append((t, end, self.app, rec.mechanism))
        heapq.heappush(p._hold_ends, (-end, self.hold_i))
        p._held_until(end)
        p.work_records[self.rec_i] = rec._replace(end_s=end)
        times = p._work_times[self.app]
        self.times_i = len(times)
        times.append((paused_at, t, end))  # (waiting while frozen, then running again)
        p.doze.note_work(end)
        if self.on_done is not None:
            self.timer = p.call_later(left, self.finish)
        p.event(t, "work_resumed", self.app, f"the CPU is awake again: {left:.1f} s of CPU to go")

    def stop(self, why: str) -> WorkRecord:
        """Stop the work now: nothing is booked for it after this instant, except that a transfer already in flight
        completes (ASSUMPTION: the app notices the stop between steps; a transfer lasts seconds at most). Its
        `on_done` is not called; the record, cut at the stop, is returned."""
        p = self.phone
        if not self.running:
            return p.work_records[self.rec_i]
        if self.left_s >= 0:  # frozen by deep Doze: it ended where it froze
            self.left_s = -1.0
            if self in p._paused:
                p._paused.remove(self)
            t = self.end_s
            done = self.cpu_done_s
        else:
            t = max(p.now, self.t_cpu)
            if t < self.end_s:
                self._cut(t)
            else:
                if self.timer is not None:
                    self.timer.cancel()
                    self.timer = None
            done = self.cpu_done_s + max(0.0, min(t, self.end_s) - self.t_cpu)
        p._running.discard(self)
        p.event(p.now, "work_stop", self.app, why)
        p.doze.ops_changed()
        rec = p.work_records[self.rec_i]
        rec = rec._replace(cpu_s=min(rec.cpu_s, done))
        p.work_records[self.rec_i] = rec
        return rec


class _Call(Timeout):
    """A simpy Timeout that calls `fn(*args)` (through Phone._fire): what Phone.schedule makes. `cancel()` makes it
    do nothing when it comes due (sim.service.Timer)."""

    def __init__(self, phone: Phone, delay_s: float, fn: Callable[..., None], args: tuple[object, ...]) -> None:
        if delay_s < 0:
            raise ValueError(f"Negative delay {delay_s}")
        env = phone.env
        # (Timeout.__init__'s fields, set here as it sets them, plus our callback)
        self.env = env
        self.callbacks = [phone._fire]
        self._value = None
        self._delay = delay_s
        self._ok = True
        self.fn = fn
        self.args = args
        self.cancelled = False
        env.schedule(self, NORMAL, delay_s)

    def cancel(self) -> None:
        self.cancelled = True


def _events_scheduled(env: simpy.Environment) -> int:
    """How many simpy events the run scheduled (simpy numbers each one; private, so read defensively)."""
    counter = getattr(env, "_eid", None)
    try:
        return int(next(counter)) if counter is not None else -1
    except TypeError:
        return -1


def run(scenario: Scenario, *, seed: int = 0) -> Result:
    """Simulate `scenario`; the same scenario and seed give the same Result, record for record.

    Raises ValueError if `scenario` is not a Scenario or `seed` is not an int, and RunTooLarge (a ValueError)
    for a scenario past the simulator's budget (MAX_CALLBACKS_PER_DAY, MAX_WORK_PER_DAY), naming what made it so.
    """
    if not isinstance(scenario, Scenario):
        raise ValueError(f"run(scenario={scenario!r}): allowed a sim.Scenario")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"run(seed={seed!r}): allowed an int")
    # A run allocates many small records and no garbage cycles worth chasing; the cyclic collector's passes over
    # a growing heap would make long runs superlinear, so it pauses for the run (and is restored after).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return Phone(scenario, seed).run()
    finally:
        if was_enabled:
            gc.enable()
